"""Suggested terms against people: precision@50 on BABE's expert-marked biased words.

BABE (Spinde et al., "Neural Media Bias Detection Using Distant Supervision With
BABE", Findings of EMNLP 2021; AGPL-3.0, read in place) holds news sentences that
experts labelled ``Biased`` or ``Non-biased``, with the words they marked as
biased. ``../shared/data/babe/babe_dev.csv`` (one half of the data set, by topic)
is read as a table batch with ``label_bias`` as the outlet column, as
``sourcebias suggest BATCH --outlet-column label_bias --target Biased`` reads it,
and segmented. Then

- **suggested**: :func:`sourcebias.stats.suggest.suggest_terms` for ``Biased``
  against the rest, extending the default (Venezuela) pack, as the command does;
- **plain keyness**: the same narrator unigram and bigram counts ranked by
  signed G2 alone, with scikit-learn's English stop words left out (content
  words only, as the data set's README measures it), no other filter.

A suggested term is a hit when the experts marked it in any sentence: the term
itself, or each of its words, among the marked words (tokenised and folded as
the suggestions are; a marked phrase also marks each of its words).
precision@50 = hits among the top 50 / 50, with a Wilson 95% interval (Wilson
1927, *JASA* 22(158)). The figures were tuned on this file only (the light-word
list and the negative-word weight of :mod:`sourcebias.stats.suggest`); the same measure
on held-out topics is the test of them. Also printed: the wall and CPU seconds
of the suggestion step.

Usage: ``python benchmarks/validate_suggest.py [--top N]``
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from sourcebias.read.batch import read_batch
from sourcebias.segment.sentences import segment_articles
from sourcebias.stats.counts import term_counts
from sourcebias.stats.keyness import keyness
from sourcebias.stats.suggest import suggest_terms
from sourcebias.stats.tokens import Tokenizer

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BABE = DATA / "babe" / "babe_dev.csv"
TARGET = "Biased"


def marked_words(biased_words) -> set[str]:
    """Every marked phrase and each of its words, in the suggestions' tokens."""
    tokenizer = Tokenizer()
    phrases = [w for cell in biased_words.dropna() for w in ast.literal_eval(cell)]
    marked: set[str] = set()
    for prepared in tokenizer.prepare(phrases):
        words = tokenizer(prepared)
        marked.add(" ".join(words))
        marked.update(words)
    return marked


def is_hit(term: str, marked: set[str]) -> bool:
    return term in marked or all(word in marked for word in term.split())


def wilson(hits: int, n: int, z: float = stats.norm.ppf(0.975)) -> tuple[float, float]:
    """Wilson score interval of a proportion ``hits / n``."""
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def report(name: str, terms: list[str], marked: set[str], top: int) -> None:
    hits = sum(is_hit(t, marked) for t in terms[:top])
    low, high = wilson(hits, top)
    print(f"{name:<16} precision@{top} = {hits / top:.2f} ({hits}/{top}; "
          f"95% CI {low:.2f}-{high:.2f})")
    print("  " + ", ".join(f"{t}{'' if is_hit(t, marked) else ' (x)'}" for t in terms[:top]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=50)
    options = parser.parse_args()
    if not BABE.exists():
        sys.exit(f"{BABE} not found: BABE is needed for this validation (see ../shared/data)")
    articles = read_batch(BABE, outlet_column="label_bias").articles
    sentences, voice = segment_articles(articles)
    marked = marked_words(articles["biased_words"])
    print(f"BABE dev: {len(articles):,} sentences "
          f"({(articles['outlet'] == TARGET).sum():,} {TARGET}), "
          f"{len(marked):,} marked words and phrases\n")

    wall, cpu = time.perf_counter(), time.process_time()
    suggested = suggest_terms(articles, sentences=sentences, voice=voice, target=TARGET,
                              n=options.top)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu

    counts = term_counts(articles, sentences=sentences, voice=voice, ngram_range=(1, 2))
    plain = keyness(counts, target=TARGET, measure="lr")
    content = np.array([not any(w in ENGLISH_STOP_WORDS for w in t.split())
                        for t in plain["term"]])
    plain = plain[(plain["statistic"] > 0).to_numpy() & content]

    report("plain keyness", plain["term"].tolist(), marked, options.top)
    report("suggested", suggested["term"].tolist(), marked, options.top)
    significant = int(suggested["significant"].head(options.top).sum())
    print(f"\n{significant} of the top {options.top} suggestions pass q < 0.05 "
          "(Benjamini-Hochberg over every term compared)")
    print(f"suggest_terms: wall {wall:.2f} s, cpu {cpu:.2f} s for {len(sentences):,} sentences "
          f"({len(sentences) / cpu:,.0f} sentences per CPU second)")


if __name__ == "__main__":
    main()
