"""The figure style: sizes, fonts and colours from ``style.yaml``, applied in a context."""

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
