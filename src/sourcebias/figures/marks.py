"""Marks shared by the figures: heatmaps, forests, boxes, legends."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import cbook, patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import blended_transform_factory, offset_copy
from scipy.cluster import hierarchy

from sourcebias.checks import NotComputable
from sourcebias.figures.data import _in_order
from sourcebias.figures.layout import _font_points, _small_font, _text_colour_on, _text_width
from sourcebias.figures.style import _DASH, _MARKERS


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
    colorbar: str | None,
    percent: bool = False,
    hatched: np.ndarray | None = None,
) -> None:
    """A seaborn heatmap with written cells (when given), its colour bar (unless
    ``colorbar`` is None) and a hatch over the cells where ``hatched`` is True."""
    sns.heatmap(
        matrix, ax=ax, cmap=cmap, vmin=vmin, vmax=vmax,
        annot=annotations if annotations is not None else False, fmt="",
        annot_kws={"fontsize": _small_font(), "linespacing": 1.1}, linewidths=0.5,
        linecolor="white", xticklabels=xticklabels, yticklabels=yticklabels, cbar=False,
    )
    if colorbar is not None:
        _colorbar(ax.figure, ax.collections[0], ax, colorbar, percent=percent)
    if hatched is not None:
        for row, column in zip(*np.nonzero(hatched), strict=True):
            ax.add_patch(Rectangle((column, row), 1, 1, fill=False, hatch="///",
                                   edgecolor=(0.5, 0.5, 0.5, 0.45), linewidth=0.0))
    ax.tick_params(length=0)
    ax.tick_params(axis="y", labelrotation=0)
    for label in ax.get_xticklabels():
        label.set(rotation=rotation,
                  horizontalalignment="right" if 0 < rotation < 90 else "center",
                  rotation_mode="anchor" if 0 < rotation < 90 else "default")


def _colorbar(fig: Figure, mappable: Any, ax: Axes | Sequence[Axes], label: str, *,
              percent: bool = False) -> None:
    """A frameless colour bar right of ``ax`` (one Axes or several sharing it)."""
    bar = fig.colorbar(mappable, ax=ax, pad=0.03, shrink=0.9, aspect=15, fraction=0.1)
    bar.set_label(label)
    bar.outline.set_visible(False)
    if percent:
        bar.ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))


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
    """Each outlet's ``n_articles`` (and ``n_sentences`` when the block has
    them, as ``articles; sentences``) right of the panel, under an ``n`` header."""
    right = offset_copy(blended_transform_factory(ax.transAxes, ax.transData), ax.figure,
                        x=3, units="points")
    style = {"ha": "left", "va": "center", "fontsize": _small_font(), "color": "0.35"}
    columns = ["n_articles", *(["n_sentences"] if "n_sentences" in block.columns else [])]
    n = block.groupby("outlet")[columns].max()
    for y, outlet in enumerate(outlets):
        if outlet in n.index:
            ax.text(1.0, y, "; ".join(f"{int(v):,}" for v in n.loc[outlet]), transform=right,
                    **style)
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


def _box_stats(scores: pd.DataFrame, lexicons: Sequence[str], outlets: Sequence[str],
               value: str = "mean_compound") -> pd.DataFrame:
    """Tukey box-plot statistics of the scores (column ``value``) per outlet and
    lexicon, with the scores beyond the whiskers in ``fliers``."""
    rows = []
    for (outlet, lexicon), block in scores.groupby(["outlet", "lexicon"], sort=True):
        values = block[value].dropna().to_numpy()
        if len(values) == 0:
            continue
        stats = cbook.boxplot_stats(values, whis=1.5)[0]
        rows.append({
            "outlet": outlet, "lexicon": lexicon, "whisker_low": stats["whislo"],
            "q1": stats["q1"], "median": stats["med"], "q3": stats["q3"],
            "whisker_high": stats["whishi"], "n_beyond_whiskers": len(stats["fliers"]),
            "fliers": stats["fliers"],
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
    """Horizontal boxes from precomputed statistics: hollow plain, filled domain,
    the scores beyond the whiskers as small hollow circles, the mean
    (``mean_compound``) as a diamond on its interval (``ci_low``, ``ci_high``),
    hollow for the plain lexicon and filled for the domain one, as the boxes.

    The median line takes the outlet's colour, or black or white, whichever
    reads better, on a filled box of non-zero width."""
    row = stats["outlet"].map({o: i for i, o in enumerate(outlets)})
    shift = stats["lexicon"].map({lexicons[0]: -0.2, lexicons[1]: 0.2})
    y = (row + shift).to_numpy()
    boxes = [
        {"med": s.median, "q1": s.q1, "q3": s.q3, "whislo": s.whisker_low,
         "whishi": s.whisker_high, "fliers": s.fliers}
        for s in stats.itertuples()
    ]
    artists = ax.bxp(
        boxes, positions=y.tolist(), widths=0.34, orientation="horizontal",
        patch_artist=True, showmeans=False, showfliers=True, manage_ticks=False,
        medianprops={"color": "black", "linewidth": 1.0},
        flierprops={"marker": "o", "markersize": 2.0, "markerfacecolor": "none",
                    "markeredgewidth": 0.5},
    )
    for i, s in enumerate(stats.itertuples()):
        colour = colours[s.outlet]
        filled = s.lexicon == lexicons[1]
        artists["boxes"][i].set(facecolor=colour if filled else "white",
                                edgecolor=colour, linewidth=1.0)
        on_fill = filled and s.q3 > s.q1
        artists["medians"][i].set(color=_text_colour_on(colour) if on_fill else colour)
        artists["fliers"][i].set(markeredgecolor=colour)
        for part in ("whiskers", "caps"):
            for line in artists[part][2 * i:2 * i + 2]:
                line.set(color=colour, linewidth=1.0)
    halo = [patheffects.withStroke(linewidth=2.6, foreground="white")]
    bars = stats["ci_low"].notna() & stats["ci_high"].notna()
    ax.hlines(y[bars], stats.loc[bars, "ci_low"], stats.loc[bars, "ci_high"], colors="black",
              linewidth=1.4, zorder=4, path_effects=halo)
    for lexicon, face, edge in ((lexicons[0], "white", "black"), (lexicons[1], "black", "white")):
        own = (stats["lexicon"] == lexicon).to_numpy()
        ax.scatter(stats.loc[own, "mean_compound"], y[own], marker="D", s=16, facecolors=face,
                   edgecolors=edge, linewidths=0.8, zorder=5)


def _dendrogram(ax: Axes, linkage: np.ndarray, *, method: str) -> None:
    """The clustering tree over the heatmap's columns, leaves aligned with them."""
    tree = hierarchy.dendrogram(linkage, ax=ax, orientation="top", no_labels=True,
                                link_color_func=lambda _: "0.35")
    for lines in ax.collections:
        lines.set_linewidth(0.8)
    ax.set_xlim(0, 10 * (len(linkage) + 1))
    height = max(max(d) for d in tree["dcoord"])
    ax.set_ylim(0, 1.05 * height if height > 0 else 1.0)
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(3))
    ax.tick_params(axis="y", labelsize=_small_font(), length=2, pad=1)
    ax.tick_params(axis="x", bottom=False, labelbottom=False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_ylabel("Height\n(1 − cosine)", fontsize=_small_font(), rotation=0, ha="right",
                  va="center")
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
        raise NotComputable("plot_similarity: need at least two outlets to cluster; this "
                            f"table has {len(outlets)}")
    matrix = both.pivot(index="outlet_a", columns="outlet_b", values="cosine").reindex(
        index=outlets, columns=outlets)
    for i in range(len(outlets)):
        matrix.iat[i, i] = 1.0 if pd.isna(matrix.iat[i, i]) else matrix.iat[i, i]
    if matrix.isna().any().any():
        a, b = next((a, b) for a in outlets for b in outlets if pd.isna(matrix.at[a, b]))
        raise ValueError(f"plot_similarity: no cosine for the pair {a!r}, {b!r}")
    return matrix
