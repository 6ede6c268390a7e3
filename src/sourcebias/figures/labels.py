"""Label matrices: the labels each outlet gives an actor."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sourcebias.checks import NotComputable
from sourcebias.figures.data import _as_outlet, _group_title, _in_order, _order_by_total, _select
from sourcebias.figures.export import _record
from sourcebias.figures.layout import (
    _column_labels,
    _fits,
    _label_height,
    _new_axes,
    _small_font,
    _text_width,
)
from sourcebias.figures.marks import _heatmap, _wrapped
from sourcebias.figures.names import _namer, _outlet_order
from sourcebias.figures.style import column_width, current_style


class TooFewMentions(NotComputable):
    """Raised by :func:`plot_label_matrix` for an actor with too few labelled
    mentions to draw; the message is a sentence a notebook can print."""


def plot_label_matrix(
    labels: pd.DataFrame,
    *,
    actor: str | None = None,
    outlets: Sequence[str] | None = None,
    top: int = 15,
    value: str = "share",
    min_n: int = 5,
    by: str = "outlet",
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of the labels given to actors, with counts and shares.

    With ``actor=None``: labels × actors, pooled over outlets. With an actor:
    labels × outlets for that actor. A cell's share is ``count / n``, where
    ``n`` is the actor's labelled mentions (``n_labelled``; ``n_mentions`` when
    the table has no ``n_labelled``), pooled or in that outlet; ``n`` is
    written in the column's tick label and the count in the cell beside the
    share, so that 100% of one mention reads as such. Every outlet of
    ``outlets`` is a column: one that never labels the actor is left blank
    (its n is 0), and a label an outlet never used is an empty cell of the
    lightest colour. Cells carry their numbers when they fit.

    Parameters
    ----------
    labels : pandas.DataFrame
        Labels from :func:`sourcebias.label_table`: ``by``, ``actor``,
        ``label``, ``count``, ``n_labelled`` or ``n_mentions`` (one row per
        group × actor × label; the denominators are per group × actor).
    actor : str, optional
        Draw this actor across outlets instead of all actors pooled.
    outlets : sequence of str, optional
        The columns when ``actor`` is given: every outlet of the batch (e.g.
        ``ws.n_articles.index``); default the outlets of ``labels``.
    top : int
        Draw the ``top`` labels with the most mentions.
    value : {"share", "count"}
        What the colour shows; the cells write the share and the count.
    min_n : int
        Fewest labelled mentions (all columns together) worth a figure; below
        it :class:`TooFewMentions` is raised with a sentence saying so.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    names : mapping of str to str, optional
        Display names of actors and outlets (e.g. ``ws.names``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure, single column when it fits.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TooFewMentions
        When the labelled mentions drawn number fewer than ``min_n``.
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
    mentions = "labelled mentions" if denominator == "n_labelled" else "mentions"
    if n.sum() < min_n:
        subject = name(actor) if actor is not None else "All actors"
        raise TooFewMentions(
            f"{subject}: {int(n.sum())} {mentions if n.sum() != 1 else mentions[:-1]} in the "
            f"batch, fewer than {min_n}, so no label matrix is drawn.")
    if actor is not None and outlets is not None:
        n = n.reindex(pd.Index(list(outlets)).union(n.index), fill_value=0)
    cells = table.groupby(["label", column], as_index=False)["count"].sum()
    cells[denominator] = cells[column].map(n)
    cells["share"] = cells["count"] / cells[denominator]
    shown_labels = _order_by_total(cells, "label", "count")[:top]
    cells = cells[cells["label"].isin(shown_labels)]
    columns = _outlet_order(pd.Series(n.index), name)
    counts = (cells.pivot(index="label", columns=column, values="count")
              .reindex(index=shown_labels, columns=columns).fillna(0))
    empty = (n.reindex(columns) == 0).to_numpy()
    counts.loc[:, empty] = np.nan
    shares = counts / n.reindex(columns).replace(0, np.nan)
    matrix = shares if value == "share" else counts
    style = current_style()
    row_labels = [textwrap.fill(label, 30, break_on_hyphens=False) for label in shown_labels]
    lines = sum(label.count("\n") + 1 for label in row_labels)
    margin = _text_width(row_labels, "ytick.labelsize") + 1.0
    width = column_width("single" if margin + 0.5 * len(columns) <= column_width("single")
                         else "double")
    cell_in = (width - margin) / len(columns)
    texts = _cell_texts(shares, counts)
    two_lines = (1.25 * 2 * _small_font() + 4) / 72
    annotate = _fits([t for text in texts.ravel() for t in text.split("\n")], cell_in,
                     two_lines)
    row_in = max(style["row_height_in"], two_lines if annotate else 0.0)
    xticklabels, rotation = _column_labels([name(c) for c in columns],
                                           list(n.reindex(columns)), cell_in=cell_in)
    caption = ([f"Cell: share of the {column}'s {mentions} (count)."] if annotate else [])
    if empty.any():
        caption.append(f"Blank column: no {mentions[:-1]} of the actor.")
    height = (row_in * max(lines * 0.7, len(row_labels))
              + _label_height(xticklabels, rotation) + 1.0 + 0.15 * len(caption))
    ax = _new_axes(ax, width=width, height=height)
    share = value == "share"
    _heatmap(
        ax, matrix.set_axis(row_labels, axis=0), cmap=style["heatmap_cmap"], vmin=0.0,
        vmax=1.0 if share else None,
        annotations=texts if annotate else None,
        xticklabels=xticklabels, yticklabels=row_labels, rotation=rotation,
        colorbar=f"Share of the\n{mentions}" if share else "Mentions",
        percent=share,
    )
    if actor is None:
        ax.set_xlabel(_wrapped([f"Actor (n = {mentions})", *caption], width - margin + 1.0))
        ax.set_title("Labels by actor, all outlets")
    else:
        ax.set_xlabel(_wrapped([f"{_group_title(by)} (n = {mentions} of {name(actor)})",
                                *caption], width - margin + 1.0))
        ax.set_title(name(actor))
    ax.set_ylabel("Label")
    drawn = cells.merge(pd.DataFrame({column: columns}), on=column, how="outer")
    _record(ax, _in_order(drawn, {"label": shown_labels, column: columns}), by=by)
    return ax


def _cell_texts(shares: pd.DataFrame, counts: pd.DataFrame) -> np.ndarray:
    """``"40%\\n(2)"`` for each used label; empty for unused labels and blank columns."""
    return np.array([
        ["" if pd.isna(c) or c == 0 else f"{s:.0%}\n({int(c):,})" for s, c in zip(srow, crow,
                                                                               strict=True)]
        for srow, crow in zip(shares.to_numpy(), counts.to_numpy(), strict=True)
    ], dtype=object).reshape(shares.shape)
