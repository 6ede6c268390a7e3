"""Scaling the pipeline: chunks, worker processes, the cache and a Dask cluster
give the same tables as one pass in memory (speed itself is measured in
``benchmarks/run.py``)."""

from __future__ import annotations

import gzip
import itertools
import json
import logging
import random
import re
import shutil
import sys
import tracemalloc
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sourcebias import cli
from sourcebias.annotate.lexicon import read_actors, read_terms
from sourcebias.cli import main
from sourcebias.config import DEFAULT_PACK, SEED_BATCH
from sourcebias.read.batch import BatchReader, read_batch, read_part
from sourcebias.run import chunks, stream
from sourcebias.run.analysis import analyze, annotate
from sourcebias.run.store import read_tables
from sourcebias.stats.overview import outlet_summary
from sourcebias.tables import TABLE_NAMES, WORD_PATTERN, count_words

#: Read options of the AllSides sample.
ALLSIDES_OPTIONS = {"text_column": "content_original", "outlet_column": "source_url",
                    "id_column": "ID"}
#: Small row groups, so that the files of a small batch have several, across chunk borders.
SMALL_ROW_GROUPS = dict.fromkeys(TABLE_NAMES, 97) | {"articles": 11}


@pytest.fixture(scope="module")
def allsides_sample(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 120 AllSides articles as a ``.jsonl`` batch file."""
    path = tmp_path_factory.mktemp("allsides") / "sample.jsonl"
    with gzip.open(shared_data / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        path.write_text("".join(itertools.islice(f, 120)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def repeats_batch(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 AllSides articles, then exact and near copies of some of them (one word
    changed), a repeated id and a row without text, as a ``.jsonl`` batch file."""
    with gzip.open(shared_data / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in itertools.islice(f, 80)]
    for n, row in enumerate(rows[5:65:6]):
        words = row["content_original"].split(" ")
        words[len(words) // 2] += "s" if n % 2 else ""
        rows.append(row | {"ID": f"copy-{n}", "content_original": " ".join(words),
                           "date": "2012-01-01" if n % 3 else row["date"]})
    rows.insert(40, rows[3] | {"content_original": "Another text under a repeated id."})
    rows.insert(50, rows[4] | {"ID": "empty", "content_original": " "})
    path = tmp_path_factory.mktemp("repeats") / "repeats.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def parquet_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.parquet").read_bytes() for name in TABLE_NAMES}


def test_tables_do_not_depend_on_jobs_or_chunk_size(set_constant, allsides_sample, tmp_path,
        monkeypatch):
    set_constant("ROW_GROUP_ROWS", SMALL_ROW_GROUPS)
    one = analyze(allsides_sample, out=tmp_path / "one", read_options=ALLSIDES_OPTIONS,
                  jobs=1, chunk_size=1000, cache=False)
    two = analyze(allsides_sample, out=tmp_path / "two", read_options=ALLSIDES_OPTIONS,
                  jobs=2, chunk_size=17, cache=False)
    assert one.stats.stages["segment"].computed == 1
    assert two.stats.stages["segment"].computed == 8  # 120 articles in chunks of 17
    assert pq.ParquetFile(tmp_path / "one" / "sentences.parquet").num_row_groups > 10
    assert len(two.hits) > 100 and len(two.mentions) > 100
    assert parquet_bytes(tmp_path / "one") == parquet_bytes(tmp_path / "two")


def test_chunked_tables_equal_one_pass_in_memory(set_constant, allsides_sample, tmp_path,
        monkeypatch):
    set_constant("ROW_GROUP_ROWS", SMALL_ROW_GROUPS)
    written = analyze(allsides_sample, out=tmp_path / "out", read_options=ALLSIDES_OPTIONS,
                      jobs=1, chunk_size=9, cache=False)
    in_memory = analyze(allsides_sample, read_options=ALLSIDES_OPTIONS, jobs=1, chunk_size=50,
                        cache=False)
    batch = read_batch(allsides_sample, **ALLSIDES_OPTIONS)
    whole = annotate(batch.articles, terms=read_terms(), actors=read_actors())
    assert isinstance(in_memory.tables["sentences"], pd.DataFrame)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(written.tables[name], in_memory.tables[name])
    for name, table in whole.items():
        pd.testing.assert_frame_equal(written.tables[name], table.reset_index(drop=True),
                                      check_dtype=False)
    pd.testing.assert_frame_equal(written.articles, batch.articles, check_dtype=False)
    pd.testing.assert_frame_equal(
        written.summary, outlet_summary(batch.articles, sentences=whole["sentences"],
                                        voice=whole["voice"]))
    assert written.summary["n_articles"].sum() > 100


def test_a_batch_read_in_parallel_parts_equals_one_read(set_constant, repeats_batch, tmp_path,
        monkeypatch):
    whole = read_batch(repeats_batch, **ALLSIDES_OPTIONS)
    assert whole.articles["duplicate_kind"].value_counts().to_dict() == {"exact": 5, "near": 5}
    assert len(whole.excluded) == 2
    set_constant("PART_ROWS", 7)
    in_parts = read_batch(repeats_batch, **ALLSIDES_OPTIONS)
    streamed = analyze(repeats_batch, out=tmp_path / "out", read_options=ALLSIDES_OPTIONS,
                       jobs=2, cache=False)
    assert streamed.stats.stages["read"].computed == 14  # 92 rows in parts of 7
    for name in ("articles", "excluded", "removed"):
        pd.testing.assert_frame_equal(getattr(in_parts, name), getattr(whole, name))
        pd.testing.assert_frame_equal(streamed.tables[name], getattr(whole, name),
                                      check_dtype=False)
    assert in_parts.problems == whole.problems


def test_the_reader_keeps_a_few_numbers_per_article_and_no_python_object(set_constant,
        tmp_path, monkeypatch):
    # 6,000 short articles, every 100th a copy of the one before; parts of 1,000
    words = "coup uprising traitors legitimate government troops rally capital army".split()
    rng = random.Random(20190430)
    rows, text = [], ""
    for n in range(6000):
        if n % 100 != 1:
            text = " ".join(rng.choice(words) for _ in range(30)) + f" number {n}."
        rows.append({"doc_id": f"story-{n}", "outlet": f"Outlet {n % 7}",
                     "date": f"2019-04-{1 + n % 28:02d}", "text": text})
    path = tmp_path / "short.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    set_constant("PART_ROWS", 1000)
    reader = BatchReader(path)
    marks = []
    tracemalloc.start()
    try:
        for number, part in enumerate(reader.parts(), start=1):
            reader.add(read_part(part, shingle_folder=tmp_path))
            del part
            if number in (2, 6):
                marks.append((sys.getallocatedblocks(), tracemalloc.get_traced_memory()[0]
                              + pa.total_allocated_bytes()))
    finally:
        tracemalloc.stop()
    (blocks_before, bytes_before), (blocks_after, bytes_after) = marks
    # a Python object per article (a str, an int in a dict) would add at least one block each
    assert (blocks_after - blocks_before) / 4000 < 0.25
    # fingerprints (81 bytes), shingle offsets, the date and the id and its hash
    assert (bytes_after - bytes_before) / 4000 < 200
    duplicates = reader.duplicates()
    copies = duplicates.index[duplicates["duplicate_kind"].eq("exact")]
    assert copies.tolist() == list(range(1, 6000, 100))
    assert (duplicates.loc[copies, "duplicate_of"]
            == "story-" + (copies - 1).astype("str")).all()


def test_reading_problems_found_in_workers_are_logged_once_by_the_caller(set_constant,
        tmp_path, monkeypatch, caplog):
    batch = tmp_path / "batch"
    shutil.copytree(SEED_BATCH, batch)
    manifest = (batch / "manifest.csv").read_text(encoding="utf-8").splitlines()
    (batch / "articles" / "blank.txt").write_text("  \n", encoding="utf-8")
    added = ["articles/blank.txt,blank,Nobody,,,,,", "articles/gone.txt,gone,Nobody,,,,,"]
    (batch / "manifest.csv").write_text("\n".join([*manifest, *added]) + "\n", encoding="utf-8")
    set_constant("PART_ROWS", 2)
    caplog.set_level(logging.WARNING, logger="sourcebias.read")
    analysis = analyze(batch, out=tmp_path / "out", jobs=2, cache=False)
    assert analysis.stats.stages["read"].computed == 4  # 7 files in parts of 2
    warned = [m for m in caplog.messages if "blank.txt" in m or "gone.txt" in m]
    assert len(warned) == 2 and "is empty" in warned[0] and "does not exist" in warned[1]
    assert analysis.rows("excluded") == 2 and analysis.rows("articles") == 5


def test_count_words_equals_the_word_pattern_count(allsides_sample, seed_batch):
    rng = random.Random(20190430)
    alphabet = list("ab_1'’‘-‐– \n\t.,éßç中\u0301\u00a0\U0001F600\ud800")
    crafted = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
               for _ in range(5000)]
    texts = pd.Series([*crafted, "coup d'état", "self-proclaimed -- 'traitors'", None],
                      dtype=object)
    real = read_batch(allsides_sample, **ALLSIDES_OPTIONS).articles["text"]
    for strings in (texts, real, seed_batch.articles["text"]):
        expected = [len(re.findall(WORD_PATTERN, s)) if isinstance(s, str) else 0
                    for s in strings]
        assert count_words(strings).tolist() == expected
    assert count_words(real).sum() > 50_000


def edited_terms(folder: Path, *, word: str) -> Path:
    """A copy of the project's terms lexicon with one more term."""
    path = folder / "terms.yaml"
    path.write_text((DEFAULT_PACK / "terms.yaml").read_text(encoding="utf-8")
                    + f"\n  - id: added_{word}\n    category: crisis\n    patterns: [{word}]\n",
                    encoding="utf-8")
    return path


class Calls:
    """Counts the calls of a function it wraps."""

    def __init__(self, function):
        self.function, self.count = function, 0

    def __call__(self, *args, **kwargs):
        self.count += 1
        return self.function(*args, **kwargs)


def test_rerun_after_a_lexicon_edit_reuses_segmentation_and_sentiment(
        allsides_sample, tmp_path, monkeypatch):
    segment_calls = Calls(chunks.segment_articles)
    sentiment_calls = Calls(chunks.score_sentiment)
    monkeypatch.setattr(chunks, "segment_articles", segment_calls)
    monkeypatch.setattr(chunks, "score_sentiment", sentiment_calls)
    options = {"read_options": ALLSIDES_OPTIONS, "jobs": 1, "chunk_size": 40,
               "cache": tmp_path / "cache"}
    first = analyze(allsides_sample, out=tmp_path / "out", **options)
    assert (segment_calls.count, sentiment_calls.count) == (3, 3)
    assert not (first.hits["term"] == "added_said").any()
    sentiment_file = (tmp_path / "out" / "sentiment.parquet").stat()
    unread = read_tables(tmp_path / "out")

    terms = edited_terms(tmp_path, word="said")
    rerun = analyze(allsides_sample, out=tmp_path / "out", terms=terms, **options)
    assert (segment_calls.count, sentiment_calls.count) == (3, 3)
    assert rerun.stats.stages["read"].cached == 1
    assert rerun.stats.stages["segment"].cached == 3
    assert rerun.stats.stages["terms+actors"].computed == 3  # hits; mentions are up to date
    assert "sentiment" not in rerun.stats.stages  # the written table is up to date
    assert (tmp_path / "out" / "sentiment.parquet").stat().st_mtime_ns == \
        sentiment_file.st_mtime_ns
    assert (rerun.hits["term"] == "added_said").sum() > 50
    with pytest.raises(RuntimeError, match="rewritten after these tables were loaded"):
        unread.hits  # noqa: B018 - the earlier run's hits were replaced

    elsewhere = analyze(allsides_sample, out=tmp_path / "elsewhere", terms=terms, **options)
    assert (segment_calls.count, sentiment_calls.count) == (3, 3)
    assert elsewhere.stats.stages["sentiment"].cached == 3
    assert elsewhere.stats.stages["terms+actors"].cached == 6
    analyze(allsides_sample, out=tmp_path / "fresh", terms=terms, **(options | {"cache": False}))
    assert (segment_calls.count, sentiment_calls.count) == (6, 6)
    assert parquet_bytes(tmp_path / "out") == parquet_bytes(tmp_path / "fresh")
    assert parquet_bytes(tmp_path / "elsewhere") == parquet_bytes(tmp_path / "fresh")


def test_cache_is_beside_the_output_and_never_inside_the_batch(tmp_path):
    batch = tmp_path / "seed"
    shutil.copytree(SEED_BATCH, batch)
    with pytest.raises(ValueError, match="inside the batch folder"):
        analyze(batch, out=batch / "tables", jobs=1)
    analyze(batch, out=tmp_path / "tables", jobs=1)
    assert (tmp_path / ".cache" / "segment").is_dir()
    assert sorted(p.name for p in batch.iterdir()) == sorted(p.name for p in SEED_BATCH.iterdir())


def test_dask_cluster_writes_the_tables_of_a_local_run(allsides_sample, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = analyze(allsides_sample, out=tmp_path / "local", read_options=ALLSIDES_OPTIONS,
                    jobs=1, cache=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_cluster = analyze(allsides_sample, out=tmp_path / "dask",
                             read_options=ALLSIDES_OPTIONS, chunk_size=25, cache=False,
                             dask=client)
    assert len(list((tmp_path / "dask" / "hits").glob("part-*.parquet"))) == 5
    assert on_cluster.stats.stages["segment"].computed == 5
    reloaded = read_tables(tmp_path / "dask")
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(reloaded.tables[name], local.tables[name])


def test_cli_lists_the_largest_outlets_and_says_how_many_more(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "SUMMARY_ROWS", 3)
    assert main(["analyze", str(SEED_BATCH), "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--no-cache"]) == 0
    printed = capsys.readouterr().out
    assert "(2 more outlets with fewer articles" in printed
    assert sum(outlet in printed for outlet in ("Aggregator A", "Aggregator B", "Iran Press",
                                                "Pro-government blog", "Sputnik")) == 3


def test_cli_prints_the_first_warnings_and_counts_the_others(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "SHOWN_WARNINGS", 2)
    batch = tmp_path / "batch"
    (batch / "sputnik").mkdir(parents=True)
    for seed in sorted(SEED_BATCH.rglob("*.txt"))[:2]:
        (batch / "sputnik" / seed.name).write_bytes(seed.read_bytes())
    for i in range(5):
        (batch / "sputnik" / f"empty-{i}.txt").write_bytes(b"")
    assert main(["analyze", str(batch), "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--no-cache"]) == 0
    printed = capsys.readouterr().err.splitlines()
    detailed = [line for line in printed if line.startswith("warning: sputnik/empty-")]
    assert len(detailed) == 2 and all("is empty" in line for line in detailed)
    assert "warning: 3 more warning(s) not printed" in printed[-1]
    assert not logging.getLogger("sourcebias").handlers


def test_only_lokys_worker_replacement_warning_is_silenced():
    message = "A worker stopped while some jobs were given to the executor."
    with warnings.catch_warnings(record=True) as caught:
        stream.silence_worker_replacement()
        warnings.warn_explicit(message, UserWarning, "process_executor.py", 787,
                               module="joblib.externals.loky.process_executor")
        warnings.warn_explicit(message, UserWarning, "elsewhere.py", 1, module="elsewhere")
    assert [c.filename for c in caught] == ["elsewhere.py"]


def test_cli_passes_the_scaling_options(tmp_path, capsys):
    assert main(["analyze", str(SEED_BATCH), "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--chunk-size", "2", "--no-cache"]) == 0
    assert "wrote 5 articles' tables" in capsys.readouterr().out
    stages = json.loads((tmp_path / "out" / "stages.json").read_text(encoding="utf-8"))
    assert stages["run"] == {"jobs": 1, "chunk_size": 2}
    assert stages["stages"]["segment"]["computed"] == 3
    assert not (tmp_path / ".cache").exists()
    assert main(["analyze", str(SEED_BATCH), "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--cache", str(tmp_path / "mine")]) == 0
    assert (tmp_path / "mine" / "segment").is_dir()
