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
    """Diverging bars of the terms most distinctive of target and reference.

    Bars show the keyness ``statistic``, signed positive for terms relatively
    more frequent in the target and negative for the reference (the sign of
    ``log_ratio`` when the statistic itself is unsigned). The ``top`` terms of
    each side are drawn; a bar is hollow when its Benjamini–Hochberg adjusted
    p value (``p_adjusted``) is at least ``alpha`` (a measure without p
    values, such as PMI, draws every bar filled). The axis label names the
    ``measure`` and its ``correction``.

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
        Terms drawn on each side.
    alpha : float
        Significance level for the adjusted p-value.
    palette : mapping of str to colour, optional
        Colours for ``target`` and ``reference`` when they are outlets; other
        sides take the style's neutral colours.
    names : mapping of str to str, optional
        Display names laid over :func:`display_names` (the two sides).
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
    shown = pd.concat([
        signed[signed["signed_statistic"] > 0].nlargest(top, "signed_statistic"),
        signed[signed["signed_statistic"] < 0].nsmallest(top, "signed_statistic"),
    ]).sort_values("signed_statistic", ascending=False, kind="stable").reset_index(drop=True)
    if shown.empty:
        raise ValueError("plot_keyness: no term has a non-zero statistic; nothing to draw")
    tested = shown["p_adjusted"].notna().any()
    shown["significant"] = shown["p_adjusted"] < alpha if tested else True
    neutral = current_style()["neutral_colors"]
    palette = palette or {}
    side_colour = {
        True: palette.get(target, neutral["target"]),
        False: palette.get(reference, neutral["reference"]),
    }
    edge = (shown["signed_statistic"] > 0).map(side_colour)
    face = edge.where(shown["significant"], "white")
    height = current_style()["point_row_height_in"] * len(shown) + 1.6
    ax = _new_axes(ax, width="single", height=height)
    ax.barh(range(len(shown)), shown["signed_statistic"], color=face, edgecolor=edge,
            linewidth=0.8, height=0.75)
    ax.set_yticks(range(len(shown)), shown["term"])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.axvline(0, color="0.3", linewidth=0.8)
    shown_target, shown_reference = name(target), name(reference)
    _value_label(ax, measure if correction == "none" else f"{measure}, correction: {correction}",
                 f"> 0: more in {shown_target}; < 0: more in {shown_reference}",
                 *([f"hollow: Benjamini–Hochberg adjusted p ≥ {alpha:g}"] if tested else []))
    ax.set_ylabel("Term")
    _legend(ax, [
        Patch(facecolor=side_colour[True], label=f"{shown_target} (n={n_articles[0]:,})"),
        Patch(facecolor=side_colour[False], label=f"{shown_reference} (n={n_articles[1]:,})"),
    ])
    _record(ax, shown)
    return ax
