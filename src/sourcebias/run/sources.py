"""Reading a batch in parts, in worker processes, into the cache."""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from logging.handlers import BufferingHandler
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc
import pyarrow.parquet as pq

from sourcebias.checks import unique_ids
from sourcebias.config import DEFAULT_FURNITURE
from sourcebias.read.batch import Batch, BatchPart, BatchReader, PartRead, read_part
from sourcebias.read.inputs import LOG as READ_LOG
from sourcebias.read.inputs import PART_ROWS
from sourcebias.read.language import detect_languages
from sourcebias.run.cache import (
    Cache,
    code_version,
    digest,
    digest_bytes,
    file_digest,
    folder_digest,
)
from sourcebias.run.store import ROW_GROUP_ROWS, _articles_schema, table_schema, to_arrow
from sourcebias.run.stream import (
    Stats,
    TableWriter,
    release_memory,
)
from sourcebias.tables import COLUMNS

_ANNOTATED = ("doc_id", "title", "text")

#: The article columns a chunk carries: those annotated, and those the outlet summary counts.
_SUMMARY_COLUMNS = ("outlet", "outlet_group", "n_words", "duplicate_of", "language")

_CHUNK_COLUMNS = (*_ANNOTATED, *_SUMMARY_COLUMNS)

_DIGEST_BYTES = 32

#: Articles that the workers annotate to warm up (see :func:`_read_parts`).
_WARM_UP_ARTICLES = 20



@dataclass(frozen=True)
class _Source:
    """A batch as read: a folder with ``articles``, ``excluded`` and ``removed`` as
    Parquet, ``digests.bin`` (a sha256 per article of its doc_id, title and text)
    and ``meta.json`` (name, number of articles); ``key`` is its cache key."""

    folder: Path
    key: str | None

    @property
    def meta(self) -> dict:
        return json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))

    def digests(self) -> bytes:
        return (self.folder / "digests.bin").read_bytes()


#: Bytes of input above which a table file is taken to hold more than one part
#: (:data:`~sourcebias.read.inputs.PART_ROWS` articles of 500 bytes).
_PART_BYTES = PART_ROWS * 500


def _reads_in_parallel(batch: str | Path | Batch) -> bool:
    """Whether reading ``batch`` likely takes more than one part, so that the workers
    read it (a guess from the input's size: a wrong guess costs only idle work)."""
    if isinstance(batch, Batch):
        return False
    path = Path(batch)
    if path.is_dir():
        return sum(1 for _ in itertools.islice(path.rglob("*"), PART_ROWS + 1)) > PART_ROWS
    return path.is_file() and path.stat().st_size > _PART_BYTES


def _prepare_read() -> None:
    """Make a worker ready to read parts (see :func:`sourcebias.run.stream.prepare_workers`):
    unpickling this function imports the reading code, and detecting one text's
    language loads the language model, which a worker's first part would otherwise
    wait for."""
    detect_languages(pd.Series(["ready"]))


def _cache_folder(cache: str | Path | bool, *, out: str | Path | None,
                  batch: str | Path | Batch) -> Path | None:
    """The cache folder that ``cache=`` asks for; never inside the batch folder."""
    if cache is False:
        return None
    if cache is True:
        if out is None:
            return None
        folder = Path(out).resolve().parent / ".cache"
    else:
        folder = Path(cache).resolve()
    if not isinstance(batch, Batch) and Path(batch).is_dir():
        batch_folder = Path(batch).resolve()
        if folder == batch_folder or batch_folder in folder.parents:
            raise ValueError(f"{folder}: the cache would be inside the batch folder "
                             f"{batch_folder}; write the output elsewhere or name another "
                             "cache folder (--cache DIR)")
    return folder


def _read_key(path: Path, read_options: dict) -> str:
    """The cache key of reading a batch: its bytes, the options, the rules and the code."""
    options = dict(read_options)
    furniture = options.pop("furniture", None)
    furniture = getattr(furniture, "path", furniture) or DEFAULT_FURNITURE
    content = folder_digest(path) if path.is_dir() else file_digest(path)
    return digest(code_version("read", str(furniture)), path.resolve().name,
                  json.dumps(options, sort_keys=True, default=str), content)


def _read_source(batch: str | Path | Batch, *, read_options: dict, cache: Cache,
                 scratch: Path, stats: Stats, run: Callable,
                 warm: Callable[[pd.DataFrame, int], None] | None = None) -> _Source:
    """The batch as read, from the cache when it holds it; ``run`` maps the reading of
    its parts (see :func:`sourcebias.run.stream.run_chunks`), and ``warm`` is called
    once every part is read (see :func:`_read_parts`)."""
    if isinstance(batch, Batch):
        with stats.stage("read", articles=len(batch.articles), whole=True):
            unique_ids(batch.articles)
            folder = scratch / "batch"
            folder.mkdir()
            _write_source(batch, folder)
        return _Source(folder, None)
    path = Path(batch)
    with stats.stage("read", whole=True) as record:
        key = _read_key(path, read_options) if path.exists() else None
        folder = cache.entry("read", key) if key else None
        if folder is None:
            reader = BatchReader(path, **read_options)
            folder = cache.store_folder(
                "read", key, lambda f: _read_parts(reader, f, run=run, stats=stats, warm=warm))
            if folder is None:
                folder = scratch / "batch"
                folder.mkdir()
                _read_parts(reader, folder, run=run, stats=stats, warm=warm)
        else:
            record.cached = 1
    return _Source(folder, key)


def _read_part(part: BatchPart, folder: Path
               ) -> tuple[PartRead, pa.Schema, bytes, Stats, list[logging.LogRecord]]:
    """Read one part of a batch (a worker's task) into ``folder``: its shingle hashes and
    its articles (:func:`_part_file`) go to files there. Returns the part with only
    what :meth:`BatchReader.add` needs of its articles (``doc_id`` and ``date``), the
    schema of the articles' file, their :func:`article_digests`, what it cost and its
    warnings, returned rather than logged, so that the calling process logs them,
    wherever the part was read."""
    stats = Stats()
    logger = READ_LOG
    caught = BufferingHandler(capacity=sys.maxsize)
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(caught)
    try:
        with stats.stage("read") as record:
            read = read_part(part, shingle_folder=folder)
            digests = article_digests(read.articles)
            record.articles = len(read.articles)
            record.chars = int(read.articles["text"].str.len().sum())
            table = pa.Table.from_pandas(read.articles, preserve_index=False)
            with pa.ipc.new_file(_part_file(folder, read.number), table.schema) as file:
                file.write_table(table)
            read = replace(read, articles=read.articles[["doc_id", "date"]])
            record.computed = 1
    finally:
        logger.removeHandler(caught)
        logger.propagate = propagate
    return read, table.schema, digests, stats, caught.buffer


def _part_file(folder: Path, number: int) -> Path:
    """The file of a part's articles until the duplicates are known: Arrow IPC, not
    compressed, so that writing it and reading it back (memory-mapped) cost next to
    nothing."""
    return folder / f"articles-{number:06d}.arrow"


def _read_parts(reader: BatchReader, folder: Path, *, run: Callable, stats: Stats,
                warm: Callable[[pd.DataFrame, int], None] | None = None) -> None:
    """Read a batch part by part, in parallel through ``run``, into a source folder.

    Each part's articles are kept in a file of their own until the duplicates,
    which need every article, are known; then they are written again, with
    ``duplicate_of`` and ``duplicate_kind``, into one ``articles.parquet``.
    ``warm(first, articles)`` is called once the last part is read, before the articles
    are written again, with the first :data:`_WARM_UP_ARTICLES` articles (the columns of
    a chunk, without the duplicates) and the number of articles: the workers, idle from
    then on, can make ready for what comes next.
    """
    parts = folder / "parts"
    parts.mkdir()
    removed = TableWriter(folder / "removed.parquet", table_schema(COLUMNS["removed"]),
                          ROW_GROUP_ROWS["removed"])
    schemas, sizes, chars = [], [], 0
    with (folder / "digests.bin").open("wb") as digests:
        for read, schema, part_digests, part_stats, warnings in run(
                _read_part, reader.parts(), settings=parts):
            for warning in warnings:
                logging.getLogger(warning.name).handle(warning)
            stats.add(part_stats)
            reader.add(read)
            digests.write(part_digests)
            schemas.append(schema)
            sizes.append(len(read.articles))
            chars += part_stats.stages["read"].chars
            removed.write(to_arrow(read.removed, removed.schema))
            release_memory()
    if warm is not None and sizes:
        with pa.memory_map(str(_part_file(parts, 0))) as source:
            first = pa.ipc.open_file(source).read_all()
        warm(first.slice(0, _WARM_UP_ARTICLES).select(
            [name for name in _CHUNK_COLUMNS if name in first.column_names]).to_pandas(),
            sum(sizes))
        del first
    removed.commit()
    excluded = reader.excluded()
    writer = TableWriter(folder / "excluded.parquet", table_schema(tuple(excluded.columns)),
                         ROW_GROUP_ROWS["excluded"])
    writer.write(to_arrow(excluded, writer.schema))
    writer.commit()
    writer = TableWriter(folder / "articles.parquet", _unified_schema(schemas),
                         ROW_GROUP_ROWS["articles"])
    for number, start in enumerate(np.cumsum([0, *sizes[:-1]]).tolist()):
        with pa.memory_map(str(_part_file(parts, number))) as source:
            part = pa.ipc.open_file(source).read_all()
        found = reader.duplicates(start=start, stop=start + part.num_rows)
        for name in found.columns:
            part = part.set_column(part.schema.get_field_index(name), name,
                                   pa.Array.from_pandas(found[name],
                                                        type=writer.schema.field(name).type))
        writer.write(part)
        del part
    writer.commit()
    shutil.rmtree(parts)
    meta = {"name": reader.name, "articles": sum(sizes), "chars": chars}
    (folder / "meta.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")


def _unified_schema(schemas: list[pa.Schema]) -> pa.Schema:
    """One schema for the articles of every part: types that hold each part's columns,
    the standard columns typed as :data:`DTYPES` says."""
    unified = pa.unify_schemas(schemas, promote_options="permissive")
    standard = table_schema(tuple(c for c in (*COLUMNS["articles"], "duplicate_kind")
                                  if c in unified.names))
    fields = [standard.field(f.name) if f.name in standard.names else f for f in unified]
    return pa.schema(fields, metadata=schemas[0].metadata)


def article_digests(articles: pd.DataFrame) -> bytes:
    """The sha256 of each article's ``doc_id``, title and text, concatenated.

    Parameters
    ----------
    articles : pandas.DataFrame
        Has ``doc_id``, ``title`` and ``text``.

    Returns
    -------
    bytes
        32 bytes per article, in table order.
    """
    doc_ids, titles, texts = (articles[c].astype(object).where(articles[c].notna(), None).tolist()
                              for c in _ANNOTATED)
    return b"".join(
        digest_bytes(str(doc_id), "\0" if title is None else "\1" + title,
                     "\0" if text is None else "\1" + text)
        for doc_id, title, text in zip(doc_ids, titles, texts, strict=True)
    )


def _write_source(batch: Batch, folder: Path) -> None:
    """Keep a batch as read: its tables as Parquet, the article digests and a summary
    (articles made without :func:`sourcebias.read_batch` get their ``language`` here)."""
    articles = batch.articles
    if "language" not in articles.columns:
        articles = articles.assign(language=detect_languages(articles["text"]))
    rows = ROW_GROUP_ROWS["articles"]
    writer = TableWriter(folder / "articles.parquet", _articles_schema(articles), rows)
    with (folder / "digests.bin").open("wb") as digests:
        for start in range(0, len(articles), rows):
            part = articles.iloc[start:start + rows]
            writer.write(to_arrow(part, writer.schema))
            digests.write(article_digests(part))
    writer.commit()
    for name in ("excluded", "removed"):
        table = getattr(batch, name)
        writer = TableWriter(folder / f"{name}.parquet", table_schema(tuple(table.columns)),
                             ROW_GROUP_ROWS[name])
        writer.write(to_arrow(table, writer.schema))
        writer.commit()
    meta = {"name": batch.name, "articles": len(articles),
            "chars": int(articles["text"].str.len().sum())}
    (folder / "meta.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class _Chunk:
    """Consecutive articles (the columns of :data:`_CHUNK_COLUMNS`), their digests and number."""

    number: int
    articles: pd.DataFrame
    digests: bytes


def _partitions(source: _Source, chunk_size: int, columns: tuple[str, ...] | None = None,
                *, workers: int = 1) -> Iterator[tuple[bytes, pa.Table]]:
    """The articles (these columns, default all) in parts of ``chunk_size`` (the last ones
    smaller with ``workers`` > 1, see :func:`_part_sizes`), each with its articles' digests;
    one empty part for an empty batch."""
    # not pre-buffered: the buffered column chunks would be kept until the last part
    file = pq.ParquetFile(source.folder / "articles.parquet", pre_buffer=False)
    schema = file.schema_arrow if columns is None else pa.schema(
        [file.schema_arrow.field(c) for c in columns], metadata=file.schema_arrow.metadata)
    sizes = iter(_part_sizes(file.metadata.num_rows, chunk_size, workers))
    size = next(sizes, 0)
    pending: list[pa.RecordBatch] = []
    with (source.folder / "digests.bin").open("rb") as digests:
        for batch in file.iter_batches(batch_size=chunk_size, columns=schema.names):
            pending.append(batch)
            while size and sum(b.num_rows for b in pending) >= size:
                table = pa.Table.from_batches(pending, schema=schema)
                part, rest = table.slice(0, size), table.slice(size)
                if len(pending) > 1:
                    part = part.combine_chunks()
                yield digests.read(size * _DIGEST_BYTES), part
                pending = rest.to_batches()
                size = next(sizes, 0)
    if not file.metadata.num_rows:
        yield b"", schema.empty_table()


def _part_sizes(articles: int, chunk_size: int, workers: int) -> list[int]:
    """The sizes of the parts that :func:`_partitions` cuts ``articles`` into.

    Parts of ``chunk_size``; with more parts than ``workers`` (> 1), the articles of the
    last ``workers`` parts are cut into ``2 * workers`` parts of nearly equal size
    instead (fewer when they are fewer articles), so that the workers, which take the
    parts in order, finish nearly together rather than one of them annotating the last
    full part alone (about half a part's time, on average, with one core idle). The
    tables do not depend on it.
    """
    full, last = divmod(articles, chunk_size)
    sizes = [chunk_size] * full + ([last] if last else [])
    if workers < 2 or len(sizes) <= workers:
        return sizes
    tail = sum(sizes[-workers:])
    pieces = min(2 * workers, tail)
    return sizes[:-workers] + [tail // pieces + (i < tail % pieces) for i in range(pieces)]


def _chunks(source: _Source, chunk_size: int) -> Iterator[_Chunk]:
    for number, (digests, table) in enumerate(_partitions(source, chunk_size, _CHUNK_COLUMNS)):
        yield _Chunk(number, table.to_pandas(), digests)


def _chunk_files(source: _Source, chunk_size: int, folder: Path, *, workers: int
                 ) -> Iterator[tuple[int, Path, bytes]]:
    """The articles (the columns of a chunk) in parts of ``chunk_size``, the last ones smaller
    (:func:`_part_sizes`), each written to an uncompressed Arrow IPC file in ``folder``
    for a worker to read (:func:`_chunk_from_file`): its number, file and digests."""
    for number, (digests, table) in enumerate(
            _partitions(source, chunk_size, _CHUNK_COLUMNS, workers=workers)):
        path = folder / f"articles-{number:06d}.arrow"
        with pa.ipc.new_file(str(path), table.schema) as writer:
            writer.write_table(table)
        yield number, path, digests


def _chunk_from_file(chunk: tuple[int, Path, bytes]) -> _Chunk:
    """A chunk that :func:`_chunk_files` wrote (its file is deleted)."""
    number, path, digests = chunk
    with pa.memory_map(str(path)) as source:
        articles = pa.ipc.open_file(source).read_all().to_pandas()
    path.unlink()
    return _Chunk(number, articles, digests)
