"""Checks and selections shared by the figures: levels, groups, order."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from sourcebias.checks import NotComputable, require_columns


def _as_outlet(
    table: pd.DataFrame, by: str, columns: Iterable[str], name: str, function: str
) -> pd.DataFrame:
    """``table`` with its ``by`` column named ``outlet``, checking the other columns."""
    require_columns(table, f"{function}: the {name}", (by, *columns))
    if by == "outlet":
        return table
    return table.drop(columns="outlet", errors="ignore").rename(columns={by: "outlet"})


def _group_title(by: str) -> str:
    """``outlet_group`` -> ``Outlet group``."""
    return by.replace("_", " ").capitalize()


def _level_column(rates: pd.DataFrame, level: str | None, function: str) -> str:
    """``level``, else ``term`` or ``category``, whichever the rates table has."""
    if level is not None:
        return level
    for candidate in ("term", "category"):
        if candidate in rates.columns:
            return candidate
    raise ValueError(f"{function}: the rates table has neither a term nor a category column")


def _present(table: pd.DataFrame, column: str, values: Sequence[str], function: str) -> list[str]:
    """The ``values`` that occur in ``column``, warning about the others.

    A batch need not mention every actor a notebook asks for; the figure shows
    the ones it does, and the warning names the rest.
    """
    present = set(table[column].dropna().unique())
    absent = [v for v in values if v not in present]
    if absent:
        warnings.warn(f"{function}: no rows with {column} {', '.join(map(repr, absent))}, "
                      "so the figure leaves them out", stacklevel=3)
    kept = [v for v in values if v in present]
    if not kept:
        raise ValueError(f"{function}: none of the {column} values asked for is in the table; "
                         f"present: {', '.join(sorted(map(str, present))) or 'none'}")
    return kept


def _select(table: pd.DataFrame, column: str, values: Sequence[str], function: str) -> pd.DataFrame:
    """Rows whose ``column`` is one of ``values``; every value must be present."""
    present = set(table[column].dropna().unique())
    if not present:
        raise NotComputable(f"{function}: the table has no rows, so there is nothing to draw "
                            "(none of what it counts occurs in this batch)")
    absent = [v for v in values if v not in present]
    if absent:
        raise ValueError(
            f"{function}: no rows with {column} {', '.join(map(repr, absent))}; "
            f"present: {', '.join(sorted(map(str, present))) or 'none'}"
        )
    return table[table[column].isin(values)]


def _reject_duplicates(table: pd.DataFrame, key: list[str], function: str) -> None:
    repeated = table[table.duplicated(key, keep=False)]
    if len(repeated):
        first = ", ".join(f"{k}={repeated.iloc[0][k]!r}" for k in key)
        raise ValueError(
            f"{function}: several rows for {first}; pass one row per {' × '.join(key)}"
        )


def _single_value(table: pd.DataFrame, column: str, function: str) -> str:
    values = table[column].dropna().unique()
    if len(values) != 1:
        raise ValueError(
            f"{function}: expected one {column}, found {', '.join(map(str, values)) or 'none'}; "
            f"filter the table to one {column}"
        )
    return str(values[0])


def _order_by_total(table: pd.DataFrame, column: str, value: str) -> list[str]:
    """Values of ``column`` by their summed ``value``, largest first, ties by name."""
    totals = table.groupby(column)[value].sum().reset_index()
    totals = totals.sort_values([value, column], ascending=[False, True], kind="stable")
    return list(totals[column])


def _in_order(table: pd.DataFrame, orders: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Sort by the given category orders, then by outlet name."""
    keys = [*orders, *(["outlet"] if "outlet" in table and "outlet" not in orders else [])]
    positions = {c: {v: i for i, v in enumerate(order)} for c, order in orders.items()}
    return table.sort_values(
        keys, key=lambda s: s.map(positions[s.name]) if s.name in positions else s, kind="stable"
    ).reset_index(drop=True)
