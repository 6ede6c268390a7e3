"""Sentence tone per outlet and toward each actor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sourcebias.checks import NotComputable, require_columns
from sourcebias.figures.data import (
    _as_outlet,
    _group_title,
    _in_order,
    _present,
    _reject_duplicates,
    _select,
)
from sourcebias.figures.export import _record
from sourcebias.figures.layout import _facets, _new_axes, _panel_title
from sourcebias.figures.marks import (
    _bars_line,
    _box_stats,
    _dash_handles,
    _draw_boxes,
    _figure_legend,
    _figure_xlabel,
    _forest,
    _hollow_handles,
    _legend,
    _n_column,
    _share_x,
    _value_label,
)
from sourcebias.figures.names import _n_labels, _namer, _outlet_order
from sourcebias.figures.palette import _colours, _group_handles
from sourcebias.figures.style import _MARKERS, current_style


def plot_sentiment(
    sentiment: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    lexicons: tuple[str, str] = ("vader", "vader+domain"),
    scope: str = "sentence",
    by: str = "outlet",
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Box plots of sentence sentiment per outlet, plain and domain lexicon side by side.

    For each outlet, two boxes of the sentences' VADER ``compound`` score
    (Hutto & Gilbert 2014): hollow for ``lexicons[0]``, filled for
    ``lexicons[1]``. Boxes span the quartiles, whiskers reach the furthest
    score within 1.5 × IQR of the box (Tukey 1977), the diamond is the mean,
    and scores beyond the whiskers are not drawn.

    Parameters
    ----------
    sentiment : pandas.DataFrame
        The ``sentiment`` table: ``doc_id``, ``sent_id``, ``lexicon``,
        ``compound`` and optionally ``scope``.
    articles : pandas.DataFrame
        The ``articles`` table, for each ``doc_id``'s group.
    lexicons : tuple of two str
        The plain and the domain-adjusted lexicon to compare.
    scope : str
        When the table has a ``scope`` column, the rows of this scope
        (``sentence``: whole sentences; ``narrator``: quotations removed).
    by : str
        The ``articles`` column naming the groups (``outlet``, ``outlet_group``).
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; default built from this table.
        Group colours are named in the legend.
    names : mapping of str to str, optional
        Display names laid over :func:`display_names` (outlets, lexicons).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(sentiment, "plot_sentiment: the sentiment",
                    ("doc_id", "sent_id", "lexicon", "compound"))
    groups = _as_outlet(articles, by, ("doc_id",), "articles", "plot_sentiment")
    if "scope" in sentiment.columns:
        sentiment = _select(sentiment, "scope", [scope], "plot_sentiment")
    scored = _select(sentiment, "lexicon", lexicons, "plot_sentiment")
    scored = scored.merge(groups[["doc_id", "outlet"]], on="doc_id", how="left",
                          validate="many_to_one")
    unknown = scored.loc[scored["outlet"].isna(), "doc_id"]
    if len(unknown):
        raise ValueError(
            f"plot_sentiment: {unknown.nunique()} doc_id(s) of the sentiment table are not in "
            f"articles (first: {unknown.iloc[0]}); pass the articles table of the same batch"
        )
    if scored["compound"].isna().all():
        raise NotComputable("plot_sentiment: no sentence has a score (VADER scores English "
                            "sentences only, and no article of this batch is in English)")
    colours = _colours(scored["outlet"], palette)
    name = _namer(names)
    outlets = _outlet_order(scored["outlet"], name)
    stats = _box_stats(scored, lexicons, outlets)
    ax = _new_axes(ax, width="single",
                   height=current_style()["point_row_height_in"] * 2.0 * len(outlets) + 1.2)
    _draw_boxes(ax, stats, outlets=outlets, lexicons=lexicons, colours=colours)
    n = stats.groupby("outlet")["n_articles"].max()
    ax.set_yticks(range(len(outlets)),
                  _n_labels([name(o) for o in outlets], n.reindex(outlets)))
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    ax.set_xlim(-1.05, 1.05)
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    what = "Sentence" if scope == "sentence" else f"Sentence ({scope} part)"
    _value_label(ax, f"{what} compound score (VADER, −1 to 1)",
                 "box: quartiles; whiskers: 1.5 IQR; ◆ mean")
    ax.set_ylabel(f"{_group_title(by)} (n = articles)")
    _legend(ax, [
        Patch(facecolor="white", edgecolor="0.3", label=name(lexicons[0])),
        Patch(facecolor="0.45", edgecolor="0.3", label=name(lexicons[1])),
        *_group_handles(colours, outlets, name),
    ])
    _record(ax, stats, by=by)
    return ax


def plot_actor_sentiment(
    actor_sent: pd.DataFrame,
    *,
    lexicons: Sequence[str] = ("vader", "vader+domain"),
    actors: Sequence[str] | None = None,
    by: str = "outlet",
    interval: str | None = None,
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    width: str | float = "double",
) -> Figure:
    """Interval plots of the sentiment of sentences that mention each actor.

    One panel per actor, one row per outlet; on each row one point per lexicon
    (marker shape) at ``mean_compound`` with its interval as a bar. A point
    without an interval is hollow, and the legend gives the table's ``note``;
    an outlet without a row for the actor shows a dash. Right of each panel,
    ``n`` is the number of articles whose sentences name the actor. Panels
    share both axes.

    Parameters
    ----------
    actor_sent : pandas.DataFrame
        Actor sentiment from :func:`sourcebias.actor_sentiment`, one
        table per lexicon stacked: ``by``, ``actor``, ``lexicon``,
        ``n_articles``, ``mean_compound``, ``ci_low``, ``ci_high``, and
        optionally ``ci_method``, ``note``, ``n_sentences``.
    lexicons : sequence of str
        The lexicons to draw, in legend order.
    actors : sequence of str, optional
        The actors to draw, in this order; default all, by name.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    interval : str, optional
        What the bars are, for the axis label; default the table's ``ci_method``.
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; default built from this table.
        Group colours are named in the legend.
    names : mapping of str to str, optional
        Display names laid over :func:`display_names` (actors, outlets, lexicons).
    width : "single", "double" or float
        Figure width; as many panels sit side by side as fit it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = _as_outlet(actor_sent, by, ("actor", "lexicon", "n_articles", "mean_compound",
                                        "ci_low", "ci_high"),
                       "actor sentiment", "plot_actor_sentiment")
    shown = _select(table, "lexicon", lexicons, "plot_actor_sentiment")
    _reject_duplicates(shown, ["actor", "outlet", "lexicon"], "plot_actor_sentiment")
    name = _namer(names)
    order = (_present(shown, "actor", actors, "plot_actor_sentiment") if actors is not None
             else sorted(shown["actor"].unique(), key=lambda a: name(a).casefold()))
    shown = _select(shown, "actor", order, "plot_actor_sentiment")
    colours = _colours(shown["outlet"], palette)
    outlets = _outlet_order(shown["outlet"], name)
    shown = _in_order(shown, {"actor": order, "outlet": outlets, "lexicon": list(lexicons)})
    labels = [name(o) for o in outlets]
    fig, axes = _facets(len(order), row_labels=labels, width=width,
                        row_height=1.6 * current_style()["point_row_height_in"], right_in=0.2)
    panels = []
    absent = False
    for ax, actor in zip(axes, order, strict=True):
        block = shown[shown["actor"] == actor]
        drawn, missing = _forest(ax, block, outlets=outlets, labels=labels,
                                 x="mean_compound", colours=colours, dodge="lexicon",
                                 levels=list(lexicons))
        absent |= missing
        _n_column(ax, block, outlets)
        ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
        _panel_title(ax, name(actor))
        panels.append(drawn)
    drawn = pd.concat(panels, ignore_index=True)
    _share_x(axes, drawn, "mean_compound")
    fig.supylabel(_group_title(by), fontsize=mpl.rcParams["axes.labelsize"])
    _figure_xlabel(fig, "Mean compound score (VADER, −1 to 1) of sentences naming the actor; "
                   "n = articles", *_bars_line(drawn, interval))
    lexicon_handles = [
        Line2D([], [], linestyle="none", marker=_MARKERS[i], color="0.3", label=name(lex))
        for i, lex in enumerate(lexicons)
    ]
    _figure_legend(fig, lexicon_handles + _hollow_handles(drawn) + _dash_handles(
        drawn, absent="no sentence names the actor" if absent else None)
        + _group_handles(colours, outlets, name))
    _record(axes[0], drawn, by=by)
    return fig
