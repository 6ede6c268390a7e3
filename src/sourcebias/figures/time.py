"""Figures of stories and time: coverage, timelines with bands, paired differences.

Data first, options keyword-only, ``ax=None`` in, the Axes out, as in
:mod:`sourcebias.plots`; every function records the table it drew
(:func:`sourcebias.plots.plotted_data`) and names n where an outlet is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import blended_transform_factory

from sourcebias.checks import NotComputable
from sourcebias.figures.export import _record
from sourcebias.figures.layout import _new_axes, _text_width
from sourcebias.figures.names import _n_labels, _namer, _outlet_order
from sourcebias.figures.palette import _colours
from sourcebias.figures.style import _TEXT_PATH, current_style


def plot_coverage(
    coverage: pd.DataFrame,
    *,
    stories: pd.DataFrame | None = None,
    min_outlets: int = 1,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    width: str | float = "double",
) -> Axes:
    """Which outlet told which story: a matrix of outlets by stories.

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`sourcebias.stats.stories.story_coverage`.
    stories : pandas.DataFrame, optional
        :func:`sourcebias.stats.stories.story_table`; orders the stories by first date.
    min_outlets : int
        Draw only stories told by at least this many outlets (the caption says how many).
    names : mapping, optional
        Display names for outlets.
    ax : Axes, optional
    width : "single", "double" or inches

    Returns
    -------
    Axes

    Raises
    ------
    NotComputable
        With fewer than two stories to draw: one story is one filled column.
    """
    name = _namer(names)
    shown = coverage[coverage["n_outlets"] >= min_outlets]
    order = (stories["story"][stories["story"].isin(shown["story"])].tolist()
             if stories is not None else sorted(shown["story"].unique()))
    if len(order) < 2:
        told = f" told by at least {min_outlets} outlets" if min_outlets > 1 else ""
        raise NotComputable(
            f"story coverage: the batch has {_plural(len(order), 'story')}{told}, and a "
            "coverage matrix compares which stories each outlet told, so it needs two or more")
    outlets = _outlet_order(shown["outlet"], name)
    matrix = shown.pivot(index="outlet", columns="story", values="n_articles").reindex(
        index=outlets, columns=order).fillna(0)
    ax = _new_axes(ax, width=width, height=0.9 + 0.3 * len(outlets))
    ax.imshow(matrix.to_numpy() > 0, aspect="auto", interpolation="nearest",
              cmap=ListedColormap(["white", current_style()["neutral_colors"]["target"]]),
              vmin=0, vmax=1)
    totals = matrix.gt(0).sum(axis=1)
    ax.set_yticks(range(len(outlets)),
                  _n_labels([name(o) for o in outlets], totals.to_numpy(), sep=" "))
    ax.set_xticks([])
    n_all = coverage["story"].nunique()
    ax.set_xlabel(f"{_plural(len(order), 'story')} by first date"
                  + (f" (told by at least {min_outlets} outlets; {n_all} in all)"
                     if min_outlets > 1 else "")
                  + "\nfilled: the outlet told the story; n = stories told")
    _record(ax, shown)
    return ax


def plot_timeline(
    timeline: pd.DataFrame,
    *,
    key: str | None,
    markers: pd.DataFrame | None = None,
    smoothed: bool = False,
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    width: str | float = "double",
) -> Axes:
    """One measure over time, a line per outlet with its bootstrap band, and event markers.

    Parameters
    ----------
    timeline : pandas.DataFrame
        :func:`sourcebias.stats.timeline.timeline` (with ``smoothed`` from
        :func:`sourcebias.stats.timeline.smooth` when ``smoothed=True``).
    key : str
        The category, term, actor or label drawn.
    markers : pandas.DataFrame, optional
        :func:`sourcebias.stats.timeline.event_markers`: a dashed vertical line and label each.
    smoothed : bool
        Draw the ``smoothed`` column as the line (the band stays the period's own).
    palette : mapping, optional
        Outlet colours (:func:`sourcebias.plots.outlet_palette`).
    names : mapping, optional
    ax : Axes, optional
    width : "single", "double" or inches

    Returns
    -------
    Axes
    """
    name = _namer(names)
    drawn = timeline[(timeline["key"] == key) & timeline["period"].notna()]
    if drawn.empty:
        ax = _new_axes(ax, width=width, height=1.5)
        undated = int(timeline.groupby("outlet")["n_undated"].first().sum())
        ax.text(0.5, 0.5, f"no dated article for {name(key) if key else 'this measure'} "
                f"({undated} undated article(s))", transform=ax.transAxes, ha="center")
        ax.set_axis_off()
        _record(ax, timeline)
        return ax
    outlets = _outlet_order(drawn["outlet"], name)
    colours = _colours(drawn["outlet"], palette)
    height = 2.8
    ax = _new_axes(ax, width=width, height=height)
    line = "smoothed" if smoothed else "value"
    for outlet in outlets:
        rows = drawn[drawn["outlet"] == outlet].sort_values("period")
        n = int(rows["n_articles"].sum())
        ax.plot(rows["period"], rows[line], marker="o", markersize=3, color=colours[outlet],
                label=_n_labels([name(outlet)], [n])[0])
        ax.fill_between(rows["period"], rows["ci_low"], rows["ci_high"], color=colours[outlet],
                        alpha=0.2, linewidth=0)
    frequency = drawn["frequency"].iloc[0]
    low, high = _date_range(drawn["period"], frequency)
    ax.set_xlim(low, high)
    outside = _draw_markers(ax, markers, low, high)
    unit = drawn["unit"].iloc[0]
    undated = int(drawn.groupby("outlet")["n_undated"].first().sum())
    ax.set_ylabel(_wrap_to(f"{name(key)}, {unit}", 0.55 * height))
    how = f"; line: {drawn['smoothing'].iloc[0]}" if smoothed else ""
    caption = (f"{frequency} (n = dated articles per outlet)\nband: "
               f"95% article bootstrap within the {frequency}{how}"
               + (f"; {_plural(undated, 'undated article')} left out" if undated else ""))
    if len(outside):
        caption += "\n" + _wrap_to(
            "event markers outside the dates drawn: " + "; ".join(
                f"{label} ({date:%d %b %Y})"
                for date, label in zip(outside["date"], outside["label"], strict=True)),
            0.95 * ax.figure.get_figwidth())
    ax.set_xlabel(caption)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    locator.intervald[mdates.HOURLY] = [24]  # periods are days or longer: no hour ticks
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small", frameon=False)
    _record(ax, drawn)
    return ax


_PERIOD_DAYS = {"day": 1, "week": 7, "month": 30}


def _date_range(periods: pd.Series, frequency: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x range of a timeline: its first to its last period, padded by half a
    period (or 5% of the span, when larger) on each side."""
    first, last = periods.min(), periods.max()
    pad = max(pd.Timedelta(days=_PERIOD_DAYS.get(frequency, 1)) / 2, (last - first) * 0.05)
    return first - pad, last + pad


def _draw_markers(ax: Axes, markers: pd.DataFrame | None, low: pd.Timestamp,
                  high: pd.Timestamp) -> pd.DataFrame:
    """Draw the event markers inside ``low``..``high`` as dashed lines, their
    labels above the axes, side by side where they fit and else on rows above one
    another (so that no two overlap); return the markers outside the range."""
    if markers is None or not len(markers):
        return pd.DataFrame(columns=["date", "label"])
    inside = markers["date"].between(low, high)
    on_axis = blended_transform_factory(ax.transData, ax.transAxes)
    axes_in = ax.get_position().width * ax.figure.get_figwidth()
    font = FontProperties(size="small")
    gap_in = 0.08
    row_ends: list[float] = []
    for date, label in zip(markers["date"][inside], markers["label"][inside], strict=True):
        ax.axvline(date, color="0.3", linestyle="--", linewidth=0.8)
        start = (date - low) / (high - low) * axes_in
        text_in = _TEXT_PATH.get_text_width_height_descent(
            str(label), font, ismath=False)[0] / 72
        row = next((i for i, end in enumerate(row_ends) if end + gap_in <= start),
                   len(row_ends))
        if row == len(row_ends):
            row_ends.append(0.0)
        row_ends[row] = start + text_in
        ax.annotate(str(label), xy=(mdates.date2num(date), 1.0), xycoords=on_axis,
                    xytext=(-1, 2 + row * 1.25 * font.get_size_in_points()),
                    textcoords="offset points", ha="left", va="bottom", fontsize="small",
                    color="0.3", annotation_clip=False)
    return markers[~inside]


def _wrap_to(text: str, length_in: float, *, size: str = "axes.labelsize") -> str:
    """``text`` wrapped at spaces into lines at most ``length_in`` inches long in
    the rcParams font ``size`` (by font metrics; a word longer than that stands
    on its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width([f"{lines[-1]} {word}"], size) <= length_in:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _plural(n: int, noun: str) -> str:
    """``n`` and ``noun``, in the plural unless n is 1: "1 story", "3 stories"."""
    if n == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{n:,} {plural}"


def plot_paired_differences(
    differences: pd.DataFrame,
    *,
    key: str = "term",
    keys: Sequence[str] | None = None,
    unit: str = "per 1,000 words",
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    width: str | float = "double",
) -> Axes:
    """Paired differences between outlets over shared stories, with their intervals.

    Parameters
    ----------
    differences : pandas.DataFrame
        :func:`sourcebias.stats.stories.paired_differences`.
    key : str
        The column naming what was compared.
    keys : list of str, optional
        The entries to draw; default all with a non-zero difference.
    unit : str
        What the compared value measures (``"share of mentions"`` for labels).
    names : mapping, optional
    ax : Axes, optional
    width : "single", "double" or inches

    Returns
    -------
    Axes

    Raises
    ------
    NotComputable
        When no pair of outlets shares two or more stories: every row would be
        one story's difference, without an interval.
    """
    name = _namer(names)
    drawn = differences if keys is None else differences[differences[key].isin(keys)]
    if keys is None:
        drawn = drawn[drawn["difference"] != 0]
    drawn = drawn.sort_values(["outlet_a", "outlet_b", key]).reset_index(drop=True)
    if len(drawn) and drawn["n_stories"].max() < 2:
        raise NotComputable(
            "paired differences: no two outlets share two or more stories (each pair shares "
            f"{_plural(int(drawn['n_stories'].max()), 'story')}), so there is no difference "
            "over stories to estimate; the table gives the one story's differences")
    ax = _new_axes(ax, width=width, height=0.8 + 0.22 * max(len(drawn), 1))
    y = np.arange(len(drawn))[::-1]
    has = drawn["ci_low"].notna().to_numpy()
    ax.errorbar(drawn["difference"][has], y[has],
                xerr=[drawn["difference"][has] - drawn["ci_low"][has],
                      drawn["ci_high"][has] - drawn["difference"][has]],
                fmt="o", color="0.2", markersize=4, capsize=2, label="95% interval")
    if (~has).any():
        notes = sorted(drawn.loc[~has, "note"].dropna().unique())
        ax.plot(drawn["difference"][~has], y[~has], "o", markerfacecolor="white", color="0.2",
                markersize=4, label="; ".join(notes) if 0 < len(notes) <= 2
                else "no interval (the table's note says why)")
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.set_yticks(y, [f"{name(a)} − {name(b)}: {name(k)} (n={_plural(n, 'story')})"
                      for a, b, k, n in
                      zip(drawn["outlet_a"], drawn["outlet_b"], drawn[key], drawn["n_stories"],
                          strict=True)])
    ax.set_xlabel(f"mean difference over stories both told, {unit}\n"
                  "bars: 95% percentile bootstrap over stories")
    if len(drawn):
        ax.legend(fontsize="small", frameon=False)
    else:
        ax.text(0.5, 0.5, "no difference to draw", transform=ax.transAxes, ha="center")
    _record(ax, drawn)
    return ax
