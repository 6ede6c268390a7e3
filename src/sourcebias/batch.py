"""Read a batch of articles into the ``articles``, ``excluded`` and ``removed`` tables.

A batch is either

* a folder of ``.txt``, ``.md``, ``.html`` or ``.htm`` files, one article each.
  With a ``manifest.csv`` (columns ``path`` and ``outlet``; optional ``doc_id``,
  ``outlet_group``, ``date``, ``url``, ``title``; any other column is kept), the
  manifest's rows are the batch: files it does not list are not read. Its paths
  are relative to the folder and may pass through symbolic links, but may not be
  absolute or climb out of the folder with ``..``. Without a manifest, every file
  under the folder is read (hidden files and folders aside); the outlet is the
  name of the top-level sub-folder the file sits in, or the batch folder's own
  name for files directly in it.
* or one ``.csv``, ``.jsonl``, ``.parquet`` (or ``.csv.gz``, ``.jsonl.gz``) table
  with one row per article. Its columns are mapped with the ``*_column`` options
  and every other column is kept.

The ``doc_id`` is the manifest's or table's, else the file stem (folders) or
the row number (tables). Text is decoded and repaired (see
:mod:`sourcebias._decode`), an HTML page is reduced to its article, site
furniture and repeated paragraphs are taken out (rules in
``data/furniture.yaml``), the headline is found, and articles that repeat an
earlier one are flagged in ``duplicate_of`` but kept.

Everything taken out is a row of ``removed``, whose ``rule`` says why: a
furniture rule's id, ``repeated-paragraph``, or ``html-boilerplate`` for a block
of an HTML page's visible text (menu, footer, related stories, cookie banner ...)
that the article extraction left out. The ``line`` of an ``html-boilerplate``
row is the line of the HTML file where the block starts; the other rows of an
HTML page count lines of the extracted article text.

A batch is read in parts of :data:`PART_ROWS` inputs (:class:`BatchReader`,
:func:`read_part`), each read and cleaned on its own, so that a batch of any
size can be read in bounded memory and in several processes. Only the check for
duplicates needs every article; it keeps a compact fingerprint of each (a hash
of its words, a MinHash signature, and its shingle hashes, which
:func:`read_part` can write to a file) and resolves them once all parts are read.

Whatever cannot be read becomes a row of ``excluded`` naming what is wrong and
what to do, and the same line is logged as a warning on the ``sourcebias.batch``
logger the moment it is found, so that ``inputs = articles + excluded`` always
holds and nothing is skipped silently. Nothing is ever written to the batch.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json
import pyarrow.parquet as pq

from ._decode import (
    HTML_BOILERPLATE,
    UnreadableFile,
    decode_bytes,
    extract_html,
    repair_mojibake,
)
from ._furniture import REPEATED, Furniture, as_arrow, clean_texts, load_furniture
from .paths import DATA_DIR
from .tables import COLUMNS, count_words, empty

LOG = logging.getLogger(__name__)

#: The furniture rules used when ``read_batch`` is given none.
DEFAULT_FURNITURE = DATA_DIR / "furniture.yaml"
MANIFEST = "manifest.csv"
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
TABLE_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".parquet")
#: Input fields that the ``*_column`` options map, by their name in ``articles``.
FIELDS = ("doc_id", "outlet", "outlet_group", "date", "url", "title")

_SHINGLE_WORDS = 5
_N_HASHES = 32
_MIN_RECALL = 0.99
_MIX = np.uint64(0x9E3779B97F4A7C15)
_PAIR_CHUNK = 5000
_TEXT_CHUNK = 10_000
#: Bytes read from a Parquet table file at a time.
_READ_BUFFER = 1 << 20
#: Inputs per part when a batch is read part by part (see :class:`BatchReader`).
PART_ROWS = 2_000
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
_ARTICLE_STANDARD = (*COLUMNS["articles"], "duplicate_kind")
#: The columns of ``removed`` rows before the article's doc_id is known.
_REMOVED_KEYED = ["key", "line", "text", "rule"]


@dataclass(frozen=True, eq=False)
class Batch:
    """A batch of articles as read by :func:`read_batch`.

    Attributes
    ----------
    name : str
        The batch folder's name or the table file's stem.
    articles, excluded, removed : pandas.DataFrame
        The tables of :mod:`sourcebias.tables`. ``articles`` also has
        ``duplicate_kind`` (``exact``, ``near`` or null) and keeps every extra
        manifest or table column.
    problems : tuple of str
        One line per input that was excluded or needed its encoding repaired,
        each naming the file (and row) and what to do, in the order found.
    """

    name: str
    articles: pd.DataFrame
    excluded: pd.DataFrame
    removed: pd.DataFrame
    problems: tuple[str, ...] = ()

    def summary(self) -> str:
        """Counts, then every problem on its own line."""
        repeats = int((self.removed["rule"] == REPEATED).sum())
        boilerplate = int((self.removed["rule"] == HTML_BOILERPLATE).sum())
        counts = [
            f"{self.name}: {len(self.articles)} article(s) read, "
            f"{len(self.excluded)} input(s) excluded",
            f"removed {len(self.removed) - repeats - boilerplate} piece(s) of site furniture, "
            f"{repeats} repeated paragraph(s) and {boilerplate} block(s) of HTML page "
            "boilerplate (see `removed`); "
            f"{int(self.articles['duplicate_of'].notna().sum())} article(s) repeat an earlier "
            "one (see `duplicate_of`)",
        ]
        return "\n".join([*counts, *self.problems])


def read_batch(
    path: str | Path,
    *,
    text_column: str = "text",
    id_column: str = "doc_id",
    outlet_column: str = "outlet",
    outlet_group_column: str = "outlet_group",
    date_column: str = "date",
    url_column: str = "url",
    title_column: str = "title",
    furniture: str | Path | Furniture | None = None,
    near_duplicate_threshold: float = 0.9,
) -> Batch:
    """Read a batch folder or table file into tidy tables.

    Parameters
    ----------
    path : str or Path
        A batch folder, or a ``.csv``, ``.jsonl``, ``.parquet``, ``.csv.gz`` or
        ``.jsonl.gz`` file with one row per article.
    text_column : str
        The table column that holds the article text (tables only).
    id_column, outlet_column, outlet_group_column, date_column, url_column, title_column : str
        The names of these fields in the table file or in ``manifest.csv``.
    furniture : str, Path or Furniture, optional
        The site-furniture rules (a YAML file, see :func:`read_furniture`);
        ``data/furniture.yaml`` by default.
    near_duplicate_threshold : float
        Jaccard similarity of two articles' sets of five-word shingles from which
        the later one is flagged as a near duplicate of the earlier one.
        Candidates are found with MinHash locality-sensitive hashing (Broder,
        "On the resemblance and containment of documents", 1997; Leskovec,
        Rajaraman and Ullman, *Mining of Massive Datasets*, ch. 3), banded so
        that a pair at the threshold is found with probability >= 0.99, and
        each candidate's exact Jaccard similarity is then checked.

    Returns
    -------
    Batch
        ``articles`` in input order. "Earlier" for duplicates means an earlier
        date (missing dates last), then a smaller ``doc_id``.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When ``path`` is not a batch, or a manifest or table lacks a required
        column (the message names the file and the columns it has).

    Examples
    --------
    >>> batch = read_batch("data/batches/seed")
    >>> print(batch.summary())  # doctest: +SKIP
    >>> table = read_batch("articles.jsonl.gz", text_column="content_original",
    ...                    outlet_column="source_url", id_column="ID")  # doctest: +SKIP
    """
    reader = BatchReader(
        path, text_column=text_column, id_column=id_column, outlet_column=outlet_column,
        outlet_group_column=outlet_group_column, date_column=date_column, url_column=url_column,
        title_column=title_column, furniture=furniture,
        near_duplicate_threshold=near_duplicate_threshold,
    )
    reads = [reader.add(read_part(part)) for part in reader.parts()]
    articles = _concat([read.articles for read in reads])
    articles[["duplicate_of", "duplicate_kind"]] = reader.duplicates()
    return Batch(
        name=reader.name,
        articles=articles,
        excluded=reader.excluded(),
        removed=_concat([read.removed for read in reads]),
        problems=reader.problems(),
    )


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The tables one after the other; empty ones, whose columns may lack a type, are left
    out unless all are empty."""
    found = [table for table in tables if len(table)] or tables[:1]
    return pd.concat(found, ignore_index=True)


def read_furniture(path: str | Path | None = None) -> Furniture:
    """Read site-furniture rules (``data/furniture.yaml`` by default).

    Parameters
    ----------
    path : str or Path, optional

    Returns
    -------
    Furniture
        Pass it to :func:`read_batch` to read several batches with one file.
    """
    return load_furniture(DEFAULT_FURNITURE if path is None else path)


# --- reading part by part ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BatchPart:
    """Up to :data:`PART_ROWS` inputs of a batch, ready for :func:`read_part`.

    Attributes
    ----------
    number : int
        The part's place in the batch, from 0.
    docs : pandas.DataFrame
        The inputs: the listed files still to read (a folder), or the table
        rows with their text (a table file).
    folder : Path or None
        The batch folder, or None for a table file.
    within : str or None
        The manifest or table file the rows come from.
    furniture : Furniture
    threshold : float
        The near-duplicate threshold (see :func:`read_batch`).
    """

    number: int
    docs: pd.DataFrame
    folder: Path | None
    within: str | None
    furniture: Furniture
    threshold: float


@dataclass(frozen=True, eq=False)
class PartRead:
    """A part of a batch as :func:`read_part` read it.

    Attributes
    ----------
    number : int
    articles : pandas.DataFrame
        Its articles, as in :attr:`Batch.articles` but with ``duplicate_of``
        and ``duplicate_kind`` still null (duplicates are found across the
        whole batch, by :meth:`BatchReader.duplicates`).
    unreadable, emptied : pandas.DataFrame
        Its ``excluded`` rows: files that could not be read, and articles with
        no text left once the furniture was removed.
    removed : pandas.DataFrame
    repairs : tuple of str
        One line per article whose characters were decoded or repaired.
    fingerprints : dict of str to numpy.ndarray
        What finding duplicates needs of each article (see :func:`_fingerprints`);
        the shingle hashes may have been written to ``shingle_file`` instead.
    shingle_file : Path or None
    """

    number: int
    articles: pd.DataFrame
    unreadable: pd.DataFrame
    emptied: pd.DataFrame
    removed: pd.DataFrame
    repairs: tuple[str, ...]
    fingerprints: dict[str, np.ndarray]
    shingle_file: Path | None = None


class BatchReader:
    """Read a batch part by part in bounded memory: the parts of :func:`read_batch`.

    :meth:`parts` lists or parses the inputs and yields :class:`BatchPart`
    objects of up to :data:`PART_ROWS` inputs; :func:`read_part` reads and
    cleans each one (anywhere, in any order: parts are independent); give each
    result to :meth:`add`, in part order. Then :meth:`duplicates`,
    :meth:`excluded` and :meth:`problems` give what needs the whole batch. The
    tables are the same as those of :func:`read_batch`, which is these steps in
    one process.

    Parameters
    ----------
    path : str or Path
    **options
        The options of :func:`read_batch`.

    Examples
    --------
    >>> reader = BatchReader("data/batches/seed")
    >>> reads = [reader.add(read_part(part)) for part in reader.parts()]
    >>> len(reader.duplicates())
    5
    """

    def __init__(
        self,
        path: str | Path,
        *,
        text_column: str = "text",
        id_column: str = "doc_id",
        outlet_column: str = "outlet",
        outlet_group_column: str = "outlet_group",
        date_column: str = "date",
        url_column: str = "url",
        title_column: str = "title",
        furniture: str | Path | Furniture | None = None,
        near_duplicate_threshold: float = 0.9,
    ):
        if not 0 < near_duplicate_threshold <= 1:
            raise ValueError("near_duplicate_threshold must be in (0, 1]")
        path = Path(path)
        self.path = path
        self.text_column = text_column
        self.threshold = near_duplicate_threshold
        self.furniture = (furniture if isinstance(furniture, Furniture)
                          else read_furniture(furniture))
        self.names = {"doc_id": id_column, "outlet": outlet_column,
                      "outlet_group": outlet_group_column, "date": date_column,
                      "url": url_column, "title": title_column}
        if path.is_dir():
            self.within = MANIFEST if (path / MANIFEST).is_file() else None
        elif _table_suffix(path) and path.is_file():
            self.within = path.name
        elif not path.exists():
            raise FileNotFoundError(f"{path}: no such batch folder or file; check the path")
        else:
            raise ValueError(f"{path}: not a batch; give a folder of article files or a "
                             f"{', '.join(TABLE_SUFFIXES)} file")
        self.name = _batch_name(path)
        self._added = 0
        self._listed: list[pd.DataFrame] = []
        self._unreadable: list[pd.DataFrame] = []
        self._emptied: list[pd.DataFrame] = []
        self._repairs: list[str] = []
        self._kept: list[_Kept] = []
        self._shingles = _ShingleStore()
        self._links: _Links | None = None

    def parts(self) -> Iterator[BatchPart]:
        """The inputs in parts of up to :data:`PART_ROWS`, in input order.

        Inputs excluded before reading (no path, no outlet, a repeated
        ``doc_id`` ...) are noted, and logged, as the parts are made.
        """
        if self.path.is_dir():
            listing, reasons = _folder_inputs(self.path, self.names, self.within)
            self._note_excluded(_excluded(listing, reasons, self.within))
            valid = listing[reasons.isna()]
            for number, start in enumerate(range(0, max(len(valid), 1), PART_ROWS)):
                yield BatchPart(number, valid.iloc[start:start + PART_ROWS], self.path,
                                self.within, self.furniture, self.threshold)
            return
        seen = _SeenIds()
        rows = 0
        for number, table in enumerate(_table_parts(self.path, self.text_column, self.names)):
            listing, reasons = _table_inputs(table, self.path, self.names, self.text_column,
                                             first_row=rows + 1, seen=seen)
            rows += len(table)
            self._note_excluded(_excluded(listing, reasons, self.within))
            docs = listing[reasons.isna()].reset_index(drop=True)
            del table, listing  # hold one copy of the part's texts while it is out
            yield BatchPart(number, docs, None, self.within, self.furniture, self.threshold)

    def add(self, read: PartRead) -> PartRead:
        """Note what a part needs of the whole batch; return the part as given.

        What is kept of each article until the duplicates are resolved is a few
        numbers in arrays (its fingerprints, the offset of its shingle hashes, its
        date as a number) and its ``doc_id`` in an Arrow array: about 110 bytes
        and the id's characters.
        """
        if read.number != self._added:
            raise ValueError(f"part {read.number} added after {self._added} part(s); "
                             "add the parts in order")
        if self._links is not None:
            raise ValueError("part added after the duplicates were resolved; add every part "
                             "first")
        self._kept.append(_Kept(
            doc_ids=pa.array(read.articles["doc_id"].to_numpy(dtype=object), pa.large_string()),
            dates=_date_ticks(read.articles["date"]),
            fingerprints={key: read.fingerprints[key] for key in _FINGERPRINTS}))
        self._shingles.add(read)
        self._added += 1
        self._note_excluded(read.unreadable, self._unreadable)
        self._note_excluded(read.emptied, self._emptied)
        self._repairs += read.repairs
        return read

    def _note_excluded(self, rows: pd.DataFrame, kept: list[pd.DataFrame] | None = None
                       ) -> None:
        """Keep excluded rows (with those listed, by default), if there are any."""
        if len(rows):
            (self._listed if kept is None else kept).append(rows)

    def excluded(self) -> pd.DataFrame:
        """The ``excluded`` table: inputs excluded before reading, unreadable files, then
        articles left empty, each in input order."""
        found = [*self._listed, *self._unreadable, *self._emptied]
        return _concat(found).reindex(columns=COLUMNS["excluded"]) if found \
            else empty("excluded")

    def problems(self) -> tuple[str, ...]:
        """One line per excluded input, then per article whose characters were repaired."""
        return (*(_problem_line(e.source, e.row, e.reason, self.within)
                  for e in self.excluded().itertuples(index=False)),
                *self._repairs)

    def duplicates(self, *, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """``duplicate_of`` and ``duplicate_kind`` of the articles ``start:stop`` of the
        batch (all of them by default), in input order.

        Exact: the same words once case, punctuation and spacing are ignored.
        Near: see :func:`read_batch`. An article points to the earliest article
        it repeats. The duplicates are resolved on the first call, once every
        part is added; the fingerprints are then let go and only two numbers
        per article kept, so that the batch can be written part by part with
        ``start`` and ``stop``.

        Parameters
        ----------
        start, stop : int
            Positions of articles in the batch, in input order, as in a slice.

        Returns
        -------
        pandas.DataFrame
            One row per article, indexed by its position in the batch.
        """
        if self._links is None:
            self._links = self._resolve()
        links = self._links
        of, kind = links.of[start:stop], links.kind[start:stop]
        index = pd.RangeIndex(*slice(start, stop).indices(len(links.of)))
        ids = pc.take(links.doc_ids, pa.array(np.maximum(of, 0), mask=of < 0))
        return pd.DataFrame({
            "duplicate_of": pd.Series(ids.to_numpy(zero_copy_only=False), index=index,
                                      dtype="str"),
            "duplicate_kind": pd.Series(_KINDS[kind], index=index, dtype="str"),
        })

    def _resolve(self) -> _Links:
        """Find the duplicates of the whole batch, and let the fingerprints go."""
        kept, self._kept = self._kept, []
        shingles, self._shingles = self._shingles, _ShingleStore()
        doc_ids = pa.concat_arrays([pa.array([], pa.large_string()), *(k.doc_ids for k in kept)])
        dates = np.concatenate([np.empty(0, np.int64), *(k.dates for k in kept)])
        none = _no_fingerprints(self.threshold)
        fingerprints = {key: np.concatenate([none[key], *(k.fingerprints[key] for k in kept)])
                        for key in _FINGERPRINTS}
        del kept
        of, kind = _duplicates(doc_ids, dates, fingerprints, shingles, self.threshold)
        return _Links(of, kind, doc_ids)


#: ``duplicate_kind`` by the code :class:`_Links` keeps.
_KINDS = np.array([None, "exact", "near"], dtype=object)
_EXACT, _NEAR = 1, 2


@dataclass(frozen=True, eq=False)
class _Kept:
    """What :class:`BatchReader` keeps of a part's articles until the duplicates are
    resolved: their ``doc_id``, dates (:func:`_date_ticks`) and fingerprints."""

    doc_ids: pa.Array
    dates: np.ndarray
    fingerprints: dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class _Links:
    """The duplicates of a batch: for each article in input order, the position of the
    article it repeats (``of``, -1 for none) and the kind (``kind``, codes of
    :data:`_KINDS`); and every ``doc_id``."""

    of: np.ndarray
    kind: np.ndarray
    doc_ids: pa.Array


class _SeenIds:
    """The ``doc_id``s seen so far, each with the place (a row number) where it was first
    seen, in 24 bytes: a 128-bit hash of the id (two independent 64-bit SipHashes, as
    16-byte strings) and the place, kept in a few sorted arrays whose sizes halve from
    one to the next, so that adding ``n`` ids costs ``O(n log² n)`` in all."""

    _HASH_KEYS = ("sourcebias-id-01", "sourcebias-id-02")

    def __init__(self) -> None:
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []

    def first(self, ids: np.ndarray, places: np.ndarray) -> np.ndarray:
        """The place where each id was first seen: in an earlier call, or earlier in
        ``ids``; the ids not seen before are noted with their (first) place."""
        keys = np.ascontiguousarray(np.stack(
            [pd.util.hash_array(ids, hash_key=key) for key in self._HASH_KEYS], axis=1,
        )).view("S16").ravel()
        unique, first_index, inverse = np.unique(keys, return_index=True, return_inverse=True)
        first = places[first_index]
        known = np.zeros(len(unique), dtype=bool)
        for level_keys, level_places in self._levels:
            at = np.minimum(np.searchsorted(level_keys, unique), len(level_keys) - 1)
            found = level_keys[at] == unique
            first[found] = level_places[at[found]]
            known |= found
        self._add(unique[~known], first[~known])
        return first[inverse]

    def _add(self, keys: np.ndarray, places: np.ndarray) -> None:
        while self._levels and len(self._levels[-1][0]) <= len(keys):
            level_keys, level_places = self._levels.pop()
            keys = np.concatenate([level_keys, keys])
            places = np.concatenate([level_places, places])
            order = np.argsort(keys)
            keys, places = keys[order], places[order]
        if len(keys):
            self._levels.append((keys, places))


def read_part(part: BatchPart, *, shingle_folder: Path | None = None) -> PartRead:
    """Read, decode and clean the inputs of one part of a batch.

    Parameters
    ----------
    part : BatchPart
        From :meth:`BatchReader.parts`.
    shingle_folder : Path, optional
        Write the part's shingle hashes (used to check near duplicates) to a
        file there instead of keeping them in memory.

    Returns
    -------
    PartRead
    """
    if part.folder is not None:
        inputs = _read_files(part.folder, part.docs, part.within)
    else:
        docs = part.docs.assign(
            sha256=[hashlib.sha256(t.encode("utf-8")).hexdigest() for t in part.docs["text"]],
            page_title=pd.Series(np.nan, index=part.docs.index, dtype="str"),
            page_date=pd.Series(np.nan, index=part.docs.index, dtype="str"))
        inputs = _Inputs(docs, pd.DataFrame(columns=["key", "note"]),
                         pd.DataFrame(columns=_REMOVED_KEYED), empty("excluded"), part.within)
    articles, emptied, removed, repairs = _clean(inputs, part.furniture)
    fingerprints, shingles, offsets = _fingerprints(articles["text"], part.threshold)
    fingerprints["shingle_offsets"] = offsets
    shingle_file = None
    if shingle_folder is not None:
        shingle_file = Path(shingle_folder) / f"shingles-{part.number:06d}.npy"
        np.save(shingle_file, shingles)
    else:
        fingerprints["shingles"] = shingles
    return PartRead(part.number, articles, inputs.excluded, emptied, removed, repairs,
                    fingerprints, shingle_file)


# --- inputs -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Inputs:
    """Decoded inputs before cleaning.

    ``docs`` has the article fields, ``text``, ``source``, ``row``, ``sha256`` and
    ``page_title``/``page_date`` (HTML metadata), on a RangeIndex; ``notes`` has
    (key, note) about decoding; ``removed`` has (key, line, text, rule) of what
    HTML extraction left out; ``within`` is the manifest or table file name.
    """

    docs: pd.DataFrame
    notes: pd.DataFrame
    removed: pd.DataFrame
    excluded: pd.DataFrame
    within: str | None


def _problem_line(source: str, row: object, reason: str, within: str | None) -> str:
    if pd.isna(row):
        return f"{source}: {reason}"
    if within == MANIFEST:
        return f"{MANIFEST} row {row} ({source}): {reason}"
    return f"{within} row {row}: {reason}"


def _excluded(listing: pd.DataFrame, reasons: pd.Series, within: str | None) -> pd.DataFrame:
    """The ``excluded`` rows of the listing rows that have a reason; each is logged."""
    bad = reasons.dropna()
    excluded = pd.DataFrame({
        "source": listing.loc[bad.index, "source"].to_numpy(),
        "row": listing.loc[bad.index, "row"].astype("Int64").to_numpy(),
        "doc_id": listing.loc[bad.index, "doc_id"].to_numpy(),
        "reason": bad.to_numpy(),
    })
    for entry in excluded.itertuples(index=False):
        LOG.warning(_problem_line(entry.source, entry.row, entry.reason, within))
    return excluded


def _folder_inputs(folder: Path, names: dict[str, str], within: str | None
                   ) -> tuple[pd.DataFrame, pd.Series]:
    """The files of a batch folder, and why each one that cannot be read is excluded."""
    listing = _manifest_listing(folder / MANIFEST, names) if within else _folder_listing(folder)
    reasons = _listing_problems(listing, within)
    return listing, reasons


def _read_files(folder: Path, listing: pd.DataFrame, within: str | None) -> _Inputs:
    """Read the listed files of a batch folder; those that cannot be read are excluded."""
    excluded = [empty("excluded")]
    records, notes, discarded = [], [], []
    for index in listing.index:
        try:
            record, decoding = _read_file(folder, listing.loc[index])
        except UnreadableFile as error:
            reason = pd.Series({index: f"the file {error}"}, dtype="str")
            excluded.append(_excluded(listing, reason, within))
            continue
        notes += [(len(records), note) for note in decoding]
        discarded += [(len(records), line, text) for line, text in record.pop("discarded")]
        records.append(record | {"index": index})
    read = pd.DataFrame.from_records(
        records, columns=["index", "text", "sha256", "page_title", "page_date"])
    docs = listing.loc[read.pop("index")].reset_index(drop=True)
    docs[read.columns] = read
    return _Inputs(docs, pd.DataFrame(notes, columns=["key", "note"]),
                   pd.DataFrame(discarded, columns=_REMOVED_KEYED[:-1]).assign(
                       rule=HTML_BOILERPLATE),
                   pd.concat(excluded, ignore_index=True), within)


def _manifest_listing(manifest: Path, names: dict[str, str]) -> pd.DataFrame:
    table = pd.read_csv(manifest, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for required in ("path", names["outlet"]):
        if required not in table.columns:
            raise ValueError(f"{manifest}: no {required!r} column; add one "
                             f"(columns found: {', '.join(table.columns)})")
    table = table.apply(lambda column: column.str.strip()).replace("", np.nan)
    listing = _standard_fields(table, names | {"path": "path"})
    listing["path"] = listing["path"].str.replace("\\", "/", regex=False)
    listing["source"] = listing["path"].map(posixpath.normpath, na_action="ignore")
    listing["doc_id"] = listing["doc_id"].fillna(_stems(listing["source"]))
    listing["row"] = np.arange(1, len(listing) + 1)
    return listing


def _folder_listing(folder: Path) -> pd.DataFrame:
    files = []
    for root, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root).relative_to(folder)
        files += [(base / name).as_posix() for name in names
                  if not name.startswith(".") and (root != str(folder) or name != MANIFEST)]
    listing = pd.DataFrame({"path": pd.Series(sorted(files), dtype="str")})
    parts = listing["path"].str.split("/")
    return listing.assign(
        source=listing["path"],
        doc_id=_stems(listing["path"]),
        outlet=parts.str[0].where(parts.str.len() > 1, folder.resolve().name),
        outlet_group=pd.Series(np.nan, index=listing.index, dtype="str"),
        date=np.nan, url=np.nan, title=np.nan, row=pd.NA,
    ).astype({"date": "str", "url": "str", "title": "str"})


def _stems(paths: pd.Series) -> pd.Series:
    return paths.str.extract(r"([^/]*?)(?:\.[^./]*)?$", expand=False).replace("", np.nan)


def _standard_fields(table: pd.DataFrame, names: dict[str, str], *,
                     text_column: str | None = None) -> pd.DataFrame:
    """Rename the mapped columns to their article names, as strings; keep every other
    column, renaming one that would clash with an article column to ``input_<name>``."""
    fields = {**names, **({"text": text_column} if text_column else {})}
    mapped = {column: field for field, column in fields.items() if column in table.columns}
    reserved = (*_ARTICLE_STANDARD, "path", "row", "page_title", "page_date")
    clashes = {c: f"input_{c}" for c in table.columns if c not in mapped and c in reserved}
    table = table.rename(columns=clashes | mapped)
    for field in fields:
        if field not in table.columns:
            table[field] = pd.Series(np.nan, index=table.index, dtype="str")
        elif not pd.api.types.is_string_dtype(table[field]):
            table[field] = table[field].astype("str").where(table[field].notna())
    return table


def _outside(path: str) -> bool:
    """Whether a manifest path is absolute or climbs out of the batch folder.

    The test is lexical: a path through a symbolic link inside the folder is
    inside, wherever the link points.
    """
    return (path.startswith("/") or path[1:2] == ":"
            or posixpath.normpath(path).split("/")[0] == "..")


def _listing_problems(listing: pd.DataFrame, within: str | None) -> pd.Series:
    """The first thing wrong with each listed file that shows without reading it."""
    path = listing["path"].fillna("")
    suffix = path.str.extract(r"(\.[^./]*)$", expand=False).str.lower().fillna("")
    reasons = _first_reason(listing.index, [
        (path == "", "has no path; fill in the path column or delete the row"),
        (path.map(_outside), "the path leads outside the batch folder; move the file into "
                             "the folder and give its path relative to the folder"),
        (~suffix.isin(TEXT_SUFFIXES + HTML_SUFFIXES),
         "is not a .txt, .md, .html or .htm file; save the article in one of these forms"
         + (" or delete the row" if within else " or move the file out of the batch folder")),
        (listing["outlet"].isna(), "has no outlet; fill in the outlet column"),
    ])
    _flag_repeated_ids(listing, reasons, within=within)
    return reasons


def _read_file(folder: Path, entry: pd.Series) -> tuple[dict, list[str]]:
    """Read, hash and decode one listed file (HTML: extract the article; the record's
    ``discarded`` holds the (line, text) of each block of the page left out)."""
    file = folder / entry["path"]
    if not file.is_file():
        raise UnreadableFile("does not exist; check the path or delete the row")
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror}); check its permissions") from None
    text, notes = decode_bytes(raw)
    if not text.strip():
        raise UnreadableFile("is empty; put the article's text in it or remove it")
    record = {"sha256": hashlib.sha256(raw).hexdigest(), "page_title": None, "page_date": None,
              "discarded": ()}
    suffix = posixpath.splitext(entry["source"])[1].lower()
    if suffix in HTML_SUFFIXES:
        page = extract_html(text)
        text, record["page_title"], record["page_date"] = page.text, page.title, page.date
        record["discarded"] = page.discarded
        if page.discarded:
            notes.append(f"removed {len(page.discarded)} block(s) of HTML page boilerplate")
    elif suffix == ".md":
        text = _MARKDOWN_HEADING.sub("", text)
    return record | {"text": text}, notes


def _table_suffix(path: Path) -> str | None:
    name = path.name.lower()
    return next((suffix for suffix in TABLE_SUFFIXES if name.endswith(suffix)), None)


def _batch_name(path: Path) -> str:
    suffix = _table_suffix(path) if path.is_file() else None
    name = path.resolve().name
    return name[: -len(suffix)] if suffix else name


def _csv_delimiter(path: Path) -> str:
    """The delimiter of a CSV file: the commonest of ``,``, ``;`` and tab in its header line."""
    with pa.input_stream(str(path), compression="detect") as stream:
        header = stream.read(1 << 16).split(b"\n", 1)[0]
    return max(",;\t", key=lambda c: header.count(c.encode()))


def _table_parts(path: Path, text_column: str, names: dict[str, str]
                 ) -> Iterator[pd.DataFrame]:
    """The rows of a table file, :data:`PART_ROWS` at a time (one empty part at least)."""
    suffix = _table_suffix(path)
    try:
        if suffix == ".parquet":
            # read page by page: pre-buffered column chunks would be kept until the last
            # part, and a whole row group (a whole file, as pandas writes it) read at once
            file = pq.ParquetFile(path, pre_buffer=False, buffer_size=_READ_BUFFER)
            parts = (batch.to_pandas() for batch in file.iter_batches(batch_size=PART_ROWS))
        elif suffix.startswith(".jsonl"):
            parts = _jsonl_parts(path)
        else:
            parts = (part.replace("", np.nan) for part in pd.read_csv(
                path, dtype=str, keep_default_na=False, chunksize=PART_ROWS,
                sep=_csv_delimiter(path)))
        first = next(parts, None)
    except (pa.ArrowInvalid, ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot be read as a {suffix} table ({error}); "
                         "check the file's format") from None
    if first is None:
        first = pd.DataFrame(columns=[text_column, names["outlet"]])
    for option, column in (("text_column", text_column), ("outlet_column", names["outlet"])):
        if column not in first.columns:
            raise ValueError(f"{path}: no {column!r} column; name the right one with "
                             f"{option}= (columns found: {', '.join(map(str, first.columns))})")
    yield first
    try:
        yield from parts
    except (pa.ArrowInvalid, ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot be read as a {suffix} table ({error}); "
                         "check the file's format") from None


def _jsonl_parts(path: Path) -> Iterator[pd.DataFrame]:
    """The rows of a JSON-lines file (gzipped or not), :data:`PART_ROWS` lines at a time."""
    with pa.input_stream(str(path), compression="detect") as stream:
        lines = io.BufferedReader(stream)
        while True:
            block = b"".join(itertools.islice(lines, PART_ROWS))
            if not block.strip():
                return
            yield pyarrow.json.read_json(io.BytesIO(block)).to_pandas()


def _table_inputs(table: pd.DataFrame, path: Path, names: dict[str, str], text_column: str,
                  *, first_row: int, seen: _SeenIds) -> tuple[pd.DataFrame, pd.Series]:
    """Rows of a table file as inputs, and why each one that cannot be read is excluded.

    ``first_row`` is the 1-based number of the part's first row in the file;
    ``seen`` holds the ids of earlier valid rows with their row numbers.
    """
    row = pd.Series(np.arange(first_row, first_row + len(table)), index=table.index)
    listing = _standard_fields(table, names, text_column=text_column).assign(
        row=row, source=path.name + "#" + row.astype("str"))
    if names["doc_id"] not in table.columns:
        listing["doc_id"] = row.astype("str")
    for field in ("text", "outlet", "doc_id"):
        listing[field] = listing[field].where(listing[field].str.strip() != "")
    reasons = _first_reason(listing.index, [
        (listing["text"].isna(), f"has no text in column {text_column!r}; "
                                 "fill it in or delete the row"),
        (listing["outlet"].isna(), f"has no outlet in column {names['outlet']!r}; "
                                   "fill it in or delete the row"),
        (listing["doc_id"].isna(), f"has no id in column {names['doc_id']!r}; "
                                   "fill it in or delete the row"),
    ])
    _flag_repeated_ids(listing, reasons, within=path.name, seen=seen)
    return listing, reasons


# --- cleaning, titles and duplicates -----------------------------------------------------


def _clean(inputs: _Inputs, furniture: Furniture
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """Clean decoded inputs: their articles (duplicates not yet known), the inputs left
    empty (``excluded`` rows), the ``removed`` rows and the repair lines."""
    docs = inputs.docs
    texts, mojibake = repair_mojibake(docs["text"].astype("str"))
    cleaned = clean_texts(texts, furniture)
    body = cleaned.text.fillna("")
    emptied = pd.Series(np.nan, index=docs.index, dtype="str").mask(
        body == "", "has no article text left once site furniture is removed (see the "
                    "removed table); check the file, or the furniture rules")
    title = (_one_line(docs["title"]).fillna(_one_line(docs["page_title"]))
             .fillna(cleaned.title))
    dateline = _iso_dates(cleaned.dateline)
    date = docs["date"].fillna(docs["page_date"])
    from_dateline = date.isna() & dateline.notna()
    text, title_added = _title_first(body, title)
    notes = pd.concat([
        inputs.notes,
        pd.DataFrame({"key": mojibake.index, "note": mojibake.to_numpy()}),
        cleaned.notes,
        pd.DataFrame({"key": docs.index[title_added],
                      "note": "placed the headline as the first paragraph"}),
        pd.DataFrame({"key": docs.index[from_dateline],
                      "note": "date from the dateline " + cleaned.dateline[from_dateline]}),
    ], ignore_index=True)
    unknown = pd.Series(np.nan, index=docs.index, dtype="str")
    articles = docs.assign(
        title=title, date=date.fillna(dateline), text=text, n_words=count_words(text),
        problems=notes.groupby("key", sort=False)["note"].agg("; ".join)
        .reindex(docs.index, fill_value=""),
        duplicate_of=unknown, duplicate_kind=unknown,
    )[emptied.isna()]
    repairs = tuple(_repair_lines(articles, notes, inputs.within))
    removed = pd.concat([inputs.removed, cleaned.removed], ignore_index=True).sort_values(
        "key", kind="stable", ignore_index=True)
    removed["doc_id"] = docs["doc_id"].to_numpy()[removed["key"].to_numpy(dtype="int64")]
    return (_article_columns(articles), _excluded(docs, emptied, inputs.within),
            removed[list(COLUMNS["removed"])], repairs)


def _repair_lines(articles: pd.DataFrame, notes: pd.DataFrame, within: str | None) -> list[str]:
    """One logged line per article whose characters had to be decoded or repaired."""
    warn = notes[notes["note"].str.contains("not UTF-8|mojibake", regex=True)]
    warn = warn[warn["key"].isin(articles.index)]
    advice = "check the article's special characters" + (
        "" if within and within != MANIFEST else ", and re-save the file as UTF-8")
    lines = []
    for key, group in warn.groupby("key", sort=False)["note"]:
        entry = articles.loc[key]
        lines.append(_problem_line(entry["source"], entry["row"],
                                   f"{'; '.join(group)}; {advice}", within))
        LOG.warning(lines[-1])
    return lines


def _article_columns(articles: pd.DataFrame) -> pd.DataFrame:
    internal = {"path", "row", "page_title", "page_date"}
    extras = [c for c in articles.columns if c not in _ARTICLE_STANDARD and c not in internal]
    return articles[[*_ARTICLE_STANDARD, *extras]].reset_index(drop=True)


def _first_reason(index: pd.Index, checks: list[tuple[pd.Series, str]]) -> pd.Series:
    """For each row, the reason of the first check it fails, or null."""
    reasons = pd.Series(np.nan, index=index, dtype="str")
    for failed, reason in checks:
        reasons[failed.astype(bool) & reasons.isna()] = reason
    return reasons


def _flag_repeated_ids(listing: pd.DataFrame, reasons: pd.Series, *, within: str | None,
                       seen: _SeenIds | None = None) -> None:
    """Give a reason to every still-valid row that repeats the doc_id of an earlier valid
    row: of this listing, or of an earlier part of a table file noted in ``seen``
    (which is updated; it notes each id with its row number)."""
    valid = listing[reasons.isna() & listing["doc_id"].notna()]
    places = (valid["row"].to_numpy(dtype=np.int64) if within
              else np.arange(len(valid), dtype=np.int64))
    first = (_SeenIds() if seen is None else seen).first(
        valid["doc_id"].to_numpy(dtype=object), places)
    repeated = first != places
    if not repeated.any():
        return
    repeats = valid[repeated]
    if within:
        first = "row " + pd.Series(first[repeated], index=repeats.index).astype("str")
        advice = "give every row its own doc_id"
    else:
        first = pd.Series(valid["source"].to_numpy()[first[repeated]], index=repeats.index)
        advice = "rename one of the files, or add a manifest.csv with unique doc_ids"
    reasons[repeats.index] = "repeats the doc_id '" + repeats["doc_id"] + "' of " + first \
        + "; " + advice


def _one_line(titles: pd.Series) -> pd.Series:
    titles = titles.astype("str").str.replace(r"\s+", " ", regex=True).str.strip()
    return titles.where(titles != "")


def _iso_dates(dates: pd.Series) -> pd.Series:
    """Dates written in words (datelines) as ``YYYY-MM-DD``, or null."""
    parsed = pd.to_datetime(dates, format="mixed", errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").astype("str").where(parsed.notna())


def _title_first(body: pd.Series, title: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Make the title the first paragraph; return the texts and where it was added.

    A first paragraph with the title's words (ignoring case and punctuation) is
    replaced by the title; otherwise the title is put before the text.
    """
    first = pd.Series(pc.list_element(pc.split_pattern(as_arrow(body), "\n\n", max_splits=1), 0)
                      .to_pandas(), index=body.index, dtype="str")
    known = title.notna()
    leads = known & (_plain(first) == _plain(title))
    added = known & ~leads
    text = body.copy()
    text[leads] = [head + rest[len(old):] for head, rest, old in
                   zip(title[leads], body[leads], first[leads], strict=True)]
    text[added] = title[added] + "\n\n" + body[added]
    return text, added


def _plain(text: pd.Series) -> pd.Series:
    """Lower-cased words of letters and digits, one space apart."""
    return pd.Series(pc.binary_join(_plain_words(text), pa.scalar(" ", pa.large_string()))
                     .to_pandas(), index=text.index, dtype="str")


def _date_ticks(dates: pd.Series) -> np.ndarray:
    """Each date as microseconds since 1970 (UTC), missing or unreadable dates as the
    largest int64, so that they sort last."""
    parsed = pd.to_datetime(dates, format="ISO8601", errors="coerce", utc=True)
    retry = parsed.isna() & dates.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(dates[retry], format="mixed", errors="coerce", utc=True)
    ticks = pd.DatetimeIndex(parsed).as_unit("us").asi8.copy()
    ticks[parsed.isna().to_numpy()] = np.iinfo(np.int64).max
    return ticks


def _duplicates(doc_ids: pa.Array, dates: np.ndarray, fingerprints: dict[str, np.ndarray],
                shingles: _ShingleStore, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """For each article (see :meth:`BatchReader.duplicates`), the position of the
    earliest article it repeats (-1 for none) and the kind of repeat (a code of
    :data:`_KINDS`), from the articles' ``doc_id``, :func:`_date_ticks` and
    :func:`_fingerprints`. Earliest: by date, then ``doc_id``."""
    by_id = pc.rank(doc_ids, sort_keys="ascending", tiebreaker="first").to_numpy()
    order = np.lexsort((by_id, dates))
    del by_id
    _, first, inverse = np.unique(fingerprints["same_words"][order], return_index=True,
                                  return_inverse=True)
    first = first[inverse]
    del inverse
    exact = first != np.arange(len(order))
    of = np.full(len(order), -1, dtype=np.int64)
    kind = np.zeros(len(order), dtype=np.int8)
    of[order[exact]] = order[first[exact]]
    kind[order[exact]] = _EXACT
    del first
    candidates = np.flatnonzero(~exact & fingerprints["has_shingles"][order])
    pairs = _candidate_pairs(fingerprints["band_keys"][order[candidates]], candidates)
    pairs = pairs[_jaccard(shingles, order[pairs]) >= threshold]
    if len(pairs):
        earliest = pd.Series(pairs[:, 1]).groupby(pairs[:, 0]).min()
        later = order[earliest.index.to_numpy()]
        of[later] = order[earliest.to_numpy()]
        kind[later] = _NEAR
    return of, kind


def _plain_words(texts: pd.Series) -> pa.ListArray:
    """Each text as its list of lower-cased words of letters and digits."""
    plain = pc.replace_substring_regex(pc.utf8_lower(as_arrow(texts)), r"[^\pL\pN]+", " ")
    return pc.utf8_split_whitespace(plain)


#: The fingerprints of every article that :meth:`BatchReader` keeps.
_FINGERPRINTS = ("same_words", "band_keys", "has_shingles")


def _no_fingerprints(threshold: float) -> dict[str, np.ndarray]:
    """The :data:`_FINGERPRINTS` of no article, each with its type and shape."""
    return {"same_words": np.empty(0, np.uint64),
            "band_keys": np.empty((0, _N_HASHES // _band_rows(threshold)), np.uint64),
            "has_shingles": np.empty(0, bool)}


def _fingerprints(texts: pd.Series, threshold: float
                  ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """For each text: a hash of its words (``same_words``), the keys of the LSH bands
    of its MinHash signature (``band_keys``, banded for ``threshold``) and whether it
    has at least one shingle (``has_shingles``: its signature means something); and
    the shingle hashes of all texts with the offsets where each text's start (plus
    the end)."""
    rows = _band_rows(threshold)
    same_words, band_keys, has_shingles, shingles, offsets = [], [], [], [], [[0]]
    for start in range(0, len(texts), _TEXT_CHUNK):
        words = _plain_words(texts.iloc[start:start + _TEXT_CHUNK])
        joined = pc.binary_join(words, pa.scalar(" ", pa.large_string()))
        same_words.append(pd.util.hash_array(joined.to_numpy(zero_copy_only=False)))
        hashes, starts = _shingle_hashes(words)
        has = np.diff(starts) > 0
        chunk = np.zeros((len(has), _N_HASHES), dtype=np.uint32)
        chunk[has] = _minhash(hashes, starts[:-1][has])
        band_keys.append(_band_keys(chunk, rows))
        has_shingles.append(has)
        offsets.append(starts[1:] + sum(len(h) for h in shingles))
        shingles.append(hashes)
    none = _no_fingerprints(threshold)
    found = {
        "same_words": np.concatenate([none["same_words"], *same_words]),
        "band_keys": np.concatenate([none["band_keys"], *band_keys]),
        "has_shingles": np.concatenate([none["has_shingles"], *has_shingles]),
    }
    return (found, np.concatenate([np.empty(0, np.uint64), *shingles]),
            np.concatenate(offsets).astype(np.int64))


class _ShingleStore:
    """The shingle hashes of every article of a batch, part by part: the offsets where
    each article's hashes start, and the hashes themselves, in memory or in the file
    :func:`read_part` wrote. Articles are numbered in input order."""

    def __init__(self) -> None:
        self._offsets: list[np.ndarray] = []
        self._hashes: list[np.ndarray | Path] = []
        self._starts = [0]

    def add(self, read: PartRead) -> None:
        """Keep where a part's shingle hashes are (its offsets, and the file or the hashes)."""
        offsets = read.fingerprints["shingle_offsets"]
        self._offsets.append(offsets)
        self._hashes.append(read.fingerprints.get("shingles", read.shingle_file))
        self._starts.append(self._starts[-1] + len(offsets) - 1)

    def sets(self, articles: np.ndarray) -> dict[int, np.ndarray]:
        """The set of shingle hashes of each of these articles, as a sorted array."""
        found = {}
        parts = np.searchsorted(self._starts, articles, side="right") - 1
        for part in np.unique(parts).tolist():
            hashes = self._hashes[part]
            if not isinstance(hashes, np.ndarray):
                hashes = np.load(hashes, mmap_mode="r")
            offsets = self._offsets[part]
            for article in articles[parts == part].tolist():
                local = article - self._starts[part]
                found[article] = np.unique(hashes[offsets[local]:offsets[local + 1]])
            del hashes
        return found


def _shingle_hashes(words: pa.ListArray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of five words of each text, and the offset where each
    text's hashes start (plus the end)."""
    codes = pc.dictionary_encode(words.flatten())
    vocabulary = pd.util.hash_array(codes.dictionary.to_numpy(zero_copy_only=False))
    token = vocabulary[codes.indices.to_numpy()]
    word_offsets = words.offsets.to_numpy() - words.offsets[0].as_py()
    n_shingles = np.maximum(np.diff(word_offsets) - (_SHINGLE_WORDS - 1), 0)
    offsets = np.concatenate([[0], np.cumsum(n_shingles)])
    first_word = (np.repeat(word_offsets[:-1] - offsets[:-1], n_shingles)
                  + np.arange(offsets[-1]))
    hashes = np.zeros(len(first_word), dtype=np.uint64)
    for shift in range(_SHINGLE_WORDS):
        hashes = (hashes ^ token[first_word + shift]) * _MIX
    return hashes ^ (hashes >> np.uint64(29)), offsets


def _minhash(hashes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """MinHash signatures, one row per text and ``_N_HASHES`` columns, of texts
    whose shingle hashes start at ``starts`` (each text has at least one)."""
    rng = np.random.default_rng(20190430)
    multipliers = rng.integers(0, np.iinfo(np.uint64).max, _N_HASHES, dtype=np.uint64) | 1
    increments = rng.integers(0, np.iinfo(np.uint64).max, _N_HASHES, dtype=np.uint64)
    signatures = np.empty((len(starts), _N_HASHES), dtype=np.uint32)
    for k in range(_N_HASHES):
        permuted = (hashes * multipliers[k] + increments[k]) >> np.uint64(32)
        signatures[:, k] = np.minimum.reduceat(permuted.astype(np.uint32), starts)
    return signatures


def _band_rows(threshold: float) -> int:
    """Rows per LSH band: the most that still finds a pair at the threshold with
    probability >= 0.99, i.e. 1 - (1 - t**r)**(k/r) >= 0.99."""
    return max((r for r in (1, 2, 4, 8, 16)
                if 1 - (1 - threshold**r) ** (_N_HASHES // r) >= _MIN_RECALL), default=1)


def _band_keys(signatures: np.ndarray, rows: int) -> np.ndarray:
    """One key per LSH band of ``rows`` signature columns: texts share a band's key
    when their signatures agree on its rows (or, rarely, by chance)."""
    keys = np.zeros((len(signatures), _N_HASHES // rows), dtype=np.uint64)
    for band in range(_N_HASHES // rows):
        for column in signatures[:, band * rows:(band + 1) * rows].T:
            keys[:, band] = (keys[:, band] ^ column.astype(np.uint64)) * _MIX
    return keys


def _candidate_pairs(band_keys: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(later, earlier) pairs that share a band: each text is paired with the
    first and the previous text of every bucket it falls in."""
    pairs = [np.empty((0, 2), dtype=np.int64)]
    for key in band_keys.T:
        order = np.lexsort((positions, key))
        bucket, position = key[order], positions[order]
        same = np.r_[False, bucket[1:] == bucket[:-1]]
        first = np.maximum.accumulate(np.where(same, 0, np.arange(len(bucket))))
        later = np.flatnonzero(same)
        pairs += [np.c_[position[later], position[first[later]]],
                  np.c_[position[later], position[later - 1]]]
    return np.unique(np.concatenate(pairs), axis=0)


def _jaccard(shingles: _ShingleStore, pairs: np.ndarray) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of each pair of articles."""
    similarity = np.empty(len(pairs))
    for start in range(0, len(pairs), _PAIR_CHUNK):
        chunk = pairs[start:start + _PAIR_CHUNK]
        sets = shingles.sets(np.unique(chunk))
        for row, (a, b) in enumerate(chunk.tolist(), start=start):
            common = len(np.intersect1d(sets[a], sets[b], assume_unique=True))
            similarity[row] = common / (len(sets[a]) + len(sets[b]) - common)
    return similarity
