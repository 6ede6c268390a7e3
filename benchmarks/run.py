"""End-to-end benchmark of ``sourcebias analyze`` on a large batch.

Builds a batch of ``--articles`` articles of about 600 words from the AllSides
articles (``../shared/data/allsides/articles.jsonl.gz`` relative to the project
root) by repeating them with variation: each copy takes a window of about 600
words of paragraphs, shuffles the paragraphs, swaps two neighbouring words in
every sentence of four words or more and gives the outlet a numbered variant,
so that no copy repeats another article, sentence or outlet. Then it runs, each
as its own ``python -m sourcebias.cli analyze`` process on all cores,

1. a first run (empty cache),
2. a rerun after a lexicon edit (one term added to a copy of ``terms.yaml``, then
   one actor to a copy of ``actors.yaml``), each a new process as above, and the
   same two reruns in one Python session that has already run the analysis (as
   in a notebook, where the package is imported and the workers are running),

and prints per stage (read, segment, terms+actors, attribution, sentiment, targets, write) the
articles/s and MB/s of article text, by wall clock and per CPU second, and the
resident memory; the peak memory of the whole process tree (sampled every
0.1 s); and the ratio of the first run's wall-clock time to stock
``vaderSentiment`` ``SentimentIntensityAnalyzer.polarity_scores`` alone over
the same sentences in one process.

``--scales 100000,300000,1000000`` also runs the first run at each size (fresh
cache) to show whether peak memory grows with the batch.

Usage: ``python benchmarks/run.py [--articles N] [--jobs N] [--scales N,N,...]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sourcebias.config import DEFAULT_PACK

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"
WORDS_PER_ARTICLE = 600
STAGES = ("read", "segment", "terms+actors", "attribution", "sentiment", "targets", "write")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_WORDS = re.compile(r"\S+")


# --- the batch -------------------------------------------------------------------------------


def load_allsides(path: Path) -> pd.DataFrame:
    """The AllSides articles with a text, as rows of paragraphs."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    table = pd.DataFrame(rows)[["ID", "source_url", "bias_text", "date", "url", "title",
                                "content_original"]]
    table = table[table["content_original"].fillna("").str.strip() != ""].reset_index(drop=True)
    table["paragraphs"] = [
        [p.strip() for p in text.split("\n") if p.strip()] for text in table["content_original"]
    ]
    return table.drop(columns="content_original")


def _window(paragraphs: list[str], rng: np.random.Generator) -> list[str]:
    """Consecutive paragraphs from a random start, up to about 600 words."""
    counts = np.array([len(p.split()) for p in paragraphs])
    last_start = max(0, int(np.searchsorted(np.cumsum(counts[::-1]), WORDS_PER_ARTICLE)))
    start = int(rng.integers(0, max(1, len(paragraphs) - last_start)))
    stop = start + int(np.searchsorted(np.cumsum(counts[start:]), WORDS_PER_ARTICLE)) + 1
    return paragraphs[start:stop]


def _vary_sentence(sentence: str, rng: np.random.Generator) -> str:
    """Swap two neighbouring words (sentences of four words or more)."""
    words = sentence.split(" ")
    if len(words) >= 4:
        i = int(rng.integers(0, len(words) - 1))
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def vary(source: pd.Series, copy: int, rng: np.random.Generator) -> dict[str, object]:
    """One article of the large batch from an AllSides article."""
    paragraphs = _window(source["paragraphs"], rng)
    paragraphs = [paragraphs[i] for i in rng.permutation(len(paragraphs))]
    text = "\n\n".join(
        " ".join(_vary_sentence(s, rng) for s in _SENTENCE_BREAK.split(p)) for p in paragraphs)
    title = source["title"] if isinstance(source["title"], str) else None
    return {
        "doc_id": f"{source['ID']}-{copy}",
        "outlet": f"{source['source_url']} #{copy % 50}",
        "outlet_group": source["bias_text"],
        "date": source["date"],
        "url": source["url"],
        "title": _vary_sentence(title, rng) if title else None,
        "text": text,
    }


def build_batch(n_articles: int, path: Path) -> Path:
    """Write the large batch as a Parquet file (once; later runs reuse it)."""
    if path.exists():
        return path
    allsides = load_allsides(DATA)
    rng = np.random.default_rng(20190430)
    tmp = path.with_name(path.name + ".tmp")
    writer = None
    for start in range(0, n_articles, 20_000):
        rows = [vary(allsides.iloc[i % len(allsides)], i // len(allsides), rng)
                for i in range(start, min(n_articles, start + 20_000))]
        table = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
        writer = writer or pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table)
    writer.close()
    tmp.rename(path)
    return path


# --- measuring a command ---------------------------------------------------------------------


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, now."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm", encoding="ascii") as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_measured(command: list[str], *, cwd: Path) -> dict[str, float]:
    """Run a command: its wall-clock and CPU seconds (its process tree's), and the peak
    resident memory of its process tree."""
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{output}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_bytes": peak}


def analyze_command(batch: Path, out: Path, *, jobs: int | None, cache: Path,
                    lexicons: Path) -> list[str]:
    command = [sys.executable, "-m", "sourcebias.cli", "analyze", str(batch), "--out", str(out),
               "--cache", str(cache), "--lexicons", str(lexicons)]
    return command + (["--jobs", str(jobs)] if jobs else [])


def edit_lexicon(folder: Path, name: str, *, edit: str = "benchmark_edit") -> None:
    """Add one entry, with the id ``edit``, to the working copy of terms.yaml or actors.yaml."""
    entry = {
        "terms": f"\n  - id: {edit}\n    category: crisis\n    patterns: [pandemonium]\n",
        "actors": f"\n  - id: {edit}\n    name: Bernie Sanders\n    group: united_states\n"
                  "    patterns: [Bernie Sanders, Sanders]\n",
    }[name]
    lexicon = folder / "pack" / f"{name}.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + entry, encoding="utf-8")


def lexicon_copies(folder: Path) -> None:
    """A fresh copy of the default lexicon pack in ``folder/pack``, which every run passes
    as ``--lexicons`` (``lexicons=`` in a session)."""
    target = folder / "pack"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(DEFAULT_PACK, target)


_SESSION = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from run import edit_lexicon
from sourcebias.run.analysis import analyze
batch, out, cache = sys.argv[2:5]
pack = __import__("pathlib").Path.cwd() / "pack"
analyze(batch, out=out, cache=cache, lexicons=pack)  # all cached: imports, starts the workers
seconds = {}
for name in ("terms", "actors"):
    edit_lexicon(__import__("pathlib").Path.cwd(), name, edit="session_edit")
    start = time.perf_counter()
    analyze(batch, out=out, cache=cache, lexicons=pack)
    seconds[name] = time.perf_counter() - start
print(json.dumps(seconds))
"""


def session_reruns(n_articles: int, *, work: Path) -> dict[str, float]:
    """Seconds of a rerun after an edit of terms.yaml, then of actors.yaml, in one Python
    session that has already run the analysis (as in a notebook: the package imported,
    the worker processes started)."""
    lexicon_copies(work)
    command = [sys.executable, "-c", _SESSION, str(ROOT / "benchmarks"),
               str(work / f"batch-{n_articles}.parquet"), str(work / f"out-{n_articles}"),
               str(work / "cache")]
    output = subprocess.run(command, cwd=work, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- stock VADER -------------------------------------------------------------------------------


def stock_vader_seconds(sentences: Path, *, sample: int | None) -> tuple[float, int, int]:
    """Seconds that stock ``polarity_scores`` takes over the sentences (one process),
    extrapolated from a random sample when ``sample`` is given; and the counts."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    texts = pq.read_table(sentences, columns=["text"]).column("text").to_pylist()
    total = len(texts)
    if sample and sample < total:
        picked = np.random.default_rng(0).choice(total, sample, replace=False)
        texts = [texts[i] for i in picked]
    analyzer = SentimentIntensityAnalyzer()
    start = time.process_time()
    for text in texts:
        analyzer.polarity_scores(text)
    return (time.process_time() - start) * total / len(texts), total, len(texts)


# --- report ------------------------------------------------------------------------------------


def print_stages(label: str, run: dict, stages: dict, *, articles: int, chars: int) -> None:
    print(f"\n{label}: {run['seconds']:.1f} s wall, {run['cpu_seconds']:.1f} CPU s (whole "
          f"process tree), peak memory of the process tree {run['peak_bytes'] / 2**20:.0f} MiB")
    print(f"  {'stage':<13} {'wall s':>7} {'CPU s':>7} {'articles/s':>11} {'MB/s':>6} "
          f"{'art/CPU-s':>10} {'MB/CPU-s':>9} {'RSS MiB':>8} {'cached':>7} {'computed':>8}")
    n, mb = articles, chars / 1e6
    for name in (*STAGES[:5], "summary", *STAGES[5:], "annotate"):
        if name not in stages:
            print(f"  {name:<13} (nothing to do)")
            continue
        s = stages[name]
        wall = s["elapsed"] or s["seconds"] / (1 if name == "write" else run["jobs"])
        cpu = s["cpu_seconds"] or float("nan")
        print(f"  {name:<13} {wall:7.1f} {cpu:7.1f} {n / max(wall, 1e-9):11.0f} "
              f"{mb / max(wall, 1e-9):6.1f} {n / cpu:10.0f} {mb / cpu:9.1f} "
              f"{s['rss'] / 2**20:8.0f} {s['cached']:7d} {s['computed']:8d}")
    print("  (wall: read, annotate (all of segment to summary) and write as they took in the "
          "main process; segment to summary summed over the workers / jobs. RSS: largest "
          "process right after the stage)")


def measure(n_articles: int, *, work: Path, jobs: int | None, cache: Path, fresh: bool
            ) -> tuple[dict, dict]:
    """Run ``sourcebias analyze`` on the batch of that size; ``fresh``: from nothing (no
    cache, no earlier output), else a rerun into the same output folder."""
    batch = build_batch(n_articles, work / f"batch-{n_articles}.parquet")
    out = work / f"out-{n_articles}"
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    run = run_measured(analyze_command(batch, out, jobs=jobs, cache=cache,
                                       lexicons=work / "pack"), cwd=work)
    run["jobs"] = jobs or len(os.sched_getaffinity(0))
    return run, json.loads((out / "stages.json").read_text(encoding="utf-8"))["stages"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, help="worker processes (default: every core)")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work",
                        help="where the batch, outputs and cache go")
    parser.add_argument("--vader-sample", type=int,
                        help="time stock VADER on this many random sentences and extrapolate "
                             "(default: all of them)")
    parser.add_argument("--scales", help="comma-separated batch sizes for the memory check")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the AllSides data is needed for this benchmark")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    (work / ".gitignore").write_text("*\n")
    lexicon_copies(work)
    cache = work / "cache"

    batch = build_batch(args.articles, work / f"batch-{args.articles}.parquet")
    texts = pq.read_table(batch, columns=["text"]).column("text").to_pylist()
    chars, words = sum(map(len, texts)), np.mean([len(t.split()) for t in texts[:20_000]])
    print(f"batch: {args.articles} articles, {chars / 1e6:.0f} M characters, {words:.0f} words "
          "per article on average (first 20,000)")
    del texts

    first, stages = measure(args.articles, work=work, jobs=args.jobs, cache=cache, fresh=True)
    size = {"articles": stages["read"]["articles"], "chars": stages["read"]["chars"]}
    print_stages("first run (empty cache)", first, stages, **size)
    for lexicon in ("terms", "actors"):
        edit_lexicon(work, lexicon)
        rerun, restages = measure(args.articles, work=work, jobs=args.jobs, cache=cache,
                                  fresh=False)
        print_stages(f"rerun after an edit of {lexicon}.yaml", rerun, restages, **size)
        print(f"  rerun / first run: {rerun['seconds'] / first['seconds']:.3f} by wall clock, "
              f"{rerun['cpu_seconds'] / first['cpu_seconds']:.3f} by CPU seconds")

    warm = session_reruns(args.articles, work=work)
    print("\nrerun in a running Python session (package imported, workers started, as in a "
          "notebook):")
    for lexicon, seconds in warm.items():
        print(f"  after an edit of {lexicon}.yaml: {seconds:.1f} s wall, "
              f"{seconds / first['seconds']:.3f} of the first run")

    vader, n_sentences, timed = stock_vader_seconds(
        work / f"out-{args.articles}" / "sentences.parquet", sample=args.vader_sample)
    cpu = first["cpu_seconds"]
    basis = "all" if timed == n_sentences else f"a sample of {timed}, extrapolated"
    print(f"\nstock VADER polarity_scores over the {n_sentences} sentences ({basis}), one "
          f"process: {vader:.1f} CPU s ({n_sentences / vader:.0f} sentences/s)")
    print(f"whole analysis / stock VADER: {first['seconds'] / vader:.2f} by wall clock on "
          f"{first['jobs']} core(s); {cpu / vader:.2f} by CPU seconds")

    if args.scales:
        print("\nmemory against batch size (first run, empty cache):")
        for n in map(int, args.scales.split(",")):
            run, scaled = measure(n, work=work, jobs=args.jobs, cache=cache, fresh=True)
            print(f"  {n:>9} articles: {run['seconds']:7.1f} s, peak "
                  f"{run['peak_bytes'] / 2**20:6.0f} MiB, largest process after a stage "
                  f"{max(s['rss'] for s in scaled.values()) / 2**20:6.0f} MiB")


if __name__ == "__main__":
    main()
