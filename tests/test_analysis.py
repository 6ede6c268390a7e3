"""Running the analysis: tables independent of jobs and chunk size, the cache, reruns after a
lexicon edit, and a Dask cluster (sourcebias.run)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import ALLSIDES_OPTIONS

from sourcebias.annotate.lexicon import read_actors, read_terms
from sourcebias.config import DEFAULT_PACK, SEED_BATCH
from sourcebias.read.batch import read_batch
from sourcebias.run import chunks
from sourcebias.run.analysis import analyze, annotate
from sourcebias.run.sources import _part_sizes
from sourcebias.run.store import read_tables
from sourcebias.stats.overview import outlet_summary
from sourcebias.tables import TABLE_NAMES

#: Small row groups, so that the files of a small batch have several, across chunk borders.
SMALL_ROW_GROUPS = dict.fromkeys(TABLE_NAMES, 97) | {"articles": 11}


def parquet_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.parquet").read_bytes() for name in TABLE_NAMES}


def test_tables_do_not_depend_on_jobs_or_chunk_size(set_constant, tmp_path):
    set_constant("ROW_GROUP_ROWS", dict.fromkeys(TABLE_NAMES, 7) | {"articles": 2})
    one = analyze(SEED_BATCH, out=tmp_path / "one", jobs=1, chunk_size=1000, cache=False)
    two = analyze(SEED_BATCH, out=tmp_path / "two", jobs=2, chunk_size=2, cache=False)
    assert one.stats.stages["segment"].computed == 1
    # 5 articles in chunks of 2, the last two chunks (3 articles) cut into 3 for 2 workers
    assert two.stats.stages["segment"].computed == 4
    assert pq.ParquetFile(tmp_path / "one" / "sentences.parquet").num_row_groups > 10
    assert len(two.hits) > 20 and len(two.mentions) > 20
    assert parquet_bytes(tmp_path / "one") == parquet_bytes(tmp_path / "two")


def test_the_last_chunks_are_cut_smaller_when_workers_share_them():
    assert _part_sizes(10_000, 2000, 1) == [2000] * 5
    assert _part_sizes(10_000, 2000, 2) == [2000] * 3 + [1000] * 4
    assert _part_sizes(9001, 2000, 2) == [2000] * 3 + [751, 750, 750, 750]
    assert _part_sizes(4000, 2000, 2) == [2000, 2000]  # one chunk per worker already
    assert _part_sizes(5, 2, 2) == [2, 1, 1, 1]
    assert _part_sizes(0, 2000, 2) == []
    for articles in (1, 1999, 2000, 2001, 6001, 100_000):
        for workers in (1, 2, 3, 8):
            sizes = _part_sizes(articles, 2000, workers)
            assert sum(sizes) == articles and min(sizes) > 0 and max(sizes) <= 2000


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
