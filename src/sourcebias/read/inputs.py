"""The inputs of a batch: a folder, a manifest or a table file, and what cannot be read."""

from __future__ import annotations

import hashlib
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
import pyarrow.json
import pyarrow.parquet as pq

from sourcebias.read.decode import (
    HTML_BOILERPLATE,
    UnreadableFile,
    decode_bytes,
    extract_html,
)
from sourcebias.read.formats import (
    MISSING,
    UNREADABLE,
    csv_parts,
    delimiter_name,
    detect_delimiter,
    jsonl_parts,
    tried_delimiters,
)
from sourcebias.tables import COLUMNS, EXTRA_COLUMNS, empty


def _first_reason(index: pd.Index, checks: list[tuple[pd.Series, str | pd.Series]]
                  ) -> pd.Series:
    """For each row, the reason of the first check it fails (a reason per row when the
    reason is a Series), or null."""
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


LOG = logging.getLogger("sourcebias.read")

MANIFEST = "manifest.csv"

#: What an ``excluded`` reason says of a path that is not inside the batch folder.
OUTSIDE = "leads outside the batch folder"

TEXT_SUFFIXES = (".txt", ".md")

HTML_SUFFIXES = (".html", ".htm")

TABLE_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".parquet")

#: Bytes read from a Parquet table file at a time.
_READ_BUFFER = 1 << 20

#: Inputs per part when a batch is read part by part (see :class:`BatchReader`).
PART_ROWS = 2_000

_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)

_ARTICLE_STANDARD = (*COLUMNS["articles"], *EXTRA_COLUMNS["articles"])

#: The columns of ``removed`` rows before the article's doc_id is known.
_REMOVED_KEYED = ["key", "line", "text", "rule"]

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
            # ids are never null: hashed as they are (factorising first gives the same
            # hashes at twice the cost)
            [pd.util.hash_array(ids, hash_key=key, categorize=False)
             for key in self._HASH_KEYS], axis=1,
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
        "row": listing.loc[bad.index, "row"].astype("Int64").array,
        "doc_id": listing.loc[bad.index, "doc_id"].to_numpy(),
        "reason": bad.to_numpy(),
    })
    for entry in excluded.itertuples(index=False):
        LOG.warning(_problem_line(entry.source, entry.row, entry.reason, within))
    return excluded


def _folder_inputs(folder: Path, names: dict[str, str], within: str | None,
                   path_column: str | None = None) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """The files of a batch folder, why each one that cannot be read is excluded, and
    notes on how the folder was read (each one logged).

    With a manifest, the files it does not list are excluded ("not in the manifest");
    without one, a folder without sub-folders gets a note on how to name outlets.
    """
    if within:
        listing, notes = _manifest_listing(folder, names, path_column)
        reasons = _listing_problems(folder, listing, within)
        unlisted = _unlisted(folder, listing)
        listing = pd.concat([listing, unlisted]) if len(unlisted) else listing
        reasons = pd.concat([reasons, pd.Series(
            f"is not in the {MANIFEST}, so it is not read; add a row for it or move it out "
            "of the batch folder", index=unlisted.index, dtype="str")])
        case = _case_only(folder, listing, unlisted.index, reasons)
        reasons[case.index] = case
    else:
        listing = _folder_listing(folder)
        reasons = _listing_problems(folder, listing, within)
        notes = []
        if len(listing) and not listing["path"].str.contains("/").any():
            notes.append(f"{folder.resolve().name}: no {MANIFEST} and no sub-folders, so every "
                         f"article gets the outlet {listing['outlet'].iloc[0]!r} (the folder's "
                         "name); to name outlets, put each outlet's files in a sub-folder "
                         f"named after it, or add a {MANIFEST} with path and outlet columns")
    for note in notes:
        LOG.warning(note)
    return listing, reasons, notes


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


#: Column names taken as the manifest's path column when it has no ``path`` column.
PATH_ALIASES = ("file", "filename", "filepath")


def _manifest_listing(folder: Path, names: dict[str, str], path_column: str | None
                      ) -> tuple[pd.DataFrame, list[str]]:
    """The manifest's rows, and notes on how it was read."""
    manifest = folder / MANIFEST
    if not stays_inside(folder.resolve(), MANIFEST):
        raise ValueError(f"{manifest}: {OUTSIDE} (it is a link to a file elsewhere); put the "
                         "manifest itself in the batch folder")
    table = pd.read_csv(manifest, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    notes = []
    if path_column is None:
        path_column = "path"
        alias = next((c for c in PATH_ALIASES if c in table.columns), None)
        if "path" not in table.columns and alias:
            path_column = alias
            notes.append(f"{MANIFEST}: no 'path' column; the file paths are read from its "
                         f"{alias!r} column (name another with --path-column)")
    for required in (path_column, names["outlet"]):
        if required not in table.columns:
            raise ValueError(f"{manifest}: no {required!r} column; add one"
                             + (" or name it with --path-column" if required == path_column
                                else "")
                             + f" (columns found: {', '.join(table.columns)})")
    table = table.apply(lambda column: column.str.strip()).replace(list(MISSING), np.nan)
    listing = _standard_fields(table, names | {"path": path_column})
    listing["path"] = listing["path"].str.replace("\\", "/", regex=False)
    listing["source"] = listing["path"].map(posixpath.normpath, na_action="ignore")
    listing["doc_id"] = listing["doc_id"].fillna(_stems(listing["source"]))
    listing["row"] = pd.array(np.arange(1, len(listing) + 1), dtype="Int64")
    return listing, notes


def _case_only(folder: Path, listing: pd.DataFrame, unlisted: pd.Index,
               reasons: pd.Series) -> pd.Series:
    """Reasons for a manifest row whose file does not exist while an unlisted file's path
    differs from it only in upper and lower case, and for that file."""
    folded = {listing.at[i, "path"].casefold(): i for i in unlisted}
    found = {}
    for index, path in listing["path"].drop(unlisted).items():
        other = folded.get(path.casefold()) if isinstance(path, str) and path else None
        if other is None or pd.notna(reasons.get(index)) or (folder / path).is_file():
            continue
        file = listing.at[other, "path"]
        found[index] = (f"the file does not exist, but {file!r} does: the two differ only in "
                        f"upper and lower case; write the path in the {MANIFEST} exactly as "
                        "the file is named")
        found[other] = (f"is not in the {MANIFEST} as named: its row {listing.at[index, 'row']} "
                        f"says {path!r}, which differs only in upper and lower case; write the "
                        "path there exactly as the file is named")
    return pd.Series(found, dtype="str")


def _unlisted(folder: Path, listing: pd.DataFrame) -> pd.DataFrame:
    """The files in a manifest's folder that none of its rows name (compared with their
    links resolved), as listing rows numbered after the manifest's."""
    inside = folder.resolve()
    named = {(inside / path).resolve() for path in listing["source"].dropna()
             if not _outside(path)}
    files = [path for path in batch_files(folder)
             if (inside / path).resolve() not in named and not (inside / path).is_dir()]
    index = pd.RangeIndex(len(listing), len(listing) + len(files))
    return pd.DataFrame({"path": files, "source": files}, index=index, dtype="str").assign(
        row=pd.Series(pd.NA, index=index, dtype="Int64"))


def batch_files(folder: Path) -> list[str]:
    """Every file under a batch folder, as sorted paths relative to it (hidden files and
    folders aside, the manifest aside), and every linked sub-folder that leads outside it.

    Links to folders are followed only when they resolve inside the folder, and a
    folder reached twice (through a link) is walked once, so that a link can
    neither lead out of the batch nor loop. A sub-folder that leads outside is
    listed, not walked, so that :func:`_listing_problems` can exclude it.
    """
    inside = folder.resolve()
    walked = {inside}
    found = []
    for root, dirs, names in os.walk(folder, followlinks=True):
        base = Path(root).relative_to(folder)
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            real = Path(root, name).resolve()
            if not real.is_relative_to(inside):
                found.append((base / name).as_posix())
            elif real not in walked:
                walked.add(real)
                kept.append(name)
        dirs[:] = kept
        found += [(base / name).as_posix() for name in names
                  if not name.startswith(".") and (root != str(folder) or name != MANIFEST)]
    return sorted(found)


def _folder_listing(folder: Path) -> pd.DataFrame:
    listing = pd.DataFrame({"path": pd.Series(batch_files(folder), dtype="str")})
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
    """Whether a manifest path is absolute or climbs out of the batch folder as written."""
    return (path.startswith("/") or path[1:2] == ":"
            or posixpath.normpath(path).split("/")[0] == "..")


def stays_inside(inside: Path, path: str) -> bool:
    """Whether ``path`` (relative to the resolved batch folder ``inside``), with every
    symbolic link on the way followed, is still under ``inside``. Nothing is opened."""
    return not path or (inside / path).resolve().is_relative_to(inside)


def _listing_problems(folder: Path, listing: pd.DataFrame, within: str | None) -> pd.Series:
    """The first thing wrong with each listed file that shows without reading it.

    A path that leads outside the batch folder, as written (absolute, ``..``) or
    through a symbolic link (to a file or a folder), is excluded before anything
    is opened.
    """
    path = listing["path"].fillna("")
    suffix = path.str.extract(r"(\.[^./]*)$", expand=False).str.lower().fillna("")
    written_outside = path.map(_outside).astype(bool)
    inside = folder.resolve()
    linked_outside = ~written_outside & ~path.map(lambda p: stays_inside(inside, p)).astype(bool)
    reasons = _first_reason(listing.index, [
        (path == "", "has no path; fill in the path column or delete the row"),
        (written_outside, f"the path {OUTSIDE}; move the file into the folder and give its "
                          "path relative to the folder"),
        (linked_outside, f"the path {OUTSIDE} through a symbolic link, so it is not read; "
                         "copy the file into the batch folder"),
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


def _table_parts(path: Path, text_column: str, names: dict[str, str], sep: str | None = None
                 ) -> Iterator[pd.DataFrame]:
    """The rows of a table file, :data:`PART_ROWS` at a time (one empty part at least),
    each indexed by its 1-based row number (see :mod:`sourcebias.read.formats`)."""
    suffix = _table_suffix(path)
    delimiter = ""
    try:
        if suffix == ".parquet":
            # read page by page: pre-buffered column chunks would be kept until the last
            # part, and a whole row group (a whole file, as pandas writes it) read at once
            file = pq.ParquetFile(path, pre_buffer=False, buffer_size=_READ_BUFFER)
            parts = _numbered(batch.to_pandas()
                              for batch in file.iter_batches(batch_size=PART_ROWS))
        elif suffix.startswith(".jsonl"):
            parts = jsonl_parts(path, PART_ROWS)
        else:
            chosen = sep or detect_delimiter(path)
            delimiter = (f" with the delimiter {delimiter_name(chosen)} ("
                         + ("given" if sep else f"found in its header; tried "
                            f"{tried_delimiters()}") + ")")
            parts = csv_parts(path, chosen, PART_ROWS)
        first = next(parts, None)
    except (pa.ArrowInvalid, ValueError, UnicodeDecodeError, OSError, EOFError) as error:
        raise ValueError(f"{path}: cannot be read as a {suffix} table{delimiter} "
                         f"({str(error).strip()}); check the file's format"
                         + ("; give the delimiter with --sep on the command line (sep= in "
                            "Python)" if delimiter else "")
                         ) from None
    if first is None:
        first = pd.DataFrame(columns=[text_column, names["outlet"]])
    if first.columns.difference([UNREADABLE]).size:
        for option, column in (("text_column", text_column), ("outlet_column", names["outlet"])):
            if column not in first.columns:
                raise ValueError(
                    f"{path}: no {column!r} column; name the right one with "
                    f"--{option.replace('_', '-')} NAME on the command line ({option}= in "
                    f"Python; columns found: {', '.join(map(str, first.columns))})"
                    + (f"; it was read{delimiter}: give another with --sep on the command "
                       "line (sep= in Python)" if delimiter else ""))
    yield first
    try:
        yield from parts
    except (pa.ArrowInvalid, ValueError, UnicodeDecodeError, OSError, EOFError) as error:
        raise ValueError(f"{path}: cannot be read as a {suffix} table{delimiter} "
                         f"({str(error).strip()}); check the file's format") from None


def _numbered(parts: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The parts with their rows numbered from 1 through the file."""
    rows = 0
    for part in parts:
        part.index = pd.RangeIndex(rows + 1, rows + 1 + len(part))
        rows += len(part)
        yield part


def _table_inputs(table: pd.DataFrame, path: Path, names: dict[str, str], text_column: str,
                  *, seen: _SeenIds) -> tuple[pd.DataFrame, pd.Series]:
    """Rows of a table file as inputs, and why each one that cannot be read is excluded.

    ``table`` is indexed by the rows' 1-based numbers in the file; ``seen`` holds the
    ids of earlier valid rows with their row numbers.
    """
    unreadable = (table.pop(UNREADABLE) if UNREADABLE in table.columns
                  else pd.Series(np.nan, index=table.index, dtype="str"))
    row = pd.Series(table.index.to_numpy(dtype=np.int64))
    table = table.reset_index(drop=True)
    unreadable = pd.Series(unreadable.to_numpy(), dtype="str")
    listing = _standard_fields(table, names, text_column=text_column).assign(
        row=row, source=path.name + " row " + row.astype("str"))
    if names["doc_id"] not in table.columns:
        listing["doc_id"] = row.astype("str")
    for field in ("text", "outlet", "doc_id"):
        listing[field] = listing[field].where(listing[field].str.strip() != "")
    reasons = _first_reason(listing.index, [
        (unreadable.notna(), unreadable),
        (listing["text"].isna(), f"has no text in column {text_column!r}; "
                                 "fill it in or delete the row"),
        (listing["outlet"].isna(), f"has no outlet in column {names['outlet']!r}; "
                                   "fill it in or delete the row"),
        (listing["doc_id"].isna(), f"has no id in column {names['doc_id']!r}; "
                                   "fill it in or delete the row"),
    ])
    _flag_repeated_ids(listing, reasons, within=path.name, seen=seen)
    return listing, reasons
