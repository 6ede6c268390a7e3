"""Figures: tidy tables in, matplotlib objects out.

Every ``plot_*`` function takes the table a statistic returned as its first
argument and keyword-only options after it, and returns what it drew: an
:class:`~matplotlib.axes.Axes` for a single panel, or a
:class:`~matplotlib.figure.Figure` for figures of several panels.

Conventions shared by every figure:

* **One colour per outlet, or per outlet group.** :func:`outlet_palette`
  gives each outlet a colour-blind-safe colour over the sorted outlet names.
  Build it once for the whole batch and pass it as ``palette=``, so that an
  outlet keeps its colour in a figure where other outlets are absent. Without
  ``palette=`` the colours are assigned over the outlets of the table being
  drawn. A batch with more outlets than the palette has colours takes one
  colour per outlet group when given its groups
  (:func:`sourcebias.aggregate.outlet_groups` reads the articles'
  ``outlet_group``) and they fit: outlets without a group take
  the neutral colour, and every figure drawing outlets in group colours names
  the groups in its legend. When the groups do not fit either, every outlet is
  drawn in one neutral colour (repeated colours would suggest groups that do
  not exist) and a warning says so.
* **Words, not ids.** Tables keep lexicon ids (``us_government``,
  ``self_proclaimed``, ``loyalty_betrayal``); figures show names. By default
  :func:`display_names` reads them from the lexicons (an actor's ``name``, the
  pattern that spells a term's id) and from the ``labels`` of
  ``data/style.yaml``, which win. Every function takes ``names=``, a mapping
  from id or outlet to the text to show, laid over those. A value named
  nowhere is shown with spaces for underscores, and an outlet without a
  leading ``www.``. The CSV beside a saved figure keeps the ids.
* **Outlets or groups.** Functions over aggregate tables take ``by=`` (default
  ``outlet``), the column naming the groups, e.g. ``outlet_group``. Outlets
  are listed in the alphabetical order of their shown names.
* **n where an outlet is named.** Tick labels and legend entries read
  ``Outlet (n=12)``; the axis label says what n counts (articles, mentions).
* **What the marks mean** (error bars, boxes, hollow markers, hollow bars) is
  written in the value-axis label and the legend. A point without an interval
  is drawn hollow and the legend gives the reason; there are no zero-width bars.
  A row without an estimate shows a dash, and the legend says why.
* **Small multiples that fit a page.** Interval plots draw one panel per term,
  category or actor, with the outlets as shared rows, as many panels side by
  side as fit the width; heatmaps run the longer of their two lists down the
  page and write numbers in the cells only where they fit.
* **Style only on request.** Importing this module changes nothing; sizes,
  fonts and colour maps come from ``data/style.yaml`` and rcParams apply inside
  ``with figure_style(): ...``.
* **The numbers travel with the figure.** Each function records the table it
  drew on its Axes; :func:`plotted_data` returns it and
  :func:`sourcebias.export.save_figure` writes it as CSV beside the figure.
"""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.textpath import TextToPath
from matplotlib.transforms import blended_transform_factory, offset_copy
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from sourcebias.lexicon import Entry, Lexicon, load_actors, load_terms
from sourcebias.paths import DATA_DIR

#: The figure style every function reads unless ``figure_style(style=...)`` names another.
STYLE_PATH = DATA_DIR / "style.yaml"

#: Name of the Axes attribute holding the table a plot function drew.
DATA_ATTR = "sourcebias_data"

_STYLE_KEYS = (
    "palette", "heatmap_cmap", "similarity_cmap", "neutral_colors", "seaborn_style",
    "font_scale", "font_family", "width_in", "row_height_in", "point_row_height_in",
    "min_panel_width_in", "dpi", "labels", "rc",
)
_ACTIVE_STYLE: ContextVar[dict[str, Any] | None] = ContextVar("sourcebias_style", default=None)
_MARKERS = ("o", "s", "^", "D")
_RATE_COLUMNS = ("voice", "n_articles", "rate_per_1000")
_WWW = re.compile(r"^www\d*\.(?=[^.]+\.)")
_DASH = "–"
_TEXT_PATH = TextToPath()

#: Names a plot function takes: ``name(value)`` is the text shown for a table value.
Namer = Callable[[Any], str]


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
        The style: palette name, colour maps, fonts, column widths, row
        heights, display labels and extra rcParams.
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
    ...     fig = plot_term_rates(rates, palette=outlet_palette(articles["outlet"]))
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


class OutletPalette(dict[str, str]):
    """Outlet name to colour, as :func:`outlet_palette` makes it.

    A plain ``dict`` for every use; in addition, :attr:`groups` says when the
    colours stand for outlet groups rather than outlets, and plot functions
    then name the groups in their legend.

    Parameters
    ----------
    colours : mapping of str to str
        Outlet name to colour.
    groups : mapping of str to str, optional
        Group name to colour, when outlets take their group's colour.

    Attributes
    ----------
    groups : dict of str to str
        Group name to colour, sorted by group name; empty when each outlet has
        its own colour or all share the neutral one.
    """

    def __init__(
        self, colours: Mapping[str, str], *, groups: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(colours)
        self.groups = dict(groups or {})


def outlet_palette(
    outlets: Iterable[str],
    *,
    groups: Mapping[str, Any] | pd.Series | None = None,
    palette: str | None = None,
) -> OutletPalette:
    """Give each outlet one colour, the same in every figure.

    Outlets are de-duplicated and sorted by name, then take the palette's
    colours in order, so the same set of outlets always gets the same colours.
    Build the mapping over all outlets of a batch and pass it to every plot
    function as ``palette=``.

    When there are more outlets than colours and ``groups`` gives them at most
    as many groups as colours, the groups, sorted by name, take the colours in
    order and each outlet takes its group's colour; an outlet without a group
    takes the style's neutral colour (``neutral_colors.target``). The result's
    ``groups`` then maps each group to its colour, and the plot functions name
    the groups in their legends. When the groups do not fit either (or none is
    given), every outlet takes the neutral colour and a warning says so:
    repeated colours would suggest groups that do not exist. Any mapping of
    outlet to colour also works as ``palette=``.

    Parameters
    ----------
    outlets : iterable of str
        Outlet names, e.g. ``articles["outlet"]``; repeats and nulls are ignored.
    groups : mapping of str to str, optional
        Each outlet's group: a dict or a Series indexed by outlet, e.g.
        :func:`sourcebias.aggregate.outlet_groups`; outlets absent or null have no group.
        Used only when the outlets outnumber the colours.
    palette : str, optional
        A seaborn palette name; default the style's ``palette`` (``colorblind``).

    Returns
    -------
    OutletPalette
        Outlet name to hex colour, in sorted outlet order, with ``groups``.

    Examples
    --------
    >>> palette = outlet_palette(articles["outlet"],  # doctest: +SKIP
    ...                          groups=outlet_groups(articles))
    >>> palette.groups  # doctest: +SKIP
    {'center': '#0173b2', 'left': '#de8f05', 'right': '#029e73'}
    """
    names = sorted({str(o) for o in outlets if not pd.isna(o)})
    style = current_style()
    colours = sns.color_palette(palette or style["palette"]).as_hex()
    if len(names) <= len(colours):
        return OutletPalette(dict(zip(names, colours, strict=False)))
    neutral = style["neutral_colors"]["target"]
    group_of = _group_of(names, groups)
    kinds = sorted(set(group_of.values()))
    if 0 < len(kinds) <= len(colours):
        group_colours = dict(zip(kinds, colours, strict=False))
        return OutletPalette({o: group_colours[group_of[o]] if o in group_of else neutral
                              for o in names}, groups=group_colours)
    counted = f"{len(names)} outlets" + (f" in {len(kinds)} outlet groups" if kinds else "")
    warnings.warn(
        f"{counted} but the palette has {len(colours)} colours, so every outlet is drawn in "
        f"one colour; give the outlets at most {len(colours)} groups (the articles' "
        "outlet_group, as groups=sourcebias.outlet_groups(articles)) to colour them by "
        "group, or pass palette= a mapping of outlet to colour",
        stacklevel=2,
    )
    return OutletPalette(dict.fromkeys(names, neutral))


def display_names(
    *, terms: Lexicon | None = None, actors: Lexicon | None = None
) -> dict[str, str]:
    """The words figures show for the ids that tables carry.

    Built from, in increasing priority: the ``name`` of each category of
    ``terms`` and group of ``actors`` that declares one (``loyalty_betrayal`` ->
    "loyalty and betrayal"); each term of ``terms`` under the pattern that
    spells its id, ignoring case, accents, spaces, hyphens, apostrophes and a
    final ``*`` (``self_proclaimed`` -> "self-proclaimed", ``coup_detat`` ->
    "coup d'état"; a term without one keeps its id with spaces); each actor of
    ``actors`` under its ``name`` (``us_government`` -> "US government", which
    wins over a group of the same id); the ``labels`` of the figure style
    (voices, lexicons, and any outlet a researcher renames there).

    Parameters
    ----------
    terms : Lexicon, optional
        The term lexicon; default :func:`sourcebias.lexicon.load_terms`.
    actors : Lexicon, optional
        The actor lexicon; default :func:`sourcebias.lexicon.load_actors`.

    Returns
    -------
    dict of str to str
        Id (or outlet, voice, lexicon) to display name. Pass it, changed or
        extended, as ``names=`` to any plot function; plot functions build it
        themselves from the default lexicons when ``names=`` is not given.

    Examples
    --------
    >>> display_names()["us_government"]  # doctest: +SKIP
    'US government'
    """
    terms = load_terms() if terms is None else terms
    actors = load_actors() if actors is None else actors
    names = dict(terms.category_names + actors.category_names)
    names.update({entry.id: _spelled(entry) for entry in terms.entries})
    names.update({entry.id: entry.name for entry in actors.entries if entry.name})
    names.update({str(key): str(value) for key, value in current_style()["labels"].items()})
    return names


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
    names: Mapping[str, str] | None = None,
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
        outlet's colour, the quoted part a light grey. Group colours are named
        in the legend.
    names : mapping of str to str, optional
        Display names laid over :func:`display_names`.
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
    _legend(ax, [Patch(color="0.45", label="own voice"), Patch(color="0.85", label="quoted"),
                 *_group_handles(colours, outlets, name)])
    _record(ax, shown[["outlet", "n_articles", "narrator_share", "quote_share"]], by=by)
    return ax


def plot_term_heatmap(
    rates: pd.DataFrame,
    *,
    voice_facets: Sequence[str] = ("narrator", "quote"),
    top: int | None = None,
    level: str | None = None,
    by: str = "outlet",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Heatmap of loaded-term rates, terms × outlets, one panel per voice.

    Each cell is the rate per 1,000 words of that voice in that outlet, written
    in the cell when the number fits (blank where the outlet has no words in
    the voice). Each panel has its own colour scale, since quoted text is short
    and its rates run higher. The longer of the two lists (outlets, terms) runs
    down the page, so that a batch of many outlets stays readable; outlet
    labels carry the number of articles.

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates from :func:`sourcebias.aggregate.term_rates`: ``by``, ``term`` or
        ``category``, ``voice``, ``n_articles``, ``rate_per_1000`` (one row per
        entry × group × voice).
    voice_facets : sequence of str
        The voices to draw, one panel each, in this order.
    top : int, optional
        Draw only the ``top`` terms with the highest summed rate; default all.
    level : {"term", "category"}, optional
        The term variable; default ``term`` when the table has it, else ``category``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    names : mapping of str to str, optional
        Display names laid over :func:`display_names`.

    Returns
    -------
    matplotlib.figure.Figure
        Double column wide; terms sorted by their summed rate, highest first.
    """
    entry = _level_column(rates, level, "plot_term_heatmap")
    table = _as_outlet(rates, by, (entry, *_RATE_COLUMNS), "rates", "plot_term_heatmap")
    shown = _select(table, "voice", voice_facets, "plot_term_heatmap")
    _reject_duplicates(shown, [entry, "outlet", "voice"], "plot_term_heatmap")
    name = _namer(names)
    style = current_style()
    outlets = _outlet_order(shown["outlet"], name)
    n_articles = shown.groupby("outlet")["n_articles"].max()
    entries = _order_by_total(shown, entry, "rate_per_1000")[:top]
    shown = shown[shown[entry].isin(entries)]

    outlet_names, entry_names = [name(o) for o in outlets], [name(e) for e in entries]
    outlet_n = list(n_articles.reindex(outlets))
    outlets_down = len(outlets) > len(entries)
    down_labels = _n_labels(outlet_names, outlet_n) if outlets_down else entry_names
    colorbar_in = 0.75
    panel_in = (column_width("double") - _text_width(down_labels, "ytick.labelsize") - 0.4
                - len(voice_facets) * colorbar_in) / len(voice_facets)
    cell_in = panel_in / (len(entries) if outlets_down else len(outlets))
    if outlets_down:
        across_labels, rotation = entry_names, _rotation(entry_names, cell_in)
    else:
        across_labels, rotation = _column_labels(outlet_names, outlet_n, cell_in=cell_in)
    if rotation and len(voice_facets) > 1:
        rotation = 90.0  # slanted labels would reach into the panel on their left
    height = (style["row_height_in"] * len(down_labels) + _label_height(across_labels, rotation)
              + 0.75)
    fig, axes = plt.subplots(
        1, len(voice_facets), sharey=True, squeeze=False, layout="constrained",
        figsize=(column_width("double"), height),
    )
    cells = _number_labels(shown[["rate_per_1000"]], "{:.1f}").ravel()
    annotate = _fits(list(cells), cell_in, style["row_height_in"])
    outlet_title = f"{_group_title(by)} (n = articles)"
    for ax, voice in zip(axes[0], voice_facets, strict=True):
        matrix = (
            shown[shown["voice"] == voice]
            .pivot(index=entry, columns="outlet", values="rate_per_1000")
            .reindex(index=entries, columns=outlets)
        )
        if outlets_down:
            matrix = matrix.T
        vmax = float(np.nanmax(matrix.to_numpy())) if matrix.notna().any().any() else 0.0
        _heatmap(
            ax, matrix, cmap=style["heatmap_cmap"], vmin=0.0, vmax=vmax if vmax > 0 else 1.0,
            annotations=_number_labels(matrix, "{:.1f}") if annotate else None,
            xticklabels=across_labels, yticklabels=down_labels, rotation=rotation,
            colorbar="Rate per\n1,000 words\nof that voice",
        )
        ax.set_title(name(voice))
        ax.set_xlabel(entry.capitalize() if outlets_down else outlet_title)
        ax.set_ylabel((outlet_title if outlets_down else entry.capitalize())
                      if ax is axes[0][0] else "")
    _record(axes[0][0], _in_order(shown, {"voice": list(voice_facets), entry: entries,
                                          "outlet": outlets}), by=by)
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
    names: Mapping[str, str] | None = None,
    width: str | float = "double",
) -> Figure:
    """Interval plots of term rates: one panel per term, one row per outlet.

    Each row shows the rate per 1,000 words of ``voice`` as a point and its
    interval (``ci_low``, ``ci_high``) as a bar. A row without an interval is
    drawn as a hollow point and the legend gives the table's ``note``; a row
    without a rate (no words in the voice), or an outlet missing from a
    panel, shows a dash and the legend says why. Panels share the outlet rows;
    each has its own rate axis starting at 0.

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
        The panel variable; default ``term`` when the table has it, else ``category``.
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    interval : str, optional
        What the bars are, for the axis label; default the table's ``ci_method``.
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`; default built from this table.
        Group colours are named in the legend.
    names : mapping of str to str, optional
        Display names laid over :func:`display_names`.
    width : "single", "double" or float
        Figure width; as many panels sit side by side as fit it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    entry = _level_column(rates, level, "plot_term_rates")
    table = _as_outlet(rates, by, (entry, *_RATE_COLUMNS, "ci_low", "ci_high"), "rates",
                       "plot_term_rates")
    shown = _select(table, "voice", [voice], "plot_term_rates")
    _reject_duplicates(shown, [entry, "outlet"], "plot_term_rates")
    order = list(terms) if terms is not None else _order_by_total(shown, entry, "rate_per_1000")
    shown = _select(shown, entry, order, "plot_term_rates")
    colours = _colours(shown["outlet"], palette)
    name = _namer(names)
    outlets = _outlet_order(shown["outlet"], name)
    n = shown.groupby("outlet")["n_articles"].max()
    labels = _n_labels([name(o) for o in outlets], [n[o] for o in outlets])
    fig, axes = _facets(len(order), row_labels=labels, width=width,
                        row_height=current_style()["point_row_height_in"])
    panels = []
    absent = False
    for ax, value in zip(axes, order, strict=True):
        drawn, missing = _forest(ax, shown[shown[entry] == value], outlets=outlets,
                                 labels=labels, x="rate_per_1000", colours=colours)
        absent |= missing
        _panel_title(ax, name(value))
        upper = _upper_limit(drawn, "rate_per_1000")
        ax.set_xlim(-0.03 * upper, upper)
        ax.spines["bottom"].set_bounds(0, upper)
        panels.append(drawn)
    drawn = pd.concat(panels, ignore_index=True)
    fig.supylabel(f"{_group_title(by)} (n = articles)", fontsize=mpl.rcParams["axes.labelsize"])
    _figure_xlabel(fig, f"Rate per 1,000 words, {name(voice)}", *_bars_line(drawn, interval))
    _figure_legend(fig, _hollow_handles(drawn) + _dash_handles(
        drawn, absent=f"no {voice} rate in the table" if absent else None)
        + _group_handles(colours, outlets, name))
    _record(axes[0], _in_order(drawn, {entry: order, "outlet": outlets}), by=by)
    return fig


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
        Keyness table from :func:`sourcebias.compare.keyness`: ``term``,
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
    _require(keyness, ("term", "statistic", "p", "p_adjusted", "n_target", "n_reference",
                       "log_ratio", "measure", "correction"), "keyness", "plot_keyness")
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


def plot_similarity(
    similarity: pd.DataFrame,
    *,
    n_articles: Mapping[str, int] | pd.Series,
    method: str = "average",
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    width: str | float | None = None,
) -> Figure:
    """Clustered heatmap of the cosine similarity between outlets.

    Outlets are ordered by hierarchical clustering
    (:func:`scipy.cluster.hierarchy.linkage` with ``method``) on the distance
    ``1 − cosine``, whose tree is drawn above the columns. The colour scale
    spans the similarities between different outlets; the diagonal (1 by
    definition) is left blank. A strip under the tree shows each outlet's
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
        Display names laid over :func:`display_names` (outlets).
    width : "single", "double" or float, optional
        Figure width; default a single column, or double when the outlets'
        rows would be lower than the style's ``point_row_height_in``.

    Returns
    -------
    matplotlib.figure.Figure
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
    name = _namer(names)
    linkage = hierarchy.linkage(squareform(1.0 - matrix.to_numpy(), checks=False), method=method)
    order = [outlets[i] for i in hierarchy.leaves_list(linkage)]
    labels = _n_labels([name(o) for o in order], n[order].to_numpy())
    style = current_style()
    label_in = _text_width(labels, "ytick.labelsize") + 0.45
    if width is None:
        needed = label_in + style["point_row_height_in"] * len(order)
        width = "single" if needed <= column_width("single") else "double"
    cell_in = min((column_width(width) - label_in) / len(order), 0.5)
    strip = bool(colours.groups) or len({colours[o] for o in order}) == len(order)
    tree_in, strip_in, colorbar_in = 0.4, 0.09 if strip else 0.0, 0.55
    heat_in = cell_in * len(order)
    fig = plt.figure(layout="constrained", figsize=(
        column_width(width), tree_in + strip_in + heat_in + label_in - 0.3 + colorbar_in))
    grid = fig.add_gridspec(3 if strip else 2, 1,
                            height_ratios=[tree_in, *([strip_in] if strip else []), heat_in])
    tree = fig.add_subplot(grid[0])
    heat = fig.add_subplot(grid[-1])
    _dendrogram(tree, linkage, method=method)
    if strip:
        _colour_strip(fig.add_subplot(grid[1]), [colours[o] for o in order])
    shown = matrix.loc[order, order]
    off_diagonal = shown.to_numpy()[~np.eye(len(order), dtype=bool)]
    sns.heatmap(
        shown, ax=heat, mask=np.eye(len(order), dtype=bool), cmap=style["similarity_cmap"],
        vmin=float(off_diagonal.min()), vmax=float(off_diagonal.max()),
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
    colorbar.set_label("Cosine similarity\n(diagonal left blank)")
    colorbar.outline.set_visible(False)
    long = shown.rename_axis(index="outlet_a", columns="outlet_b")
    drawn = long.stack().rename("cosine").reset_index()
    drawn["n_articles_a"] = drawn["outlet_a"].map(n).astype("int64")
    drawn["n_articles_b"] = drawn["outlet_b"].map(n).astype("int64")
    _figure_legend(fig, _group_handles(colours, order, name))
    _record(heat, drawn)
    return fig


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


def _present(table: pd.DataFrame, column: str, values: Sequence[str], function: str) -> list[str]:
    """The ``values`` that occur in ``column``, warning about the others.

    A batch need not mention every actor a notebook asks for; the figure shows
    the ones it does, and the warning names the rest.
    """
    present = set(table[column].dropna().unique())
    absent = [v for v in values if v not in present]
    if absent:
        warnings.warn(f"{function}: no rows with {column} {', '.join(map(repr, absent))}, "
                      "so the figure leaves them out", stacklevel=3)
    kept = [v for v in values if v in present]
    if not kept:
        raise ValueError(f"{function}: none of the {column} values asked for is in the table; "
                         f"present: {', '.join(sorted(map(str, present))) or 'none'}")
    return kept


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


def _colours(outlets: pd.Series, palette: Mapping[str, Any] | None) -> OutletPalette:
    """The outlet colours to use, checking that ``palette`` covers every outlet.

    The groups of an :class:`OutletPalette` are kept; any other mapping has none.
    When the rows are the groups of an :class:`OutletPalette` (a figure drawn
    ``by="outlet_group"`` with the batch palette), each takes its group's colour.
    """
    if palette is None:
        return outlet_palette(outlets)
    groups = getattr(palette, "groups", None)
    if groups and set(outlets) <= set(groups) and not set(outlets) <= set(palette):
        return OutletPalette(groups)
    missing = sorted(set(outlets) - set(palette))
    if missing:
        raise ValueError(
            f"palette has no colour for outlet(s) {', '.join(missing)}; "
            "build it with outlet_palette(<all outlets of the batch>)"
        )
    return OutletPalette(palette,
                         groups=palette.groups if isinstance(palette, OutletPalette) else None)


def _group_of(outlets: Sequence[str], groups: Mapping[str, Any] | pd.Series | None
              ) -> dict[str, str]:
    """The group, as text, of each of ``outlets`` that ``groups`` names."""
    if groups is None:
        return {}
    if isinstance(groups, pd.Series) and not groups.index.is_unique:
        raise ValueError("groups: the Series repeats outlets in its index; pass one group per "
                         "outlet, e.g. sourcebias.outlet_groups(articles)")
    named = {outlet: groups.get(outlet) for outlet in outlets}
    return {outlet: str(group) for outlet, group in named.items() if not pd.isna(group)}


def _group_handles(colours: OutletPalette, outlets: Sequence[str], name: Namer) -> list[Patch]:
    """Legend entries for the groups whose colours ``outlets`` are drawn in.

    No entry when the colours stand for outlets; else one patch per group
    drawn, in group order, then one for the outlets without a group.
    """
    if not colours.groups:
        return []
    drawn = [colours[o] for o in outlets]
    handles = [Patch(color=colour, label=name(group))
               for group, colour in colours.groups.items() if colour in drawn]
    ungrouped = [c for c in drawn if c not in colours.groups.values()]
    if ungrouped:
        handles.append(Patch(color=ungrouped[0], label="no outlet group"))
    return handles


# --------------------------------------------------------------------------- names


def _spelled(entry: Entry) -> str:
    """The entry's pattern that spells its id, else the id with spaces for underscores."""
    key = _letters(entry.id)
    for pattern in entry.patterns:
        text = pattern.text.rstrip("*")
        if _letters(text) == key:
            return text
    return entry.id.replace("_", " ")


def _letters(text: str) -> str:
    """Letters and digits of ``text``, case-folded and without accents."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(char for char in decomposed if char.isalnum())


def _namer(names: Mapping[str, str] | None) -> Namer:
    """``name(value)``: ``names``, else :func:`display_names`, else the value tidied."""
    known = {**display_names(), **{str(k): str(v) for k, v in (names or {}).items()}}

    def name(value: Any) -> str:
        text = str(value)
        return known.get(text) or _WWW.sub("", text).replace("_", " ")

    return name


def _outlet_order(outlets: Iterable[str], name: Namer) -> list[str]:
    """The distinct outlets in the alphabetical order of their shown names."""
    distinct = {o for o in outlets if not pd.isna(o)}
    return sorted(distinct, key=lambda o: (name(o).casefold(), str(o)))


def _n_labels(names: Iterable[str], n: Iterable[Any], *, sep: str = " ") -> list[str]:
    """``"name (n=1,234)"`` for each name."""
    return [f"{name}{sep}(n={int(count):,})" for name, count in zip(names, n, strict=True)]


# --------------------------------------------------------------------------- sizes


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


def _facets(
    n_panels: int,
    *,
    row_labels: Sequence[str],
    width: str | float,
    row_height: float,
    right_in: float = 0.0,
) -> tuple[Figure, list[Axes]]:
    """A figure of ``n_panels`` panels sharing one row per label, in as few
    rows of panels as the width allows (panels at least ``min_panel_width_in``
    wide, plus ``right_in`` for text right of each panel)."""
    style = current_style()
    total = column_width(width)
    label_in = _text_width(row_labels, "ytick.labelsize") + 0.35
    fit = max(1, int((total - label_in) // (style["min_panel_width_in"] + right_in)))
    n_rows = math.ceil(n_panels / min(fit, n_panels))
    n_cols = math.ceil(n_panels / n_rows)
    panel_height = row_height * len(row_labels) + 0.5
    fig, axes = plt.subplots(
        n_rows, n_cols, sharey=True, squeeze=False, layout="constrained",
        figsize=(total, n_rows * panel_height + 0.9),
    )
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


# --------------------------------------------------------------------------- drawing


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
    annotations: np.ndarray | None,
    xticklabels: list[str],
    yticklabels: list[str],
    rotation: float,
    colorbar: str,
    percent: bool = False,
) -> None:
    """A seaborn heatmap with written cells (when given) and its colour bar."""
    sns.heatmap(
        matrix, ax=ax, cmap=cmap, vmin=vmin, vmax=vmax,
        annot=annotations if annotations is not None else False, fmt="",
        annot_kws={"fontsize": _small_font()}, linewidths=0.5, linecolor="white",
        xticklabels=xticklabels, yticklabels=yticklabels, cbar=False,
    )
    bar = ax.figure.colorbar(ax.collections[0], ax=ax, pad=0.03, shrink=0.9, aspect=15,
                             fraction=0.1)
    bar.set_label(colorbar)
    bar.outline.set_visible(False)
    if percent:
        bar.ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.tick_params(length=0)
    ax.tick_params(axis="y", labelrotation=0)
    for label in ax.get_xticklabels():
        label.set(rotation=rotation,
                  horizontalalignment="right" if 0 < rotation < 90 else "center",
                  rotation_mode="anchor" if 0 < rotation < 90 else "default")


def _forest(
    ax: Axes,
    block: pd.DataFrame,
    *,
    outlets: Sequence[str],
    labels: Sequence[str],
    x: str,
    colours: Mapping[str, Any],
    dodge: str | None = None,
    levels: Sequence[str] = ("",),
) -> tuple[pd.DataFrame, bool]:
    """Point-and-interval rows, one per outlet, in one panel.

    Points of the ``dodge`` levels sit side by side on a row, each with its
    marker. A row without an estimate, and an outlet absent from ``block``,
    shows a dash in the middle of the panel. Returns ``block`` with ``row_label``,
    ``y``, ``estimated`` and ``has_interval``, and whether an outlet was absent.
    """
    position = {outlet: i for i, outlet in enumerate(outlets)}
    offset = 0.0 if dodge is None else 0.3
    level = block[dodge].map({v: i for i, v in enumerate(levels)}) if dodge else 0
    drawn = block.assign(
        row_label=block["outlet"].map(dict(zip(outlets, labels, strict=True))),
        y=block["outlet"].map(position) + offset * (level - (len(levels) - 1) / 2),
        estimated=block[x].notna(),
        has_interval=block["ci_low"].notna() & block["ci_high"].notna()
        & (block["ci_high"] > block["ci_low"]),
    )
    estimated_rows = set(drawn.loc[drawn["estimated"], "outlet"])
    dashes = [position[o] for o in outlets if o not in estimated_rows]
    at_middle = blended_transform_factory(ax.transAxes, ax.transData)
    for y in dashes:
        ax.text(0.5, y, _DASH, transform=at_middle, va="center", ha="center", color="0.45",
                fontsize=mpl.rcParams["ytick.labelsize"])
    colour = drawn["outlet"].map(colours)
    bars = drawn[drawn["has_interval"]]
    ax.hlines(bars["y"], bars["ci_low"], bars["ci_high"], colors=colour[bars.index].tolist(),
              linewidth=1.2, zorder=2)
    size = (1.0 if dodge is None else 0.8) * mpl.rcParams["lines.markersize"] ** 2
    for i, name in enumerate(levels):
        points = drawn if dodge is None else drawn[drawn[dodge] == name]
        filled = points["has_interval"]
        ax.scatter(points[x], points["y"], s=size, marker=_MARKERS[i], zorder=3, clip_on=False,
                   facecolors=colour[points.index].where(filled, "white").tolist(),
                   edgecolors=colour[points.index].tolist(), linewidths=1.0)
    absent = not set(outlets) <= set(block["outlet"])
    return drawn, absent


def _n_column(ax: Axes, block: pd.DataFrame, outlets: Sequence[str]) -> None:
    """Each outlet's ``n_articles`` right of the panel, under an ``n`` header."""
    right = offset_copy(blended_transform_factory(ax.transAxes, ax.transData), ax.figure,
                        x=3, units="points")
    style = {"ha": "left", "va": "center", "fontsize": _small_font(), "color": "0.35"}
    n = block.groupby("outlet")["n_articles"].max()
    for y, outlet in enumerate(outlets):
        if outlet in n.index:
            ax.text(1.0, y, f"{int(n[outlet]):,}", transform=right, **style)
    ax.text(1.0, -0.5, "n", transform=right, **{**style, "va": "bottom", "fontstyle": "italic"})


def _upper_limit(drawn: pd.DataFrame, x: str) -> float:
    """The right end of a rate axis: past every point and bar, at least 1."""
    values = pd.concat([drawn[x], drawn["ci_high"].where(drawn["has_interval"])])
    top = float(values.max()) if values.notna().any() else 0.0
    return max(1.0, 1.05 * top)


def _share_x(axes: Sequence[Axes], drawn: pd.DataFrame, x: str) -> None:
    """One x range for every panel, covering every point, bar and 0."""
    values = pd.concat([drawn[x], drawn["ci_low"].where(drawn["has_interval"]),
                        drawn["ci_high"].where(drawn["has_interval"]), pd.Series([0.0])])
    low, high = float(values.min()), float(values.max())
    pad = 0.06 * max(high - low, 0.1)
    for ax in axes:
        ax.set_xlim(low - pad, high + pad)


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


def _dash_handles(drawn: pd.DataFrame, *, absent: str | None) -> list[Line2D]:
    """A legend entry for the dashes: rows without an estimate, and absent outlets."""
    unestimated = drawn[~drawn["estimated"]]
    notes = set()
    if not unestimated.empty:
        noted = unestimated["note"].dropna().astype(str) if "note" in drawn.columns else []
        notes.update(noted)
        if len(noted) < len(unestimated):
            notes.add("no estimate")
    if absent:
        notes.add(absent)
    if not notes:
        return []
    text = "; ".join(sorted(notes))
    return [Line2D([], [], linestyle="none", marker=f"${_DASH}$", color="0.45",
                   label=textwrap.fill(text, 40, break_on_hyphens=False))]


def _value_label(ax: Axes, *lines: str) -> None:
    """The x-axis label: what is measured, then what the marks are.

    Right-aligned under the Axes so it may extend under the tick labels, and
    wrapped to the figure's width.
    """
    wrapped = _wrapped(lines, ax.figure.get_figwidth())
    ax.set_xlabel(wrapped, loc="right", multialignment="right")


def _figure_xlabel(fig: Figure, *lines: str) -> None:
    """The x label of a figure of panels, wrapped to the figure's width."""
    fig.supxlabel(_wrapped(lines, fig.get_figwidth()), fontsize=mpl.rcParams["axes.labelsize"])


def _wrapped(lines: Sequence[str], width_in: float) -> str:
    characters = int(width_in * 72 / (0.6 * _font_points("axes.labelsize")))
    return "\n".join(textwrap.fill(line, characters, break_on_hyphens=False) for line in lines)


def _legend(ax: Axes, handles: list[Any]) -> None:
    """A frameless legend above the Axes, inside the figure's layout."""
    if not handles:
        return
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.01), borderaxespad=0,
              ncols=2 if len(handles) == 2 and all(len(h.get_label()) <= 24 for h in handles)
              else 1,
              handletextpad=0.4, columnspacing=1.0, frameon=False)


def _figure_legend(fig: Figure, handles: list[Any]) -> None:
    """A frameless legend above the panels, as many entries to a line as fit."""
    if not handles:
        return
    per_entry = _text_width([h.get_label() for h in handles], "legend.fontsize") + 0.4
    fig.legend(handles=handles, loc="outside upper right", frameon=False,
               ncols=max(1, min(len(handles), int(fig.get_figwidth() // per_entry))),
               handletextpad=0.4, columnspacing=1.2)


def _box_stats(scored: pd.DataFrame, lexicons: Sequence[str], outlets: Sequence[str]
               ) -> pd.DataFrame:
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
    return _in_order(stats, {"outlet": list(outlets), "lexicon": lexicons})


def _draw_boxes(
    ax: Axes,
    stats: pd.DataFrame,
    *,
    outlets: list[str],
    lexicons: Sequence[str],
    colours: Mapping[str, Any],
) -> None:
    """Horizontal boxes from precomputed statistics: hollow plain, filled domain.

    The median line is black, or white on a dark filled box of non-zero width."""
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
        filled = s.lexicon == lexicons[1]
        artists["boxes"][i].set(facecolor=colour if filled else "white",
                                edgecolor=colour, linewidth=1.0)
        on_fill = filled and s.q3 > s.q1
        artists["medians"][i].set(color=_text_colour_on(colour) if on_fill else "black")
        for part in ("whiskers", "caps"):
            for line in artists[part][2 * i:2 * i + 2]:
                line.set(color=colour, linewidth=1.0)


def _dendrogram(ax: Axes, linkage: np.ndarray, *, method: str) -> None:
    """The clustering tree over the heatmap's columns, leaves aligned with them."""
    tree = hierarchy.dendrogram(linkage, ax=ax, orientation="top", no_labels=True,
                                link_color_func=lambda _: "0.35")
    for lines in ax.collections:
        lines.set_linewidth(0.8)
    ax.set_xlim(0, 10 * (len(linkage) + 1))
    height = max(max(d) for d in tree["dcoord"])
    ax.set_ylim(0, 1.05 * height if height > 0 else 1.0)
    ax.set_axis_off()
    ax.set_title(f"{method} linkage on 1 − cosine", fontsize=_small_font(),
                 fontweight="normal", loc="left", color="0.3")


def _colour_strip(ax: Axes, colours: Sequence[Any]) -> None:
    """One coloured cell per column: the outlets' colours in heatmap order."""
    for i, colour in enumerate(colours):
        ax.add_patch(Rectangle((i, 0), 1, 1, facecolor=colour, edgecolor="white",
                               linewidth=0.5))
    ax.set_xlim(0, len(colours))
    ax.set_ylim(0, 1)
    ax.set_axis_off()


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
