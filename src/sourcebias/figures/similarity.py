"""Outlet similarity as a clustered matrix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from sourcebias.checks import require_columns
from sourcebias.figures.data import _group_title
from sourcebias.figures.export import _record
from sourcebias.figures.layout import (
    _figure_width,
    _fits,
    _new_figure,
    _small_font,
    _text_width,
)
from sourcebias.figures.marks import _colour_strip, _dendrogram, _figure_legend, _similarity_matrix
from sourcebias.figures.names import _n_labels, _namer
from sourcebias.figures.palette import _colours, _group_handles
from sourcebias.figures.style import column_width, current_style


def plot_similarity(
    similarity: pd.DataFrame,
    *,
    n_articles: Mapping[str, int] | pd.Series,
    method: str = "average",
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    width: str | float | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Clustered heatmap of the cosine similarity between outlets.

    Outlets are ordered by hierarchical clustering
    (:func:`scipy.cluster.hierarchy.linkage` with ``method``) on the distance
    ``1 − cosine``, whose tree is drawn above the columns with its height
    axis (the ``1 − cosine`` at which clusters join). The colour scale is
    anchored at 0 and 1, the whole range of a cosine between TF-IDF vectors
    (which have no negative weights), so that a narrow spread of similarities
    looks narrow; the colour bar says so. The diagonal (1 by definition) is
    left blank. A strip under the tree shows each outlet's
    colour when the outlets have distinct colours, or their group's colour
    when the palette colours groups (the legend names them). Cells carry
    their value when it fits.

    Parameters
    ----------
    similarity : pandas.DataFrame
        ``outlet_a``, ``outlet_b``, ``cosine``, one row per pair (either order;
        the diagonal may be omitted).
    n_articles : mapping of str to int
        Articles per outlet, written in the tick labels.
    method : str
        Linkage method (``average``, ``complete``, ``single``, ``weighted``).
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; default built from this table.
        Group colours are named in the legend.
    names : mapping of str to str, optional
        Display names of the outlets (e.g. ``ws.names``).
    width : "single", "double" or float, optional
        Figure width; default a single column, or double when the outlets'
        rows would be lower than the style's ``point_row_height_in``.
    fig : matplotlib.figure.Figure, optional
        An empty Figure to draw into, at its width (``width`` is then
        ignored); its height is set to fit.

    Returns
    -------
    matplotlib.figure.Figure
        The tree, the colour strip, the matrix and its colour bar; a Figure,
        since they are laid out together.
    """
    require_columns(similarity, "plot_similarity: the similarity",
                    ("outlet_a", "outlet_b", "cosine"))
    matrix = _similarity_matrix(similarity)
    outlets = list(matrix.index)
    n = pd.Series(n_articles, dtype="float64").reindex(outlets)
    if n.isna().any():
        raise ValueError(
            f"plot_similarity: n_articles lacks outlet(s) {', '.join(n[n.isna()].index)}"
        )
    colours = _colours(pd.Series(outlets), palette)
    name = _namer(names)
    linkage = hierarchy.linkage(squareform(1.0 - matrix.to_numpy(), checks=False), method=method)
    order = [outlets[i] for i in hierarchy.leaves_list(linkage)]
    labels = _n_labels([name(o) for o in order], n[order].to_numpy())
    style = current_style()
    label_in = _text_width(labels, "ytick.labelsize") + 0.45
    width = _figure_width(fig, width)
    if width is None:
        needed = label_in + style["point_row_height_in"] * len(order)
        width = "single" if needed <= column_width("single") else "double"
    cell_in = min((column_width(width) - label_in) / len(order), 0.5)
    strip = bool(colours.groups) or len({colours[o] for o in order}) == len(order)
    tree_in, strip_in, colorbar_in = 0.4, 0.09 if strip else 0.0, 0.55
    heat_in = cell_in * len(order)
    fig = _new_figure(fig, width=width,
                      height=tree_in + strip_in + heat_in + label_in - 0.3 + colorbar_in)
    grid = fig.add_gridspec(3 if strip else 2, 1,
                            height_ratios=[tree_in, *([strip_in] if strip else []), heat_in])
    tree = fig.add_subplot(grid[0])
    heat = fig.add_subplot(grid[-1])
    _dendrogram(tree, linkage, method=method)
    if strip:
        _colour_strip(fig.add_subplot(grid[1]), [colours[o] for o in order])
    shown = matrix.loc[order, order]
    sns.heatmap(
        shown, ax=heat, mask=np.eye(len(order), dtype=bool), cmap=style["similarity_cmap"],
        vmin=0.0, vmax=1.0,
        annot=_fits(["0.00"], cell_in, cell_in), fmt=".2f",
        annot_kws={"fontsize": _small_font()}, linewidths=0.5, linecolor="white",
        xticklabels=labels, yticklabels=labels, cbar=False, square=False,
    )
    heat.tick_params(length=0)
    heat.tick_params(axis="x", labelrotation=90)
    heat.tick_params(axis="y", labelrotation=0)
    heat.set_xlabel("")
    heat.set_ylabel(f"{_group_title('outlet')} (n = articles)")
    colorbar = fig.colorbar(heat.collections[0], ax=heat, location="bottom", shrink=0.7,
                            aspect=25, pad=0.05)
    colorbar.set_label("Cosine similarity, full scale 0 to 1\n(diagonal left blank)")
    colorbar.outline.set_visible(False)
    long = shown.rename_axis(index="outlet_a", columns="outlet_b")
    drawn = long.stack().rename("cosine").reset_index()
    drawn["n_articles_a"] = drawn["outlet_a"].map(n).astype("int64")
    drawn["n_articles_b"] = drawn["outlet_b"].map(n).astype("int64")
    _figure_legend(fig, _group_handles(colours, order, name))
    _record(heat, drawn)
    return fig
