"""Speed of :mod:`sourcebias.stats` on the AllSides articles, outlets by ``source_url``.

Reads ``../shared/data/allsides/articles.jsonl.gz`` (relative to the project
root) with :func:`sourcebias.read_batch` and segments it (both timed as
set-up), then times

1. ``term_counts`` (narrator text, unigrams, every outlet; and with bigrams),
2. ``keyness`` of www.foxnews.com against all other outlets, for each measure,
3. ``keyness_pairwise`` of www.foxnews.com against each other outlet,
4. ``outlet_similarity`` over every outlet,
5. ``near_duplicates`` over every article (threshold 0.8),
6. ``attribution`` on the outlets with at least ``--min-articles`` articles,

printing wall and CPU seconds of each and a sanity result: Fox News' most
distinctive narrator words, the most similar outlets, the near duplicates found
and the attribution summary.

Usage: ``python benchmarks/bench_compare.py [--limit N] [--min-articles N]``
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from sourcebias.read.batch import read_batch
from sourcebias.segment.sentences import segment_articles
from sourcebias.stats.classify import classify_outlets
from sourcebias.stats.counts import term_counts
from sourcebias.stats.keyness import MEASURES, keyness, keyness_pairwise
from sourcebias.stats.similarity import near_duplicates, outlet_similarity

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "allsides" / "articles.jsonl.gz"
TABLE_OPTIONS = {"text_column": "content_original", "outlet_column": "source_url",
                 "id_column": "ID"}
TARGET = "www.foxnews.com"


def timed(label: str, step):
    """Run ``step()`` once, print its wall and CPU seconds and return its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    size = f"{len(result):>10,} rows" if isinstance(result, pd.DataFrame) else ""
    print(f"{label:<40} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {size}", flush=True)
    return result


def read_articles(limit: int | None, folder: Path) -> pd.DataFrame:
    """The AllSides batch (its first ``limit`` lines when given) as an articles table."""
    path = DATA
    if limit:
        path = folder / "allsides.jsonl"
        with gzip.open(DATA, "rt", encoding="utf-8") as source:
            path.write_text("".join(line for _, line in zip(range(limit), source, strict=False)),
                            encoding="utf-8")
    return read_batch(path, **TABLE_OPTIONS).articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="read only the first N articles")
    parser.add_argument("--min-articles", type=int, default=100,
                        help="attribution uses the outlets with at least this many articles")
    options = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the AllSides data is needed for this benchmark")
    pd.set_option("display.width", 120)

    with tempfile.TemporaryDirectory() as folder:
        articles = timed("set-up: read_batch", lambda: read_articles(options.limit, Path(folder)))
    sentences, voice = timed("set-up: segment", lambda: segment_articles(articles))
    kept = articles[articles["duplicate_of"].isna()]
    print(f"{len(articles):,} articles ({len(kept):,} not duplicates), "
          f"{articles['outlet'].nunique()} outlets, "
          f"{articles['text'].str.len().sum() / 1e6:.0f} M characters\n")

    tables = {"sentences": sentences, "voice": voice}
    counts = timed("term_counts (unigrams)", lambda: term_counts(articles, **tables))
    timed("term_counts (unigrams + bigrams)",
          lambda: term_counts(articles, **tables, ngram_range=(1, 2)))
    results = {
        measure: timed(f"keyness {measure}, {TARGET} vs rest",
                       lambda measure=measure: keyness(counts, target=TARGET, measure=measure))
        for measure in MEASURES
    }
    pairwise = timed(f"keyness_pairwise lr, {TARGET}",
                     lambda: keyness_pairwise(counts, target=TARGET, measure="lr"))
    similarity = timed("outlet_similarity",
                       lambda: outlet_similarity(articles, **tables))
    duplicates = timed("near_duplicates (threshold 0.8)",
                       lambda: near_duplicates(articles, threshold=0.8))
    sizes = kept["outlet"].value_counts()
    large = articles[articles["outlet"].isin(sizes[sizes >= options.min_articles].index)]
    attributed = timed(f"attribution ({len(large):,} articles)",
                       lambda: classify_outlets(large, **tables))

    columns = ["term", "statistic", "n_target", "n_reference", "log_ratio"]
    for measure in ("logodds", "lr"):
        print(f"\n{TARGET} vs rest, {results[measure]['measure'].iloc[0]}; "
              f"correction: {results[measure]['correction'].iloc[0]}")
        print(results[measure][columns].head(15).to_string(index=False))
    print(f"\nkeyness_pairwise: {pairwise['reference'].nunique()} comparisons")
    pairs = similarity[similarity["outlet_a"] < similarity["outlet_b"]]
    print("\nmost similar outlets (narrator TF-IDF cosine):")
    print(pairs.nlargest(5, "cosine").to_string(index=False))
    print(f"\nnear duplicates: {len(duplicates)} pairs, {int(duplicates['declared'].sum())} "
          f"declared by read_batch, {int((duplicates['outlet_a'] != duplicates['outlet_b']).sum())}"
          " across outlets")
    print(f"\nattribution: {attributed.message}")
    if attributed.fitted:
        top = attributed.top_terms
        print(f"top terms for {TARGET}: "
              f"{', '.join(top[top['class'] == TARGET]['term'].head(10))}")


if __name__ == "__main__":
    main()
