"""Run every per-article layer on a batch and keep the tables together.

``analyze`` is what ``sourcebias analyze`` and the notebooks call: read the
batch once, segment and annotate it in chunks of articles, and return (or
write as Parquet) the tidy tables documented in :mod:`sourcebias.tables`.

How a batch goes through
------------------------
1. *Read*: the batch is read in parts (:class:`sourcebias.batch.BatchReader`),
   cleaned in ``jobs`` worker processes, and kept as Parquet in the cache (or a
   temporary folder); duplicates are flagged once every part is read, from a
   compact fingerprint per article. The result is the same as
   :func:`sourcebias.batch.read_batch`'s.
2. *Annotate*: the articles go in chunks of ``chunk_size`` to the workers (or
   to the tasks of a Dask cluster). Each chunk is segmented, matched against
   the lexicons and scored for sentiment on its own, since every step works one
   article at a time; each worker returns compact Arrow tables of its chunk and
   its part of the outlet summary, never a corpus-wide matrix.
3. *Write*: the tables are written in input order as Parquet row groups of a
   fixed number of rows (:data:`ROW_GROUP_ROWS`), so the files are the same,
   byte for byte, whatever ``jobs`` and ``chunk_size`` are, and memory does not
   grow with the size of the batch.

Caching
-------
Each stage's result is cached under a key made of what it depends on: the
content (the batch's bytes for reading; for the rest each article's
``doc_id``, title and the sha256 of its text) and the code version (package
version, the source of the modules of the stage, and the hashes of
``data/furniture.yaml``, ``data/segment.yaml``, the valence file and the
lexicon the stage uses). Segmentation and sentiment do not depend on the
lexicons, so a rerun after a lexicon edit takes them from the cache and
recomputes the ``hits`` (after an edit of the terms lexicon) or the
``mentions`` (actors lexicon); output tables whose key is unchanged (recorded
in ``analysis.json``) are not even rewritten. The cache is the ``.cache``
folder beside the output folder unless ``cache=`` names another; it is never
put inside the batch folder. Entries are never stale, only unused: delete the
folder to reclaim the space.
"""

from __future__ import annotations

import json
import logging
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from logging.handlers import BufferingHandler
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from ._cache import Cache, code_version, digest, digest_bytes, file_digest, folder_digest
from .actors import find_actors
from .aggregate import outlet_summary
from .batch import DEFAULT_FURNITURE, Batch, BatchPart, BatchReader, PartRead, read_part
from .batch import LOG as READ_LOG
from .lexicon import Corpus, Lexicon, load_actors, load_terms, prepare_corpus
from .segment import RULES_PATH, segment
from .sentiment import DEFAULT_VALENCE, score_sentiment
from .stream import (
    DEFAULT_CHUNK_SIZE,
    Stats,
    TableWriter,
    atomic_path,
    cores,
    release_memory,
    run_chunks,
    run_on_dask,
)
from .tables import COLUMNS
from .terms import find_terms

#: The tables ``analyze`` writes, in order, as ``<name>.parquet``.
TABLE_NAMES = (
    "articles", "excluded", "removed", "sentences", "voice", "hits", "mentions", "sentiment",
)
PER_ARTICLE_TABLES = ("sentences", "voice", "hits", "mentions", "sentiment")
#: Rows per Parquet row group of each table written.
ROW_GROUP_ROWS = {
    "articles": 5_000, "excluded": 100_000, "removed": 100_000, "sentences": 100_000,
    "voice": 100_000, "hits": 100_000, "mentions": 100_000, "sentiment": 400_000,
}
#: The data type of each column in the written tables; every other column is a string,
#: except the extra columns of ``articles``, which keep the type they were read with.
DTYPES = {
    **dict.fromkeys(("sent_id", "para_id", "start", "end", "n_words", "line"), "int64"),
    **dict.fromkeys(("row", "label_start", "label_end"), "Int64"),
    **dict.fromkeys(("quote_share", "neg", "neu", "pos", "compound"), "float64"),
    **dict.fromkeys(("is_title", "scare", "negated"), "bool"),
    "label_scare": "boolean",
}
_ANNOTATED = ("doc_id", "title", "text")
#: The article columns a chunk carries: those annotated, and those the outlet summary counts.
_SUMMARY_COLUMNS = ("outlet", "outlet_group", "n_words", "duplicate_of")
_CHUNK_COLUMNS = (*_ANNOTATED, *_SUMMARY_COLUMNS)
_DIGEST_BYTES = 32
_FOLD_EVERY = 64
_META = "analysis.json"


class _StoredTables(Mapping):
    """The tables of an output folder, each read from Parquet when first used.

    The files are noted when the mapping is made; reading a table whose files
    were rewritten since (by another run into the same folder) raises instead
    of mixing two runs.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._files = {name: _identity(_table_path(folder, name)) for name in TABLE_NAMES}
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLE_NAMES:
            raise KeyError(name)
        if name not in self._loaded:
            path = _table_path(self.folder, name)
            if _identity(path) != self._files[name]:
                raise RuntimeError(f"{path} was rewritten after these tables were loaded; "
                                   f"load them again with load_tables({str(self.folder)!r})")
            self._loaded[name] = pd.read_parquet(path)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TABLE_NAMES)

    def __len__(self) -> int:
        return len(TABLE_NAMES)

    def rows(self, name: str) -> int:
        """The number of rows of a table, from its files' metadata."""
        if name in self._loaded:
            return len(self._loaded[name])
        path = _table_path(self.folder, name)
        files = sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]
        return sum(pq.read_metadata(f).num_rows for f in files)


def _identity(path: Path) -> tuple:
    """What tells one version of a table's file (or folder of parts) from another."""
    files = sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]
    return tuple((f.name, f.stat().st_ino, f.stat().st_mtime_ns, f.stat().st_size)
                 for f in files)


@dataclass(frozen=True)
class Analysis:
    """The annotated tables of one batch.

    Attributes
    ----------
    name : str
        The batch's name (its folder or file stem).
    tables : mapping of str to pandas.DataFrame
        One entry per name in :data:`TABLE_NAMES`. Tables of a written
        analysis are read from their Parquet files when first used.
    lexicons : dict
        For each lexicon used, its path, version and sha256.
    stats : Stats
        What each stage cost and how many chunks came from the cache (empty for
        tables loaded with :func:`load_tables`).
    summary : pandas.DataFrame or None
        :func:`sourcebias.aggregate.outlet_summary` of the batch, summed from
        its chunks while they were annotated (None for tables loaded with
        :func:`load_tables`).
    """

    name: str
    tables: Mapping[str, pd.DataFrame]
    lexicons: dict[str, dict[str, str]] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)
    summary: pd.DataFrame | None = None

    def __getattr__(self, item: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if item in tables:
            return tables[item]
        raise AttributeError(item)

    def rows(self, name: str) -> int:
        """The number of rows of a table, without reading a written table into memory."""
        if isinstance(self.tables, _StoredTables):
            return self.tables.rows(name)
        return len(self.tables[name])


def annotate(
    articles: pd.DataFrame,
    *,
    terms: Lexicon,
    actors: Lexicon,
    domain: bool = True,
) -> dict[str, pd.DataFrame]:
    """Segment and annotate a set of articles.

    Every step works one article at a time, so any partition of the
    articles gives the same rows.

    Parameters
    ----------
    articles : pandas.DataFrame
        An ``articles`` table (see :mod:`sourcebias.tables`).
    terms, actors : Lexicon
        The loaded-terms and actors lexicons.
    domain : bool, default True
        Also score sentiment with the domain valence entries, beside plain VADER.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sentences``, ``voice``, ``hits``, ``mentions`` and ``sentiment``.
    """
    sentences, voice = segment(articles)
    corpus = prepare_corpus(articles)
    return {
        "sentences": sentences,
        "voice": voice,
        "hits": find_terms(corpus, sentences=sentences, voice=voice, lexicon=terms),
        "mentions": find_actors(corpus, sentences=sentences, voice=voice, lexicon=actors),
        "sentiment": score_sentiment(sentences, voice=voice, articles=articles, domain=domain),
    }


def analyze(
    batch: str | Path | Batch,
    *,
    out: str | Path | None = None,
    terms: str | Path | Lexicon | None = None,
    actors: str | Path | Lexicon | None = None,
    domain: bool = True,
    read_options: dict | None = None,
    jobs: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    cache: str | Path | bool = True,
    dask: str | object | None = None,
) -> Analysis:
    """Read a batch and build every per-article table.

    Parameters
    ----------
    batch : str, Path or Batch
        A batch folder or table file (see :func:`sourcebias.batch.read_batch`),
        or a batch already read.
    out : str or Path, optional
        When given, write each table as ``<out>/<name>.parquet`` plus
        ``analysis.json``, chunk by chunk, so that memory stays flat however
        large the batch; the tables of the returned analysis are then read
        from these files when first used. The folder is created if needed.
        Without ``out`` every table is kept in memory.
    terms, actors : str, Path or Lexicon, optional
        Lexicon files; the project's ``data/lexicons`` files by default.
    domain : bool, default True
        Score sentiment with and without the domain valence entries.
    read_options : dict, optional
        Keyword arguments for :func:`sourcebias.batch.read_batch`
        (for example ``{"text_column": "content"}``).
    jobs : int, optional
        Worker processes; every core by default. The tables do not depend on it.
    chunk_size : int, default 2000
        Articles per chunk of work. The tables do not depend on it.
    cache : str, Path or bool, default True
        Where to cache the batch as read and each chunk's segmentation and
        sentiment: ``True`` for ``.cache`` beside ``out`` (no cache without
        ``out``), a folder, or ``False`` for no cache.
    dask : str or distributed.Client, optional
        The address of a Dask scheduler (or a client): the chunks run as tasks
        on that cluster, which read their articles from and write their tables
        to ``<out>/<name>/part-NNNNN.parquet``, so ``out`` must be on a file
        system that the workers share. The tables equal those of a local run.

    Returns
    -------
    Analysis

    Examples
    --------
    >>> analysis = analyze("data/batches/seed", out="reports/seed/data")  # doctest: +SKIP
    >>> analysis.stats.as_dict()["segment"]["cached"]  # doctest: +SKIP
    """
    jobs = cores() if jobs is None else jobs
    for name, value in (("jobs", jobs), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}={value!r}: give a whole number of at least 1")
    if dask is not None and out is None:
        raise ValueError("dask= needs out=: the workers write their tables there")
    terms = terms if isinstance(terms, Lexicon) else load_terms(terms)
    actors = actors if isinstance(actors, Lexicon) else load_actors(actors)
    store = Cache(_cache_folder(cache, out=out, batch=batch))
    stats = Stats()
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(
            prefix=".sourcebias-", dir=None if out is None else _parent(out))))
        if dask is None:
            run = partial(run_chunks, jobs=jobs)
        else:
            client = stack.enter_context(_dask_client(dask))
            run = partial(run_on_dask, client=client)
        source = _read_source(batch, read_options=read_options or {}, cache=store,
                              scratch=scratch, stats=stats, run=run)
        settings = _Settings(
            terms=terms, actors=actors, domain=domain, cache=store,
            versions={
                "segment": code_version("segment", str(RULES_PATH)),
                "sentiment": code_version("sentiment", *(
                    [str(DEFAULT_VALENCE)] if domain else [])) + f"-domain={domain}",
                "hits": code_version("hits") + terms.sha256,
                "mentions": code_version("mentions") + actors.sha256,
                "summary": code_version("summary"),
                "corpus": code_version("corpus"),
            },
        )
        lexicons = {"terms": terms.describe(), "actors": actors.describe()}
        if dask is not None:
            return _run_dask(source, settings, out=Path(out), lexicons=lexicons,
                             client=client, chunk_size=chunk_size, stats=stats)
        return _run_local(source, settings, out=None if out is None else Path(out),
                          lexicons=lexicons, jobs=jobs, chunk_size=chunk_size, stats=stats)


def write_tables(analysis: Analysis, out: str | Path) -> Path:
    """Write an analysis as one Parquet file per table, byte-for-byte reproducibly.

    The files have the layout :func:`analyze` writes: row groups of
    :data:`ROW_GROUP_ROWS` rows and the column types of :data:`DTYPES`.

    Parameters
    ----------
    analysis : Analysis
    out : str or Path
        Destination folder, created if needed.

    Returns
    -------
    Path
        The folder written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / _META).unlink(missing_ok=True)
    tables = {}
    for name in TABLE_NAMES:
        table = analysis.tables[name]
        schema = (_articles_schema(table) if name == "articles"
                  else table_schema(tuple(table.columns)))
        writer = TableWriter(out / f"{name}.parquet", schema, ROW_GROUP_ROWS[name])
        for start in range(0, len(table), ROW_GROUP_ROWS[name]):
            writer.write(to_arrow(table.iloc[start:start + ROW_GROUP_ROWS[name]], schema))
        tables[name] = {"key": None, "bytes": writer.commit().stat().st_size}
    _write_meta(out, name=analysis.name, lexicons=analysis.lexicons, tables=tables)
    return out


def load_tables(out: str | Path) -> Analysis:
    """Read the tables that :func:`analyze` or :func:`write_tables` wrote.

    Each table is read when first used; the files and their columns are
    checked at once.

    Parameters
    ----------
    out : str or Path
        A folder written by :func:`analyze` or ``sourcebias analyze``: one
        ``<name>.parquet`` file per table, or one ``<name>/`` folder of
        ``part-NNNNN.parquet`` files per table (a run on a Dask cluster).

    Returns
    -------
    Analysis
    """
    out = Path(out)
    meta_file = out / _META
    if not meta_file.exists():
        raise FileNotFoundError(
            f"{out}: no {_META} here; run `sourcebias analyze BATCH --out {out}` first"
        )
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    for name in TABLE_NAMES:
        path = _table_path(out, name)
        if name in COLUMNS:
            missing = set(COLUMNS[name]) - set(pq.read_schema(_first_file(path)).names)
            if missing:
                raise ValueError(f"{path}: lacks column(s) {sorted(missing)}")
    return Analysis(name=meta["batch"], tables=_StoredTables(out), lexicons=meta["lexicons"])


# --- tables on disk ----------------------------------------------------------------------


def _table_path(out: Path, name: str) -> Path:
    """The file (or folder of parts) of a table; raises if there is neither."""
    single, parts = out / f"{name}.parquet", out / name
    if single.is_file():
        return single
    if parts.is_dir():
        return parts
    raise FileNotFoundError(f"{single}: missing; run `sourcebias analyze BATCH --out {out}` "
                            "again")


def _first_file(path: Path) -> Path:
    return path if path.is_file() else min(path.glob("part-*.parquet"), default=path)


def _write_meta(out: Path, *, name: str, lexicons: dict, tables: dict) -> None:
    meta = {"batch": name, "lexicons": lexicons, "tables": tables, "version": __version__}
    with atomic_path(out / _META) as tmp:
        tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@lru_cache(maxsize=64)
def table_schema(columns: tuple[str, ...]) -> pa.Schema:
    """The Arrow schema (with pandas metadata) of a written table with these columns.

    Parameters
    ----------
    columns : tuple of str

    Returns
    -------
    pyarrow.Schema
        Column types from :data:`DTYPES`; strings elsewhere.
    """
    empty = pd.DataFrame({c: pd.Series(dtype=DTYPES.get(c, "str")) for c in columns})
    return pa.Schema.from_pandas(empty, preserve_index=False)


def _articles_schema(articles: pd.DataFrame) -> pa.Schema:
    """Standard columns typed as :data:`DTYPES` says (strings elsewhere); extra columns as read."""
    standard = {c: DTYPES.get(c, "str") for c in (*COLUMNS["articles"], "duplicate_kind")
                if c in articles.columns}
    return pa.Schema.from_pandas(articles.iloc[:0].astype(standard), preserve_index=False)


def to_arrow(table: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A pandas table as an Arrow table of ``schema`` (same columns, cast to its types)."""
    return pa.Table.from_pandas(table, preserve_index=False).select(schema.names).cast(schema)


# --- reading ------------------------------------------------------------------------------


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
                 scratch: Path, stats: Stats, run: Callable) -> _Source:
    """The batch as read, from the cache when it holds it; ``run`` maps the reading of
    its parts (see :func:`sourcebias.stream.run_chunks`)."""
    if isinstance(batch, Batch):
        with stats.stage("read", articles=len(batch.articles), whole=True):
            _check_ids(batch.articles)
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
                "read", key, lambda f: _read_parts(reader, f, run=run, stats=stats))
            if folder is None:
                folder = scratch / "batch"
                folder.mkdir()
                _read_parts(reader, folder, run=run, stats=stats)
        else:
            record.cached = 1
    return _Source(folder, key)


def _read_part(part: BatchPart, shingle_folder: Path
               ) -> tuple[PartRead, Stats, list[logging.LogRecord]]:
    """Read one part of a batch (a worker's task); its warnings are returned, not logged,
    so that the calling process logs them, wherever the part was read."""
    stats = Stats()
    logger = READ_LOG
    caught = BufferingHandler(capacity=sys.maxsize)
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(caught)
    try:
        with stats.stage("read") as record:
            read = read_part(part, shingle_folder=shingle_folder)
            record.articles = len(read.articles)
            record.chars = int(read.articles["text"].str.len().sum())
            record.computed = 1
    finally:
        logger.removeHandler(caught)
        logger.propagate = propagate
    return read, stats, caught.buffer


def _read_parts(reader: BatchReader, folder: Path, *, run: Callable, stats: Stats) -> None:
    """Read a batch part by part, in parallel through ``run``, into a source folder.

    Each part's articles are kept in a file of their own until the duplicates,
    which need every article, are known; then they are written again, with
    ``duplicate_of`` and ``duplicate_kind``, into one ``articles.parquet``.
    """
    parts = folder / "parts"
    parts.mkdir()
    removed = TableWriter(folder / "removed.parquet", table_schema(COLUMNS["removed"]),
                          ROW_GROUP_ROWS["removed"])
    schemas, sizes = [], []
    for read, part_stats, warnings in run(_read_part, reader.parts(), settings=parts):
        for warning in warnings:
            logging.getLogger(warning.name).handle(warning)
        stats.add(part_stats)
        reader.add(read)
        table = pa.Table.from_pandas(read.articles, preserve_index=False)
        pq.write_table(table, parts / f"articles-{read.number:06d}.parquet", compression="lz4")
        schemas.append(table.schema)
        sizes.append(table.num_rows)
        removed.write(to_arrow(read.removed, removed.schema))
        release_memory()
    removed.commit()
    excluded = reader.excluded()
    writer = TableWriter(folder / "excluded.parquet", table_schema(tuple(excluded.columns)),
                         ROW_GROUP_ROWS["excluded"])
    writer.write(to_arrow(excluded, writer.schema))
    writer.commit()
    writer = TableWriter(folder / "articles.parquet", _unified_schema(schemas),
                         ROW_GROUP_ROWS["articles"])
    chars = 0
    with (folder / "digests.bin").open("wb") as digests:
        for number, start in enumerate(np.cumsum([0, *sizes[:-1]]).tolist()):
            part = pd.read_parquet(parts / f"articles-{number:06d}.parquet")
            part[["duplicate_of", "duplicate_kind"]] = reader.duplicates(
                start=start, stop=start + len(part)).to_numpy()
            writer.write(to_arrow(part, writer.schema))
            digests.write(article_digests(part))
            chars += int(part["text"].str.len().sum())
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


def _check_ids(articles: pd.DataFrame) -> None:
    repeated = articles["doc_id"].duplicated()
    if repeated.any():
        row = articles.index[repeated.to_numpy()][0]
        raise ValueError(f"articles row {row}: doc_id {articles.at[row, 'doc_id']!r} is not "
                         "unique; give each article its own doc_id")


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
    """Keep a batch as read: its tables as Parquet, the article digests and a summary."""
    articles = batch.articles
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


def _partitions(source: _Source, chunk_size: int, columns: tuple[str, ...] | None = None
                ) -> Iterator[tuple[bytes, pa.Table]]:
    """The articles (these columns, default all) in parts of ``chunk_size``, each with its
    articles' digests; one empty part for an empty batch."""
    # not pre-buffered: the buffered column chunks would be kept until the last part
    file = pq.ParquetFile(source.folder / "articles.parquet", pre_buffer=False)
    schema = file.schema_arrow if columns is None else pa.schema(
        [file.schema_arrow.field(c) for c in columns], metadata=file.schema_arrow.metadata)
    empty = True
    with (source.folder / "digests.bin").open("rb") as digests:
        for batch in file.iter_batches(batch_size=chunk_size, columns=schema.names):
            empty = False
            yield (digests.read(batch.num_rows * _DIGEST_BYTES),
                   pa.Table.from_batches([batch], schema=schema))
    if empty:
        yield b"", schema.empty_table()


def _chunks(source: _Source, chunk_size: int) -> Iterator[_Chunk]:
    for number, (digests, table) in enumerate(_partitions(source, chunk_size, _CHUNK_COLUMNS)):
        yield _Chunk(number, table.to_pandas(), digests)


# --- annotating a chunk ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    """What every chunk is annotated with, and which tables to return.

    ``versions`` holds the code version of each cached stage (``segment``,
    ``corpus``, ``sentiment``, ``hits``, ``mentions``, ``summary``), lexicon hashes
    included.
    """

    terms: Lexicon
    actors: Lexicon
    domain: bool
    cache: Cache
    versions: dict[str, str]
    tables: tuple[str, ...] = PER_ARTICLE_TABLES
    partitions: Path | None = None

    def keys(self, digests: bytes) -> dict[str, str]:
        """Cache keys of each stage's result for articles with these digests."""
        segmented = digest(self.versions["segment"], digests)
        return {"segment": segmented, "corpus": digest(self.versions["corpus"], digests)} | {
            stage: digest(self.versions[stage], segmented)
            for stage in ("sentiment", "hits", "mentions")}


@dataclass(frozen=True)
class _Result:
    """A chunk's tables (Arrow), what each stage cost, and its partial outlet summary
    with the chunk's (outlet, outlet_group) pairs."""

    tables: dict[str, pa.Table]
    stats: Stats
    summary: pd.DataFrame
    groups: pd.DataFrame


def _arrow(table: pd.DataFrame) -> pa.Table:
    return to_arrow(table, table_schema(tuple(table.columns)))


#: The sentence columns that placing hits and mentions needs (all but the texts).
_SENTENCE_SPANS = ("doc_id", "sent_id", "is_title", "start", "end")


@dataclass
class _Segmentation:
    """A chunk's ``sentences`` and ``voice`` (Arrow tables), converted to pandas only as
    far as a stage needs: matching a lexicon never converts the sentence texts."""

    tables: dict[str, pa.Table]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def sentences(self, *, texts: bool = True) -> pd.DataFrame:
        """The sentences, with their texts or only where they are."""
        if "sentences" not in self.frames and ("spans" not in self.frames or texts):
            table = self.tables["sentences"]
            name = "sentences" if texts else "spans"
            self.frames[name] = (table if texts else table.select(list(_SENTENCE_SPANS))
                                 ).to_pandas()
        return self.frames.get("sentences", self.frames.get("spans"))

    def voice(self) -> pd.DataFrame:
        if "voice" not in self.frames:
            self.frames["voice"] = self.tables["voice"].to_pandas()
        return self.frames["voice"]


def _annotate_chunk(chunk: _Chunk, settings: _Settings) -> _Result:
    """The per-article tables of one chunk that ``settings.tables`` names, as Arrow tables,
    each from the cache when it is there."""
    stats = Stats()
    articles = chunk.articles
    size = {"articles": len(articles), "chars": int(articles["text"].str.len().sum())}
    keys = settings.keys(chunk.digests)
    cache = settings.cache
    with stats.stage("segment", **size) as record:
        tables = cache.load("segment", keys["segment"], ("sentences", "voice"))
        if tables is None:
            sentences, voice = segment(articles)
            tables = {"sentences": _arrow(sentences), "voice": _arrow(voice)}
            segmentation = _Segmentation(tables, {"sentences": sentences, "voice": voice})
            cache.store("segment", keys["segment"], tables)
            record.computed = 1
        else:
            segmentation = _Segmentation(tables)
            record.cached = 1
    with stats.stage("terms+actors", **size) as record:
        corpus = None
        for name, find, lexicon in (("hits", find_terms, settings.terms),
                                    ("mentions", find_actors, settings.actors)):
            if name not in settings.tables:
                continue
            found = cache.load(name, keys[name], (name,))
            if found is None:
                corpus = corpus or _corpus(articles, cache, keys["corpus"])
                found = {name: _arrow(find(corpus, sentences=segmentation.sentences(texts=False),
                                           voice=segmentation.voice(), lexicon=lexicon))}
                cache.store(name, keys[name], found)
                record.computed += 1
            else:
                record.cached += 1
            tables |= found
    if "sentiment" in settings.tables:
        with stats.stage("sentiment", **size) as record:
            scored = cache.load("sentiment", keys["sentiment"], ("sentiment",))
            if scored is None:
                scored = {"sentiment": _arrow(score_sentiment(
                    segmentation.sentences(), voice=segmentation.voice(), articles=articles,
                    domain=settings.domain))}
                cache.store("sentiment", keys["sentiment"], scored)
                record.computed = 1
            else:
                record.cached = 1
        tables |= scored
    with stats.stage("summary", **size) as record:
        counted = articles[list(_SUMMARY_COLUMNS)]
        key = digest(settings.versions["summary"], keys["segment"],
                     pd.util.hash_pandas_object(counted, index=False).to_numpy().tobytes())
        summary = cache.load("summary", key, ("summary", "groups"))
        if summary is None:
            summary = {"summary": outlet_summary(articles, sentences=segmentation.sentences(),
                                                 voice=segmentation.voice()),
                       "groups": counted[["outlet", "outlet_group"]].drop_duplicates()}
            summary = {name: pa.Table.from_pandas(table, preserve_index=False)
                       for name, table in summary.items()}
            cache.store("summary", key, summary)
            record.computed = 1
        else:
            record.cached = 1
    return _Result({name: tables[name] for name in settings.tables}, stats,
                   summary["summary"].to_pandas(), summary["groups"].to_pandas())


def _corpus(articles: pd.DataFrame, cache: Cache, key: str) -> Corpus:
    """The articles normalised for matching (:func:`sourcebias.lexicon.prepare_corpus`),
    from the cache when it holds them: the normalisation does not depend on the lexicons.

    The normalised chunks are cached as they are (pickled, in one Arrow cell), so the
    cache follows whatever :mod:`sourcebias.lexicon` keeps in them.
    """
    stored = cache.load("corpus", key, ("corpus",))
    if stored is not None:
        chunks = pickle.loads(stored["corpus"]["chunks"][0].as_py())
        return Corpus(doc_ids=pd.Index(articles["doc_id"]),
                      texts=articles["text"].fillna("").astype(str).tolist(), chunks=chunks)
    corpus = prepare_corpus(articles)
    cache.store("corpus", key, {"corpus": pa.table({"chunks": pa.array(
        [pickle.dumps(corpus.chunks, protocol=pickle.HIGHEST_PROTOCOL)], pa.large_binary())})})
    return corpus


def combine_summaries(parts: list[pd.DataFrame], groups: pd.DataFrame) -> pd.DataFrame:
    """The :func:`sourcebias.aggregate.outlet_summary` of a batch from those of its parts.

    Counts add up; ``quote_share = n_words_quote / n_words`` (NaN without words) and
    ``narrator_share = 1 - quote_share`` are computed from the sums, and
    ``outlet_group`` joins the outlet's distinct groups in sorted order with
    ``"; "`` (null when it has none), as ``outlet_summary`` does.

    Parameters
    ----------
    parts : list of pandas.DataFrame
        ``outlet_summary`` of each part of the articles (by outlet).
    groups : pandas.DataFrame
        ``outlet`` and ``outlet_group`` of the articles (repeats allowed).

    Returns
    -------
    pandas.DataFrame
        One row per outlet, sorted by outlet, with the columns of ``outlet_summary``.
    """
    counts = ["n_articles", "n_duplicates", "n_words", "n_words_narrator", "n_words_quote",
              "n_sentences"]
    totals = pd.concat(parts).groupby("outlet", sort=True)[counts].sum()
    joined = groups.groupby("outlet")["outlet_group"].agg(
        lambda g: "; ".join(sorted(g.dropna().astype("str").unique())))
    n_words = totals["n_words"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        quote_share = np.where(n_words > 0, totals["n_words_quote"].to_numpy() / n_words, np.nan)
    table = totals.reset_index().assign(
        outlet_group=totals.index.map(joined.replace("", None)),
        narrator_share=1 - quote_share, quote_share=quote_share)
    return table[list(parts[0].columns)].astype(parts[0].dtypes.to_dict())


class _Summaries:
    """The partial outlet summaries of the chunks annotated so far, folded together every
    :data:`_FOLD_EVERY` chunks so that they stay small."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []
        self.groups: list[pd.DataFrame] = []

    def add(self, summary: pd.DataFrame, groups: pd.DataFrame) -> None:
        self.parts.append(summary)
        self.groups.append(groups)
        if len(self.parts) >= _FOLD_EVERY:
            self.groups = [pd.concat(self.groups).drop_duplicates()]
            self.parts = [combine_summaries(self.parts, self.groups[0])]

    def result(self) -> pd.DataFrame:
        """The outlet summary of every chunk added."""
        return combine_summaries(self.parts, pd.concat(self.groups))


# --- running locally ----------------------------------------------------------------------


def _table_keys(source: _Source, settings: _Settings) -> dict[str, str | None]:
    """Keys of the output tables that depend only on content and code (None: not known)."""
    keys = settings.keys(source.digests())
    return {
        **dict.fromkeys(("articles", "excluded", "removed"), source.key),
        "sentences": keys["segment"], "voice": keys["segment"],
        **{name: keys[name] for name in ("hits", "mentions", "sentiment")},
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


def _run_local(source: _Source, settings: _Settings, *, out: Path | None, lexicons: dict,
               jobs: int, chunk_size: int, stats: Stats) -> Analysis:
    """Annotate in ``jobs`` local processes; write to ``out`` or keep in memory."""
    meta = source.meta
    keys = _table_keys(source, settings)
    fresh = _up_to_date(out, keys) if out is not None and settings.cache.root else set()
    settings = replace(settings, tables=tuple(t for t in PER_ARTICLE_TABLES if t not in fresh))
    jobs = min(jobs, max(1, -(-meta["articles"] // chunk_size)))
    parts: dict[str, list[pa.Table]] = {name: [] for name in settings.tables}
    summaries = _Summaries()
    writers: dict[str, TableWriter] = {}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / _META).unlink(missing_ok=True)
    try:
        for result in _timed(run_chunks(_annotate_chunk, _chunks(source, chunk_size),
                                        settings=settings, jobs=jobs), stats, "annotate"):
            stats.add(result.stats)
            summaries.add(result.summary, result.groups)
            with stats.stage("write"):
                for name, table in result.tables.items():
                    if out is None:
                        parts[name].append(table)
                        continue
                    if name not in writers:
                        writers[name] = TableWriter(out / f"{name}.parquet", table.schema,
                                                    ROW_GROUP_ROWS[name])
                    writers[name].write(table)
            release_memory()
        summary = summaries.result()
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
    return replace(load_tables(out), lexicons=lexicons, stats=stats, summary=summary)


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


# --- running on a Dask cluster ----------------------------------------------------------------


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
    _write_meta(out, name=meta["name"], lexicons=lexicons,
                tables={name: {"key": None} for name in TABLE_NAMES})
    _write_stages(out, stats, dask_workers=workers, chunk_size=chunk_size)
    return replace(load_tables(out), lexicons=lexicons, stats=stats, summary=summary)
