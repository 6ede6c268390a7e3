"""Speed of loaded-term and actor matching on the allsides corpus.

Usage::

    python benchmarks/bench_terms.py [--limit N] [--bigrams 300] [--language en]

Matches the project's terms lexicon plus the most frequent word pairs of the
corpus (as extra phrases, so the lexicon holds several hundred patterns and
hits are plentiful) over the texts of ``../shared/data/allsides``, then the
actors lexicon over the same prepared corpus. Each article is one sentence
in narrator voice, so the timings are those of matching, not of segmenting.
Prints, for each step, wall and CPU time, and by CPU time (the machine may be
shared) millions of characters of text per second (MB/s) and hits per second.
``match_lexicon`` is the matching alone; ``find_terms`` adds placing each hit in
its sentence and voice, and negation. ``--language`` gives every article a
``language``, so that patterns listed per language are filtered by it.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml

from sourcebias.annotate import matching
from sourcebias.annotate.actors import find_actors
from sourcebias.annotate.folding import prepare_corpus
from sourcebias.annotate.lexicon import read_terms
from sourcebias.annotate.matching import match_lexicon
from sourcebias.annotate.terms import find_terms
from sourcebias.config import DEFAULT_PACK, PROJECT_ROOT

ALLSIDES = PROJECT_ROOT / ".." / "shared" / "data" / "allsides" / "articles.jsonl.gz"


def read_articles(limit: int | None) -> pd.DataFrame:
    rows = []
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            rows.append({"doc_id": record["ID"], "text": record["content_original"] or ""})
            if limit and len(rows) == limit:
                break
    return pd.DataFrame(rows)


def frequent_bigrams(texts: pd.Series, n: int) -> list[str]:
    """The ``n`` most frequent pairs of lower-case words in a sample of the texts."""
    counts: Counter[str] = Counter()
    for text in texts.head(3000):
        words = re.findall(r"[a-z]+", text.lower())
        counts.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return [pair for pair, _ in counts.most_common(n)]


def write_lexicon(bigrams: list[str], folder: Path) -> Path:
    """The project's terms lexicon with one extra category of bigram entries."""
    data = yaml.safe_load((DEFAULT_PACK / "terms.yaml").read_text(encoding="utf-8"))
    data["categories"]["bigrams"] = "frequent word pairs of the benchmark corpus"
    data["terms"] += [{"id": f"bigram_{i}", "category": "bigrams", "patterns": [pair]}
                      for i, pair in enumerate(bigrams)]
    path = folder / "terms.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def timed(label: str, step, megabytes: float | None = None):
    """Run ``step`` and print its wall and CPU time and, given the size of the
    text, MB/s and hits/s by CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    line = f"{label:<16} wall {wall:6.2f} s  cpu {cpu:6.2f} s"
    if megabytes is not None:
        line += f"  {megabytes / cpu:6.1f} MB/s"
    if isinstance(result, pd.DataFrame):
        line += f"  {len(result):>10,} rows  {len(result) / cpu:>9,.0f} hits/s"
    print(line, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles")
    parser.add_argument("--bigrams", type=int, default=300, help="extra bigram patterns")
    parser.add_argument("--language", default=None,
                        help="give every article this language code (default: none)")
    options = parser.parse_args()
    if not ALLSIDES.exists():
        raise SystemExit(f"{ALLSIDES} is absent: the allsides data is needed for this benchmark")
    articles = read_articles(options.limit)
    if options.language:
        articles["language"] = options.language
    megabytes = articles["text"].str.len().sum() / 1e6
    sentences = articles[["doc_id"]].assign(sent_id=0, is_title=False, start=0,
                                            end=articles["text"].str.len())
    voice = sentences[["doc_id", "start", "end"]].assign(voice="narrator", scare=False)
    with tempfile.TemporaryDirectory() as folder:
        terms = read_terms(write_lexicon(frequent_bigrams(articles["text"], options.bigrams),
                                         Path(folder)))
    n_patterns = sum(len(entry.patterns) for entry in terms.entries)
    print(f"{len(articles):,} articles, {megabytes:.1f} million characters; "
          f"terms lexicon of {n_patterns} patterns ({options.bigrams} bigrams)")
    timed("compile lexicon", lambda: matching._compile(terms))
    corpus = timed("prepare_corpus", lambda: prepare_corpus(articles), megabytes)
    timed("match_lexicon", lambda: match_lexicon(corpus, lexicon=terms), megabytes)
    timed("find_terms", lambda: find_terms(corpus, sentences=sentences, voice=voice,
                                           lexicon=terms), megabytes)
    timed("find_actors", lambda: find_actors(corpus, sentences=sentences, voice=voice),
          megabytes)

if __name__ == "__main__":
    main()
