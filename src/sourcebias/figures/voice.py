"""Narrator voice against quotation per outlet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from sourcebias.figures.data import _as_outlet, _group_title, _in_order
from sourcebias.figures.export import _record
from sourcebias.figures.layout import _new_axes, _small_font, _text_colour_on
from sourcebias.figures.marks import _legend, _value_label
from sourcebias.figures.names import _n_labels, _namer, _outlet_order
from sourcebias.figures.palette import _colours, _group_handles
from sourcebias.figures.style import current_style


def plot_voice_share(
    summary: pd.DataFrame,
    *,
    by: str = "outlet",
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars of each outlet's words in its narrator voice and inside quotations.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`sourcebias.outlet_summary`: ``by``, ``n_articles``,
        ``narrator_share`` and ``quote_share``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; the own-voice bar takes the
        outlet's colour, the quoted part a light grey. Group colours are named
        in the legend.
    names : mapping of str to str, optional
        Display names of the outlets (e.g. ``ws.names``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = _as_outlet(summary, by, ("n_articles", "narrator_share", "quote_share"),
                       "outlet summary", "plot_voice_share")
    name = _namer(names)
    outlets = _outlet_order(table["outlet"], name)
    shown = _in_order(table, {"outlet": outlets})
    colours = _colours(shown["outlet"], palette)
    labels = _n_labels([name(o) for o in shown["outlet"]], shown["n_articles"])
    height = 0.9 + current_style()["point_row_height_in"] * 1.6 * len(shown)
    ax = _new_axes(ax, width="single", height=height)
    rows = np.arange(len(shown))
    bar_colours = [colours[o] for o in shown["outlet"]]
    ax.barh(rows, shown["narrator_share"], color=bar_colours, height=0.75)
    ax.barh(rows, shown["quote_share"], left=shown["narrator_share"], color="0.85", height=0.75)
    for row, share, colour in zip(rows, shown["narrator_share"], bar_colours, strict=True):
        if np.isfinite(share):
            ax.text(0.01, row, f"{share:.0%}", va="center", ha="left",
                    fontsize=_small_font(), color=_text_colour_on(colour))
    ax.set_yticks(rows, labels)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_ylabel(f"{_group_title(by)} (n = articles)")
    _value_label(ax, "Share of the outlet's words (duplicates left out)")
    _legend(ax, [Patch(color="0.45", label="narrator voice"), Patch(color="0.85", label="quoted"),
                 *_group_handles(colours, outlets, name)])
    _record(ax, shown[["outlet", "n_articles", "narrator_share", "quote_share"]], by=by)
    return ax
