"""Build the cue lexicon of the attribution layer from PolNeAR train.

Every word form (lower-cased :data:`sourcebias.tables.WORD_PATTERN` word) of
the train articles is counted, and so are its occurrences inside a gold
``Cue`` span. A form enters the lexicon when it was annotated as a cue at
least ``--min-count`` times and in at least ``--min-precision`` of its
occurrences; function words (:data:`FUNCTION_WORDS`) never do, since they
are cues only as parts of longer ones ("talked about"), nor do adverbs in
``-ly`` ("publicly said") or forms with an apostrophe or digit. The inflections
of its verb forms that never occur in train ("criticises" beside "criticized",
"repeats" beside "repeated"; regular suffixes, -ise/-ize spellings and a small
irregular table, :func:`inflections`) enter it too, with counts 0.

The cue filter (:mod:`sourcebias.segment.cue_features`) is then learned on
the same articles: every place the lexicon finds in a sentence is a
candidate, labelled 1 when it overlaps a gold ``Cue`` span; a logistic
regression (scikit-learn, L2 penalty ``C`` = 0.5, L-BFGS) is fitted on the
indicators of the candidates' features seen at least ``--min-feature``
times: form, lemma, the two words before and the word after, the lemma joined
with each neighbour, whether the candidate or its sentence holds a quotation,
and its distances from the sentence ends. One feature family is the form's
:func:`~sourcebias.segment.cue_features.lemma_key`, so a generated form, which
has no candidate in train and so no form weight, scores with the weight its
lemma earned from the forms seen. Writes
``src/sourcebias/resources/models/attribution.json`` (same bytes on every run:
sorted keys, weights rounded to 4 decimals) with the counts of each form, the
filter and the data's citation. The thresholds were tuned on PolNeAR train and
dev with ``validate_attribution.py`` (docs/validation.md).

Data: Newell, Margolin and Ruths, *An Attribution Relations Corpus for
Political News*, LREC 2018 (PolNeAR; research data, no licence file).

Usage: ``python benchmarks/build_attribution_model.py [--min-precision P] [--min-count N]
[--threshold T] [--out PATH]``
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
from sourcebias.segment.cue_features import FAMILIES, IRREGULAR, features, lemma_key
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

#: The -ize/-ise suffix of a verb form ("criticized", "criticising").
_SPELLING = re.compile(r"i([sz])(e|es|ed|ing)$")

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


def _bases(form: str) -> set[str]:
    """Possible base forms of a word form: what its regular suffix leaves, or itself."""
    if form in IRREGULAR:
        return {IRREGULAR[form]}
    bases = set()
    for suffix, stems in (("ied", (form[:-3] + "y",)), ("ies", (form[:-3] + "y",)),
                          ("ing", (form[:-3], form[:-3] + "e", form[:-4])),
                          ("ed", (form[:-2], form[:-1], form[:-3])),
                          ("es", (form[:-2], form[:-1])), ("s", (form[:-1],))):
        if form.endswith(suffix):
            bases.update(stems)
            break
    return {b for b in bases if len(b) >= 3} or {form}


def _inflect(base: str, *, doubled: bool) -> set[str]:
    """The regular inflections of a base form (and their -ise/-ize spelling), with itself;
    with a doubled final consonant before "-ed" and "-ing" instead when ``doubled``."""
    if doubled:  # "admitted", not "admited"
        forms = {base, base + "s", base + base[-1] + "ed", base + base[-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms = {base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms = {base, base + "es", base + "ed", base + "ing"}
    elif base.endswith("e"):
        forms = {base, base + "s", base + "d",
                 (base if base.endswith("ee") else base[:-1]) + "ing"}
    else:
        forms = {base, base + "s", base + "ed", base + "ing"}
    return forms | {_SPELLING.sub(lambda m: ("s" if m[1] == "z" else "z") + m[2], f)
                    for f in forms if _SPELLING.search(f)}


def inflections(forms: list[str], total: Counter) -> dict[str, str]:
    """Forms never seen in train that inflect a cue form, each with the cue form it came from.

    A form is generated from each base of a cue form that looks like a verb
    (irregular, or ending in "-ed", "-ing" or "-s"; :func:`_bases`) that is the
    form itself or a word seen in train, by the regular suffixes
    (:func:`_inflect`) and the irregular table
    (:data:`sourcebias.segment.cue_features.IRREGULAR`) when the base is a verb
    (the form, or an inflection of the base seen in train, ends in "-ed" or "-ing",
    or the base is irregular), and kept when it has the
    same :func:`~sourcebias.segment.cue_features.lemma_key` as the cue form, was
    never seen in train, and would pass the lexicon's own form rules.
    """
    irregular: dict[str, set[str]] = {}
    for form, base in IRREGULAR.items():
        irregular.setdefault(base, {base}).add(form)
    new: dict[str, str] = {}
    for form in sorted(forms):
        if form not in IRREGULAR and not form.endswith(("ed", "ing", "s")):
            continue  # only verb forms: "texan" is no base of "texans"
        for base in sorted(_bases(form)):
            if base != form and not total[base] and base not in irregular:
                continue
            doubled = form.startswith(base + base[-1]) and base[-1] not in "aeiouy"
            made_forms = _inflect(base, doubled=doubled)
            if base in irregular:  # "made", not "maked"
                made_forms = {f for f in made_forms if not f.endswith("ed")} | irregular[base]
            if not (form.endswith(("ed", "ing")) or base in irregular or any(
                    total[f] for f in made_forms - {base} if f.endswith(("ed", "ing")))):
                continue  # no verb: "accusations" gives no "accusationed"
            for made in sorted(made_forms):
                if (made not in new and not total[made] and _lexical(made)
                        and lemma_key(made) == lemma_key(form)):
                    new[made] = form
    return new


def _lexical(form: str) -> bool:
    """Whether a word form may be a cue form (no function word, -ly adverb, digit, mark)."""
    return form not in FUNCTION_WORDS and form.isalpha() and not form.endswith("ly")


def candidate_table(articles: pd.DataFrame, gold: pd.DataFrame, forms: list[str]
                    ) -> tuple[pd.DataFrame, np.ndarray]:
    """Features (``family=value`` strings) and labels of every cue candidate of ``articles``."""
    corpus, doc_start, layout = corpus_layout(articles, *segment_articles(articles))
    cues, sentence = rules.candidates(corpus, layout, CueModel.from_forms(forms).finder)
    values = features(corpus, cues, layout.sent_start[sentence], layout.sent_end[sentence],
                      rules.quoted(cues[:, 0], layout), rules.quote_in_sentence(sentence, layout))
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
    parser.add_argument("--min-precision", type=float, default=0.1)
    parser.add_argument("--min-count", type=int, default=1)
    parser.add_argument("--min-feature", type=int, default=2)
    parser.add_argument("--c", type=float, default=0.5)
    parser.add_argument("--threshold", type=float, default=0.325)
    parser.add_argument("--out", type=Path, default=OUT,
                        help="where to write the model (default: the package's model file)")
    args = parser.parse_args()
    articles, gold = read_split("train")
    total, as_cue = count_forms(articles, gold)
    cues = sorted(
        [form, as_cue[form], total[form]] for form in as_cue
        if as_cue[form] >= args.min_count and as_cue[form] >= args.min_precision * total[form]
        and form not in FUNCTION_WORDS and form.isalpha() and not form.endswith("ly")
    )
    generated = inflections([c[0] for c in cues], total)
    cues = sorted(cues + [[form, 0, 0] for form in generated])
    table, label = candidate_table(articles, gold, [c[0] for c in cues])
    weights, bias = fit_filter(table, label, args.min_feature, args.c)
    model = {
        "description": "Cue word forms of the attribution layer (sourcebias.segment.attribution): "
                       "form, times annotated as (part of) a cue, occurrences, in PolNeAR train "
                       "(0, 0 for inflections of cue forms never seen in train); "
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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
    n_weights = sum(map(len, weights.values()))
    print(f"{len(cues)} cue forms ({len(generated)} inflections never seen in train), "
          f"{n_weights} filter weights ({len(label)} candidates, {label.mean():.2f} cues) "
          f"written to {args.out}")


if __name__ == "__main__":
    main()
