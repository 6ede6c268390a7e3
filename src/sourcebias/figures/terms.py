"""Loaded-term rates: the focus heatmap and rates with intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sourcebias.figures.data import (
    _as_outlet,
    _group_title,
    _in_order,
    _level_column,
    _order_by_total,
    _reject_duplicates,
    _select,
)
from sourcebias.figures.export import _record
from sourcebias.figures.layout import (
    _column_labels,
    _facets,
    _fits,
    _label_height,
    _panel_title,
    _rotation,
    _text_width,
)
from sourcebias.figures.marks import (
    _bars_line,
    _dash_handles,
    _figure_legend,
    _figure_xlabel,
    _forest,
    _heatmap,
    _hollow_handles,
    _number_labels,
    _upper_limit,
)
from sourcebias.figures.names import _n_labels, _namer, _outlet_order
from sourcebias.figures.palette import _colours, _group_handles
from sourcebias.figures.style import _RATE_COLUMNS, column_width, current_style


def plot_term_heatmap(
    rates: pd.DataFrame,
    *,
    voice_facets: Sequence[str] = ("narrator", "quote"),
    top: int | None = None,
    level: str | None = None,
    by: str = "outlet",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Heatmap of loaded-term rates, terms × outlets, one panel per voice.

    Each cell is the rate per 1,000 words of that voice in that outlet, written
    in the cell when the number fits (blank where the outlet has no words in
    the voice). Each panel has its own colour scale, since quoted text is short
    and its rates run higher. The longer of the two lists (outlets, terms) runs
    down the page, so that a batch of many outlets stays readable; outlet
    labels carry the number of articles.

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates from :func:`sourcebias.term_rates`: ``by``, ``term`` or
        ``category``, ``voice``, ``n_articles``, ``rate_per_1000`` (one row per
        entry × group × voice).
    voice_facets : sequence of str
        The voices to draw, one panel each, in this order.
    top : int, optional
        Draw only the ``top`` terms with the highest summed rate; default all.
    level : {"term", "category"}, optional
        The term variable; default ``term`` when the table has it, else ``category``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    names : mapping of str to str, optional
        Display names laid over :func:`display_names`.

    Returns
    -------
    matplotlib.figure.Figure
        Double column wide; terms sorted by their summed rate, highest first.
    """
    entry = _level_column(rates, level, "plot_term_heatmap")
    table = _as_outlet(rates, by, (entry, *_RATE_COLUMNS), "rates", "plot_term_heatmap")
    shown = _select(table, "voice", voice_facets, "plot_term_heatmap")
    _reject_duplicates(shown, [entry, "outlet", "voice"], "plot_term_heatmap")
    name = _namer(names)
    style = current_style()
    outlets = _outlet_order(shown["outlet"], name)
    n_articles = shown.groupby("outlet")["n_articles"].max()
    entries = _order_by_total(shown, entry, "rate_per_1000")[:top]
    shown = shown[shown[entry].isin(entries)]

    outlet_names, entry_names = [name(o) for o in outlets], [name(e) for e in entries]
    outlet_n = list(n_articles.reindex(outlets))
    outlets_down = len(outlets) > len(entries)
    down_labels = _n_labels(outlet_names, outlet_n) if outlets_down else entry_names
    colorbar_in = 0.75
    panel_in = (column_width("double") - _text_width(down_labels, "ytick.labelsize") - 0.4
                - len(voice_facets) * colorbar_in) / len(voice_facets)
    cell_in = panel_in / (len(entries) if outlets_down else len(outlets))
    if outlets_down:
        across_labels, rotation = entry_names, _rotation(entry_names, cell_in)
    else:
        across_labels, rotation = _column_labels(outlet_names, outlet_n, cell_in=cell_in)
    if rotation and len(voice_facets) > 1:
        rotation = 90.0  # slanted labels would reach into the panel on their left
    height = (style["row_height_in"] * len(down_labels) + _label_height(across_labels, rotation)
              + 0.75)
    fig, axes = plt.subplots(
        1, len(voice_facets), sharey=True, squeeze=False, layout="constrained",
        figsize=(column_width("double"), height),
    )
    cells = _number_labels(shown[["rate_per_1000"]], "{:.1f}").ravel()
    annotate = _fits(list(cells), cell_in, style["row_height_in"])
    outlet_title = f"{_group_title(by)} (n = articles)"
    for ax, voice in zip(axes[0], voice_facets, strict=True):
        matrix = (
            shown[shown["voice"] == voice]
            .pivot(index=entry, columns="outlet", values="rate_per_1000")
            .reindex(index=entries, columns=outlets)
        )
        if outlets_down:
            matrix = matrix.T
        vmax = float(np.nanmax(matrix.to_numpy())) if matrix.notna().any().any() else 0.0
        _heatmap(
            ax, matrix, cmap=style["heatmap_cmap"], vmin=0.0, vmax=vmax if vmax > 0 else 1.0,
            annotations=_number_labels(matrix, "{:.1f}") if annotate else None,
            xticklabels=across_labels, yticklabels=down_labels, rotation=rotation,
            colorbar="Rate per\n1,000 words\nof that voice",
        )
        ax.set_title(name(voice))
        ax.set_xlabel(entry.capitalize() if outlets_down else outlet_title)
        ax.set_ylabel((outlet_title if outlets_down else entry.capitalize())
                      if ax is axes[0][0] else "")
    _record(axes[0][0], _in_order(shown, {"voice": list(voice_facets), entry: entries,
                                          "outlet": outlets}), by=by)
    return fig


def plot_term_rates(
    rates: pd.DataFrame,
    *,
    voice: str = "narrator",
    terms: Sequence[str] | None = None,
    level: str | None = None,
    by: str = "outlet",
    interval: str | None = None,
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    width: str | float = "double",
) -> Figure:
    """Interval plots of term rates: one panel per term, one row per outlet.

    Each row shows the rate per 1,000 words of ``voice`` as a point and its
    interval (``ci_low``, ``ci_high``) as a bar. A row without an interval is
    drawn as a hollow point and the legend gives the table's ``note``; a row
    without a rate (no words in the voice), or an outlet missing from a
    panel, shows a dash and the legend says why. Panels share the outlet rows;
    each has its own rate axis starting at 0.

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates from :func:`sourcebias.term_rates`: ``by``, ``term`` or
        ``category``, ``voice``, ``n_articles``, ``rate_per_1000``, ``ci_low``,
        ``ci_high``, ``ci_method``, ``note``.
    voice : {"narrator", "quote", "all"}
        The voice whose rates are drawn.
    terms : sequence of str, optional
        The terms (or categories) to draw, in this order; default all, by
        highest rate first.
    level : {"term", "category"}, optional
        The panel variable; default ``term`` when the table has it, else ``category``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    interval : str, optional
        What the bars are, for the axis label; default the table's ``ci_method``.
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; default built from this table.
        Group colours are named in the legend.
    names : mapping of str to str, optional
        Display names laid over :func:`display_names`.
    width : "single", "double" or float
        Figure width; as many panels sit side by side as fit it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    entry = _level_column(rates, level, "plot_term_rates")
    table = _as_outlet(rates, by, (entry, *_RATE_COLUMNS, "ci_low", "ci_high"), "rates",
                       "plot_term_rates")
    shown = _select(table, "voice", [voice], "plot_term_rates")
    _reject_duplicates(shown, [entry, "outlet"], "plot_term_rates")
    order = list(terms) if terms is not None else _order_by_total(shown, entry, "rate_per_1000")
    shown = _select(shown, entry, order, "plot_term_rates")
    colours = _colours(shown["outlet"], palette)
    name = _namer(names)
    outlets = _outlet_order(shown["outlet"], name)
    n = shown.groupby("outlet")["n_articles"].max()
    labels = _n_labels([name(o) for o in outlets], [n[o] for o in outlets])
    fig, axes = _facets(len(order), row_labels=labels, width=width,
                        row_height=current_style()["point_row_height_in"])
    panels = []
    absent = False
    for ax, value in zip(axes, order, strict=True):
        drawn, missing = _forest(ax, shown[shown[entry] == value], outlets=outlets,
                                 labels=labels, x="rate_per_1000", colours=colours)
        absent |= missing
        _panel_title(ax, name(value))
        upper = _upper_limit(drawn, "rate_per_1000")
        ax.set_xlim(-0.03 * upper, upper)
        ax.spines["bottom"].set_bounds(0, upper)
        panels.append(drawn)
    drawn = pd.concat(panels, ignore_index=True)
    fig.supylabel(f"{_group_title(by)} (n = articles)", fontsize=mpl.rcParams["axes.labelsize"])
    _figure_xlabel(fig, f"Rate per 1,000 words, {name(voice)}", *_bars_line(drawn, interval))
    _figure_legend(fig, _hollow_handles(drawn) + _dash_handles(
        drawn, absent=f"no {voice} rate in the table" if absent else None)
        + _group_handles(colours, outlets, name))
    _record(axes[0], _in_order(drawn, {entry: order, "outlet": outlets}), by=by)
    return fig
