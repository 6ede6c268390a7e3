"""Tables as a reader of a notebook sees them.

The files under ``tables/`` hold every row and every digit; what a notebook
displays is for reading: numbers rounded to three significant digits, a dash
for a missing value, no character offsets, outlets side by side where a
reader compares them, every outlet present when rows are cut, and a line that
says where the full table is. A keyword-in-context table shows one line per
hit: the left context right-aligned against the keyword, the right context
after it, both cut with an ellipsis.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence

import pandas as pd

#: What a missing value is shown as.
DASH = "–"
#: Columns that locate text by character offset: kept in the files, never shown.
OFFSET_COLUMNS = ("start", "end")
#: Columns of free-text remarks, shown once under a pivoted table rather than in it.
NOTE_COLUMNS = ("note", "ci_method")
#: Characters of a shown cell (a longer text ends in an ellipsis; the file holds it all).
CELL_WIDTH = 90
#: Characters of context shown on each side of a keyword.
CONTEXT_WIDTH = 45
#: The columns of a keyword-in-context table.
CONCORDANCE = ("left", "match", "right")
#: One line per row, every cell on one line.
NOWRAP = [{"selector": "td, th", "props": [("white-space", "nowrap")]}]
#: Cells of text read from the left; numbers stay right-aligned.
TEXT_CELL = {"text-align": "left"}


#: The ``plot_actor_tone: `` that starts a developer's message.
_FUNCTION_PREFIX = re.compile(r"^[a-z_][a-z0-9_]*: ")


def researcher_message(reason: Exception) -> str:
    """What a report prints when a batch cannot give a figure or table.

    The researcher's wording of a :class:`sourcebias.checks.NotComputable`
    (its ``plain``) when the code that raised it gives one; else its message
    without the name of the function that raised it.
    """
    plain = getattr(reason, "plain", None)
    return plain if plain else _FUNCTION_PREFIX.sub("", str(reason))


def format_number(value: float) -> str:
    """A number as a reader needs it: three significant digits, thousands grouped.

    ``1831.24`` gives ``"1,831"``, ``8.955`` gives ``"8.96"``, ``0.90786`` gives
    ``"0.908"``, ``0.000299`` gives ``"3.0e-04"`` and a missing value gives
    :data:`DASH`.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if value == 0 or abs(value) >= 0.001:
        return f"{value:.3g}"
    return f"{value:.1e}"


def _cell(value: object, width: int = CELL_WIDTH) -> str:
    """One cell as text: numbers rounded, missing values a dash, long text cut."""
    if value is None or value is pd.NA or value is pd.NaT:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
        return f"{int(value):,}"
    if isinstance(value, float):
        return format_number(value)
    text = " ".join(str(value).split())
    if not text:
        return DASH
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """Every cell of ``table`` as display text, character offsets left out.

    Parameters
    ----------
    table : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        The same rows, every column but :data:`OFFSET_COLUMNS`, as strings.
    """
    shown = table.drop(columns=[c for c in OFFSET_COLUMNS if c in table.columns])
    return pd.DataFrame({column: [_cell(v) for v in shown[column].tolist()]
                         for column in shown.columns}, index=shown.index)


def _with_interval(table: pd.DataFrame, value: str) -> pd.Series:
    """``value`` as text, followed by its interval ``[ci_low, ci_high]`` when the table has one."""
    text = table[value].map(format_number)
    if {"ci_low", "ci_high"} <= set(table.columns):
        interval = ("[" + table["ci_low"].map(format_number) + ", "
                    + table["ci_high"].map(format_number) + "]")
        text = text.where(table["ci_low"].isna(), text + " " + interval)
    return text


def side_by_side(table: pd.DataFrame, value: str, *, across: str = "outlet"
                 ) -> tuple[pd.DataFrame, list[str]] | None:
    """Pivot ``value`` so that the values of ``across`` (the outlets) are columns.

    The rows are the other label columns (text or yes/no columns that are not
    remarks); the value carries its interval when the table has ``ci_low`` and
    ``ci_high``.

    Returns
    -------
    (pandas.DataFrame, list of str) or None
        The pivoted text table and the remarks of :data:`NOTE_COLUMNS`, each
        with the outlets it applies to; ``None`` when the labels do not
        identify one row per outlet (the table is then shown as it is).
    """
    left_out = (across, value, "ci_low", "ci_high", *NOTE_COLUMNS, *OFFSET_COLUMNS)
    keys = [c for c in table.columns if c not in left_out
            and (not pd.api.types.is_numeric_dtype(table[c])
                 or pd.api.types.is_bool_dtype(table[c]))]
    if table.duplicated([*keys, across]).any():
        return None
    cells = table.assign(_shown=_with_interval(table, value))
    wide = cells.pivot(index=keys, columns=across, values="_shown") if keys else (
        cells.set_index(across)[["_shown"]].T.rename(index={"_shown": value}))
    wide = wide.fillna(DASH).reset_index() if keys else wide
    wide.columns.name = None
    for column in keys:
        wide[column] = wide[column].map(_cell)
    notes = []
    for column in (c for c in NOTE_COLUMNS if c in table.columns and c == "note"):
        for note, outlets in table.dropna(subset=[column]).groupby(column)[across]:
            names = sorted(set(outlets.astype(str)))
            notes.append(f"{note} ({', '.join(names)})")
    return wide, notes


def _per_group(table: pd.DataFrame, column: str, rows: int) -> tuple[pd.DataFrame, str]:
    """At most ``rows`` rows, the first of every value of ``column`` (each outlet) among them."""
    groups = table[column].nunique(dropna=False)
    each = max(1, rows // max(groups, 1))
    kept = table.groupby(column, sort=False, dropna=False).head(each)
    return kept, f"the first {each} of each of the {groups} {column} values"


def table_html(
    table: pd.DataFrame,
    *,
    rows: int = 30,
    caption: str | None = None,
    source: str | None = None,
    pivot: str | None = None,
    across: str = "outlet",
    keep: Sequence[str] = (),
) -> str:
    """A table as HTML for a notebook: rounded, dashes for missing values, cut with a note.

    Parameters
    ----------
    table : pandas.DataFrame
    rows : int, default 30
        Rows shown at most. When there are more, the first rows of every
        outlet are shown (no outlet disappears) and a line says how many.
    caption : str, optional
        Shown above the table.
    source : str, optional
        Where the full table is (``tables/name.csv``), said under the table.
    pivot : str, optional
        A value column to show with the values of ``across`` side by side
        (see :func:`side_by_side`).
    across : str, default "outlet"
        The column whose values become columns when ``pivot`` is given.
    keep : sequence of str
        Columns shown even when they hold one value in every row.

    A keyword-in-context table (columns ``left``, ``match``, ``right``) is shown
    by :func:`concordance_html`.

    Returns
    -------
    str
    """
    if pivot is None and set(CONCORDANCE) <= set(table.columns):
        return concordance_html(table, rows=rows, caption=caption, source=source)
    lines = []
    notes: list[str] = []
    shown = None
    if pivot is not None and len(table):
        pivoted = side_by_side(table, pivot, across=across)
        if pivoted is not None:
            shown, notes = pivoted
            lines.append(f"{pivot} per {across}"
                         + (" with its 95% interval [low, high]"
                            if {"ci_low", "ci_high"} <= set(table.columns) else "") + ".")
    if shown is None:
        constant = [c for c in table.columns if len(table) > 1 and c not in keep
                    and c not in OFFSET_COLUMNS and table[c].astype(str).nunique() == 1]
        if constant:
            first = table.iloc[0]
            lines.append("In every row: " + "; ".join(f"{c} = {_cell(first[c])}"
                                                      for c in constant) + ".")
        shown = readable(table.drop(columns=constant))
    total = len(shown)
    if total > rows:
        group = next((c for c in (across, "outlet", "target") if c in shown.columns), None)
        if group is not None and shown[group].nunique() <= rows:
            shown, which = _per_group(shown, group, rows)
        else:
            shown, which = shown.head(rows), f"the first {rows}"
        lines.append(f"{len(shown)} of {total} rows shown ({which}); "
                     f"{total - len(shown)} rows hidden.")
    if source:
        lines.append(f"The full table ({len(table)} rows) is {source} in the report folder.")
    lines.extend(f"Note: {note}." for note in notes)
    if not len(shown):
        body = "<p><em>No rows.</em></p>"
    else:
        numbers = shown.apply(lambda column: column.str.fullmatch(
            rf"[-+]?[\d,.]+(e[-+]\d+)?( \[.*\])?|{DASH}|yes|no").all())
        text = [c for c in shown.columns if not numbers[c]]
        shown = shown.reset_index(drop=True)  # stacked tables repeat their index
        styler = (shown.style.hide(axis="index").set_table_styles(NOWRAP)
                  .set_properties(subset=text, **TEXT_CELL))
        if caption:
            styler = styler.set_caption(html.escape(caption))
        body = styler.to_html()
    return body + _footer(lines)


def concordance_html(table: pd.DataFrame, *, rows: int = 20, width: int = CONTEXT_WIDTH,
                     caption: str | None = None, source: str | None = None) -> str:
    """A keyword-in-context table, one line per hit.

    The left context is right-aligned against the keyword and the right
    context follows it, each cut to ``width`` characters with an ellipsis;
    character offsets and document ids are left out.

    Parameters
    ----------
    table : pandas.DataFrame
        With columns ``left``, ``match`` and ``right`` (see :func:`sourcebias.kwic`).
    rows : int, default 20
        Rows shown at most, the first of every outlet among them; a line says
        how many are hidden.
    width : int, default 45
        Characters of context on each side.
    caption, source : str, optional
        As :func:`table_html`.

    Returns
    -------
    str
    """
    cut, which = table.head(rows), f"the first {rows}"
    if len(table) > rows and "outlet" in table.columns and table["outlet"].nunique() <= rows:
        cut, which = _per_group(table, "outlet", rows)
    labels = [c for c in table.columns if c not in (*CONCORDANCE, *OFFSET_COLUMNS, "doc_id")]
    shown = readable(cut[labels])
    left = cut["left"].map(lambda t: " ".join(str(t).split()))
    right = cut["right"].map(lambda t: " ".join(str(t).split()))
    shown["left"] = left.map(lambda t: t if len(t) <= width else "…" + t[-(width - 1):].lstrip())
    shown["match"] = cut["match"].map(_cell)
    shown["right"] = right.map(lambda t: t if len(t) <= width else t[: width - 1].rstrip() + "…")
    lines = []
    if len(table) > len(shown):
        lines.append(f"{len(shown)} of {len(table)} rows shown ({which}); "
                     f"{len(table) - len(shown)} rows hidden.")
    if source:
        lines.append(f"The full table ({len(table)} rows) is {source} in the report folder.")
    if not len(shown):
        return "<p><em>No rows.</em></p>" + _footer(lines)
    shown = shown.reset_index(drop=True)
    styler = (shown.style.hide(axis="index").set_table_styles(NOWRAP)
              .set_properties(subset=["left"], **{"text-align": "right", "padding-right": "0"})
              .set_properties(subset=["match"], **{"text-align": "center", "font-weight": "bold"})
              .set_properties(subset=["right"], **{"text-align": "left", "padding-left": "0"}))
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler.to_html() + _footer(lines)


def _footer(lines: Sequence[str]) -> str:
    """Lines of small print under a table."""
    return "".join(f"<p style='margin:2px 0'><small>{html.escape(line)}</small></p>"
                   for line in lines)
