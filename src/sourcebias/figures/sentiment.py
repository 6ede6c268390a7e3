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

from sourcebias.checks import NotComputable, choice, require_columns
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
from sourcebias.figures.names import _namer, _outlet_order
from sourcebias.figures.palette import _colours, _group_handles
from sourcebias.figures.style import _MARKERS, current_style
from sourcebias.stats.tone import article_sentiment, outlet_sentiment


def plot_sentiment(
    sentiment: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    lexicons: tuple[str, str] = ("vader", "vader+domain"),
    scope: str = "sentence",
    by: str = "outlet",
    box: str | None = None,
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Box plots of sentiment per outlet, plain and domain lexicon side by side.

    The unit of the mean is the article, as in :func:`sourcebias.outlet_sentiment`:
    an article's score is the mean VADER ``compound`` of its sentences
    (:func:`sourcebias.article_sentiment`; Hutto & Gilbert 2014). For each
    outlet, two boxes: hollow for ``lexicons[0]``, filled for ``lexicons[1]``,
    of its article scores or, with few articles, of its sentence scores
    (``box``). Boxes span the quartiles, whiskers reach the furthest score
    within 1.5 × IQR of the box (Tukey 1977), and every score beyond the
    whiskers is drawn as a small circle. The diamond (hollow or filled, as its
    box) is the outlet's ``mean_compound`` and the black bar its interval, both
    exactly as :func:`sourcebias.outlet_sentiment` gives them with its
    defaults (mean of the article scores, percentile bootstrap over articles);
    an outlet of one article has no bar. Tick labels give the articles and
    sentences each row rests on.

    Parameters
    ----------
    sentiment : pandas.DataFrame
        The ``sentiment`` table: ``doc_id``, ``sent_id``, ``lexicon``,
        ``compound`` and optionally ``scope``.
    articles : pandas.DataFrame
        The ``articles`` table (``doc_id``, ``by``, ``duplicate_of``);
        near-duplicates are left out as in every aggregate.
    lexicons : tuple of two str
        The plain and the domain-adjusted lexicon to compare.
    scope : {"sentence", "narrator"}
        Whole sentences, or sentences with their quotations removed (needs a
        ``scope`` column).
    by : str
        The ``articles`` column naming the groups (``outlet``, ``outlet_group``).
    box : {"article", "sentence"}, optional
        What a box summarises: the outlet's article scores or its sentence
        scores. Default: articles when every outlet has at least
        :data:`MIN_ARTICLES_PER_BOX` scored articles, else sentences (a box of
        one or two articles is a line, and shows no spread).
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; default built from this table.
        Group colours are named in the legend.
    names : mapping of str to str, optional
        Display names of outlets and lexicons (e.g. ``ws.names``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
        The recorded table (:func:`plotted_data`) has one row per outlet and
        lexicon: ``n_articles``, ``n_sentences``, ``mean_compound``,
        ``ci_low``, ``ci_high``, ``ci_method``, ``box_of`` (``article`` or
        ``sentence``), the box statistics and ``n_beyond_whiskers``.
    """
    require_columns(sentiment, "plot_sentiment: the sentiment",
                    ("doc_id", "sent_id", "lexicon", "compound"))
    _as_outlet(articles, by, ("doc_id",), "articles", "plot_sentiment")
    if "scope" in sentiment.columns:
        _select(sentiment, "scope", [scope], "plot_sentiment")
    _select(sentiment, "lexicon", lexicons, "plot_sentiment")
    if sentiment["compound"].isna().all():
        raise NotComputable("plot_sentiment: no sentence has a score (VADER scores English "
                            "sentences only, and no article of this batch is in English)")
    summary = pd.concat([outlet_sentiment(sentiment, articles=articles, lexicon=lexicon,
                                          scope=scope, by=by) for lexicon in lexicons])
    scores = pd.concat([article_sentiment(sentiment, articles=articles, lexicon=lexicon,
                                          scope=scope) for lexicon in lexicons])
    groups = articles.set_index("doc_id")[by]
    scores = scores.assign(outlet=scores["doc_id"].map(groups))
    summary = summary.rename(columns={by: "outlet"})
    if box is None:
        scored = scores[scores["mean_compound"].notna()].groupby(["outlet", "lexicon"]).size()
        box = "article" if scored.min() >= MIN_ARTICLES_PER_BOX else "sentence"
    choice(box, ("article", "sentence"), "box")
    if box == "article":
        values = scores.assign(score=scores["mean_compound"])
    else:
        values = _sentence_values(sentiment, scores, scope=scope, lexicons=lexicons)
    colours = _colours(summary["outlet"], palette)
    name = _namer(names)
    outlets = _outlet_order(summary["outlet"], name)
    stats = _box_stats(values, lexicons, outlets, value="score").merge(
        summary[["outlet", "lexicon", "n_articles", "n_sentences", "mean_compound", "ci_low",
                 "ci_high", "ci_method"]], on=["outlet", "lexicon"], how="left",
        validate="one_to_one").assign(box_of=box)
    ax = _new_axes(ax, width="single",
                   height=current_style()["point_row_height_in"] * 3.0 * len(outlets) + 1.9)
    _draw_boxes(ax, stats, outlets=outlets, lexicons=lexicons, colours=colours)
    n = stats.groupby("outlet")[["n_articles", "n_sentences"]].max().reindex(outlets)
    ax.set_yticks(range(len(outlets)), [
        f"{name(o)} (n={int(row.n_articles):,}; {int(row.n_sentences):,})"
        for o, row in zip(outlets, n.itertuples(), strict=True)])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    what = "sentences" if scope == "sentence" else f"sentences ({scope} part)"
    beyond = int(stats["n_beyond_whiskers"].sum())
    has_bar = stats["ci_low"].notna() & stats["ci_high"].notna()
    methods = "; ".join(sorted(map(str, stats.loc[has_bar, "ci_method"].dropna().unique())))
    bars = (f"black bar: {methods}" if methods else "no bar")
    if methods and not has_bar.all():
        bars += "; no bar: no interval (one article)"
    elif not methods:
        bars += ": no interval (one article per outlet)"
    _value_label(ax, f"Score: VADER compound (−1 to 1); an article's score is the mean of "
                     f"its {what}",
                 f"Box: quartiles of the outlet's {box} scores; whiskers: 1.5 IQR; "
                 + (f"○ the {beyond:,} {box}{'' if beyond == 1 else 's'} beyond the whiskers."
                    if beyond else f"no {box} beyond the whiskers."),
                 f"◇ ◆ mean article score (the table's mean_compound), hollow for "
                 f"{name(lexicons[0])}, filled for {name(lexicons[1])}; {bars}.",
                 "n = articles; sentences.")
    ax.set_ylabel(_group_title(by))
    _legend(ax, [
        Patch(facecolor="white", edgecolor="0.3", label=name(lexicons[0])),
        Patch(facecolor="0.45", edgecolor="0.3", label=name(lexicons[1])),
        *_group_handles(colours, outlets, name),
    ])
    _record(ax, stats.drop(columns="fliers"), by=by)
    return ax


#: Fewest scored articles per outlet for boxes of article scores (default of
#: :func:`plot_sentiment`); with fewer, the boxes show sentence scores.
MIN_ARTICLES_PER_BOX = 5


def _sentence_values(sentiment: pd.DataFrame, scores: pd.DataFrame, *, scope: str,
                     lexicons: Sequence[str]) -> pd.DataFrame:
    """The sentence scores (``score``) of the articles in ``scores`` (those kept,
    near-duplicates left out), per lexicon, with the article's ``outlet``."""
    rows = sentiment[sentiment["lexicon"].isin(lexicons) & sentiment["compound"].notna()]
    if "scope" in rows.columns:
        rows = rows[rows["scope"] == scope]
    outlet = scores.drop_duplicates("doc_id").set_index("doc_id")["outlet"]
    rows = rows[rows["doc_id"].isin(outlet.index)]
    return pd.DataFrame({"outlet": rows["doc_id"].map(outlet).to_numpy(),
                         "lexicon": rows["lexicon"].to_numpy(),
                         "score": rows["compound"].to_numpy()})


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
    fig: Figure | None = None,
) -> Figure:
    """Interval plots of the sentiment of sentences that mention each actor.

    One panel per actor, one row per outlet; on each row one point per lexicon
    (marker shape) at ``mean_compound`` with its interval as a bar. A point
    without an interval is hollow, and the legend gives the table's ``note``;
    an outlet without a row for the actor shows a dash. Right of each panel,
    ``n`` is the number of articles whose sentences name the actor and, when
    the table has ``n_sentences``, the number of those sentences. Panels
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
        Display names of actors, outlets and lexicons (e.g. ``ws.names``).
    width : "single", "double" or float
        Figure width; as many panels sit side by side as fit it.
    fig : matplotlib.figure.Figure, optional
        An empty Figure to draw into, at its width (``width`` is then
        ignored); its height is set to fit.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per actor; a Figure, since the panels share rows, an x range
        and a legend.
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
                        row_height=1.6 * current_style()["point_row_height_in"],
                        right_in=0.45 if "n_sentences" in shown.columns else 0.2, fig=fig)
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
    n_text = "articles; sentences" if "n_sentences" in shown.columns else "articles"
    _figure_xlabel(fig, "Mean compound score (VADER, −1 to 1) of sentences naming the actor; "
                   f"n = {n_text}", *_bars_line(drawn, interval))
    lexicon_handles = [
        Line2D([], [], linestyle="none", marker=_MARKERS[i], color="0.3", label=name(lex))
        for i, lex in enumerate(lexicons)
    ]
    _figure_legend(fig, lexicon_handles + _hollow_handles(drawn) + _dash_handles(
        drawn, absent="no sentence names the actor" if absent else None)
        + _group_handles(colours, outlets, name))
    _record(axes[0], drawn, by=by)
    return fig
