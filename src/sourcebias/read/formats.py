"""Table files as researchers have them: delimiters, missing-value words, broken JSON lines.

Every part a reader here yields is a :class:`pandas.DataFrame` of strings (CSV)
or typed values (JSON lines) whose index is the 1-based row number in the file
(for JSON lines, the line number; for CSV, the data row after the header). A row
that cannot be parsed keeps its number and has the reason in the column
:data:`UNREADABLE`, so that it can be excluded and counted like any other input.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.json

#: The column of a part that holds why a row could not be parsed (null when it could).
UNREADABLE = "_unreadable"

#: Cells that mean "no value" in CSV files written by spreadsheets, pandas, R and SQL tools.
MISSING = ("", "NaN", "nan", "NULL", "null", "None")

#: The delimiters a CSV file may use, with their names, in order of preference on a tie.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

#: Bytes of a file's start read to find its header line.
_HEAD_BYTES = 1 << 16

_QUOTED = re.compile(r'"[^"]*"')


def delimiter_name(sep: str) -> str:
    """The delimiter in words (``"semicolon"``), or the character itself quoted."""
    return DELIMITERS.get(sep, repr(sep))


def tried_delimiters() -> str:
    """``"comma, semicolon, tab and pipe"``."""
    names = list(DELIMITERS.values())
    return ", ".join(names[:-1]) + " and " + names[-1]


def detect_delimiter(path: Path) -> str:
    """The delimiter of a CSV file (plain or gzipped): the one of :data:`DELIMITERS`
    that occurs most often in its header line outside quotes; a comma when none does.

    Parameters
    ----------
    path : Path

    Returns
    -------
    str
    """
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except (OSError, EOFError):
        return ","  # pandas reports the damage when it reads the file
    header = _QUOTED.sub("", head.decode("utf-8", errors="replace").split("\n", 1)[0])
    counts = {sep: header.count(sep) for sep in DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def csv_parts(path: Path, sep: str, rows: int) -> Iterator[pd.DataFrame]:
    """The rows of a CSV file, ``rows`` at a time, as strings; :data:`MISSING` cells null.

    Parameters
    ----------
    path : Path
    sep : str
        The delimiter (see :func:`detect_delimiter`).
    rows : int

    Yields
    ------
    pandas.DataFrame
        Indexed by the 1-based data row number.
    """
    reader = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=list(MISSING),
                         sep=sep, chunksize=rows, encoding="utf-8-sig")
    for part in reader:
        part.index = part.index + 1
        yield part


def jsonl_parts(path: Path, rows: int) -> Iterator[pd.DataFrame]:
    """The rows of a JSON-lines file (gzipped or not), ``rows`` lines at a time.

    A line that is not a JSON object is a row with its reason in
    :data:`UNREADABLE`; blank lines are skipped (but counted). When the file
    ends early (a cut-off download, a damaged gzip stream), every complete line
    before the damage is read and one last row, numbered after them, says so.

    Parameters
    ----------
    path : Path
    rows : int

    Yields
    ------
    pandas.DataFrame
        Indexed by the 1-based line number.
    """
    number = 0
    with pa.input_stream(str(path), compression="detect") as stream:
        lines = io.BufferedReader(stream)
        while True:
            block: list[tuple[int, bytes]] = []
            seen, broken = 0, False
            try:
                for line in itertools.islice(lines, rows):
                    seen += 1
                    number += 1
                    if line.strip():
                        block.append((number, line))
            except (OSError, EOFError, pa.ArrowInvalid):
                broken = True
            if block:
                yield _json_rows(block)
            if broken:
                yield pd.DataFrame(
                    {UNREADABLE: [f"the file ends early after row {number} (it is cut off or "
                                  "damaged), so the rest cannot be read; download or "
                                  "compress it again"]},
                    index=pd.Index([number + 1]))
                return
            if seen < rows:
                return


def _json_rows(block: list[tuple[int, bytes]]) -> pd.DataFrame:
    """Lines as rows: parsed together by pyarrow, or, when one is broken, line by line so
    that only the broken ones are marked."""
    parsed = _arrow_rows(block)
    if parsed is not None:
        return parsed
    good, reasons = [], {}
    for number, line in block:
        try:
            value = json.loads(line)
        except ValueError as error:  # UnicodeDecodeError is a ValueError
            reasons[number] = (f"is not valid JSON ({getattr(error, 'msg', error)}); fix the "
                               "line or delete it")
            continue
        if not isinstance(value, dict):
            reasons[number] = "is not a JSON object ({...}); fix the line or delete it"
            continue
        good.append((number, line, value))
    parsed = _arrow_rows([(number, line) for number, line, _ in good])
    if parsed is None:  # values of one field with clashing types: no Arrow schema fits
        parsed = pd.DataFrame.from_records([value for _, _, value in good],
                                           index=pd.Index([number for number, _, _ in good]))
    unreadable = pd.DataFrame({UNREADABLE: pd.Series(reasons, dtype="str")})
    return pd.concat([parsed, unreadable]).sort_index()


def _arrow_rows(block: list[tuple[int, bytes]]) -> pd.DataFrame | None:
    """The lines parsed by pyarrow in one go, or None when pyarrow cannot parse them all."""
    if not block:
        return pd.DataFrame(index=pd.Index([], dtype="int64"))
    joined = b"".join(line.rstrip(b"\r\n") + b"\n" for _, line in block)
    try:
        table = pyarrow.json.read_json(io.BytesIO(joined))
    except pa.ArrowInvalid:
        return None
    if table.num_rows != len(block):
        return None
    return table.to_pandas().set_axis(pd.Index([number for number, _ in block]))
