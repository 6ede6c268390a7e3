"""Throughput of story finding on the AllSides articles.

Reads ``../shared/data/allsides/articles.jsonl.gz`` (Baly et al., EMNLP 2020)
into an ``articles`` table (headline as the first paragraph, ``source_url``
as the outlet, the articles' own dates), runs
:func:`sourcebias.stats.stories.find_stories` and :func:`story_table` on it, and
prints articles/s by wall clock and per CPU second, the CPU seconds it would
add per 100,000 articles, and what was found.

Usage: ``python benchmarks/bench_stories.py [--articles N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sourcebias.stats.stories import find_stories, story_table

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides"


def load(limit: int | None) -> pd.DataFrame:
    raw = pd.read_json(DATA / "articles.jsonl.gz", lines=True, nrows=limit)
    text = raw["title"].fillna("") + "\n\n" + raw["content_original"].fillna("")
    articles = pd.DataFrame({
        "doc_id": raw["ID"].astype("str"), "outlet": raw["source_url"],
        "date": raw["date"].astype("str").where(raw["date"].notna()),
        "title": raw["title"], "text": text, "duplicate_of": None,
    })
    return articles.drop_duplicates("doc_id").reset_index(drop=True)


def _timed(name: str, n: int, run: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Run once and print its throughput."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{name}: {n:,} articles in {wall:.1f} s wall, {cpu:.1f} CPU s: "
          f"{n / wall:,.0f} articles/s wall, {n / cpu:,.0f} per CPU s; "
          f"{cpu / n * 100_000:.1f} CPU s per 100,000 articles")
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=None, help="first N articles only")
    options = parser.parse_args()
    if not (DATA / "articles.jsonl.gz").exists():
        print(f"skipped: {DATA} not found (the AllSides articles live in ../shared/data)")
        return 0
    articles = load(options.articles)
    stories = _timed("find_stories", len(articles), lambda: find_stories(articles))
    _timed("story_table", len(articles), lambda: story_table(articles, stories))
    sizes = stories["story"].value_counts()
    print(f"{len(sizes):,} stories; {int((sizes >= 2).sum()):,} of 2+ articles, largest "
          f"{int(sizes.max())}; {int((~stories['dated']).sum()):,} undated articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
