"""Throughput of :func:`sourcebias.segment.attribution.find_attributions` on the AllSides articles.

Reads ``../shared/data/allsides/articles.jsonl.gz`` as ``bench_segment.py``
does, segments it (not timed), then times the cue scan and the whole
attribution layer, and prints sentences/s and the CPU seconds the layer would
add to the 100,000-article benchmark (``benchmarks/run.py``), scaled by
sentences; then the CPU seconds of each step, run through
:func:`~sourcebias.segment.attribution.attribution_steps`, the generator that
:func:`~sourcebias.segment.attribution.find_attributions` itself runs.

Usage: ``python benchmarks/bench_attribution.py [--limit N]``
"""

from __future__ import annotations

import argparse
import sys
import time

from bench_segment import DATA, load_articles

from sourcebias.annotate.sources import mark_attributed
from sourcebias.segment.attribution import attribution_steps, find_attributions, load_model
from sourcebias.segment.sentences import segment_articles

#: Articles of the reference benchmark (``benchmarks/run.py``).
REFERENCE_ARTICLES = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=20_000,
                        help="read only the first N articles (default 20000)")
    limit = parser.parse_args().limit
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the AllSides data is needed for this benchmark")
    articles = load_articles(DATA, limit=limit)
    sentences, voice = segment_articles(articles)
    model = load_model()
    n_articles, n_sentences = len(articles), len(sentences)
    print(f"{n_articles} articles, {n_sentences} sentences")
    corpus = "\n\n" + "\n\n".join(articles["text"].tolist())

    cpu = time.process_time()
    n_cues = len(model.finder.find(corpus))
    scan = time.process_time() - cpu
    cpu, wall = time.process_time(), time.perf_counter()
    found = find_attributions(articles, sentences, voice, model=model)
    marked = mark_attributed(sentences, found)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per_article = cpu / n_articles
    print(f"cue scan              {scan:6.2f} s CPU ({n_cues} cues, "
          f"{n_cues / n_sentences:.2f} per sentence)")
    print(f"attributions + marks  {cpu:6.2f} s CPU {wall:6.2f} s wall "
          f"{n_sentences / cpu:10.0f} sentences/s {cpu / n_sentences * 1e6:6.1f} µs/sentence")
    n_found = found.groupby("doc_id")["attribution_id"].nunique().sum()
    print(f"{len(found)} content pieces, {n_found} attributions, "
          f"{marked['attributed'].mean():.2f} of sentences attributed")
    print(f"CPU s per {REFERENCE_ARTICLES:,} articles: {per_article * REFERENCE_ARTICLES:.1f} "
          f"(by articles), {cpu / n_sentences * 2.67e6:.1f} (by sentences, 2.67M)")
    print(f"by step, CPU s per 10,000 articles (of {n_articles}):")
    for step, seconds in steps(articles, sentences, voice, model).items():
        print(f"  {step:<22}{seconds * 10_000 / n_articles:6.2f}")


def steps(articles, sentences, voice, model) -> dict[str, float]:
    """CPU seconds of each step of :func:`find_attributions`
    (:func:`~sourcebias.segment.attribution.attribution_steps`)."""
    spent, cpu = {}, time.process_time()
    for step, _ in attribution_steps(articles, sentences, voice, model):
        spent[step], cpu = time.process_time() - cpu, time.process_time()
    return spent


if __name__ == "__main__":
    main()
