"""Running the analysis on a Dask cluster."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path

import pandas as pd

from sourcebias.run.chunks import (
    _annotate_chunk,
    _Result,
    _Settings,
    _Summaries,
    warn_unscored_languages,
)
from sourcebias.run.local import _remove_parts, _timed, _write_stages
from sourcebias.run.sources import _CHUNK_COLUMNS, _Chunk, _partitions, _Source
from sourcebias.run.store import _META, ROW_GROUP_ROWS, Analysis, _write_meta, read_tables
from sourcebias.run.stream import (
    Stats,
    TableWriter,
    run_on_dask,
)
from sourcebias.tables import TABLE_NAMES


def _part(out: Path, name: str, number: int) -> Path:
    return out / name / f"part-{number:05d}.parquet"


def _annotate_partition(partition: tuple[int, bytes], settings: _Settings) -> _Result:
    """Annotate a partition of ``<out>/articles`` (its number, and its articles' digests)
    and write its tables there too (a Dask task); return the rest of its result."""
    number, digests = partition
    out = settings.partitions
    articles = pd.read_parquet(_part(out, "articles", number), columns=list(_CHUNK_COLUMNS))
    result = _annotate_chunk(_Chunk(number, articles, digests), settings)
    for name, table in result.tables.items():
        writer = TableWriter(_part(out, name, number), table.schema, ROW_GROUP_ROWS[name])
        writer.write(table)
        writer.commit()
    return replace(result, tables={})


def _article_partitions(source: _Source, out: Path, chunk_size: int, stats: Stats
                        ) -> Iterator[tuple[int, bytes]]:
    """Write the articles as partitions of ``chunk_size`` under ``<out>/articles``, yielding
    each one's number and digests as soon as it is written."""
    for number, (digests, table) in enumerate(_partitions(source, chunk_size)):
        with stats.stage("write"):
            writer = TableWriter(_part(out, "articles", number), table.schema,
                                 ROW_GROUP_ROWS["articles"])
            writer.write(table)
            writer.commit()
        yield number, digests


def _dask_client(dask: str | object) -> AbstractContextManager:
    """A client of the scheduler at this address (closed on exit), or the client given."""
    from distributed import Client

    return nullcontext(dask) if isinstance(dask, Client) else Client(dask)


def _run_dask(source: _Source, settings: _Settings, *, out: Path, lexicons: dict,
              client: object, chunk_size: int, stats: Stats) -> Analysis:
    """Split the articles into partitions under ``out`` and annotate each as a Dask task."""
    meta = source.meta
    out.mkdir(parents=True, exist_ok=True)
    (out / _META).unlink(missing_ok=True)
    for name in TABLE_NAMES:
        (out / f"{name}.parquet").unlink(missing_ok=True)
        _remove_parts(out, name)
        (out / name).mkdir()
    with stats.stage("write"):
        for name in ("excluded", "removed"):
            shutil.copyfile(source.folder / f"{name}.parquet", _part(out, name, 0))
    settings = replace(settings, partitions=out.resolve())
    workers = len(client.scheduler_info()["workers"])
    summaries = _Summaries()
    for result in _timed(run_on_dask(_annotate_partition,
                                     _article_partitions(source, out, chunk_size, stats),
                                     settings=settings, client=client), stats, "annotate"):
        stats.add(result.stats)
        summaries.add(result.summary, result.groups)
    summary = summaries.result()
    warn_unscored_languages(summary)
    _write_meta(out, name=meta["name"], lexicons=lexicons,
                tables={name: {"key": None} for name in TABLE_NAMES})
    _write_stages(out, stats, dask_workers=workers, chunk_size=chunk_size)
    return replace(read_tables(out), lexicons=lexicons, stats=stats, summary=summary)
