"""Throughput of :func:`sourcebias.annotate.targets.score_targets`.

Two sets of mentions, scored as the pipeline scores them (the sentence's VADER
compound given, as the ``sentiment`` table holds it; the model loaded before
timing):

* ``allsides``: the first ``--articles`` AllSides articles (Baly et al., EMNLP
  2020; ``../shared/data/allsides``), split into sentences by
  :func:`sourcebias.segment_articles`, with every mention of a list of US
  politicians' surnames and of the institutions and groups around them
  (:data:`NAMES`, as a lexicon pack's actors name them) as a target; about
  two mentions share a sentence, as with the actors of the seed batch (184
  mentions in 79 sentences);
* ``newsmtsc``: the NewsMTSC training targets (Hamborg and Donnay, EACL 2021),
  about one per sentence.

For each it prints mentions, distinct sentences, CPU seconds and CPU
microseconds per mention of ``score_targets``, and of the reference
definition of the features (:func:`sourcebias.annotate.targets.reference_words`
and :func:`sourcebias.annotate.targets._reference_vectors`, one target at a
time), and checks that the two give the same probabilities
(to 1e-12: the sums of the vector part run in another order).

Usage: ``python benchmarks/bench_targets.py [--articles N]``
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from newsmtsc import DATA, read_targets

from sourcebias.annotate.targets import (
    _reference_vectors,
    predict_proba,
    reference_words,
    score_targets,
    sentence_compound,
)
from sourcebias.segment.sentences import segment_articles

ALLSIDES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides"
#: Actors as a lexicon pack names them: people, and the institutions and groups around them.
NAMES = re.compile(r"\b(?:Trump|Obama|Clinton|Biden|Sanders|Pelosi|McConnell|Romney|Putin|Cruz|"
                   r"Ryan|Schumer|Warren|Comey|Mueller|Kavanaugh|Bush|Pence|Harris|Kim|"
                   r"(?:the )?(?:White House|administration|government|Congress|Senate|"
                   r"Democrats|Republicans|GOP|FBI|police|Pentagon|Kremlin|Supreme Court|"
                   r"president|officials|lawmakers|voters|protesters))\b")


def allsides_mentions(n_articles: int) -> pd.DataFrame:
    """Every surname of :data:`NAMES` in the sentences of the first AllSides articles."""
    raw = pd.read_json(ALLSIDES / "articles.jsonl.gz", lines=True, nrows=n_articles,
                       dtype={"ID": "str"})
    body = raw["content_original"].fillna("").str.replace(r"\s*\n\s*", "\n\n", regex=True)
    articles = pd.DataFrame({"doc_id": raw["ID"], "title": None, "text": body.str.strip()})
    sentences = segment_articles(articles)[0]
    rows = [(text, m.start(), m.end()) for text in sentences["text"]
            for m in NAMES.finditer(text)]
    return pd.DataFrame(rows, columns=["text", "start", "end"])


def measure(label: str, mentions: pd.DataFrame) -> None:
    """Time score_targets and the reference features on ``mentions``; check they agree."""
    mentions = mentions.assign(compound=sentence_compound(mentions["text"].tolist()))
    cpu = time.process_time()
    scored = score_targets(mentions)
    fast = time.process_time() - cpu
    cpu = time.process_time()
    args = (mentions["text"], mentions["start"].tolist(), mentions["end"].tolist())
    reference = predict_proba(reference_words(*args),
                              np.array(list(map(_reference_vectors, *args))),
                              mentions["compound"].to_numpy())
    slow = time.process_time() - cpu
    same = np.allclose(scored[["p_negative", "p_neutral", "p_positive"]].to_numpy(), reference,
                       rtol=0, atol=1e-12)
    n, distinct = len(mentions), mentions["text"].nunique()
    print(f"{label:9} {n:9,} mentions {distinct:9,} sentences  score_targets {fast:7.2f} CPU s "
          f"({fast / n * 1e6:5.1f} µs/mention)  reference {slow:7.2f} CPU s "
          f"({slow / n * 1e6:5.1f} µs/mention)  same probabilities: {same}")
    if not same:
        raise SystemExit("score_targets differs from the reference definition")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000, help="AllSides articles to read")
    n_articles = parser.parse_args().articles
    score_targets(pd.DataFrame({"text": ["Ana won."], "start": [0], "end": [3]}))
    if (ALLSIDES / "articles.jsonl.gz").is_file():
        measure("allsides", allsides_mentions(n_articles))
    else:
        print(f"AllSides not found at {ALLSIDES}: skipped", file=sys.stderr)
    if DATA.is_dir():
        measure("newsmtsc", read_targets("train")[["text", "start", "end"]])
    else:
        print(f"NewsMTSC not found at {DATA}: skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
