"""Build the cue lexicon of the attribution layer from PolNeAR train.

Every word form (lower-cased :data:`sourcebias.tables.WORD_PATTERN` word) of
the train articles is counted, and so are its occurrences inside a gold
``Cue`` span. A form enters the lexicon when it was annotated as a cue at
least ``--min-count`` times and in at least ``--min-precision`` of its
occurrences; function words (:data:`FUNCTION_WORDS`) never do, since they
are cues only as parts of longer ones ("talked about"), nor do adverbs in
``-ly`` ("publicly said") or forms with an apostrophe or digit.

The cue filter (:mod:`sourcebias.segment.cue_features`) is then learned on
the same articles: every place the lexicon finds in a sentence is a
candidate, labelled 1 when it overlaps a gold ``Cue`` span; a logistic
regression (scikit-learn, L2 penalty ``C``, L-BFGS) is fitted on the
indicators of the candidates' features seen at least ``--min-feature``
times. Writes ``src/sourcebias/resources/models/attribution.json`` (same bytes
on every run: sorted keys, weights rounded to 4 decimals) with the counts of
each form, the filter and the data's citation. The thresholds were tuned on
PolNeAR dev with ``validate_attribution.py``.

Data: Newell, Margolin and Ruths, *An Attribution Relations Corpus for
Political News*, LREC 2018 (PolNeAR; research data, no licence file).

Usage: ``python benchmarks/build_attribution_model.py [--min-precision P] [--min-count N]
[--threshold T]``
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from _polnear import read_split
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from sourcebias.segment import cues as rules
from sourcebias.segment.attribution import CueModel, corpus_layout
from sourcebias.segment.cue_features import FAMILIES, features
from sourcebias.segment.sentences import segment_articles
from sourcebias.tables import WORD_PATTERN

OUT = (Path(__file__).resolve().parents[1] / "src" / "sourcebias" / "resources" / "models"
       / "attribution.json")

#: Words that are parts of cues but never cues alone.
FUNCTION_WORDS = frozenset("""
    a about after against an and as at be been being but by did do does for from had has have
    he her his i in into is it its not of on or out over she that the their them they this
    to up was we were what which who will with would you also more no so than then there
""".split())

CITATION = ("Newell, Edward, Drew Margolin and Derek Ruths. An Attribution Relations Corpus "
            "for Political News. Proceedings of LREC 2018. PolNeAR train split (840 articles); "
            "research data, no licence file.")


def count_forms(articles, gold) -> tuple[Counter, Counter]:
    """Occurrences of each lower-cased word form, and those inside a gold cue span."""
    cue_spans = gold[gold["role"] == "Cue"]
    total, as_cue = Counter(), Counter()
    word = re.compile(WORD_PATTERN)
    for doc_id, text in zip(articles["doc_id"], articles["text"], strict=True):
        spans = cue_spans[cue_spans["doc_id"] == doc_id]
        inside = np.zeros(len(text) + 1, dtype=np.int64)
        np.add.at(inside, spans["start"].to_numpy(), 1)
        np.add.at(inside, spans["end"].to_numpy(), -1)
        covered = np.cumsum(inside) > 0
        for m in word.finditer(text):
            form = m.group().lower()
            total[form] += 1
            as_cue[form] += bool(covered[m.start()])
    return total, as_cue


def candidate_table(articles: pd.DataFrame, gold: pd.DataFrame, forms: list[str]
                    ) -> tuple[pd.DataFrame, np.ndarray]:
    """Features (``family=value`` strings) and labels of every cue candidate of ``articles``."""
    corpus, doc_start, layout = corpus_layout(articles, *segment_articles(articles))
    cues, sentence = rules.candidates(corpus, layout, CueModel.from_forms(forms).finder)
    values = features(corpus, cues, layout.sent_start[sentence], layout.sent_end[sentence],
                      rules.quoted(cues[:, 0], layout))
    table = pd.DataFrame({family: [f"{family}={v}" for v in values[family]]
                          for family in FAMILIES})
    spans = gold[gold["role"] == "Cue"]
    doc = pd.Index(articles["doc_id"]).get_indexer(spans["doc_id"])
    edges = np.zeros(len(corpus) + 1, dtype=np.int64)
    np.add.at(edges, spans["start"].to_numpy() + doc_start[doc], 1)
    np.add.at(edges, spans["end"].to_numpy() + doc_start[doc], -1)
    inside = np.concatenate([[0], np.cumsum(np.cumsum(edges) > 0)])
    label = (inside[cues[:, 1]] - inside[cues[:, 0]]) > 0
    return table, label


def fit_filter(table: pd.DataFrame, label: np.ndarray, min_feature: int, c: float
               ) -> tuple[dict[str, dict[str, float]], float]:
    """Weights (per family and value, rounded to 4 decimals) and bias of the cue filter."""
    counts = Counter(v for family in FAMILIES for v in table[family])
    rows = [{v: 1 for v in row if counts[v] >= min_feature}
            for row in table[list(FAMILIES)].itertuples(index=False)]
    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=c, max_iter=5000).fit(x, label)
    weights: dict[str, dict[str, float]] = {family: {} for family in FAMILIES}
    for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True):
        family, _, value = name.partition("=")
        if round(float(w), 4) != 0:
            weights[family][value] = round(float(w), 4)
    return weights, round(float(model.intercept_[0]), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-precision", type=float, default=0.15)
    parser.add_argument("--min-count", type=int, default=1)
    parser.add_argument("--min-feature", type=int, default=3)
    parser.add_argument("--c", type=float, default=1.0)
    parser.add_argument("--threshold", type=float, default=0.3)
    args = parser.parse_args()
    articles, gold = read_split("train")
    total, as_cue = count_forms(articles, gold)
    cues = sorted(
        [form, as_cue[form], total[form]] for form in as_cue
        if as_cue[form] >= args.min_count and as_cue[form] >= args.min_precision * total[form]
        and form not in FUNCTION_WORDS and form.isalpha() and not form.endswith("ly")
    )
    table, label = candidate_table(articles, gold, [c[0] for c in cues])
    weights, bias = fit_filter(table, label, args.min_feature, args.c)
    model = {
        "description": "Cue word forms of the attribution layer (sourcebias.segment.attribution): "
                       "form, times annotated as (part of) a cue, occurrences, in PolNeAR train; "
                       "and the logistic-regression cue filter (sourcebias.segment.cue_features).",
        "data": CITATION,
        "built_by": "benchmarks/build_attribution_model.py",
        "min_precision": args.min_precision,
        "min_count": args.min_count,
        "cues": cues,
        "filter": {
            "candidates": len(label), "cues": int(label.sum()), "c": args.c,
            "min_feature": args.min_feature, "threshold": args.threshold, "bias": bias,
            "weights": weights,
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                   encoding="utf-8")
    n_weights = sum(map(len, weights.values()))
    print(f"{len(cues)} cue forms, {n_weights} filter weights ({len(label)} candidates, "
          f"{label.mean():.2f} cues) written to {OUT}")


if __name__ == "__main__":
    main()
