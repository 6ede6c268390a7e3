"""Throughput of :func:`sourcebias.read_batch`, on a table and on a folder.

1. The AllSides articles (``../shared/data/allsides/articles.jsonl.gz`` relative
   to the project root) read as one table batch.
2. A folder of ``--files`` ``.txt`` files written to a temporary folder from the
   same articles: one sub-folder per outlet, the headline as the first line, and
   one file in twenty saved as Windows-1252 so that the legacy-decoding path runs.

Prints articles/s and MB/s (of input text) for each, by wall clock and per CPU
second, and what the reading found (exclusions, removals, duplicates).

Usage: ``python benchmarks/bench_read.py [--files N] [--limit N]``
"""

from __future__ import annotations

import argparse
import gzip
import logging
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from sourcebias.read.batch import read_batch

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "allsides" / "articles.jsonl.gz"
TABLE_OPTIONS = {"text_column": "content_original", "outlet_column": "source_url",
                 "id_column": "ID"}


def timed(label: str, n_megabytes: float, run):
    """Run ``run()`` once and print its throughput; return what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    batch = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(batch.articles) + len(batch.excluded)
    print(f"{label:<28} {n:6d} inputs {n_megabytes:7.1f} MB | {wall:6.1f} s wall "
          f"{n / wall:6.0f} articles/s {n_megabytes / wall:5.1f} MB/s | {cpu:6.1f} s CPU "
          f"{n / cpu:6.0f} articles/s {n_megabytes / cpu:5.1f} MB/s")
    print(f"{'':<28} {len(batch.problems)} problem line(s); "
          + batch.summary().splitlines()[1])
    return batch


def write_folder(rows: pd.DataFrame, folder: Path) -> float:
    """One .txt file per row under ``folder/<outlet>/``; returns the megabytes written."""
    written = 0
    for number, row in enumerate(rows.itertuples(index=False)):
        outlet = folder / row.source_url.replace("www.", "")
        outlet.mkdir(parents=True, exist_ok=True)
        text = f"{row.title}\n\n{row.content_original}"
        encoding = "cp1252" if number % 20 == 0 else "utf-8"
        raw = text.encode(encoding, errors="replace")
        (outlet / f"{row.ID}.txt").write_bytes(raw)
        written += len(raw)
    return written / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000, help="files in the folder batch")
    parser.add_argument("--limit", type=int, default=None,
                        help="read only the first N rows of the table (default: all)")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the AllSides data is needed for this benchmark")
    logging.getLogger("sourcebias.read.batch").setLevel(logging.ERROR)  # counted, not printed
    rows = pd.read_json(DATA, lines=True, dtype={"ID": "str"}, nrows=args.limit)
    read_batch(Path(__file__).resolve().parents[1] / "data" / "batches" / "seed")  # warm up
    with tempfile.TemporaryDirectory() as scratch:
        table = DATA
        if args.limit is not None:
            table = Path(scratch) / "allsides.jsonl.gz"
            with gzip.open(DATA, "rt", encoding="utf-8") as lines:
                head = [next(lines) for _ in range(len(rows))]
            table.write_bytes(gzip.compress("".join(head).encode("utf-8")))
        text_mb = rows["content_original"].str.encode("utf-8").str.len().sum() / 1e6
        timed("table (AllSides jsonl.gz)", text_mb, lambda: read_batch(table, **TABLE_OPTIONS))
        folder = Path(scratch) / "folder"
        folder_mb = write_folder(rows.head(args.files), folder)
        timed(f"folder ({args.files} .txt files)", folder_mb, lambda: read_batch(folder))


if __name__ == "__main__":
    main()
