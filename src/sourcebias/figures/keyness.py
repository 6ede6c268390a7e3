"""Distinctive vocabulary of each outlet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from sourcebias.checks import require_columns
from sourcebias.figures.data import _single_value
from sourcebias.figures.export import _record
from sourcebias.figures.layout import _new_axes
from sourcebias.figures.marks import _legend, _signed_statistic, _value_label
from sourcebias.figures.names import _namer
from sourcebias.figures.style import current_style


def plot_keyness(
    keyness: pd.DataFrame,
    *,
    target: str = "target",
    reference: str = "reference",
    n_articles: tuple[int, int],
    top: int = 15,
    alpha: float = 0.05,
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Diverging bars of the terms significantly distinctive of target and reference.

    Bars show the keyness ``statistic``, signed positive for terms relatively
    more frequent in the target and negative for the reference (the sign of
    ``log_ratio`` when the statistic itself is unsigned). Only terms whose
    Benjamini–Hochberg adjusted p value (``p_adjusted``) is below ``alpha``
    are drawn, at most ``top`` on each side; when none is, the panel says
    "nothing significant at q < alpha" instead of drawing bars. A measure
    without p values (such as PMI) draws the ``top`` terms of each side and
    says that they are untested. The caption (the axis label) names the
    ``measure`` and which side is which, which terms are drawn, and the
    ``correction``; the legend gives each side's articles.

    Parameters
    ----------
    keyness : pandas.DataFrame
        Keyness table from :func:`sourcebias.keyness`: ``term``,
        ``statistic``, ``p``, ``p_adjusted``, ``n_target``, ``n_reference``,
        ``log_ratio``, ``measure``, ``correction`` (one measure).
    target, reference : str
        Names of the two sides (an outlet, a group) for the legend.
    n_articles : tuple of two int
        Articles in the target and in the reference, stated in the legend.
    top : int
        Most terms drawn on each side.
    alpha : float
        Significance level for the adjusted p value (the false discovery rate q).
    palette : mapping of str to colour, optional
        Colours for ``target`` and ``reference`` when they are outlets; other
        sides take the style's neutral colours.
    names : mapping of str to str, optional
        Display names of the two sides (e.g. ``ws.names``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(keyness, "plot_keyness: the keyness",
                    ("term", "statistic", "p", "p_adjusted", "n_target", "n_reference",
                     "log_ratio", "measure", "correction"))
    measure = _single_value(keyness, "measure", "plot_keyness")
    correction = _single_value(keyness, "correction", "plot_keyness")
    name = _namer(names)
    signed = keyness.assign(signed_statistic=_signed_statistic(keyness))
    tested = bool(signed["p_adjusted"].notna().any())
    if tested:
        signed = signed[signed["p_adjusted"] < alpha]
    shown = pd.concat([
        signed[signed["signed_statistic"] > 0].nlargest(top, "signed_statistic"),
        signed[signed["signed_statistic"] < 0].nsmallest(top, "signed_statistic"),
    ]).sort_values("signed_statistic", ascending=False, kind="stable").reset_index(drop=True)
    neutral = current_style()["neutral_colors"]
    palette = palette or {}
    side_colour = {
        True: palette.get(target, neutral["target"]),
        False: palette.get(reference, neutral["reference"]),
    }
    height = current_style()["point_row_height_in"] * max(len(shown), 4) + 1.6
    ax = _new_axes(ax, width="single", height=height)
    shown_target, shown_reference = name(target), name(reference)
    if shown.empty:
        nothing = (f"nothing significant at q < {alpha:g}\n(Benjamini–Hochberg)" if tested
                   else "no term has a non-zero statistic")
        ax.text(0.5, 0.5, nothing, transform=ax.transAxes, ha="center", va="center",
                color="0.35")
        ax.set_yticks([])
        ax.set_xticks([])
    else:
        colour = (shown["signed_statistic"] > 0).map(side_colour)
        ax.barh(range(len(shown)), shown["signed_statistic"], color=colour, height=0.75)
        ax.set_yticks(range(len(shown)), shown["term"])
        ax.set_ylim(len(shown) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.set_ylabel("Term")
    drawn = (f"Benjamini–Hochberg adjusted p < {alpha:g}, at most {top} a side"
             if tested else f"top {top} a side, untested (the measure has no p value)")
    _value_label(ax, f"{measure}: > 0 more in {shown_target}, < 0 more in {shown_reference}",
                 f"Drawn: {drawn}.",
                 *([f"Correction: {correction}."] if correction != "none" else []))
    _legend(ax, [
        Patch(facecolor=side_colour[True], label=f"{shown_target} (n={n_articles[0]:,})"),
        Patch(facecolor=side_colour[False], label=f"{shown_reference} (n={n_articles[1]:,})"),
    ])
    _record(ax, shown if not shown.empty else signed.head(0))
    return ax
