"""Throughput of sentence sentiment scoring on the AllSides articles.

Reads ``../shared/data/allsides/articles.jsonl.gz`` (relative to the project
root), splits the articles into sentences with :func:`sourcebias.segment_articles`
and scores every sentence with

* stock ``vaderSentiment`` ``SentimentIntensityAnalyzer.polarity_scores``;
* the exact fast scorer (:class:`sourcebias.annotate.vader.FastVader`), one call per
  sentence, no deduplication;
* :func:`sourcebias.score_sentiment`, which scores each distinct text
  once and builds the table (typographic punctuation kept as is, so that the
  texts are the same as above);
* :func:`~sourcebias.score_sentiment` as the pipeline calls it: with
  the narrator scope and both lexicons (``--n-jobs`` processes).

It prints seconds, sentences per second and the speed-up over stock VADER, and
checks that every fast score equals the stock one (float equality).

Usage: ``python benchmarks/bench_sentiment.py [--limit N] [--n-jobs J]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from sourcebias.annotate.sentiment import score_sentiment
from sourcebias.annotate.vader import FastVader
from sourcebias.segment.sentences import segment_articles

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides"
SCORES = ["neg", "neu", "pos", "compound"]
#: Sentences of the reference benchmark (``benchmarks/run.py``, 100,000 articles).
REFERENCE_SENTENCES = 2.67e6


def load_articles(limit: int | None) -> pd.DataFrame:
    """AllSides rows as an ``articles`` table (``doc_id``, ``title``, ``text``)."""
    raw = pd.read_json(DATA / "articles.jsonl.gz", lines=True, nrows=limit, dtype={"ID": "str"})
    body = raw["content_original"].fillna("").str.replace(r"\s*\n\s*", "\n\n", regex=True)
    return pd.DataFrame({"doc_id": raw["ID"], "title": None, "text": body.str.strip()})


def timed(label: str, n: int, run: Callable[[], object], *, baseline: float | None) -> tuple:
    """Run ``run()`` once, print its wall and CPU seconds (``time.process_time``), its rate
    over ``n`` sentences and the CPU seconds it would take for the 2.67M sentences of
    ``benchmarks/run.py``; return (result, CPU seconds)."""
    began, cpu = time.perf_counter(), time.process_time()
    result = run()
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    ratio = f"{baseline / cpu:6.2f}x faster than stock" if baseline else ""
    print(f"{label:<46} {seconds:7.1f} s wall {cpu:7.1f} s CPU {n / cpu:9.0f} sentences/CPU-s "
          f"{cpu / n * REFERENCE_SENTENCES:6.1f} CPU s per 2.67M sentences {ratio}", flush=True)
    return result, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles")
    parser.add_argument("--n-jobs", type=int, default=1, help="processes for the last run")
    args = parser.parse_args()
    if not (DATA / "articles.jsonl.gz").exists():
        sys.exit(f"{DATA / 'articles.jsonl.gz'} not found: the AllSides data is needed here")
    articles = load_articles(args.limit)
    sentences, voice = segment_articles(articles)
    texts = sentences["text"].tolist()
    n = len(texts)
    print(f"{len(articles)} articles, {n} sentences, {len(set(texts))} distinct", flush=True)

    stock = SentimentIntensityAnalyzer()
    expected, base = timed(
        "stock polarity_scores", n, lambda: [stock.polarity_scores(t) for t in texts],
        baseline=None,
    )
    fast = FastVader()
    got, _ = timed("FastVader, every sentence", n,
                   lambda: [fast.polarity_scores(t) for t in texts], baseline=base)
    differ = sum(a != b for a, b in zip(expected, got, strict=True))
    print(f"  differences from stock: {differ}; texts sent to the stock method: "
          f"{fast.stock_calls}")
    table, _ = timed("score_sentiment (distinct texts once)", n,
                     lambda: score_sentiment(sentences, ascii_punctuation=False), baseline=base)
    differ = (table[SCORES].to_numpy() != pd.DataFrame(expected)[SCORES].to_numpy()).sum()
    print(f"  differences from stock: {differ}; distinct texts: {table.attrs['unique_texts']}")
    full, _ = timed(
        f"score_sentiment, narrator + domain, n_jobs={args.n_jobs}", n,
        lambda: score_sentiment(sentences, voice=voice, articles=articles, domain=True,
                                n_jobs=args.n_jobs),
        baseline=None,
    )
    print(f"  {len(full)} rows (2 lexicons x 2 scopes), {full.attrs['unique_texts']} distinct "
          f"texts, rate above is sentences per second for all four scores")


if __name__ == "__main__":
    main()
