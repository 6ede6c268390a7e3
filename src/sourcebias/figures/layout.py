"""Sizes of figure text and panels that fit a journal column."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from sourcebias.figures.names import _n_labels
from sourcebias.figures.style import _TEXT_PATH, column_width, current_style


def _font_points(size: str) -> float:
    return FontProperties(size=mpl.rcParams[size]).get_size_in_points()


def _text_width(labels: Iterable[Any], size: str) -> float:
    """Width in inches of the widest line of ``labels`` in the current font at the
    rcParams ``size`` (font metrics, without a renderer)."""
    font = FontProperties(size=mpl.rcParams[size])
    lines = {line for label in labels for line in str(label).split("\n")}
    widths = [_TEXT_PATH.get_text_width_height_descent(line, font, ismath=False)[0]
              for line in lines]
    return max(widths, default=0.0) / 72


def _line_height(size: str) -> float:
    """Height in inches of one line of text at the rcParams ``size``."""
    return 1.25 * _font_points(size) / 72


def _small_font() -> float:
    return 0.8 * mpl.rcParams["font.size"]


def _fits(texts: Sequence[str], width_in: float, height_in: float) -> bool:
    """Whether ``texts`` in the small font fit a cell of the given size."""
    font = FontProperties(size=_small_font())
    widest = max((_TEXT_PATH.get_text_width_height_descent(t, font, ismath=False)[0]
                  for t in set(texts)), default=0.0)
    return widest / 72 <= 0.9 * width_in and 1.2 * _small_font() / 72 <= height_in


def _rotation(labels: Sequence[str], cell_in: float) -> float:
    """Column label rotation: upright when they fit the cell, 45° when the cells
    leave room for slanted lines, else vertical."""
    if _text_width(labels, "xtick.labelsize") <= 0.92 * cell_in:
        return 0.0
    return 45.0 if cell_in >= 1.6 * _line_height("xtick.labelsize") else 90.0


def _column_labels(
    names: Sequence[str], n: Sequence[Any], *, cell_in: float
) -> tuple[list[str], float]:
    """Outlet labels for heatmap columns and their rotation: the name on up to
    two lines over ``(n=..)``, upright, when every line fits the cell; else on
    one line, turned."""
    characters = int(0.92 * cell_in * 72 / (0.55 * _font_points("xtick.labelsize")))
    wrapped = [textwrap.fill(name, max(characters, 1), break_long_words=False,
                             break_on_hyphens=False) for name in names]
    stacked = _n_labels(wrapped, n, sep="\n")
    if (_text_width(stacked, "xtick.labelsize") <= 0.92 * cell_in
            and all(label.count("\n") <= 2 for label in stacked)):
        return stacked, 0.0
    flat = _n_labels(names, n)
    return flat, _rotation(flat, cell_in)


def _label_height(labels: Sequence[str], rotation: float) -> float:
    """Height in inches that column labels take under a heatmap."""
    if rotation == 0:
        lines = max(str(label).count("\n") + 1 for label in labels)
        return lines * _line_height("xtick.labelsize")
    return math.sin(math.radians(rotation)) * _text_width(labels, "xtick.labelsize") + 0.1


def _new_axes(ax: Axes | None, *, width: str | float, height: float) -> Axes:
    """``ax``, or the Axes of a new constrained-layout figure of the given size."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(column_width(width), height), layout="constrained")
    return ax


def _new_figure(fig: Figure | None, *, width: str | float, height: float) -> Figure:
    """``fig`` resized to ``width`` × ``height``, or a new figure of that size;
    either way with constrained layout. A given ``fig`` must be empty."""
    size = (column_width(width), height)
    if fig is None:
        return plt.figure(figsize=size, layout="constrained")
    if fig.axes:
        raise ValueError("fig= must be an empty Figure: the function lays out its own panels")
    fig.set_size_inches(*size)
    fig.set_layout_engine("constrained")
    return fig


def _figure_width(fig: Figure | None, width: str | float) -> str | float:
    """The width to lay out for: a given figure's own, else ``width``."""
    return fig.get_figwidth() if fig is not None else width


def _facets(
    n_panels: int,
    *,
    row_labels: Sequence[str],
    width: str | float,
    row_height: float,
    right_in: float = 0.0,
    fig: Figure | None = None,
) -> tuple[Figure, list[Axes]]:
    """A figure of ``n_panels`` panels sharing one row per label, in as few
    rows of panels as the width allows (panels at least ``min_panel_width_in``
    wide, plus ``right_in`` for text right of each panel); drawn in ``fig``
    when given, at its width."""
    style = current_style()
    width = _figure_width(fig, width)
    total = column_width(width)
    label_in = _text_width(row_labels, "ytick.labelsize") + 0.35
    fit = max(1, int((total - label_in) // (style["min_panel_width_in"] + right_in)))
    n_rows = math.ceil(n_panels / min(fit, n_panels))
    n_cols = math.ceil(n_panels / n_rows)
    panel_height = row_height * len(row_labels) + 0.5
    fig = _new_figure(fig, width=width, height=n_rows * panel_height + 0.9)
    axes = fig.subplots(n_rows, n_cols, sharey=True, squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n_panels:]:
        fig.delaxes(ax)
    for ax in flat[:n_panels]:
        ax.set_yticks(range(len(row_labels)), row_labels)
        ax.set_ylim(len(row_labels) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0, pad=4)
        ax.grid(axis="y", color="0.92", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
    return fig, flat[:n_panels]


def _panel_title(ax: Axes, title: str) -> None:
    """The panel's title, wrapped to the panel's width."""
    fig = ax.figure
    panel_in = ax.get_position().width * fig.get_figwidth()
    characters = max(8, int(panel_in * 72 / (0.6 * _font_points("axes.titlesize"))))
    ax.set_title(textwrap.fill(title, characters, break_long_words=False,
                               break_on_hyphens=False))


def _text_colour_on(colour: Any) -> str:
    """Black or white, whichever reads better on ``colour`` (WCAG relative luminance)."""
    channels = np.array(to_rgb(colour))
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ np.array([0.2126, 0.7152, 0.0722]))
    return "black" if luminance > 0.4 else "white"
