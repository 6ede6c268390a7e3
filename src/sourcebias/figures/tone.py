"""Tone toward each actor per outlet: sentence VADER and the target model side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sourcebias.checks import NotComputable, require_columns
from sourcebias.figures.export import _record
from sourcebias.figures.names import _namer

#: Marker, colour and vertical offset of each method's point on a row.
_METHODS = {"VADER": ("o", "0.55", -0.17), "target model": ("D", "#1f5fa8", 0.17)}


def plot_actor_tone(
    tone: pd.DataFrame,
    *,
    voice: str = "narrator",
    actors: Sequence[str] | None = None,
    by: str = "outlet",
    validation: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Interval plot of the tone toward each actor per group, one point per method.

    One row per (actor, group), actors in blocks; on each row the mean of
    :func:`sourcebias.actor_tone` for ``VADER`` (mean compound of the
    sentences naming the actor) and for the ``target model`` (mean of
    ``p_positive - p_negative`` over the mentions), each with its bootstrap
    interval as a bar; a point without an interval (one article, no spread)
    is hollow. Right of each row, ``n`` is the number of mentions scored by
    the target model. Both scales run from -1 (negative) to 1 (positive).

    Parameters
    ----------
    tone : pandas.DataFrame
        From :func:`sourcebias.actor_tone`: ``by``, ``actor``, ``voice``,
        ``method``, ``n``, ``mean``, ``ci_low``, ``ci_high``.
    voice : str
        The voice to draw (``narrator``, ``quote`` or ``all``).
    actors : sequence of str, optional
        The actors to draw, top to bottom (those never named in this voice are
        left out); default all, by name.
    by : str
        The column naming the groups.
    validation : pandas.DataFrame, optional
        From :func:`sourcebias.target_model_validation`: when given, the
        target model's and sentence VADER's macro-F1 on NewsMTSC's dev files
        are written under the axis label, so that a reader knows how far to
        trust each method.
    names : mapping of str to str, optional
        Display names laid over :func:`sourcebias.display_names`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(tone, "tone", (by, "actor", "voice", "method", "n", "mean", "ci_low",
                                   "ci_high"))
    shown = tone[(tone["voice"] == voice) & tone["method"].isin(list(_METHODS))]
    if shown.empty:
        where = "inside a quotation" if voice == "quote" else f"in the {voice} voice"
        raise NotComputable(f"plot_actor_tone: the table has no rows for voice {voice!r} "
                            f"(it has {sorted(tone['voice'].unique())})",
                            plain=f"No actor is mentioned {where} in this batch, so there is "
                                  f"no tone figure for it.")
    name = _namer(names)
    order = list(actors) if actors is not None else sorted(
        shown["actor"].unique(), key=lambda a: name(a).casefold())
    order = [a for a in order if a in set(shown["actor"])]
    if not order:
        raise ValueError(f"plot_actor_tone: no rows for actor(s) {list(actors or [])} "
                         f"in voice {voice!r}")
    shown = shown[shown["actor"].isin(order)]
    rows = (shown[["actor", by]].drop_duplicates()
            .assign(rank=lambda t: t["actor"].map({a: i for i, a in enumerate(order)}),
                    label=lambda t: t[by].map(name).str.casefold())
            .sort_values(["rank", "label"], ignore_index=True))
    rows["y"] = -(np.arange(len(rows)) + 0.6 * rows["rank"].to_numpy())
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 1.6 + 0.3 * len(rows)), layout="constrained")
    drawn = shown.merge(rows[["actor", by, "y"]], on=["actor", by])
    for method, (marker, colour, offset) in _METHODS.items():
        part = drawn[drawn["method"] == method]
        y = part["y"].to_numpy() + offset
        has = part["ci_low"].notna().to_numpy()
        ax.hlines(y[has], part["ci_low"][has], part["ci_high"][has], color=colour, linewidth=1.4)
        ax.scatter(part["mean"][has], y[has], marker=marker, color=colour, s=28, zorder=3)
        ax.scatter(part["mean"][~has], y[~has], marker=marker, facecolor="white",
                   edgecolor=colour, s=28, zorder=3)
    counts = drawn[drawn["method"] == "target model"]
    for y, n in zip(counts["y"], counts["n"], strict=True):
        ax.annotate(f"n={int(n)}", (1.0, y), xycoords=("axes fraction", "data"),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=7,
                    color="0.35")
    ax.set_yticks(rows["y"], [name(g) for g in rows[by]])
    for actor, block in rows.groupby("actor", sort=False):
        ax.annotate(name(actor), (0.0, block["y"].max() + 0.55), xycoords=("axes fraction", "data"),
                    fontweight="bold", fontsize=8, va="bottom")
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.set_xlim(-1, 1)
    ax.set_ylim(rows["y"].min() - 0.7, rows["y"].max() + 1.1)
    trust = "" if validation is None else "\n\n" + _validation_line(validation)
    ax.set_xlabel(f"Tone toward the actor ({voice} voice), −1 negative to 1 positive;\n"
                  f"bars: bootstrap interval over articles; n = mentions scored{trust}",
                  fontsize=8)
    handles = [Line2D([], [], linestyle="none", marker=marker, color=colour, label=_label(method))
               for method, (marker, colour, _) in _METHODS.items()]
    if drawn["ci_low"].isna().any():
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                              color="0.3", label="open: no interval (one article, or no spread)"))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.02), frameon=False,
              fontsize=7)
    _record(ax, drawn.drop(columns="y"), by=by)
    return ax


def _label(method: str) -> str:
    """Legend text of a method."""
    return ("VADER: mean compound of the sentences naming the actor" if method == "VADER"
            else "target model: mean p(positive) − p(negative) of the mentions")


def _validation_line(validation: pd.DataFrame) -> str:
    """Two lines: what the figures are, then each method's macro-F1 per dev file."""
    require_columns(validation, "validation", ("file", "method", "macro_f1"))
    parts = []
    for method in ("target model", "VADER sentence"):
        rows = validation[validation["method"] == method]
        figures = ", ".join(f"{f:.2f} ({file})" for file, f in zip(rows["file"], rows["macro_f1"],
                                                                     strict=True))
        parts.append(f"{method} {figures}")
    return ("How far to trust each method: macro-F1 against NewsMTSC's annotators "
            "(Hamborg and Donnay 2021), dev files\n" + "; ".join(parts))
