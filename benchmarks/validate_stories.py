"""Validate story finding against BASIL's answer key (adjusted Rand index).

Reads ``../shared/data/basil-dev/batch`` with :func:`sourcebias.read_batch`
(text, title and date only: the manifest's ``story`` column is dropped before
the stories are found) and scores :func:`sourcebias.stats.stories.find_stories`
against ``stories.csv`` with scikit-learn's ``adjusted_rand_score`` (Hubert &
Arabie 1985). The defaults were chosen on the tuning half (stories at even
positions of the sorted story ids); the other half is held out. Each is also
scored with the dates removed, where only the text can tell the stories apart.

Usage: ``python benchmarks/validate_stories.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import adjusted_rand_score

import sourcebias as sb
from sourcebias.stats.stories import find_stories

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "basil-dev"
GOAL = 0.95


def main() -> int:
    if not (DATA / "stories.csv").exists():
        print(f"skipped: {DATA} not found (the BASIL dev set lives in ../shared/data)")
        return 0
    articles = sb.read_batch(DATA / "batch").articles.drop(columns="story")
    key = pd.read_csv(DATA / "stories.csv").set_index("doc_id")["story"]
    truth = key.reindex(articles["doc_id"]).to_numpy()
    ids = sorted(key.unique())
    halves = {"all": set(ids), "tuning half": set(ids[::2]), "held-out half": set(ids[1::2])}
    print(f"BASIL dev: {len(articles)} articles, {len(ids)} stories "
          f"(Fan et al., EMNLP 2019); goal ARI >= {GOAL}")
    print(f"{'subset':<15}{'articles':>9}{'stories':>9}{'found':>7}{'ARI':>8}"
          f"{'ARI, no dates':>15}")
    worst = 1.0
    for name, chosen in halves.items():
        keep = pd.Series(truth).isin(chosen).to_numpy()
        subset = articles[keep]
        found = find_stories(subset)
        undated = find_stories(subset.assign(date=None))
        ari = adjusted_rand_score(truth[keep], found["story"])
        ari_text = adjusted_rand_score(truth[keep], undated["story"])
        worst = min(worst, ari)
        print(f"{name:<15}{keep.sum():>9}{len(chosen):>9}{found['story'].nunique():>7}"
              f"{ari:>8.3f}{ari_text:>15.3f}")
    print("goal met" if worst >= GOAL else "below goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
