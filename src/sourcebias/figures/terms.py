"""Loaded-term rates: the focus heatmap and rates with intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
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
    _figure_width,
    _fits,
    _label_height,
    _new_figure,
    _panel_title,
    _rotation,
    _small_font,
    _text_width,
)
from sourcebias.figures.marks import (
    _bars_line,
    _colorbar,
    _dash_handles,
    _figure_legend,
    _figure_xlabel,
    _forest,
    _heatmap,
    _hollow_handles,
    _upper_limit,
)
from sourcebias.figures.names import _n_labels, _namer, _outlet_order
from sourcebias.figures.palette import _colours, _group_handles
from sourcebias.figures.style import _RATE_COLUMNS, column_width, current_style

#: Cells resting on fewer hits than this (but at least one) are hatched.
FEW_HITS = 5


def plot_term_heatmap(
    rates: pd.DataFrame,
    *,
    voice_facets: Sequence[str] = ("narrator", "quote"),
    top: int | None = None,
    level: str | None = None,
    by: str = "outlet",
    shared_scale: bool = True,
    names: Mapping[str, str] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Heatmap of loaded-term rates, terms × outlets, one panel per voice.

    Each cell's colour is the rate per 1,000 words of that voice in that
    outlet. The cell text gives, as far as it fits, the rate, the number of
    hits it rests on and its interval (``ci_low``–``ci_high``); a cell is
    blank where the outlet has no words in the voice. Cells resting on 1 to
    ``FEW_HITS - 1`` hits are hatched: one or two hits in a short voice give
    the darkest cells. All panels share one colour scale (quoted text is
    short and its rates run higher, so its cells may dominate); with
    ``shared_scale=False`` each panel has its own, and the caption says so.
    The caption under the figure says what the cell text, the hatch and the
    intervals are. The longer of the two lists (outlets, terms) runs down
    the page; outlet labels carry the number of articles.

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates from :func:`sourcebias.term_rates`: ``by``, ``term`` or
        ``category``, ``voice``, ``n_articles``, ``n_hits``,
        ``rate_per_1000``, ``ci_low``, ``ci_high``, ``ci_method`` (one row per
        entry × group × voice).
    voice_facets : sequence of str
        The voices to draw, one panel each, in this order.
    top : int, optional
        Draw only the ``top`` terms with the highest summed rate; default all.
    level : {"term", "category"}, optional
        The term variable; default ``term`` when the table has it, else ``category``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    shared_scale : bool
        One colour scale for every panel (default), or one per panel.
    names : mapping of str to str, optional
        Display names of outlets, terms and voices (e.g. ``ws.names``).
    fig : matplotlib.figure.Figure, optional
        An empty Figure to draw into, at its width; its height is set to fit.
        Default a new double-column figure.

    Returns
    -------
    matplotlib.figure.Figure
        Double column wide (or as wide as ``fig``), one Axes per voice; terms sorted by their summed
        rate, highest first. A Figure rather than an Axes, since the panels
        and their shared colour bar are laid out together.
    """
    entry = _level_column(rates, level, "plot_term_heatmap")
    table = _as_outlet(rates, by, (entry, *_RATE_COLUMNS, "n_hits", "ci_low", "ci_high"),
                       "rates", "plot_term_heatmap")
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
    n_bars = 1 if shared_scale else len(voice_facets)
    width = _figure_width(fig, "double")
    panel_in = (column_width(width) - _text_width(down_labels, "ytick.labelsize") - 0.4
                - n_bars * colorbar_in) / len(voice_facets)
    cell_in = panel_in / (len(entries) if outlets_down else len(outlets))
    if outlets_down:
        across_labels, rotation = entry_names, _rotation(entry_names, cell_in)
    else:
        across_labels, rotation = _column_labels(outlet_names, outlet_n, cell_in=cell_in)
    if rotation and len(voice_facets) > 1:
        rotation = 90.0  # slanted labels would reach into the panel on their left
    texts, row_in = _cell_texts(shown, cell_in=cell_in, rows=len(down_labels))
    shown = shown.assign(cell_text=texts)
    caption = _heatmap_caption(shown, texts.str.count("\n").max() + 1 if len(texts) else 0,
                               shared_scale=shared_scale or len(voice_facets) == 1)
    height = (max(style["row_height_in"], row_in) * len(down_labels)
              + _label_height(across_labels, rotation) + 0.75 + 0.15 * len(caption))
    fig = _new_figure(fig, width=width, height=height)
    axes = fig.subplots(1, len(voice_facets), sharey=True, squeeze=False)
    highest = shown["rate_per_1000"].max()
    vmax = float(highest) if pd.notna(highest) and highest > 0 else 1.0
    colorbar = "Rate per\n1,000 words\nof that voice"
    outlet_title = f"{_group_title(by)} (n = articles)"
    for ax, voice in zip(axes[0], voice_facets, strict=True):
        block = shown[shown["voice"] == voice]
        matrices = {
            column: block.pivot(index=entry, columns="outlet", values=column)
            .reindex(index=entries, columns=outlets)
            for column in ("rate_per_1000", "n_hits", "cell_text")
        }
        if outlets_down:
            matrices = {column: matrix.T for column, matrix in matrices.items()}
        rate = matrices["rate_per_1000"]
        if not shared_scale:
            top_rate = rate.max().max()
            vmax = float(top_rate) if pd.notna(top_rate) and top_rate > 0 else 1.0
        hits = matrices["n_hits"].to_numpy(dtype="float64")
        _heatmap(
            ax, rate, cmap=style["heatmap_cmap"], vmin=0.0, vmax=vmax,
            annotations=matrices["cell_text"].fillna("").to_numpy() if texts.any() else None,
            xticklabels=across_labels, yticklabels=down_labels, rotation=rotation,
            colorbar=None if shared_scale else colorbar,
            hatched=(hits > 0) & (hits < FEW_HITS),
        )
        ax.set_title(name(voice))
        ax.set_xlabel(entry.capitalize() if outlets_down else outlet_title)
        ax.set_ylabel((outlet_title if outlets_down else entry.capitalize())
                      if ax is axes[0][0] else "")
    if shared_scale:
        _colorbar(fig, axes[0][0].collections[0], list(axes[0]), colorbar)
    _figure_xlabel(fig, *caption)
    _record(axes[0][0], _in_order(shown.drop(columns="cell_text"),
                                  {"voice": list(voice_facets), entry: entries,
                                   "outlet": outlets}), by=by)
    return fig


def _rate_text(value: float) -> str:
    """A rate in two significant digits at most: ``88``, ``1.2``, ``0.035``, ``0``."""
    if value == 0:
        return "0"
    if abs(value) >= 10:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.1f}"
    return f"{value:.2g}"


def _cell_texts(shown: pd.DataFrame, *, cell_in: float, rows: int) -> tuple[pd.Series, float]:
    """Each cell's text and the row height it needs.

    As many of these lines as fit the cell: the rate, the hits it rests on,
    the interval. Fewer lines when the rows would make the figure taller than
    a page, none when even the rate is too wide.
    """
    rate = shown["rate_per_1000"].map(lambda v: "" if pd.isna(v) else _rate_text(v))
    hits = shown["n_hits"].map(lambda v: "" if pd.isna(v) else f"{int(v):,} hit"
                               + ("" if v == 1 else "s"))
    interval = pd.Series(
        ["" if pd.isna(low) or pd.isna(high) else f"{_rate_text(low)}–{_rate_text(high)}"
         for low, high in zip(shown["ci_low"], shown["ci_high"], strict=True)],
        index=shown.index, dtype="object")
    lines = [rate, hits, interval]
    for n_lines in (3, 2, 1):
        row_in = (1.25 * n_lines * _small_font() + 4) / 72
        texts = lines[0]
        for line in lines[1:n_lines]:
            texts = texts.str.cat(line, sep="\n").str.strip("\n")
        texts = texts.where(rate != "", "")
        if rows * row_in <= 6.5 and _fits([t for text in texts for t in text.split("\n")],
                                          cell_in, row_in):
            return texts, row_in
    return pd.Series("", index=shown.index), 0.0


def _heatmap_caption(shown: pd.DataFrame, n_lines: int, *, shared_scale: bool) -> list[str]:
    """Lines under the heatmap: the cell text, the hatch, the intervals, the scale."""
    what = ["rate per 1,000 words of that voice", "hits", "interval"][:n_lines]
    bounded = shown[shown["ci_low"].notna() & shown["ci_high"].notna()]
    methods = sorted(map(str, bounded.get("ci_method", pd.Series()).dropna().unique()))
    if len(bounded) and not methods:
        methods = ["method not recorded"]
    lines = [f"Cell text: {'; '.join(what)}." if what else
             "Rates are not written in the cells: too many to fit (see the CSV)."]
    if n_lines >= 3 and methods:
        lines.append(f"Intervals: {'; '.join(methods)}.")
    elif methods:
        lines.append("Intervals: too wide for the cells; in the CSV beside the figure.")
    few = shown[(shown["n_hits"] > 0) & (shown["n_hits"] < FEW_HITS)]
    if len(few):
        lines.append(f"Hatched: 1–{FEW_HITS - 1} hits, too few to compare outlets.")
    lines.append("One colour scale for all panels." if shared_scale
                 else "Each panel has its own colour scale.")
    return lines


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
    fig: Figure | None = None,
) -> Figure:
    """Interval plots of term rates: one panel per term, one row per outlet.

    Each row shows the rate per 1,000 words of ``voice`` as a point and its
    interval (``ci_low``, ``ci_high``) as a bar. A row without an interval is
    drawn as a hollow point and the legend gives the table's ``note``; a row
    without a rate (no words in the voice), or an outlet missing from a
    panel, shows a dash and the legend says why. Panels share the outlet rows;
    each has its own rate axis starting at 0, and the axis label says so when
    the scales differ ("x scales differ by panel").

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
        Display names of outlets, terms and voices (e.g. ``ws.names``).
    width : "single", "double" or float
        Figure width; as many panels sit side by side as fit it.
    fig : matplotlib.figure.Figure, optional
        An empty Figure to draw into, at its width (``width`` is then
        ignored); its height is set to fit.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per panel; a Figure, since the panels share rows and a legend.
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
                        row_height=current_style()["point_row_height_in"], fig=fig)
    panels = []
    uppers = set()
    absent = False
    for ax, value in zip(axes, order, strict=True):
        drawn, missing = _forest(ax, shown[shown[entry] == value], outlets=outlets,
                                 labels=labels, x="rate_per_1000", colours=colours)
        absent |= missing
        _panel_title(ax, name(value))
        upper = _upper_limit(drawn, "rate_per_1000")
        uppers.add(upper)
        ax.set_xlim(-0.03 * upper, upper)
        ax.spines["bottom"].set_bounds(0, upper)
        panels.append(drawn)
    drawn = pd.concat(panels, ignore_index=True)
    fig.supylabel(f"{_group_title(by)} (n = articles)", fontsize=mpl.rcParams["axes.labelsize"])
    scales = "; x scales differ by panel" if len(uppers) > 1 else ""
    _figure_xlabel(fig, f"Rate per 1,000 words, {name(voice)}{scales}",
                   *_bars_line(drawn, interval))
    _figure_legend(fig, _hollow_handles(drawn) + _dash_handles(
        drawn, absent=f"no {voice} rate in the table" if absent else None)
        + _group_handles(colours, outlets, name))
    _record(axes[0], _in_order(drawn, {entry: order, "outlet": outlets}), by=by)
    return fig
