"""Throughput of :func:`sourcebias.annotate.targets.score_targets`.

Scores the NewsMTSC training targets (Hamborg and Donnay, EACL 2021), repeated
to ``--n`` mentions, as the pipeline would: with the sentence's VADER compound
given (the ``sentiment`` table holds it) and, separately, the feature
extraction alone. Prints mentions per second and the CPU seconds per million
mentions (about the number of actor mentions in the 100,000-article
benchmark). The model is loaded once before timing.

Usage: ``python benchmarks/bench_targets.py [--n N]``
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd
from newsmtsc import DATA, read_targets

from sourcebias.annotate.targets import score_targets, sentence_compound, target_features


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="mentions to score")
    n = parser.parse_args().n
    if not DATA.is_dir():
        print(f"NewsMTSC not found at {DATA}: skipped", file=sys.stderr)
        return 0
    train = read_targets("train")
    train["compound"] = sentence_compound(train["text"].tolist())
    mentions = pd.concat([train] * (n // len(train) + 1), ignore_index=True).head(n)
    mentions = mentions[["text", "start", "end", "compound"]]
    score_targets(mentions.head(10))
    for label, run in [
        ("features only", lambda: target_features(mentions["text"].tolist(),
                                                  mentions["start"].to_numpy(),
                                                  mentions["end"].to_numpy())),
        ("score_targets (compound given)", lambda: score_targets(mentions)),
    ]:
        cpu, wall = time.process_time(), time.perf_counter()
        run()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{label:32} {n:,} mentions: {wall:.2f} s wall, {cpu:.2f} s CPU, "
              f"{n / wall:,.0f} mentions/s, {cpu / n * 1e6:.1f} CPU s per 1M mentions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
