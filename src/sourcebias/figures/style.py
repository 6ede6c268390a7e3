"""Figures: tidy tables in, matplotlib objects out.

Every ``plot_*`` function takes the table a statistic returned as its first
argument and keyword-only options after it, and returns what it drew: an
:class:`~matplotlib.axes.Axes` for a single panel (``ax=`` in), or a
:class:`~matplotlib.figure.Figure` for figures of several panels (``fig=`` in).

Conventions shared by every figure:

* **One colour per outlet, or per outlet group.** :func:`outlet_palette`
  gives each outlet a colour-blind-safe colour over the sorted outlet names.
  Build it once for the whole batch and pass it as ``palette=``, so that an
  outlet keeps its colour in a figure where other outlets are absent. Without
  ``palette=`` the colours are assigned over the outlets of the table being
  drawn. A batch with more outlets than the palette has colours takes one
  colour per outlet group when given its groups
  (:func:`sourcebias.outlet_groups` reads the articles'
  ``outlet_group``) and they fit: outlets without a group take
  the neutral colour, and every figure drawing outlets in group colours names
  the groups in its legend. When the groups do not fit either, every outlet is
  drawn in one neutral colour (repeated colours would suggest groups that do
  not exist) and a warning says so.
* **Words, not ids.** Tables keep lexicon ids (``us_government``,
  ``self_proclaimed``, ``loyalty_betrayal``); figures show names. Every
  function takes ``names=``, a mapping from id or outlet to the text to show:
  a notebook passes ``ws.names``, and :func:`display_names` builds it from
  lexicons (an actor's ``name``, the pattern that spells a term's id). Plot
  functions never open lexicon files themselves: without ``names=`` they show
  the ``labels`` of the style file. A value named nowhere is shown with spaces
  for underscores, and an outlet without a leading ``www.``. The CSV beside a
  saved figure keeps the ids.
* **One signature.** Data first, then keyword-only options, as in seaborn.
  A single-panel figure takes ``ax=None`` and returns the Axes it drew on. A
  figure of several panels laid out together (heatmaps per voice, small
  multiples, the clustered matrix with its tree) takes ``fig=None`` (an empty
  Figure to draw into) and returns the Figure.
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
  :func:`sourcebias.write_figure` writes it as CSV beside the figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
import seaborn as sns
import yaml
from matplotlib.textpath import TextToPath

from sourcebias.config import DEFAULT_STYLE

#: The figure style every function reads unless ``figure_style(style=...)`` names another.


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


def read_style(path: str | Path | None = None) -> dict[str, Any]:
    """Read a figure style YAML file.

    Parameters
    ----------
    path : str or Path, optional
        The style file; default :data:`DEFAULT_STYLE` (``data/style.yaml``).

    Returns
    -------
    dict
        The style: palette name, colour maps, fonts, column widths, row
        heights, display labels and extra rcParams.
    """
    path = Path(path) if path is not None else DEFAULT_STYLE
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


@cache
def _default_style() -> dict[str, Any]:
    """The default style file, read once per process."""
    return read_style()


def current_style() -> dict[str, Any]:
    """The style of the enclosing ``figure_style`` block, else the default file
    (read once and kept; treat the returned dict as read-only)."""
    return _ACTIVE_STYLE.get() or _default_style()


@contextmanager
def figure_style(
    context: str = "paper", *, style: str | Path | None = None
) -> Iterator[dict[str, Any]]:
    """Apply the figure style inside a ``with`` block, and only there.

    Combines seaborn's axes style and plotting ``context`` (scaled by the
    style's ``font_scale`` for that context), the style's fonts and its extra
    rcParams, through :func:`matplotlib.rc_context`. Figures must be created
    inside the block to take the style. Interactive mode is left as the block
    found it or as code inside it set it (a Jupyter kernel switches it on when
    its first figure is drawn), so figures keep showing after the block.

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
    loaded = read_style(style) if style is not None else _default_style()
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
    interactive = mpl.is_interactive()
    try:
        with mpl.rc_context(rc):
            try:
                yield loaded
            finally:
                # A Jupyter kernel switches interactive mode on when the first
                # figure is drawn; rc_context would switch it back off on exit.
                interactive = mpl.is_interactive()
    finally:
        _ACTIVE_STYLE.reset(token)
        mpl.interactive(interactive)


def column_width(width: str | float) -> float:
    """Figure width in inches: ``"single"``, ``"double"`` (from the style) or a number."""
    if isinstance(width, str):
        widths = current_style()["width_in"]
        if width not in widths:
            raise ValueError(f"width {width!r} unknown; use one of {', '.join(widths)} or inches")
        return float(widths[width])
    return float(width)
