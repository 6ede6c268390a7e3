"""Running the analysis on local worker processes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

from sourcebias.files import atomic_path
from sourcebias.run.cache import Cache, digest
from sourcebias.run.chunks import (
    _annotate_chunk,
    _Result,
    _Settings,
    _Summaries,
    warn_unscored_languages,
)
from sourcebias.run.sources import _Chunk, _chunk_files, _chunk_from_file, _chunks, _Source
from sourcebias.run.store import _META, ROW_GROUP_ROWS, Analysis, _write_meta, read_tables
from sourcebias.run.stream import (
    Stats,
    TableWriter,
    release_memory,
    run_chunks,
)
from sourcebias.tables import PER_ARTICLE_TABLES, TABLE_NAMES


def _table_keys(source: _Source, settings: _Settings) -> dict[str, str | None]:
    """Keys of the output tables that depend only on content and code (None: not known)."""
    keys = settings.keys(source.digests())
    return {
        **dict.fromkeys(("articles", "excluded", "removed"), source.key),
        "sentences": keys["attributions"], "voice": keys["attributions"],
        "hits": digest(keys["hits"], keys["attributions"]),
        "mentions": digest(keys["mentions"], keys["attributions"], keys["targets"]),
        **{name: keys[name] for name in ("sentiment", "attributions")},
    }


def _up_to_date(out: Path, keys: dict[str, str | None]) -> set[str]:
    """The tables in ``out`` that were written from the same content by the same code."""
    try:
        recorded = json.loads((out / _META).read_text(encoding="utf-8"))["tables"]
    except (OSError, ValueError, KeyError):
        return set()
    fresh = set()
    for name, key in keys.items():
        path = out / f"{name}.parquet"
        entry = recorded.get(name) or {}
        if key is not None and entry.get("key") == key and path.is_file() \
                and path.stat().st_size == entry.get("bytes"):
            fresh.add(name)
    return fresh


def _annotate_in_worker(chunk: tuple[int, Path, bytes], settings: _Settings) -> _Result:
    """Annotate a chunk that :func:`sourcebias.run.sources._chunk_files` wrote (a worker's
    task) and leave its tables in files of ``settings.handover``, one uncompressed Arrow
    IPC file per table.

    A chunk's tables are about 50 MB for 2,000 articles (its articles about 8 MB); sent
    through loky's pipes, they were pickled, copied through the pipe in pieces of 64 KiB
    (each process waiting on the other) and unpickled. Written to a file they are one
    copy into the page cache, read back memory-mapped (:func:`_received`).
    """
    chunk = _chunk_from_file(chunk)
    result = _annotate_chunk(chunk, settings)
    files = {}
    for name, table in result.tables.items():
        files[name] = settings.handover / f"chunk-{chunk.number:06d}-{name}.arrow"
        with pa.ipc.new_file(str(files[name]), table.schema) as writer:
            writer.write_table(table)
    return replace(result, tables={}, files=files)


def _warm_up(articles: pd.DataFrame, settings: _Settings) -> Stats:
    """Annotate a few articles with the cache off and drop the tables (a worker's task,
    before its first chunk).

    What annotation loads on first use in a process (the lexicons' automata, the
    valence entries, the attribution and target models and the modules they import,
    about 1.5 CPU s) is then loaded while the calling process finishes the read, rather
    than at the start of the worker's first chunk. Returns what it cost, as the stage
    ``warm-up``.
    """
    stats = Stats()
    with stats.stage("warm-up", articles=len(articles)):
        _annotate_chunk(_Chunk(-1, articles, b""), replace(
            settings, cache=Cache(None), tables=PER_ARTICLE_TABLES, handover=None))
    return stats


def _received(result: _Result) -> dict[str, pa.Table]:
    """A chunk's tables, those left in files read memory-mapped (each file is deleted;
    its pages stay mapped while the tables use them)."""
    tables = dict(result.tables)
    for name, path in result.files.items():
        with pa.memory_map(str(path)) as source:
            tables[name] = pa.ipc.open_file(source).read_all()
        path.unlink()
    return tables


def _run_local(source: _Source, settings: _Settings, *, out: Path | None, lexicons: dict,
               jobs: int, chunk_size: int, stats: Stats, scratch: Path,
               warming: Sequence[Future] = ()) -> Analysis:
    """Annotate in ``jobs`` local processes; write to ``out`` or keep in memory.
    The workers hand their tables over in files under ``scratch``; ``warming`` are the
    workers' :func:`_warm_up` tasks, if any."""
    meta = source.meta
    keys = _table_keys(source, settings)
    fresh = _up_to_date(out, keys) if out is not None and settings.cache.root else set()
    settings = replace(settings, tables=tuple(t for t in PER_ARTICLE_TABLES if t not in fresh))
    jobs = min(jobs, max(1, -(-meta["articles"] // chunk_size)))
    annotate, chunks = _annotate_chunk, _chunks(source, chunk_size)
    if jobs > 1:
        settings = replace(settings, handover=scratch / "chunks")
        settings.handover.mkdir()
        annotate = _annotate_in_worker
        chunks = _chunk_files(source, chunk_size, settings.handover, workers=jobs)
    parts: dict[str, list[pa.Table]] = {name: [] for name in settings.tables}
    summaries = _Summaries()
    writers: dict[str, TableWriter] = {}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / _META).unlink(missing_ok=True)
    try:
        for result in _timed(run_chunks(annotate, chunks,
                                        settings=settings, jobs=jobs), stats, "annotate"):
            stats.add(result.stats)
            summaries.add(result.summary, result.groups)
            with stats.stage("write"):
                for name, table in _received(result).items():
                    if out is None:
                        parts[name].append(table)
                        continue
                    if name not in writers:
                        writers[name] = TableWriter(out / f"{name}.parquet", table.schema,
                                                    ROW_GROUP_ROWS[name])
                    writers[name].write(table)
            release_memory()
        for future in warming:
            stats.add(future.result())
        summary = summaries.result()
        warn_unscored_languages(summary)
        with stats.stage("write"):
            if out is None:
                tables = {name: pd.read_parquet(source.folder / f"{name}.parquet")
                          for name in ("articles", "excluded", "removed")}
                tables |= {name: pa.concat_tables(tables).to_pandas()
                           for name, tables in parts.items()}
                return Analysis(name=meta["name"], tables=tables, lexicons=lexicons,
                                stats=stats, summary=summary)
            for name in ("articles", "excluded", "removed"):
                if name not in fresh:
                    shutil.copyfile(source.folder / f"{name}.parquet", out / f"{name}.parquet")
            while writers:
                writers.popitem()[1].commit()
    finally:
        for writer in writers.values():
            writer.abort()
    for name in TABLE_NAMES:
        _remove_parts(out, name)
    _write_meta(out, name=meta["name"], lexicons=lexicons, tables={
        name: {"key": keys[name], "bytes": (out / f"{name}.parquet").stat().st_size}
        for name in TABLE_NAMES})
    _write_stages(out, stats, jobs=jobs, chunk_size=chunk_size)
    return replace(read_tables(out), lexicons=lexicons, stats=stats, summary=summary)


def _timed(results: Iterator, stats: Stats, name: str) -> Iterator:
    """Yield the results, recording the time from the first to the last as the stage
    ``name`` as a whole."""
    with stats.stage(name, whole=True):
        yield from results


def _parent(out: str | Path) -> Path:
    """The folder that holds ``out`` (created if needed)."""
    parent = Path(out).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _write_stages(out: Path, stats: Stats, **run: object) -> None:
    """Record what each stage of this run cost in ``<out>/stages.json``."""
    with atomic_path(out / "stages.json") as tmp:
        tmp.write_text(json.dumps({"run": run, "stages": stats.as_dict()}, indent=2) + "\n",
                       encoding="utf-8")


def _remove_parts(out: Path, name: str) -> None:
    """Remove a table's folder of parts left by an earlier run on a cluster."""
    if (out / name).is_dir():
        shutil.rmtree(out / name)
