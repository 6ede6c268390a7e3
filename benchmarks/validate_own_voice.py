"""Score the strict own voice against PolNeAR (dev by default), beside the narrator voice.

The outlet's own voice in the strict sense (``"own"``: narrator text that is
not in attributed content) should hold only text that no source is said to
say. Against the expert attributions of PolNeAR, over non-space characters of
each article:

- *attributed share*: of the characters a voice calls the outlet's own, the
  share inside a gold ``Content`` span (lower is better);
- *own text kept*: of the characters outside every gold ``Content`` span and
  outside quotation marks, the share the voice keeps (higher is better).

Both for ``narrator`` (quotation marks only, what the other notebooks call
own voice) and for ``own``, as ratio estimators over articles with 95%
percentile bootstrap intervals over articles (Efron & Tibshirani 1993, ch. 13;
2,000 resamples, seed 0).

Data: Newell, Margolin and Ruths, *An Attribution Relations Corpus for
Political News*, LREC 2018 (``../shared/data/polnear``).

Usage: ``python benchmarks/validate_own_voice.py [--split dev|train|FOLDER]``: ``FOLDER``
is another split of PolNeAR, such as held-out data, laid out like ``dev``.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from _polnear import SPLIT_HELP, read_split

from sourcebias.annotate.attributed import mark_tables
from sourcebias.segment.attribution import find_attributions
from sourcebias.segment.sentences import segment_articles

N_BOOT = 2000


def _mask(length: int, starts, ends) -> np.ndarray:
    """Boolean mask of the union of ``[start, end)`` spans over ``length`` characters."""
    edges = np.zeros(length + 1, dtype=np.int64)
    np.add.at(edges, np.asarray(starts, dtype=np.int64), 1)
    np.add.at(edges, np.asarray(ends, dtype=np.int64), -1)
    return np.cumsum(edges)[:-1] > 0


def counts(articles: pd.DataFrame, gold: pd.DataFrame, voice: pd.DataFrame) -> pd.DataFrame:
    """Per article and voice: own characters, those in gold content, gold own characters kept."""
    content = dict(tuple(gold[gold["role"] == "Content"].groupby("doc_id")))
    spans = dict(tuple(voice.groupby("doc_id")))
    rows = []
    for doc_id, text in zip(articles["doc_id"], articles["text"], strict=True):
        n = len(text)
        visible = np.array([not c.isspace() for c in text], dtype=bool)
        g = content.get(doc_id)
        in_gold = _mask(n, g["start"], g["end"]) if g is not None else np.zeros(n, bool)
        v = spans[doc_id]
        narrator = v[v["voice"] == "narrator"]
        masks = {"narrator": _mask(n, narrator["start"], narrator["end"]),
                 "own": _mask(n, narrator.loc[~narrator["attributed"], "start"],
                              narrator.loc[~narrator["attributed"], "end"])}
        gold_own = visible & ~in_gold & masks["narrator"]
        for name, mask in masks.items():
            rows.append({"doc_id": doc_id, "voice": name,
                         "own": int((mask & visible).sum()),
                         "attributed": int((mask & visible & in_gold).sum()),
                         "gold_own": int(gold_own.sum()),
                         "kept": int((mask & gold_own).sum())})
    return pd.DataFrame(rows)


def ratio(num: np.ndarray, den: np.ndarray, rng: np.random.Generator) -> tuple[float, ...]:
    """``sum(num) / sum(den)`` and its percentile bootstrap interval over articles."""
    draws = rng.integers(0, len(num), size=(N_BOOT, len(num)))
    boot = num[draws].sum(axis=1) / den[draws].sum(axis=1)
    return num.sum() / den.sum(), *np.percentile(boot, [2.5, 97.5])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", help=SPLIT_HELP)
    split = parser.parse_args().split
    articles, gold = read_split(split)
    sentences, voice = segment_articles(articles)
    found = find_attributions(articles, sentences, voice)
    marked = mark_tables({"voice": voice}, found)["voice"]
    table = counts(articles, gold, marked)
    print(f"PolNeAR {split}: {len(articles)} articles; non-space characters, "
          "ratio over articles [95% article bootstrap]")
    print(f"{'':14}{'attributed share (lower)':>32}{'own text kept (higher)':>32}")
    rng = np.random.default_rng(0)
    for name in ("narrator", "own"):
        rows = table[table["voice"] == name]
        cells = []
        for num, den in (("attributed", "own"), ("kept", "gold_own")):
            value, low, high = ratio(rows[num].to_numpy(float), rows[den].to_numpy(float), rng)
            cells.append(f"{value:.3f} [{low:.3f}, {high:.3f}]")
        print(f"{name:<14}{cells[0]:>32}{cells[1]:>32}")


if __name__ == "__main__":
    main()
