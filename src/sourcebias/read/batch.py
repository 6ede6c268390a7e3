"""Read a batch of articles into the ``articles``, ``excluded`` and ``removed`` tables.

A batch is either

* a folder of ``.txt``, ``.md``, ``.html`` or ``.htm`` files, one article each.
  With a ``manifest.csv`` (columns ``path`` and ``outlet``; optional ``doc_id``,
  ``outlet_group``, ``date``, ``url``, ``title``; any other column is kept), the
  manifest's rows are the batch: files it does not list are not read. Its paths
  are relative to the folder. Without a manifest, every file under the folder is
  read (hidden files and folders aside); the outlet is the name of the top-level
  sub-folder the file sits in, or the batch folder's own name for files directly
  in it. Every path is resolved with its symbolic links followed and must stay
  inside the batch folder: one that is absolute, climbs out with ``..`` or leads
  out through a link (a file, a sub-folder, a manifest row) is excluded unopened.
* or one ``.csv``, ``.jsonl``, ``.parquet`` (or ``.csv.gz``, ``.jsonl.gz``) table
  with one row per article. Its columns are mapped with the ``*_column`` options
  and every other column is kept.

The ``doc_id`` is the manifest's or table's, else the file stem (folders) or
the row number (tables). Text is decoded and repaired (see
:mod:`sourcebias.read.decode`), an HTML page is reduced to its article, site
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
what to do, and the same line is logged as a warning on the ``sourcebias.read.batch``
logger the moment it is found, so that ``inputs = articles + excluded`` always
holds and nothing is skipped silently. Nothing is ever written to the batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json

from sourcebias.config import DEFAULT_FURNITURE
from sourcebias.read.clean import _clean, _date_ticks
from sourcebias.read.decode import (
    HTML_BOILERPLATE,
)
from sourcebias.read.duplicates import (
    _FINGERPRINTS,
    _KINDS,
    _duplicates,
    _fingerprints,
    _no_fingerprints,
    _ShingleStore,
)
from sourcebias.read.furniture import REPEATED, Furniture, load_furniture
from sourcebias.read.inputs import (
    _REMOVED_KEYED,
    MANIFEST,
    PART_ROWS,
    TABLE_SUFFIXES,
    _batch_name,
    _excluded,
    _folder_inputs,
    _Inputs,
    _problem_line,
    _read_files,
    _SeenIds,
    _table_inputs,
    _table_parts,
    _table_suffix,
)
from sourcebias.tables import COLUMNS, empty


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
    path_column: str | None = None,
    sep: str | None = None,
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
    path_column : str, optional
        The ``manifest.csv`` column of the file paths; by default ``path``, or
        else ``file``, ``filename`` or ``filepath`` (with a note).
    sep : str, optional
        The delimiter of a CSV table file; by default the one of comma,
        semicolon, tab and pipe that occurs most often in its header line.

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
        near_duplicate_threshold=near_duplicate_threshold, path_column=path_column, sep=sep,
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
        path_column: str | None = None,
        sep: str | None = None,
    ):
        if not 0 < near_duplicate_threshold <= 1:
            raise ValueError("near_duplicate_threshold must be in (0, 1]")
        if sep is not None and len(sep) != 1:
            raise ValueError(f"sep={sep!r}: give one character, e.g. ';' or a tab")
        path = Path(path)
        self.path = path
        self.path_column = path_column
        self.sep = sep
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
        self._notes: list[str] = []

    def parts(self) -> Iterator[BatchPart]:
        """The inputs in parts of up to :data:`PART_ROWS`, in input order.

        Inputs excluded before reading (no path, no outlet, a repeated
        ``doc_id`` ...) are noted, and logged, as the parts are made.
        """
        if self.path.is_dir():
            listing, reasons, notes = _folder_inputs(self.path, self.names, self.within,
                                                     self.path_column)
            self._notes += notes
            self._note_excluded(_excluded(listing, reasons, self.within))
            valid = listing[reasons.isna()]
            for number, start in enumerate(range(0, max(len(valid), 1), PART_ROWS)):
                yield BatchPart(number, valid.iloc[start:start + PART_ROWS], self.path,
                                self.within, self.furniture, self.threshold)
            return
        seen = _SeenIds()
        tables = _table_parts(self.path, self.text_column, self.names, self.sep)
        for number, table in enumerate(tables):
            listing, reasons = _table_inputs(table, self.path, self.names, self.text_column,
                                             seen=seen)
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
        """Notes on how the batch was read, then one line per excluded input, then per
        article whose characters were repaired or that needs a warning."""
        return (*self._notes, *(_problem_line(e.source, e.row, e.reason, self.within)
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
