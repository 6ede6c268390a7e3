"""Cost of the attribution stage of ``analyze`` and of the who-is-quoted statistics.

Runs :func:`sourcebias.analyze` in one process (``jobs=1``, no cache) on the
first ``--limit`` AllSides articles (``../shared/data/allsides/articles.jsonl.gz``)
and prints the CPU seconds of each stage, the ``attribution`` stage (finding
attributions, resolving their sources to actors, cutting the voice spans and
marking sentences, voice, hits and mentions) as a share of the other
annotation stages, its sentences/s, and the CPU seconds it would add to the
100,000-article benchmark (``benchmarks/run.py``, about 2.67M sentences),
scaled by sentences. Then times :func:`sourcebias.source_shares`,
:func:`sourcebias.source_terms` and :func:`sourcebias.voice_rates` on the tables.

Usage: ``python benchmarks/bench_sources.py [--limit N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import sourcebias as sb

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides" \
    / "articles.jsonl.gz"
OPTIONS = {"text_column": "content_original", "outlet_column": "source_url", "id_column": "ID"}
#: Sentences of the reference benchmark (``benchmarks/run.py``, 100,000 articles).
REFERENCE_SENTENCES = 2.67e6
ANNOTATION = ("segment", "terms+actors", "sentiment", "summary")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=5_000,
                        help="analyse only the first N articles (default 5000)")
    limit = parser.parse_args().limit
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the AllSides data is needed for this benchmark")
    with tempfile.TemporaryDirectory() as folder:
        batch = Path(folder) / "allsides.jsonl"
        pd.read_json(DATA, lines=True, nrows=limit, dtype={"ID": "str"}).to_json(
            batch, orient="records", lines=True, force_ascii=False)
        analysis = sb.analyze(batch, read_options=OPTIONS, jobs=1, cache=False)
    stages = analysis.stats.as_dict()
    n_sentences = len(analysis.sentences)
    print(f"{len(analysis.articles)} articles, {n_sentences} sentences, "
          f"{len(analysis.attributions)} content pieces")
    for name, record in stages.items():
        if record.get("cpu_seconds"):
            print(f"{name:<14} {record['cpu_seconds']:7.2f} s CPU")
    cost = stages["attribution"]["cpu_seconds"]
    rest = sum(stages[name]["cpu_seconds"] for name in ANNOTATION if name in stages)
    print(f"attribution adds {cost / rest:.1%} to the other annotation stages "
          f"({', '.join(ANNOTATION)}); {n_sentences / cost:,.0f} sentences/s; "
          f"{cost / n_sentences * REFERENCE_SENTENCES:.1f} CPU s per 100,000 articles "
          f"(2.67M sentences)")
    a = analysis
    words = sb.voice_words(a.articles, voice=a.voice, voices=("own", "narrator", "quote"))
    for label, run in (
        ("source_shares", lambda: sb.source_shares(a.attributions, a.articles)),
        ("source_terms", lambda: sb.source_terms(a.hits, attributions=a.attributions,
                                                 articles=a.articles, level="term")),
        ("voice_rates", lambda: sb.voice_rates(a.hits, articles=a.articles, words=words)),
    ):
        cpu = time.process_time()
        run()
        print(f"{label:<14} {time.process_time() - cpu:7.2f} s CPU")


if __name__ == "__main__":
    main()
