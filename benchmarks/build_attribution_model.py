"""Build the cue lexicon of the attribution layer from PolNeAR train.

Every word form (lower-cased :data:`sourcebias.tables.WORD_PATTERN` word) of
the train articles is counted, and so are its occurrences inside a gold
``Cue`` span. A form enters the lexicon when it was annotated as a cue at
least ``--min-count`` times and in at least ``--min-precision`` of its
occurrences; function words (:data:`FUNCTION_WORDS`) never do, since they
are cues only as parts of longer ones ("talked about"), nor do adverbs in
``-ly`` ("publicly said") or forms with an apostrophe or digit. Writes
``src/sourcebias/resources/models/attribution.json`` (same bytes on every run)
with the counts of each form and the data's citation. The thresholds were
tuned on PolNeAR dev with ``validate_attribution.py``.

Data: Newell, Margolin and Ruths, *An Attribution Relations Corpus for
Political News*, LREC 2018 (PolNeAR; research data, no licence file).

Usage: ``python benchmarks/build_attribution_model.py [--min-precision P] [--min-count N]``
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
from _polnear import read_split

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-precision", type=float, default=0.25)
    parser.add_argument("--min-count", type=int, default=3)
    args = parser.parse_args()
    articles, gold = read_split("train")
    total, as_cue = count_forms(articles, gold)
    cues = sorted(
        [form, as_cue[form], total[form]] for form in as_cue
        if as_cue[form] >= args.min_count and as_cue[form] >= args.min_precision * total[form]
        and form not in FUNCTION_WORDS and form.isalpha() and not form.endswith("ly")
    )
    model = {
        "description": "Cue word forms of the attribution layer (sourcebias.segment.attribution): "
                       "form, times annotated as (part of) a cue, occurrences, in PolNeAR train.",
        "data": CITATION,
        "built_by": "benchmarks/build_attribution_model.py",
        "min_precision": args.min_precision,
        "min_count": args.min_count,
        "cues": cues,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(cues)} cue forms written to {OUT}")


if __name__ == "__main__":
    main()
