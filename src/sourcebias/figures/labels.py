"""Label matrices: the labels each outlet gives an actor."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import pandas as pd
from matplotlib.axes import Axes

from sourcebias.figures.data import _as_outlet, _group_title, _in_order, _order_by_total, _select
from sourcebias.figures.export import _record
from sourcebias.figures.layout import _column_labels, _fits, _label_height, _new_axes, _text_width
from sourcebias.figures.marks import _heatmap, _number_labels, _wrapped
from sourcebias.figures.names import _namer, _outlet_order
from sourcebias.figures.style import column_width, current_style


def plot_label_matrix(
    labels: pd.DataFrame,
    *,
    actor: str | None = None,
    top: int = 15,
    value: str = "share",
    by: str = "outlet",
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of the labels given to actors.

    With ``actor=None``: labels × actors, pooled over outlets. With an actor:
    labels × outlets for that actor. A cell's share is ``count / n``, where
    ``n`` is the actor's labelled mentions (``n_labelled``; ``n_mentions`` when
    the table has no ``n_labelled``), pooled or in that outlet; it is written
    in the column's tick label. Every outlet (or actor) of the table is a
    column; a label it never used is an empty cell of the lightest colour.
    Cells carry their number when it fits.

    Parameters
    ----------
    labels : pandas.DataFrame
        Labels from :func:`sourcebias.label_table`: ``by``, ``actor``,
        ``label``, ``count``, ``n_labelled`` or ``n_mentions`` (one row per
        group × actor × label; the denominators are per group × actor).
    actor : str, optional
        Draw this actor across outlets instead of all actors pooled.
    top : int
        Draw the ``top`` labels with the most mentions.
    value : {"share", "count"}
        What the colour and the cell numbers show.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    names : mapping of str to str, optional
        Display names laid over :func:`display_names` (actors, outlets).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure, single column when it fits.

    Returns
    -------
    matplotlib.axes.Axes
    """
    denominator = "n_labelled" if "n_labelled" in labels.columns else "n_mentions"
    table = _as_outlet(labels, by, ("actor", "label", "count", denominator), "label",
                       "plot_label_matrix")
    if value not in ("share", "count"):
        raise ValueError(f"plot_label_matrix: value must be 'share' or 'count', not {value!r}")
    name = _namer(names)
    table = table.assign(label=table["label"].fillna("(no label)"))
    column = "actor" if actor is None else "outlet"
    if actor is not None:
        table = _select(table, "actor", [actor], "plot_label_matrix")
    n = table.drop_duplicates(["outlet", "actor"]).groupby(column)[denominator].sum()
    cells = table.groupby(["label", column], as_index=False)["count"].sum()
    cells[denominator] = cells[column].map(n)
    cells["share"] = cells["count"] / cells[denominator]
    shown_labels = _order_by_total(cells, "label", "count")[:top]
    cells = cells[cells["label"].isin(shown_labels)]
    columns = _outlet_order(pd.Series(n.index), name)
    matrix = (
        cells.pivot(index="label", columns=column, values=value)
        .reindex(index=shown_labels, columns=columns)
        .fillna(0)
    )
    style = current_style()
    row_labels = [textwrap.fill(label, 30, break_on_hyphens=False) for label in shown_labels]
    lines = sum(label.count("\n") + 1 for label in row_labels)
    margin = _text_width(row_labels, "ytick.labelsize") + 1.0
    width = column_width("single" if margin + 0.5 * len(columns) <= column_width("single")
                         else "double")
    cell_in = (width - margin) / len(columns)
    xticklabels, rotation = _column_labels([name(c) for c in columns],
                                           list(n.reindex(columns)), cell_in=cell_in)
    height = (style["row_height_in"] * max(lines * 0.7, len(row_labels))
              + _label_height(xticklabels, rotation) + 1.0)
    ax = _new_axes(ax, width=width, height=height)
    mentions = "labelled mentions" if denominator == "n_labelled" else "mentions"
    share = value == "share"
    _heatmap(
        ax, matrix.set_axis(row_labels, axis=0), cmap=style["heatmap_cmap"], vmin=0.0,
        vmax=1.0 if share else None,
        annotations=(_number_labels(matrix, "{:.0%}" if share else "{:.0f}", zero="")
                     if _fits(["100%"], cell_in, style["row_height_in"]) else None),
        xticklabels=xticklabels, yticklabels=row_labels, rotation=rotation,
        colorbar=f"Share of the\n{mentions}" if share else "Mentions",
        percent=share,
    )
    if actor is None:
        ax.set_xlabel(f"Actor (n = {mentions})")
        ax.set_title("Labels by actor, all outlets")
    else:
        ax.set_xlabel(_wrapped([f"{_group_title(by)} (n = {mentions} of {name(actor)})"],
                               width - margin + 1.0))
        ax.set_title(name(actor))
    ax.set_ylabel("Label")
    _record(ax, _in_order(cells, {"label": shown_labels, column: columns}), by=by)
    return ax
