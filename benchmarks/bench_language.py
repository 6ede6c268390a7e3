"""Cost of naming each article's language (:func:`sourcebias.read.language.detect_languages`).

Classifies the AllSides articles (``../shared/data/allsides/articles.jsonl.gz``
beside the project) in parts of 2,000, as the reader does, with the first 200,
500 (the default) and 1,000 characters, and prints the CPU seconds per 100,000
articles and how often the language agrees with the one found from 1,000
characters; then the same for ``py3langid.classify`` one article at a time (on
the first ``--reference`` articles), which the vectorised walk must equal.

Usage: ``python benchmarks/bench_language.py [--limit N] [--reference N]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from itertools import islice
from pathlib import Path

import pandas as pd
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from sourcebias.read.inputs import PART_ROWS
from sourcebias.read.language import LANGUAGE_CHARS, _model, detect_languages

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "allsides" / "articles.jsonl.gz"


def by_parts(texts: pd.Series, chars: int) -> tuple[pd.Series, float]:
    cpu = time.process_time()
    found = pd.concat([detect_languages(texts.iloc[start:start + PART_ROWS], chars=chars)
                       for start in range(0, len(texts), PART_ROWS)])
    return found, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=20_000)
    parser.add_argument("--reference", type=int, default=2_000)
    args = parser.parse_args()
    if not DATA.is_file():
        print(f"skipped: {DATA} is absent (the shared data is not beside the project)")
        return 0
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        texts = pd.Series([json.loads(line).get("content_original") or ""
                           for line in islice(lines, args.limit)])
    cpu = time.process_time()
    _model()
    print(f"model loaded in {time.process_time() - cpu:.1f} CPU s (once per process)")
    print(f"{len(texts)} articles, {texts.str.len().mean():.0f} characters on average")
    reference, _ = by_parts(texts, 1000)
    for chars in (200, LANGUAGE_CHARS, 1000):
        found, seconds = by_parts(texts, chars)
        agree = (found.fillna("-") == reference.fillna("-")).mean()
        print(f"first {chars:>4} characters: {seconds:6.2f} CPU s, "
              f"{seconds / len(texts) * 100_000:6.1f} CPU s per 100,000 articles, "
              f"agrees with 1,000 characters on {agree:.2%}")
    print("languages:", ", ".join(f"{k} {v}" for k, v in reference.value_counts().items()))
    sample = texts.iloc[:args.reference]
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    cpu = time.process_time()
    theirs = [identifier.classify(text[:LANGUAGE_CHARS])[0] for text in sample]
    seconds = time.process_time() - cpu
    ours, _ = by_parts(sample, LANGUAGE_CHARS)
    known = ours.notna().to_numpy()
    same = (ours[known].to_numpy() == pd.Series(theirs)[known].to_numpy()).mean()
    print(f"py3langid.classify one by one: {seconds / len(sample) * 100_000:6.1f} CPU s per "
          f"100,000 articles; the vectorised walk gives its language for {same:.2%} "
          f"of {int(known.sum())} articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
