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
from matplotlib.transforms import blended_transform_factory

from sourcebias.figures.export import _record
from sourcebias.figures.layout import _new_axes
from sourcebias.figures.names import _n_labels, _namer, _outlet_order
from sourcebias.figures.palette import _colours
from sourcebias.figures.style import current_style


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
    """
    name = _namer(names)
    shown = coverage[coverage["n_outlets"] >= min_outlets]
    order = (stories["story"][stories["story"].isin(shown["story"])].tolist()
             if stories is not None else sorted(shown["story"].unique()))
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
    ax.set_xlabel(f"{len(order)} stories by first date"
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
    ax = _new_axes(ax, width=width, height=2.8)
    line = "smoothed" if smoothed else "value"
    for outlet in outlets:
        rows = drawn[drawn["outlet"] == outlet].sort_values("period")
        n = int(rows["n_articles"].sum())
        ax.plot(rows["period"], rows[line], marker="o", markersize=3, color=colours[outlet],
                label=_n_labels([name(outlet)], [n])[0])
        ax.fill_between(rows["period"], rows["ci_low"], rows["ci_high"], color=colours[outlet],
                        alpha=0.2, linewidth=0)
    if markers is not None and len(markers):
        on_axis = blended_transform_factory(ax.transData, ax.transAxes)
        for date, label in zip(markers["date"], markers["label"], strict=True):
            ax.axvline(date, color="0.3", linestyle="--", linewidth=0.8)
            ax.text(date, 1.0, f" {label}", transform=on_axis, rotation=90, va="top",
                    ha="left", fontsize="small", color="0.3")
    frequency = drawn["frequency"].iloc[0]
    unit = drawn["unit"].iloc[0]
    undated = drawn.groupby("outlet")["n_undated"].first().sum()
    ax.set_ylabel(f"{name(key)}, {unit}")
    how = f"; line: {drawn['smoothing'].iloc[0]}" if smoothed else ""
    ax.set_xlabel(f"{frequency} (n = dated articles per outlet)\nband: "
                  f"95% article bootstrap within the {frequency}{how}"
                  + (f"; {int(undated)} undated article(s) left out" if undated else "") + ")")
    if frequency == "day":
        span = (drawn["period"].max() - drawn["period"].min()).days
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, span // 8)))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small", frameon=False)
    _record(ax, drawn)
    return ax


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
    """
    name = _namer(names)
    drawn = differences if keys is None else differences[differences[key].isin(keys)]
    if keys is None:
        drawn = drawn[drawn["difference"] != 0]
    drawn = drawn.sort_values(["outlet_a", "outlet_b", key]).reset_index(drop=True)
    ax = _new_axes(ax, width=width, height=0.8 + 0.22 * max(len(drawn), 1))
    y = np.arange(len(drawn))[::-1]
    has = drawn["ci_low"].notna().to_numpy()
    ax.errorbar(drawn["difference"][has], y[has],
                xerr=[drawn["difference"][has] - drawn["ci_low"][has],
                      drawn["ci_high"][has] - drawn["difference"][has]],
                fmt="o", color="0.2", markersize=4, capsize=2, label="95% interval")
    if (~has).any():
        ax.plot(drawn["difference"][~has], y[~has], "o", markerfacecolor="white", color="0.2",
                markersize=4, label="no interval (see note)")
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.set_yticks(y, [f"{name(a)} − {name(b)}: {name(k)} (n={n} stories)" for a, b, k, n in
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
