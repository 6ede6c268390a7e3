"""Tables on disk: Parquet files and folders of partitions, their schema and reading back."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sourcebias import __version__
from sourcebias.files import atomic_path
from sourcebias.run.stream import Stats, TableWriter
from sourcebias.tables import COLUMNS, DTYPES, TABLE_NAMES

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
                                   f"load them again with read_tables({str(self.folder)!r})")
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
        tables loaded with :func:`read_tables`).
    summary : pandas.DataFrame or None
        :func:`sourcebias.outlet_summary` of the batch, summed from
        its chunks while they were annotated (None for tables loaded with
        :func:`read_tables`).
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

def read_tables(out: str | Path) -> Analysis:
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


#: Rows per Parquet row group of each table written.
ROW_GROUP_ROWS = {
    "articles": 5_000, "excluded": 100_000, "removed": 100_000, "sentences": 100_000,
    "voice": 100_000, "hits": 100_000, "mentions": 100_000, "sentiment": 400_000,
    "attributions": 100_000,
}


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
