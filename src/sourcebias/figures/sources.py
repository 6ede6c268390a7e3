"""Who is quoted: each outlet's sources, one source across outlets, and loaded terms by voice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sourcebias.checks import require_columns
from sourcebias.figures.data import _as_outlet, _group_title, _in_order, _select
from sourcebias.figures.export import _record
from sourcebias.figures.layout import _new_axes
from sourcebias.figures.marks import (
    _bars_line,
    _dash_handles,
    _forest,
    _hollow_handles,
    _legend,
    _n_column,
    _upper_limit,
    _value_label,
)
from sourcebias.figures.names import _n_labels, _namer, _outlet_order
from sourcebias.figures.palette import _colours, _group_handles
from sourcebias.figures.style import _MARKERS, current_style
from sourcebias.stats.sources import OTHER_SOURCE

_SHARE_COLUMNS = ("kind", "source_actor", "n_articles", "n_words", "n_words_kind", "share",
                  "ci_low", "ci_high")

#: The one grey segment of :func:`plot_source_shares`: every source without a colour of its own
#: in :func:`source_palette`, the sources that are no actor of the lexicons among them.
REST = "other sources"

#: The colour of :data:`REST`.
REST_COLOUR = "0.8"


def source_palette(shares: pd.DataFrame, *, top: int = 6) -> dict[str, Any]:
    """One colour per source, the same in every figure of a batch.

    The ``top`` source actors with the most attributed words over all
    outlets (kind ``all`` of :func:`sourcebias.source_shares`, else every
    kind) take the style's palette in that order; ``(no source)`` is ranked
    like an actor, ``(other source)`` never is (it joins :data:`REST`,
    which is grey). Build it once from the whole ``shares`` table and pass it
    to every :func:`plot_source_shares` call, so a source keeps its colour
    whichever kind of attribution is drawn.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`sourcebias.source_shares`.
    top : int
        Sources with a colour of their own.

    Returns
    -------
    dict of str to colour
        Source actor to colour, and :data:`REST` to grey, in drawing order.
    """
    require_columns(shares, "source shares", ("kind", "source_actor", "n_words"))
    every = shares[shares["kind"] == "all"] if (shares["kind"] == "all").any() else shares
    totals = every[every["source_actor"] != OTHER_SOURCE].groupby("source_actor")[
        "n_words"].sum()
    totals = totals[totals > 0]
    leading = sorted(totals.index, key=lambda a: (-totals[a], str(a)))[:top]
    colours = sns.color_palette(current_style()["palette"], max(len(leading), 1))
    return dict(zip(leading, colours, strict=False)) | {REST: REST_COLOUR}


def plot_source_shares(
    shares: pd.DataFrame,
    *,
    kind: str = "all",
    top: int = 6,
    by: str = "outlet",
    palette: Mapping[str, Any] | None = None,
    validation: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars of whom each outlet's attributed words come from.

    Each bar is an outlet's attributed words of ``kind``; its segments are the
    shares (each pooled as :func:`sourcebias.source_shares` computes it) of
    the sources that have a colour in ``palette``, then every other source
    together in one grey segment, :data:`REST` (drawn and named in the legend
    only when it holds words). The row label gives the outlet's articles; the
    intervals of each share are in the table (and in :func:`plot_source_share`).

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`sourcebias.source_shares`.
    kind : {"all", "direct", "indirect", "mixed"}
        The kind of attribution drawn.
    top : int
        Without ``palette``: the sources drawn on their own (:func:`source_palette`).
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    palette : mapping of str to colour, optional
        From :func:`source_palette` over the whole table, so that colours agree
        between figures; default :func:`source_palette` of ``shares``.
    validation : pandas.DataFrame, optional
        From :func:`sourcebias.attribution_validation`: when given, a line
        under the figure says how well attribution is found (PolNeAR dev).
    names : mapping of str to str, optional
        Display names laid over :func:`display_names` (outlets, actors).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new double-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = _as_outlet(shares, by, _SHARE_COLUMNS, "source shares", "plot_source_shares")
    shown = _select(table, "kind", [kind], "plot_source_shares")
    name = _namer(names)
    colours = dict(source_palette(table, top=top) if palette is None else palette)
    colours.setdefault(REST, REST_COLOUR)
    order = [c for c in colours if c != REST] + [REST]
    segment = shown["source_actor"].where(shown["source_actor"].isin(order), REST)
    wide = (shown.assign(segment=segment).groupby(["outlet", "segment"])["share"].sum()
            .unstack("segment").reindex(columns=order).fillna(0.0))
    wide = wide.loc[:, wide.sum() > 0]
    outlets = _outlet_order(shown["outlet"], name)
    wide = wide.reindex(outlets)
    first = shown.drop_duplicates("outlet").set_index("outlet")
    labels = _n_labels([name(o) for o in outlets], first["n_articles"].reindex(outlets))
    height = 1.0 + current_style()["point_row_height_in"] * 1.6 * max(len(outlets), top / 2)
    ax = _new_axes(ax, width="double", height=height)
    rows = np.arange(len(outlets))
    left = np.zeros(len(outlets))
    for column in wide.columns:
        values = wide[column].to_numpy()
        ax.barh(rows, values, left=left, color=colours[column], height=0.75,
                label=name(column))
        left += values
    ax.set_yticks(rows, labels)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_ylabel(f"{_group_title(by)} (n = articles)")
    _value_label(ax, f"Share of attributed words ({name(kind)}) by source",
                 "intervals in the table", *_trust_lines(validation))
    ax.legend(handles=[Patch(color=colours[c], label=name(c)) for c in wide.columns],
              loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, title="Source")
    _record(ax, wide.reset_index().melt(id_vars="outlet", var_name="source",
                                        value_name="share"), by=by)
    return ax


def plot_source_share(
    shares: pd.DataFrame,
    *,
    source: str,
    kinds: Sequence[str] = ("direct", "indirect", "mixed"),
    by: str = "outlet",
    interval: str | None = None,
    palette: Mapping[str, Any] | None = None,
    validation: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One source's share of each outlet's attributed words, with intervals.

    One row per outlet, one marker per kind of attribution; the bar is the
    interval of :func:`sourcebias.source_shares` (a percentile bootstrap over
    articles). A hollow marker has no interval (see the table's ``note``); a
    dash, no attributed words of that kind.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`sourcebias.source_shares`.
    source : str
        The source actor drawn.
    kinds : sequence of {"all", "direct", "indirect", "mixed"}
        The kinds drawn side by side (at most four).
    by : str
        The column naming the groups (``outlet``, ``outlet_group``).
    interval : str, optional
        What the bars are, for the axis label; default the table's ``ci_method``.
    palette : mapping of str to colour, optional
        Outlet colours from :func:`outlet_palette`.
    validation : pandas.DataFrame, optional
        From :func:`sourcebias.attribution_validation`: when given, a line
        under the figure says how well attribution is found (PolNeAR dev).
    names : mapping of str to str, optional
        Display names laid over :func:`display_names`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = _as_outlet(shares, by, _SHARE_COLUMNS, "source shares", "plot_source_share")
    shown = _select(_select(table, "source_actor", [source], "plot_source_share"), "kind",
                    list(kinds), "plot_source_share")
    return _dodged(shown, levels=list(kinds), dodge="kind", x="share", by=by,
                   interval=interval, palette=palette, names=names, ax=ax,
                   title=f"Share of attributed words said by {_namer(names)(source)}",
                   trust=_trust_lines(validation))


def plot_voice_rates(
    rates: pd.DataFrame,
    *,
    voices: Sequence[str] = ("own", "narrator", "quote"),
    by: str = "outlet",
    interval: str | None = None,
    palette: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Loaded-term rates in the outlet's own voice, its narrator voice and quotation.

    One row per outlet, one marker per voice: the rate per 1,000 words of
    that voice and its interval, from :func:`sourcebias.voice_rates` (or
    :func:`sourcebias.term_rates` of one category). ``own`` is narrator text
    not attributed to a source, so the gap between ``own`` and ``narrator``
    is loaded language the outlet paraphrases from its sources.

    Parameters
    ----------
    rates : pandas.DataFrame
        One row per outlet and voice: ``by``, ``voice``, ``n_articles``,
        ``rate_per_1000``, ``ci_low``, ``ci_high`` (and ``ci_method``, ``note``).
    voices : sequence of {"own", "narrator", "quote"}
        The voices drawn side by side.
    by, interval, palette, names, ax
        As in :func:`plot_source_share`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = _as_outlet(rates, by, ("voice", "n_articles", "rate_per_1000", "ci_low", "ci_high"),
                       "rates", "plot_voice_rates")
    shown = _select(table, "voice", list(voices), "plot_voice_rates")
    return _dodged(shown, levels=list(voices), dodge="voice", x="rate_per_1000", by=by,
                   interval=interval, palette=palette, names=names, ax=ax,
                   title="Loaded terms per 1,000 words of the voice")


def _dodged(shown: pd.DataFrame, *, levels: list[str], dodge: str, x: str, by: str,
            interval: str | None, palette: Mapping[str, Any] | None,
            names: Mapping[str, str] | None, ax: Axes | None, title: str,
            trust: Sequence[str] = ()) -> Axes:
    """A forest of one value per outlet and level, levels side by side on each row."""
    if len(levels) > len(_MARKERS):
        raise ValueError(f"at most {len(_MARKERS)} {dodge}s side by side, got {len(levels)}")
    name = _namer(names)
    colours = _colours(shown["outlet"], palette)
    outlets = _outlet_order(shown["outlet"], name)
    shown = _in_order(shown, {"outlet": outlets, dodge: levels})
    labels = [name(o) for o in outlets]
    height = 1.4 + (0.2 * (len(levels) + 2 + len(getattr(colours, "groups", {})))
                    + 1.6 * current_style()["point_row_height_in"] * len(outlets))
    ax = _new_axes(ax, width="single", height=height)
    drawn, absent = _forest(ax, shown, outlets=outlets, labels=labels, x=x, colours=colours,
                            dodge=dodge, levels=levels)
    _n_column(ax, shown, outlets)
    ax.set_yticks(np.arange(len(outlets)), labels)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    upper = _upper_limit(drawn, x)
    ax.set_xlim(-0.03 * upper, upper)
    if x == "share":
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_ylabel(_group_title(by))
    _value_label(ax, f"{title}; n = articles", *_bars_line(drawn, interval), *trust)
    _legend(ax, [Line2D([], [], linestyle="none", marker=_MARKERS[i], color="0.3",
                        label=name(level)) for i, level in enumerate(levels)]
            + _hollow_handles(drawn) + _dash_handles(
                drawn, absent=f"no {dodge} in the table" if absent else None)
            + _group_handles(colours, outlets, name))
    _record(ax, drawn, by=by)
    return ax


def _trust_lines(validation: pd.DataFrame | None) -> list[str]:
    """Short lines on how far to trust attribution (PolNeAR dev); none without ``validation``."""
    if validation is None:
        return []
    require_columns(validation, "validation", (
        "split", "content_f1", "speaker", "speaker_ci_low", "speaker_ci_high", "quoted_covered"))
    dev = validation[validation["split"] == "dev"]
    if dev.empty:
        raise ValueError("validation has no row for split 'dev'; "
                         "give sourcebias.attribution_validation()")
    row = dev.iloc[0]
    return ["How far to trust this (PolNeAR dev, Newell et al. 2018):",
            f"content found with F1 {row['content_f1']:.2f}; speaker right for "
            f"{row['speaker']:.0%} [{row['speaker_ci_low']:.0%}, {row['speaker_ci_high']:.0%}];",
            f"{row['quoted_covered']:.0%} of quoted words found"]
