"""Figures: tidy tables in, matplotlib objects out.

Every ``plot_*`` function takes the table a statistic returned as its first
argument and keyword-only options after it, and returns what it drew: an
:class:`~matplotlib.axes.Axes`, or a :class:`~matplotlib.figure.Figure` /
:class:`seaborn.matrix.ClusterGrid` for multi-panel figures.

Conventions shared by every figure:

* **One colour per outlet.** :func:`outlet_palette` gives each outlet a
  colour-blind-safe colour over the sorted outlet names. Build it once for the
  whole batch and pass it as ``palette=``, so that an outlet keeps its colour in
  a figure where other outlets are absent. Without ``palette=`` the colours are
  assigned over the outlets of the table being drawn.
* **Outlets or groups.** Functions over aggregate tables take ``by=`` (default
  ``outlet``), the column naming the groups, e.g. ``outlet_group``.
* **n where an outlet is named.** Tick labels and legend entries read
  ``Outlet (n=12)``; the axis label says what n counts (articles, mentions).
* **What the marks mean** (error bars, boxes, hollow markers, hollow bars) is
  written in the value-axis label and the legend. A point without an interval
  is drawn hollow and the legend gives the reason; there are no zero-width bars.
* **Style only on request.** Importing this module changes nothing; sizes,
  fonts and colour maps come from ``data/style.yaml`` and rcParams apply inside
  ``with figure_style(): ...``.
* **The numbers travel with the figure.** Each function records the table it
  drew on its Axes; :func:`plotted_data` returns it and
  :func:`sourcebias.export.save_figure` writes it as CSV beside the figure.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import yaml
from matplotlib import cbook
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from sourcebias.paths import DATA_DIR

#: The figure style every function reads unless ``figure_style(style=...)`` names another.
STYLE_PATH = DATA_DIR / "style.yaml"

#: Name of the Axes attribute holding the table a plot function drew.
DATA_ATTR = "sourcebias_data"

_STYLE_KEYS = (
    "palette", "heatmap_cmap", "similarity_cmap", "neutral_colors", "seaborn_style",
    "font_scale", "font_family", "width_in", "row_height_in", "dpi", "labels", "rc",
)
_ACTIVE_STYLE: ContextVar[dict[str, Any] | None] = ContextVar("sourcebias_style", default=None)
_MARKERS = ("o", "s", "^", "D")
_RATE_COLUMNS = ("voice", "n_articles", "rate_per_1000")


# --------------------------------------------------------------------------- style


def load_style(path: str | Path | None = None) -> dict[str, Any]:
    """Read a figure style YAML file.

    Parameters
    ----------
    path : str or Path, optional
        The style file; default :data:`STYLE_PATH` (``data/style.yaml``).

    Returns
    -------
    dict
        The style: palette name, colour maps, fonts, column widths, display
        labels and extra rcParams.
    """
    path = Path(path) if path is not None else STYLE_PATH
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: figure style file not found; "
            "pass style= with a YAML file like data/style.yaml"
        )
    style = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [key for key in _STYLE_KEYS if key not in style]
    if missing:
        raise ValueError(
            f"{path}: figure style lacks key(s) {', '.join(missing)}; "
            "copy them from data/style.yaml"
        )
    return style


def current_style() -> dict[str, Any]:
    """The style of the enclosing ``figure_style`` block, else the default file."""
    return _ACTIVE_STYLE.get() or load_style()


@contextmanager
def figure_style(
    context: str = "paper", *, style: str | Path | None = None
) -> Iterator[dict[str, Any]]:
    """Apply the figure style inside a ``with`` block, and only there.

    Combines seaborn's axes style and plotting ``context`` (scaled by the
    style's ``font_scale`` for that context), the style's fonts and its extra
    rcParams, through :func:`matplotlib.rc_context`. Figures must be created
    inside the block to take the style.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}
        Seaborn plotting context.
    style : str or Path, optional
        A style YAML file; default ``data/style.yaml``. Plot and export
        functions called inside the block read their sizes and colours from it.

    Yields
    ------
    dict
        The loaded style.

    Examples
    --------
    >>> with figure_style():  # doctest: +SKIP
    ...     ax = plot_term_rates(rates, palette=outlet_palette(articles["outlet"]))
    """
    loaded = load_style(style)
    if context not in loaded["font_scale"]:
        raise ValueError(
            f"figure style has no font_scale for context {context!r}; "
            f"choose one of {', '.join(loaded['font_scale'])}"
        )
    rc = {
        **sns.axes_style(loaded["seaborn_style"]),
        **sns.plotting_context(context, font_scale=loaded["font_scale"][context]),
        "font.family": "sans-serif",
        "font.sans-serif": list(loaded["font_family"]),
        **loaded["rc"],
    }
    token = _ACTIVE_STYLE.set(loaded)
    try:
        with mpl.rc_context(rc):
            yield loaded
    finally:
        _ACTIVE_STYLE.reset(token)


def column_width(width: str | float) -> float:
    """Figure width in inches: ``"single"``, ``"double"`` (from the style) or a number."""
    if isinstance(width, str):
        widths = current_style()["width_in"]
        if width not in widths:
            raise ValueError(f"width {width!r} unknown; use one of {', '.join(widths)} or inches")
        return float(widths[width])
    return float(width)


def outlet_palette(outlets: Iterable[str], *, palette: str | None = None) -> dict[str, str]:
    """Give each outlet one colour, the same in every figure.

    Outlets are de-duplicated and sorted by name, then take the palette's
    colours in order, so the same set of outlets always gets the same colours.
    Build the mapping over all outlets of a batch and pass it to every plot
    function as ``palette=``.

    Parameters
    ----------
    outlets : iterable of str
        Outlet names, e.g. ``articles["outlet"]``; repeats and nulls are ignored.
    palette : str, optional
        A seaborn palette name; default the style's ``palette`` (``colorblind``).

    Returns
    -------
    dict of str to str
        Outlet name to hex colour, in sorted outlet order.
    """
    names = sorted({str(o) for o in outlets if not pd.isna(o)})
    colours = sns.color_palette(palette or current_style()["palette"]).as_hex()
    if len(names) > len(colours):
        warnings.warn(
            f"{len(names)} outlets but the palette has {len(colours)} colours, so colours repeat; "
            "compare outlet groups instead, or pass a larger palette",
            stacklevel=2,
        )
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


def plotted_data(fig: Figure | Axes | Any) -> pd.DataFrame:
    """The numbers a figure shows, as recorded by the ``plot_*`` functions.

    Parameters
    ----------
    fig : Figure, Axes or seaborn grid
        What a plot function returned (or its figure).

    Returns
    -------
    pandas.DataFrame
        The table drawn on the figure. When several Axes of one figure carry a
        table, they are stacked with a ``panel`` column (the Axes' index in
        ``fig.axes``).
    """
    figure = _figure_of(fig)
    tables = {
        i: getattr(ax, DATA_ATTR) for i, ax in enumerate(figure.axes) if hasattr(ax, DATA_ATTR)
    }
    if not tables:
        raise ValueError(
            "the figure carries no plotted data (it was not drawn by a sourcebias plot "
            "function); pass data= with the numbers it shows"
        )
    if len(tables) == 1:
        return next(iter(tables.values())).copy()
    return pd.concat(
        [table.assign(panel=i) for i, table in tables.items()], ignore_index=True
    )


# --------------------------------------------------------------------------- plots


def plot_voice_share(
    summary: pd.DataFrame,
    *,
    by: str = "outlet",
    palette: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars of each outlet's words in its own voice and inside quotations.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`sourcebias.aggregate.outlet_summary`: ``by``, ``n_articles``,
        ``narrator_share`` and ``quote_share``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; the own-voice bar takes the
        outlet's colour, the quoted part a light grey.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = _as_outlet(summary, by, ("n_articles", "narrator_share", "quote_share"),
                       "outlet summary", "plot_voice_share")
    shown = table.sort_values("outlet").reset_index(drop=True)
    colours = _colours(shown["outlet"], palette)
    labels = _n_labels(shown["outlet"], shown["n_articles"])
    height = 0.6 + current_style()["row_height_in"] * 1.6 * len(shown)
    ax = _new_axes(ax, width="single", height=height)
    rows = np.arange(len(shown))
    ax.barh(rows, shown["narrator_share"], color=[colours[o] for o in shown["outlet"]],
            label="own voice (narrator)")
    ax.barh(rows, shown["quote_share"], left=shown["narrator_share"], color="0.85",
            label="inside quotations")
    for row, share in zip(rows, shown["narrator_share"], strict=True):
        if np.isfinite(share):
            ax.text(0.01, row, f"{share:.0%}", va="center", ha="left",
                    fontsize=_small_font(), color="white")
    ax.set_yticks(rows, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_ylabel(f"{_group_title(by)} (n = articles)")
    _value_label(ax, "Share of the outlet's words (duplicates left out)")
    _legend(ax, [Patch(color="0.45", label="own voice"), Patch(color="0.85", label="quoted")])
    _record(ax, shown[["outlet", "n_articles", "narrator_share", "quote_share"]], by=by)
    return ax


def plot_term_heatmap(
    rates: pd.DataFrame,
    *,
    voice_facets: Sequence[str] = ("narrator", "quote"),
    top: int | None = None,
    level: str | None = None,
    by: str = "outlet",
) -> Figure:
    """Heatmap of loaded-term rates, terms × outlets, one panel per voice.

    Each cell is the rate per 1,000 words of that voice in that outlet, written
    in the cell (blank where the outlet has no words in the voice); the colour
    scale is shared by the panels. Outlet tick labels carry the number of
    articles.

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates from :func:`sourcebias.aggregate.term_rates`: ``by``, ``term`` or
        ``category``, ``voice``, ``n_articles``, ``rate_per_1000`` (one row per
        entry × group × voice).
    voice_facets : sequence of str
        The voices to draw, one panel each, in this order.
    top : int, optional
        Draw only the ``top`` rows with the highest summed rate; default all.
    level : {"term", "category"}, optional
        The row variable; default ``term`` when the table has it, else ``category``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).

    Returns
    -------
    matplotlib.figure.Figure
        Double column wide; rows sorted by their summed rate, highest first.
    """
    row = _level_column(rates, level, "plot_term_heatmap")
    table = _as_outlet(rates, by, (row, *_RATE_COLUMNS), "rates", "plot_term_heatmap")
    shown = _select(table, "voice", voice_facets, "plot_term_heatmap")
    _reject_duplicates(shown, [row, "outlet", "voice"], "plot_term_heatmap")
    style = current_style()
    outlets = sorted(shown["outlet"].unique())
    n_articles = shown.groupby("outlet")["n_articles"].max()
    rows = _order_by_total(shown, row, "rate_per_1000")[:top]
    shown = shown[shown[row].isin(rows)]
    vmax = float(np.nanmax(shown["rate_per_1000"])) if shown["rate_per_1000"].any() else 1.0

    xticklabels = _n_labels(pd.Series(outlets), n_articles.reindex(outlets))
    rotation, label_height = _label_rotation(
        xticklabels, width_in=(column_width("double") - 2.5) / len(voice_facets))
    height = style["row_height_in"] * len(rows) + label_height + 0.9
    fig, axes = plt.subplots(
        1, len(voice_facets), sharey=True, squeeze=False, layout="constrained",
        figsize=(column_width("double"), height),
    )
    for ax, voice in zip(axes[0], voice_facets, strict=True):
        matrix = (
            shown[shown["voice"] == voice]
            .pivot(index=row, columns="outlet", values="rate_per_1000")
            .reindex(index=rows, columns=outlets)
        )
        _heatmap(
            ax, matrix, cmap=style["heatmap_cmap"], vmin=0.0, vmax=vmax,
            annotations=_number_labels(matrix, "{:.1f}"),
            xticklabels=xticklabels, rotation=rotation,
        )
        ax.set_title(_display(voice))
        ax.set_xlabel(f"{_group_title(by)} (n = articles)")
        ax.set_ylabel(row.capitalize() if ax is axes[0][0] else "")
    fig.colorbar(
        axes[0][0].collections[0], ax=list(axes[0]), pad=0.02,
        shrink=min(0.9, 2.5 / (height - label_height - 0.9)),
        label="Rate per 1,000 words\nof that voice",
    )
    _record(axes[0][0], _in_order(shown, {"voice": list(voice_facets), row: rows}), by=by)
    return fig


def plot_term_rates(
    rates: pd.DataFrame,
    *,
    voice: str = "narrator",
    terms: Sequence[str] | None = None,
    level: str | None = None,
    by: str = "outlet",
    interval: str | None = None,
    palette: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Interval plot of term rates: for each term, one row per outlet.

    Each row shows the rate per 1,000 words of ``voice`` as a point and its
    interval (``ci_low``, ``ci_high``) as a bar. A row without an interval is
    drawn as a hollow point and the legend gives the table's ``note``; a row
    without a rate (no words in the voice) says so in place of the point.

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates from :func:`sourcebias.aggregate.term_rates`: ``by``, ``term`` or
        ``category``, ``voice``, ``n_articles``, ``rate_per_1000``, ``ci_low``,
        ``ci_high``, ``ci_method``, ``note``.
    voice : {"narrator", "quote", "all"}
        The voice whose rates are drawn.
    terms : sequence of str, optional
        The terms (or categories) to draw, in this order; default all, by
        highest rate first.
    level : {"term", "category"}, optional
        The row variable; default ``term`` when the table has it, else ``category``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    interval : str, optional
        What the bars are, for the axis label; default the table's ``ci_method``.
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; default built from this table.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    row = _level_column(rates, level, "plot_term_rates")
    table = _as_outlet(rates, by, (row, *_RATE_COLUMNS, "ci_low", "ci_high"), "rates",
                       "plot_term_rates")
    shown = _select(table, "voice", [voice], "plot_term_rates")
    _reject_duplicates(shown, [row, "outlet"], "plot_term_rates")
    order = list(terms) if terms is not None else _order_by_total(shown, row, "rate_per_1000")
    shown = _select(shown, row, order, "plot_term_rates")
    colours = _colours(shown["outlet"], palette)
    shown = _in_order(shown, {row: order}).assign(
        row_label=lambda t: _n_labels(t["outlet"], t["n_articles"]),
    )
    ax = _forest_axes(ax, shown, group=row)
    drawn = _forest(ax, shown, group=row, x="rate_per_1000", colours=colours)
    ax.set_xlim(left=0)
    _value_label(ax, f"Rate per 1,000 words, {_display(voice)}", *_bars_line(drawn, interval))
    ax.set_ylabel(f"{row.capitalize()}; {_group_title(by).lower()} (n = articles)")
    _legend(ax, _hollow_handles(drawn))
    _record(ax, drawn, by=by)
    return ax


def plot_label_matrix(
    labels: pd.DataFrame,
    *,
    actor: str | None = None,
    top: int = 15,
    value: str = "share",
    by: str = "outlet",
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of the labels given to actors.

    With ``actor=None``: labels × actors, pooled over outlets. With an actor:
    labels × outlets for that actor. A cell's share is ``count / n``, where
    ``n`` is the actor's labelled mentions (``n_labelled``; ``n_mentions`` when
    the table has no ``n_labelled``), pooled or in that outlet; it is written
    in the column's tick label. Every outlet (or actor) of the table is a
    column; a label it never used is an empty cell of the lightest colour.

    Parameters
    ----------
    labels : pandas.DataFrame
        Labels from :func:`sourcebias.aggregate.label_table`: ``by``, ``actor``,
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
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    denominator = "n_labelled" if "n_labelled" in labels.columns else "n_mentions"
    table = _as_outlet(labels, by, ("actor", "label", "count", denominator), "label",
                       "plot_label_matrix")
    if value not in ("share", "count"):
        raise ValueError(f"plot_label_matrix: value must be 'share' or 'count', not {value!r}")
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
    columns = sorted(n.index)
    matrix = (
        cells.pivot(index="label", columns=column, values=value)
        .reindex(index=shown_labels, columns=columns)
        .fillna(0)
    )
    style = current_style()
    row_labels = [textwrap.fill(label, 30, break_on_hyphens=False) for label in shown_labels]
    lines = sum(label.count("\n") + 1 for label in row_labels)
    margin = _text_width(row_labels, "ytick.labelsize") + 1.5
    fits = margin + 0.5 * len(columns) <= column_width("single")
    width = column_width("single" if fits else "double")
    xticklabels = _n_labels(pd.Series(columns), n.reindex(columns))
    rotation, label_height = _label_rotation(xticklabels, width_in=width - margin)
    ax = _new_axes(ax, width=width, height=style["row_height_in"] * max(
        lines * 0.7, len(row_labels)) + label_height + 1.0)
    mentions = "labelled mentions" if denominator == "n_labelled" else "mentions"
    _heatmap(
        ax, matrix.set_axis(row_labels, axis=0), cmap=style["heatmap_cmap"], vmin=0.0,
        vmax=1.0 if value == "share" else None,
        annotations=_number_labels(matrix, "{:.0%}" if value == "share" else "{:.0f}", zero=""),
        xticklabels=xticklabels, rotation=rotation,
        colorbar=f"Share of the\n{mentions}" if value == "share" else "Mentions",
    )
    what = "Actor" if actor is None else _group_title(by)
    ax.set_xlabel(f"{what} (n = {mentions}{'' if actor is None else ' of ' + actor})")
    ax.set_ylabel("Label")
    ax.set_title(actor if actor is not None else "Labels by actor, all outlets")
    _record(ax, _in_order(cells, {"label": shown_labels}), by=by)
    return ax


def plot_sentiment(
    sentiment: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    lexicons: tuple[str, str] = ("vader", "vader+domain"),
    scope: str = "sentence",
    by: str = "outlet",
    palette: Mapping[str, Any] | None = None,
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
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _require(sentiment, ("doc_id", "sent_id", "lexicon", "compound"), "sentiment",
             "plot_sentiment")
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
    colours = _colours(scored["outlet"], palette)
    stats = _box_stats(scored, lexicons)
    outlets = sorted(stats["outlet"].unique())
    ax = _new_axes(ax, width="single",
                   height=current_style()["row_height_in"] * 2 * len(outlets) + 1.4)
    _draw_boxes(ax, stats, outlets=outlets, lexicons=lexicons, colours=colours)
    n = stats.groupby("outlet")["n_articles"].max()
    ax.set_yticks(range(len(outlets)), _n_labels(pd.Series(outlets), n.reindex(outlets)))
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    ax.set_xlim(-1.05, 1.05)
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    what = "Sentence" if scope == "sentence" else f"Sentence ({scope} part)"
    _value_label(ax, f"{what} compound score (VADER, −1 to 1)",
                 "box: quartiles; whiskers: 1.5 IQR; ◆ mean")
    ax.set_ylabel(f"{_group_title(by)} (n = articles)")
    _legend(ax, [
        Patch(facecolor="white", edgecolor="0.3", label=_display(lexicons[0])),
        Patch(facecolor="0.45", edgecolor="0.3", label=_display(lexicons[1])),
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
    ax: Axes | None = None,
) -> Axes:
    """Interval plot of the sentiment of sentences that mention each actor.

    For each actor, one row per outlet; on each row one point per lexicon
    (marker shape) at ``mean_compound`` with its interval as a bar. A point
    without an interval is hollow, and the legend gives the table's ``note``.

    Parameters
    ----------
    actor_sent : pandas.DataFrame
        Actor sentiment from :func:`sourcebias.aggregate.actor_sentiment`, one
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
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = _as_outlet(actor_sent, by, ("actor", "lexicon", "n_articles", "mean_compound",
                                        "ci_low", "ci_high"),
                       "actor sentiment", "plot_actor_sentiment")
    shown = _select(table, "lexicon", lexicons, "plot_actor_sentiment")
    _reject_duplicates(shown, ["actor", "outlet", "lexicon"], "plot_actor_sentiment")
    order = list(actors) if actors is not None else sorted(shown["actor"].unique())
    shown = _select(shown, "actor", order, "plot_actor_sentiment")
    colours = _colours(shown["outlet"], palette)
    shown = _in_order(shown, {"actor": order, "outlet": sorted(shown["outlet"].unique()),
                              "lexicon": list(lexicons)})
    n = shown.groupby(["actor", "outlet"])["n_articles"].transform("max")
    shown = shown.assign(row_label=_n_labels(shown["outlet"], n))
    ax = _forest_axes(ax, shown, group="actor")
    drawn = _forest(ax, shown, group="actor", x="mean_compound", colours=colours,
                    dodge="lexicon", levels=list(lexicons))
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    _value_label(ax, "Mean compound score of sentences naming the actor",
                 *_bars_line(drawn, interval))
    ax.set_ylabel(f"Actor; {_group_title(by).lower()} (n = articles naming the actor)")
    lexicon_handles = [
        Line2D([], [], linestyle="none", marker=_MARKERS[i], color="0.3", label=_display(lex))
        for i, lex in enumerate(lexicons)
    ]
    _legend(ax, lexicon_handles + _hollow_handles(drawn))
    _record(ax, drawn, by=by)
    return ax


def plot_keyness(
    keyness: pd.DataFrame,
    *,
    target: str = "target",
    reference: str = "reference",
    n_articles: tuple[int, int],
    top: int = 15,
    alpha: float = 0.05,
    palette: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Diverging bars of the terms most distinctive of target and reference.

    Bars show the keyness ``statistic``, signed positive for terms relatively
    more frequent in the target and negative for the reference (the sign of
    ``log_ratio`` when the statistic itself is unsigned). The ``top`` terms of
    each side are drawn; a bar is hollow when its ``p_adjusted`` is at least
    ``alpha``. The axis label names the ``measure`` and the ``correction``.

    Parameters
    ----------
    keyness : pandas.DataFrame
        Keyness table: ``term``, ``statistic``, ``p``, ``p_adjusted``,
        ``n_target``, ``n_reference``, ``log_ratio``, ``measure``, ``correction``
        (one measure).
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
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _require(keyness, ("term", "statistic", "p", "p_adjusted", "n_target", "n_reference",
                       "log_ratio", "measure", "correction"), "keyness", "plot_keyness")
    measure = _single_value(keyness, "measure", "plot_keyness")
    correction = _single_value(keyness, "correction", "plot_keyness")
    signed = keyness.assign(signed_statistic=_signed_statistic(keyness))
    shown = pd.concat([
        signed[signed["signed_statistic"] > 0].nlargest(top, "signed_statistic"),
        signed[signed["signed_statistic"] < 0].nsmallest(top, "signed_statistic"),
    ]).sort_values("signed_statistic", ascending=False, kind="stable").reset_index(drop=True)
    if shown.empty:
        raise ValueError("plot_keyness: no term has a non-zero statistic; nothing to draw")
    shown["significant"] = shown["p_adjusted"] < alpha
    neutral = current_style()["neutral_colors"]
    palette = palette or {}
    side_colour = {
        True: palette.get(target, neutral["target"]),
        False: palette.get(reference, neutral["reference"]),
    }
    edge = (shown["signed_statistic"] > 0).map(side_colour)
    face = edge.where(shown["significant"], "white")
    ax = _new_axes(ax, width="single", height=current_style()["row_height_in"] * len(shown) + 1.5)
    ax.barh(range(len(shown)), shown["signed_statistic"], color=face, edgecolor=edge,
            linewidth=0.8, height=0.75)
    ax.set_yticks(range(len(shown)), shown["term"])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.axvline(0, color="0.3", linewidth=0.8)
    _value_label(ax, measure, f"> 0: more in {target}; < 0: more in {reference}",
                 f"hollow: adjusted p ≥ {alpha:g} ({correction})")
    ax.set_ylabel("Term")
    _legend(ax, [
        Patch(facecolor=side_colour[True], label=f"{target} (n={n_articles[0]:,})"),
        Patch(facecolor=side_colour[False], label=f"{reference} (n={n_articles[1]:,})"),
    ])
    _record(ax, shown)
    return ax


def plot_similarity(
    similarity: pd.DataFrame,
    *,
    n_articles: Mapping[str, int] | pd.Series,
    method: str = "average",
    palette: Mapping[str, Any] | None = None,
    width: str | float = "single",
) -> sns.matrix.ClusterGrid:
    """Clustered heatmap of the cosine similarity between outlets.

    Outlets are ordered by hierarchical clustering
    (:func:`scipy.cluster.hierarchy.linkage` with ``method``) on the distance
    ``1 − cosine``; the side strip shows each outlet's colour.

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
    width : "single", "double" or float
        Figure width (a column, or inches); the layout is fixed when drawn, so
        size the figure here rather than in ``save_figure``.

    Returns
    -------
    seaborn.matrix.ClusterGrid
    """
    _require(similarity, ("outlet_a", "outlet_b", "cosine"), "similarity", "plot_similarity")
    matrix = _similarity_matrix(similarity)
    outlets = list(matrix.index)
    n = pd.Series(n_articles, dtype="float64").reindex(outlets)
    if n.isna().any():
        raise ValueError(
            f"plot_similarity: n_articles lacks outlet(s) {', '.join(n[n.isna()].index)}"
        )
    colours = _colours(pd.Series(outlets), palette)
    linkage = hierarchy.linkage(squareform(1.0 - matrix.to_numpy(), checks=False), method=method)
    labels = _n_labels(pd.Series(outlets), n.to_numpy())
    labelled = matrix.set_axis(labels, axis=0).set_axis(labels, axis=1)
    side = max(column_width(width), 0.3 * len(outlets) + 2.0)
    grid = sns.clustermap(
        labelled, row_linkage=linkage, col_linkage=linkage, cmap=current_style()["similarity_cmap"],
        annot=len(outlets) <= 12, fmt=".2f", annot_kws={"fontsize": _small_font()},
        linewidths=0.5, linecolor="white", xticklabels=True, yticklabels=True,
        row_colors=pd.Series([colours[o] for o in outlets], index=labels, name=""),
        figsize=(side, side + 0.8), dendrogram_ratio=(0.12, 0.1), colors_ratio=0.03,
        cbar_kws={"orientation": "horizontal"},
    )
    grid.ax_heatmap.set_xlabel(f"Outlet (n = articles)\norder: {method} linkage on 1 − cosine")
    grid.ax_heatmap.set_ylabel("")
    grid.ax_heatmap.tick_params(length=0)
    grid.ax_heatmap.tick_params(axis="x", labelrotation=90)
    _relayout(grid)
    order = [outlets[i] for i in grid.dendrogram_row.reordered_ind]
    long = matrix.loc[order, order].rename_axis(index="outlet_a", columns="outlet_b")
    drawn = long.stack().rename("cosine").reset_index()
    drawn["n_articles_a"] = drawn["outlet_a"].map(n).astype("int64")
    drawn["n_articles_b"] = drawn["outlet_b"].map(n).astype("int64")
    _record(grid.ax_heatmap, drawn)
    return grid


# --------------------------------------------------------------------------- helpers


def _figure_of(obj: Any) -> Figure:
    """The Figure of a Figure, an Axes or a seaborn grid."""
    if isinstance(obj, Figure):
        return obj
    figure = getattr(obj, "figure", None)
    if isinstance(figure, Figure):
        return figure
    raise TypeError(f"expected a matplotlib Figure, Axes or seaborn grid, not {type(obj).__name__}")


def _record(ax: Axes, table: pd.DataFrame, *, by: str = "outlet") -> None:
    """Keep the drawn numbers on the Axes (see :func:`plotted_data`), groups named ``by``."""
    setattr(ax, DATA_ATTR, table.rename(columns={"outlet": by}).reset_index(drop=True))


def _require(table: pd.DataFrame, columns: Iterable[str], name: str, function: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{function}: the {name} table lacks column(s) {', '.join(missing)}")


def _as_outlet(
    table: pd.DataFrame, by: str, columns: Iterable[str], name: str, function: str
) -> pd.DataFrame:
    """``table`` with its ``by`` column named ``outlet``, checking the other columns."""
    _require(table, (by, *columns), name, function)
    if by == "outlet":
        return table
    return table.drop(columns="outlet", errors="ignore").rename(columns={by: "outlet"})


def _group_title(by: str) -> str:
    """``outlet_group`` -> ``Outlet group``."""
    return by.replace("_", " ").capitalize()


def _level_column(rates: pd.DataFrame, level: str | None, function: str) -> str:
    """``level``, else ``term`` or ``category``, whichever the rates table has."""
    if level is not None:
        return level
    for candidate in ("term", "category"):
        if candidate in rates.columns:
            return candidate
    raise ValueError(f"{function}: the rates table has neither a term nor a category column")


def _select(table: pd.DataFrame, column: str, values: Sequence[str], function: str) -> pd.DataFrame:
    """Rows whose ``column`` is one of ``values``; every value must be present."""
    present = set(table[column].dropna().unique())
    absent = [v for v in values if v not in present]
    if absent:
        raise ValueError(
            f"{function}: no rows with {column} {', '.join(map(repr, absent))}; "
            f"present: {', '.join(sorted(map(str, present))) or 'none'}"
        )
    return table[table[column].isin(values)]


def _reject_duplicates(table: pd.DataFrame, key: list[str], function: str) -> None:
    repeated = table[table.duplicated(key, keep=False)]
    if len(repeated):
        first = ", ".join(f"{k}={repeated.iloc[0][k]!r}" for k in key)
        raise ValueError(
            f"{function}: several rows for {first}; pass one row per {' × '.join(key)}"
        )


def _single_value(table: pd.DataFrame, column: str, function: str) -> str:
    values = table[column].dropna().unique()
    if len(values) != 1:
        raise ValueError(
            f"{function}: expected one {column}, found {', '.join(map(str, values)) or 'none'}; "
            f"filter the table to one {column}"
        )
    return str(values[0])


def _order_by_total(table: pd.DataFrame, column: str, value: str) -> list[str]:
    """Values of ``column`` by their summed ``value``, largest first, ties by name."""
    totals = table.groupby(column)[value].sum().reset_index()
    totals = totals.sort_values([value, column], ascending=[False, True], kind="stable")
    return list(totals[column])


def _in_order(table: pd.DataFrame, orders: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Sort by the given category orders, then by outlet name."""
    keys = [*orders, *(["outlet"] if "outlet" in table and "outlet" not in orders else [])]
    positions = {c: {v: i for i, v in enumerate(order)} for c, order in orders.items()}
    return table.sort_values(
        keys, key=lambda s: s.map(positions[s.name]) if s.name in positions else s, kind="stable"
    ).reset_index(drop=True)


def _colours(outlets: pd.Series, palette: Mapping[str, Any] | None) -> dict[str, Any]:
    """The outlet colours to use, checking that ``palette`` covers every outlet."""
    if palette is None:
        return outlet_palette(outlets)
    missing = sorted(set(outlets) - set(palette))
    if missing:
        raise ValueError(
            f"palette has no colour for outlet(s) {', '.join(missing)}; "
            "build it with outlet_palette(<all outlets of the batch>)"
        )
    return dict(palette)


def _display(value: str) -> str:
    """The style's display name of a table value (lexicon, voice)."""
    return str(current_style()["labels"].get(value, value))


def _n_labels(names: pd.Series, n: Iterable[Any]) -> list[str]:
    """``"name (n=1,234)"`` for each name."""
    return [f"{name} (n={int(count):,})" for name, count in zip(names, n, strict=True)]


def _label_rotation(labels: Sequence[str], *, width_in: float) -> tuple[float, float]:
    """Rotation of column labels, and the height in inches they need.

    Upright when the longest label fits its column's share of ``width_in``,
    else 45 degrees.
    """
    longest = _text_width(labels, "xtick.labelsize")
    if longest <= 0.9 * width_in / len(labels):
        return 0.0, 2 * _text_width(["x"], "xtick.labelsize")
    return 45.0, 0.71 * longest


def _text_width(labels: Sequence[str], size: str) -> float:
    """Rough width in inches of the longest line of ``labels`` at the rcParams ``size``."""
    points = FontProperties(size=mpl.rcParams[size]).get_size_in_points()
    longest = max(len(line) for label in labels for line in label.split("\n"))
    return longest * 0.6 * points / 72


def _small_font() -> float:
    return 0.8 * mpl.rcParams["font.size"]


def _new_axes(ax: Axes | None, *, width: str | float, height: float) -> Axes:
    """``ax``, or the Axes of a new constrained-layout figure of the given size."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(column_width(width), height), layout="constrained")
    return ax


def _number_labels(matrix: pd.DataFrame, fmt: str, *, zero: str = "0") -> np.ndarray:
    """Cell texts: ``fmt`` of each value, ``zero`` for exact zeros, empty for missing."""
    values = matrix.to_numpy(dtype="float64")
    texts = [
        "" if np.isnan(v) else zero if v == 0 else fmt.format(v) for v in values.ravel()
    ]
    return np.array(texts, dtype=object).reshape(values.shape)


def _heatmap(
    ax: Axes,
    matrix: pd.DataFrame,
    *,
    cmap: str,
    vmin: float,
    vmax: float | None,
    annotations: np.ndarray,
    xticklabels: list[str],
    rotation: float,
    colorbar: str | None = None,
) -> None:
    """A seaborn heatmap with written cells; column labels upright when they fit."""
    sns.heatmap(
        matrix, ax=ax, cmap=cmap, vmin=vmin, vmax=vmax, annot=annotations, fmt="",
        annot_kws={"fontsize": _small_font()}, linewidths=0.5, linecolor="white",
        xticklabels=xticklabels, yticklabels=True, cbar=colorbar is not None,
        cbar_kws={"label": colorbar, "shrink": 0.9} if colorbar else None,
    )
    ax.tick_params(length=0)
    ax.tick_params(axis="y", labelrotation=0)
    for label in ax.get_xticklabels():
        label.set(rotation=rotation, horizontalalignment="right" if rotation else "center",
                  rotation_mode="anchor")


def _forest_axes(ax: Axes | None, shown: pd.DataFrame, *, group: str) -> Axes:
    """``ax``, or a new single-column Axes tall enough for every row and header."""
    rows = shown[group].nunique() + shown.drop_duplicates([group, "outlet"]).shape[0]
    return _new_axes(ax, width="single", height=current_style()["row_height_in"] * rows + 1.4)


def _forest(
    ax: Axes,
    shown: pd.DataFrame,
    *,
    group: str,
    x: str,
    colours: Mapping[str, Any],
    dodge: str | None = None,
    levels: Sequence[str] = ("",),
) -> pd.DataFrame:
    """Point-and-interval rows under bold group headers.

    ``shown`` is sorted by group, then outlet; it has ``row_label``, ``x``,
    ``ci_low`` and ``ci_high``. Points of the ``dodge`` levels sit side by side
    on a row, each with its marker; a row without an estimate says why in
    its place. Returns ``shown`` with ``y``, ``estimated`` and ``has_interval``.
    """
    y, ticks = _forest_layout(shown, group=group)
    offset = 0.0 if dodge is None else 0.28
    level = shown[dodge].map({v: i for i, v in enumerate(levels)}) if dodge else 0
    drawn = shown.assign(
        y=y + offset * (level - (len(levels) - 1) / 2),
        estimated=shown[x].notna(),
        has_interval=shown["ci_low"].notna() & shown["ci_high"].notna()
        & (shown["ci_high"] > shown["ci_low"]),
    )
    for row in drawn[~drawn["estimated"]].itertuples():
        reason = getattr(row, "note", None)
        ax.annotate(reason if isinstance(reason, str) else "no estimate", (0.0, row.y),
                    xycoords=("axes fraction", "data"), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=_small_font(),
                    color="0.4", fontstyle="italic")
    colour = drawn["outlet"].map(colours)
    bars = drawn[drawn["has_interval"]]
    ax.hlines(bars["y"], bars["ci_low"], bars["ci_high"], colors=colour[bars.index].tolist(),
              linewidth=1.2, zorder=2)
    size = 1.2 * mpl.rcParams["lines.markersize"] ** 2
    for i, name in enumerate(levels):
        points = drawn if dodge is None else drawn[drawn[dodge] == name]
        filled = points["has_interval"]
        ax.scatter(points[x], points["y"], s=size, marker=_MARKERS[i], zorder=3, clip_on=False,
                   facecolors=colour[points.index].where(filled, "white").tolist(),
                   edgecolors=colour[points.index].tolist(), linewidths=1.0)
    positions, labels, headers = zip(*ticks, strict=True)
    ax.set_yticks(positions, labels)
    for tick, is_header in zip(ax.get_yticklabels(), headers, strict=True):
        tick.set_fontweight("bold" if is_header else "normal")
    for position, is_header in zip(positions[1:], headers[1:], strict=True):
        if is_header:
            ax.axhline(position - 0.7, color="0.85", linewidth=0.6, zorder=0)
    ax.set_ylim(max(positions) + 0.6, -0.6)
    ax.tick_params(axis="y", length=0, pad=6)
    ax.spines["left"].set_visible(False)
    return drawn


def _forest_layout(shown: pd.DataFrame, *, group: str) -> tuple[pd.Series, list[tuple]]:
    """Row positions: a header per group, then one row per outlet label."""
    y = pd.Series(np.nan, index=shown.index)
    ticks: list[tuple[float, str, bool]] = []
    position = 0.0
    for name, block in shown.groupby(group, sort=False):
        ticks.append((position, str(name), True))
        position += 1
        for label, rows in block.groupby("row_label", sort=False):
            y[rows.index] = position
            ticks.append((position, str(label), False))
            position += 1
        position += 0.4
    return y, ticks


def _bars_line(drawn: pd.DataFrame, interval: str | None) -> list[str]:
    """The axis-label line saying what the bars are; none when no bar is drawn."""
    if not drawn["has_interval"].any():
        return []
    bars = drawn[drawn["has_interval"]]
    methods = sorted(map(str, bars.get("ci_method", pd.Series()).dropna().unique()))
    return [f"bars: {interval or '; '.join(methods) or 'interval method not recorded'}"]


def _hollow_handles(drawn: pd.DataFrame) -> list[Line2D]:
    """A legend entry for hollow points, with their notes when there are one or two."""
    drawn = drawn[drawn["estimated"]]
    hollow = drawn[~drawn["has_interval"] & drawn["ci_low"].isna()]
    degenerate = drawn[~drawn["has_interval"] & drawn["ci_low"].notna()]
    if hollow.empty and degenerate.empty:
        return []
    notes = set(hollow["note"].dropna().astype(str)) if "note" in hollow.columns else set()
    if not degenerate.empty:
        notes.add("zero-width interval")
    if not notes or len(notes) > 2:
        text = "no interval (see the note column)"
    elif all("interval" in note for note in notes):
        text = "; ".join(sorted(notes))
    else:
        text = "no interval: " + "; ".join(sorted(notes))
    return [Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                   markeredgecolor="0.3", label=textwrap.fill(text, 40, break_on_hyphens=False))]


def _value_label(ax: Axes, *lines: str) -> None:
    """The x-axis label: what is measured, then what the marks are.

    Right-aligned under the Axes so it may extend under the tick labels, and
    wrapped to the figure's width.
    """
    size = FontProperties(size=mpl.rcParams["axes.labelsize"]).get_size_in_points()
    characters = int(ax.figure.get_figwidth() * 72 / (0.6 * size))
    wrapped = [textwrap.fill(line, characters, break_on_hyphens=False) for line in lines]
    ax.set_xlabel("\n".join(wrapped), loc="right", multialignment="right")


def _legend(ax: Axes, handles: list[Any]) -> None:
    """A frameless legend above the Axes, inside the figure's layout."""
    if not handles:
        return
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.01), borderaxespad=0,
              ncols=2 if len(handles) == 2 and all(len(h.get_label()) <= 24 for h in handles)
              else 1,
              handletextpad=0.4, columnspacing=1.0, frameon=False)


def _box_stats(scored: pd.DataFrame, lexicons: Sequence[str]) -> pd.DataFrame:
    """Tukey box-plot statistics of ``compound`` per outlet and lexicon."""
    rows = []
    for (outlet, lexicon), block in scored.groupby(["outlet", "lexicon"], sort=True):
        values = block["compound"].dropna().to_numpy()
        if len(values) == 0:
            continue
        stats = cbook.boxplot_stats(values, whis=1.5)[0]
        rows.append({
            "outlet": outlet, "lexicon": lexicon,
            "n_articles": block["doc_id"].nunique(), "n_sentences": len(values),
            "mean": stats["mean"], "whisker_low": stats["whislo"], "q1": stats["q1"],
            "median": stats["med"], "q3": stats["q3"], "whisker_high": stats["whishi"],
            "n_beyond_whiskers": len(stats["fliers"]),
        })
    stats = pd.DataFrame(rows)
    return _in_order(stats, {"outlet": sorted(stats["outlet"].unique()), "lexicon": lexicons})


def _draw_boxes(
    ax: Axes,
    stats: pd.DataFrame,
    *,
    outlets: list[str],
    lexicons: Sequence[str],
    colours: Mapping[str, Any],
) -> None:
    """Horizontal boxes from precomputed statistics: hollow plain, filled domain."""
    row = stats["outlet"].map({o: i for i, o in enumerate(outlets)})
    shift = stats["lexicon"].map({lexicons[0]: -0.2, lexicons[1]: 0.2})
    boxes = [
        {"med": s.median, "q1": s.q1, "q3": s.q3, "whislo": s.whisker_low,
         "whishi": s.whisker_high, "mean": s.mean, "fliers": []}
        for s in stats.itertuples()
    ]
    artists = ax.bxp(
        boxes, positions=(row + shift).tolist(), widths=0.34, orientation="horizontal",
        patch_artist=True, showmeans=True, showfliers=False, manage_ticks=False,
        medianprops={"color": "black", "linewidth": 1.0},
        meanprops={"marker": "D", "markerfacecolor": "black", "markeredgecolor": "white",
                   "markersize": 3.5, "markeredgewidth": 0.5},
    )
    for i, s in enumerate(stats.itertuples()):
        colour = colours[s.outlet]
        artists["boxes"][i].set(facecolor=colour if s.lexicon == lexicons[1] else "white",
                                edgecolor=colour, linewidth=1.0)
        for part in ("whiskers", "caps"):
            for line in artists[part][2 * i:2 * i + 2]:
                line.set(color=colour, linewidth=1.0)


def _relayout(grid: sns.matrix.ClusterGrid) -> None:
    """Fit a clustermap to its labels; put a short colour bar where the column tree was."""
    grid.ax_col_dendrogram.set_visible(False)
    grid.ax_cbar.set_axis_off()
    grid.figure.tight_layout(h_pad=0.02, w_pad=0.02)
    grid.ax_cbar.set_axis_on()
    slot = grid.ax_col_dendrogram.get_position()
    grid.ax_cbar.set_position(
        (slot.x0, slot.y0 + 0.55 * slot.height, 0.4 * slot.width, 0.25 * slot.height)
    )
    grid.ax_cbar.set_title("cosine", fontsize=mpl.rcParams["xtick.labelsize"], loc="left")
    grid.ax_cbar.tick_params(length=2)


def _signed_statistic(keyness: pd.DataFrame) -> pd.Series:
    """The statistic, signed by ``log_ratio`` unless it already carries a sign."""
    statistic = keyness["statistic"].astype("float64")
    if (statistic < 0).any():
        return statistic
    return statistic.abs() * np.sign(keyness["log_ratio"].astype("float64"))


def _similarity_matrix(similarity: pd.DataFrame) -> pd.DataFrame:
    """A symmetric outlet × outlet cosine matrix with a unit diagonal."""
    both = pd.concat([
        similarity[["outlet_a", "outlet_b", "cosine"]],
        similarity.rename(columns={"outlet_a": "outlet_b", "outlet_b": "outlet_a"})[
            ["outlet_a", "outlet_b", "cosine"]],
    ]).drop_duplicates(["outlet_a", "outlet_b"])
    outlets = sorted(set(both["outlet_a"]) | set(both["outlet_b"]))
    if len(outlets) < 2:
        raise ValueError("plot_similarity: need at least two outlets to cluster")
    matrix = both.pivot(index="outlet_a", columns="outlet_b", values="cosine").reindex(
        index=outlets, columns=outlets)
    for i in range(len(outlets)):
        matrix.iat[i, i] = 1.0 if pd.isna(matrix.iat[i, i]) else matrix.iat[i, i]
    if matrix.isna().any().any():
        a, b = next((a, b) for a in outlets for b in outlets if pd.isna(matrix.at[a, b]))
        raise ValueError(f"plot_similarity: no cosine for the pair {a!r}, {b!r}")
    return matrix
