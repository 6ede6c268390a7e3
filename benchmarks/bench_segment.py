"""Throughput of :func:`sourcebias.segment_articles` on the AllSides articles.

Reads ``../shared/data/allsides/articles.jsonl.gz`` (relative to the project
root), builds an ``articles`` table the way a batch is cleaned (headline as the
first paragraph, paragraphs separated by one blank line) and prints articles/s
and MB/s for the sentence pass, the voice pass and the whole of ``segment``.

Usage: ``python benchmarks/bench_segment.py [--limit N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from sourcebias.config import DEFAULT_SEGMENT_RULES
from sourcebias.segment.quotes import find_marks, quote_spans, words_before
from sourcebias.segment.sentences import (
    _join,
    _layout,
    _load_rules,
    _word_counts,
    segment_articles,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "allsides" / "articles.jsonl.gz"


def load_articles(path: Path, *, limit: int | None) -> pd.DataFrame:
    """AllSides rows as an ``articles`` table (``doc_id``, ``title``, ``text``)."""
    raw = pd.read_json(path, lines=True, nrows=limit, dtype={"ID": "str"})
    body = raw["content_original"].fillna("").str.replace(r"\s*\n\s*", "\n\n", regex=True)
    title = raw["title"].str.strip().where(raw["title"].str.strip() != "")
    text = (title + "\n\n" + body.str.strip()).fillna(body.str.strip())
    return pd.DataFrame({"doc_id": raw["ID"], "title": title, "text": text})


def timed(label: str, n_articles: int, n_chars: int, run) -> object:
    """Run ``run()`` once and print its throughput, by wall-clock and by CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label:<22} {wall:7.2f} s wall {n_articles / wall:8.0f} articles/s "
        f"{n_chars / 1e6 / wall:6.1f} MB/s | {cpu:7.2f} s CPU {n_articles / cpu:8.0f} "
        f"articles/s {n_chars / 1e6 / cpu:6.1f} MB/s"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles")
    limit = parser.parse_args().limit
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the AllSides data is needed for this benchmark")
    articles = load_articles(DATA, limit=limit)
    texts = articles["text"].tolist()
    n, chars = len(texts), sum(map(len, texts))
    print(f"{n} articles, {chars / 1e6:.1f} M characters")
    rules = _load_rules(str(DEFAULT_SEGMENT_RULES), DEFAULT_SEGMENT_RULES.stat().st_mtime)
    corpus, doc_start = _join(texts)
    words_before(corpus[:1000], [0])  # build the character tables outside the timings

    def sentence_pass():
        layout = _layout(corpus, doc_start, rules)
        return layout, find_marks(corpus, layout)

    def voice_pass():
        _, inner_words = _word_counts(corpus, layout, marks)
        return quote_spans(corpus, layout, marks, inner_words, rules.quotes)

    layout, marks = timed("sentences + marks", n, chars, sentence_pass)
    timed("words + voice", n, chars, voice_pass)
    sentences, voice = timed("segment (both tables)", n, chars, lambda: segment_articles(articles))
    print(f"{len(sentences)} sentences, {len(voice)} voice spans, "
          f"{(voice['voice'] == 'quote').sum()} quotations "
          f"({voice['scare'].sum()} scare)")


if __name__ == "__main__":
    main()
