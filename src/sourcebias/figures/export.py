"""Write figures, tables and provenance for papers, the same bytes on every rerun.

Figures go out as PDF (TrueType fonts), SVG and PNG with the CSV of the numbers
they show; tables as CSV and booktabs LaTeX; a run's inputs, lexicons,
versions, parameters and command as ``provenance.json``. No file carries a
timestamp, so rerunning on the same inputs reproduces every byte.

Every file is written atomically (:func:`atomic_path`): to a temporary file in
the same folder, then moved into place with :func:`os.replace`. An interrupted
run leaves the old file or the new one, never half a file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import shlex
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import sourcebias
from sourcebias.figures.style import column_width, current_style
from sourcebias.files import atomic_path

#: rcParams every saved figure gets, whatever style it was drawn in: TrueType
#: fonts in PDF and PostScript, glyphs as paths and fixed ids in SVG.
SAVE_RC = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "sourcebias",
}


#: Per-format metadata: no creation dates, so reruns give identical bytes.
_METADATA = {
    "pdf": {"CreationDate": None},
    "svg": {"Date": None},
    "png": {},
}


def write_figure(
    fig: Figure | Any,
    name: str,
    *,
    out_dir: str | Path,
    data: pd.DataFrame | None = None,
    width: str | float | None = None,
    height: float | None = None,
) -> dict[str, Path]:
    """Write a figure as PDF, SVG and PNG, with the CSV of the numbers it shows.

    Parameters
    ----------
    fig : Figure, Axes or seaborn grid
        What a ``plot_*`` function returned, or any matplotlib figure.
    name : str
        File name without extension.
    out_dir : str or Path
        Folder to write to; created when missing.
    data : pandas.DataFrame, optional
        The numbers the figure shows, written as ``name.csv``; default the
        table the ``plot_*`` function recorded (see
        :func:`sourcebias.figures.export.plotted_data`).
    width : "single", "double" or float, optional
        Resize to a journal column (widths from ``data/style.yaml``: 3.5 and
        7.2 inches) or to inches; default keep the figure's width.
    height : float, optional
        Height in inches; default keep the figure's height.

    Returns
    -------
    dict of str to Path
        The written files by format: ``pdf``, ``svg``, ``png``, ``csv``.

    Notes
    -----
    PDF embeds TrueType (Type 42) fonts, PNG is rendered at the style's
    ``dpi`` (300), and no format records a date. Figures without a layout
    engine (a clustermap) are not re-laid out when resized: size them when
    drawing.
    """
    _check_name(name)
    figure = _figure_of(fig)
    table = plotted_data(figure) if data is None else data
    _resize(figure, width, height)
    out_dir = _folder(out_dir)
    dpi = current_style()["dpi"]
    paths = {}
    with mpl.rc_context(SAVE_RC):
        for fmt, fixed in _METADATA.items():
            content = _render(figure, fmt=fmt, dpi=dpi, metadata={**fixed, "Title": name})
            paths[fmt] = _write_atomically(out_dir / f"{name}.{fmt}", content)
    paths["csv"] = _write_atomically(out_dir / f"{name}.csv", _csv_bytes(table))
    return paths


def write_table(
    table: pd.DataFrame,
    name: str,
    *,
    out_dir: str | Path,
    caption: str | None = None,
    label: str | None = None,
    float_format: str | Callable[[float], str] = "{:.3f}",
) -> dict[str, Path]:
    """Write a table as CSV (full precision) and as a booktabs LaTeX table.

    Parameters
    ----------
    table : pandas.DataFrame
        The table; its index is not written.
    name : str
        File name without extension.
    out_dir : str or Path
        Folder to write to; created when missing.
    caption : str, optional
        LaTeX caption, written as given (escape it yourself). With a caption
        or a label the tabular is wrapped in a ``table`` environment.
    label : str, optional
        LaTeX label, e.g. ``"tab:term-rates"``.
    float_format : str or callable
        Format of float cells in LaTeX (a ``str.format`` pattern or a
        function). The CSV keeps every digit.

    Returns
    -------
    dict of str to Path
        The written files: ``csv`` and ``tex``.

    Notes
    -----
    Text cells and column names are LaTeX-escaped (``&``, ``%``, ``_`` ...);
    missing values are written as ``--``. Numeric columns are right-aligned.
    The LaTeX needs ``\\usepackage{booktabs}``.
    """
    _check_name(name)
    out_dir = _folder(out_dir)
    flat = table.reset_index(drop=True)
    latex = _latex(flat, caption=caption, label=label, float_format=float_format)
    return {
        "csv": _write_atomically(out_dir / f"{name}.csv", _csv_bytes(flat)),
        "tex": _write_atomically(out_dir / f"{name}.tex", latex.encode("utf-8")),
    }


def write_provenance(
    out_dir: str | Path,
    *,
    inputs: pd.DataFrame | Iterable[str | Path],
    lexicons: Mapping[str, str | Path] | Iterable[str | Path],
    parameters: Mapping[str, Any],
    command: str | Sequence[str],
    outputs: Iterable[str | Path] = (),
) -> Path:
    """Write ``provenance.json``: what a run read, with what, and how.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write to; created when missing.
    inputs : pandas.DataFrame or iterable of paths
        An ``articles`` table (its ``doc_id`` or ``source``, and ``sha256`` of
        the raw bytes, are digested) or input files and folders (hashed here).
    lexicons : mapping of name to path or description, or iterable of paths
        Lexicon files or folders (hashed here), or by name the description a
        loaded lexicon gives (a mapping with ``sha256``, e.g.
        :meth:`sourcebias.annotate.lexicon.Lexicon.describe`), recorded as given.
    parameters : mapping
        The run's parameters (JSON-serialisable; paths and numpy scalars are
        converted).
    command : str or sequence of str
        The command or notebook call that produced the outputs.
    outputs : iterable of paths, optional
        Files the run wrote inside ``out_dir`` (figures, tables), recorded by
        their path relative to ``out_dir`` with their SHA-256, so that a file
        rewritten later can be told apart (see :func:`record_changed_outputs`).

    Returns
    -------
    Path
        The written ``provenance.json``.

    Notes
    -----
    A file's hash is the SHA-256 of its bytes. A folder's hash is the SHA-256
    of the sorted lines ``relative/path<TAB>sha256`` of its files, and an
    articles table's that of its sorted lines ``doc_id<TAB>sha256`` (``source``
    when there is no ``doc_id``). Versions
    are the package's, Python's and those of every dependency the package
    declares. Keys are sorted and nothing is time-dependent, so rerunning on
    the same inputs writes the same bytes.
    """
    record = {
        "command": command if isinstance(command, str) else shlex.join(map(str, command)),
        "inputs": _inputs_record(inputs),
        "lexicons": _paths_record(lexicons),
        "parameters": dict(parameters),
        "versions": _versions(),
    }
    folder = _folder(out_dir)
    if outputs:
        record["outputs"] = {_relative(Path(path), folder): _sha256(Path(path))
                             for path in outputs}
    return _write_record(folder / "provenance.json", record)


def record_changed_outputs(out_dir: str | Path, paths: Iterable[str | Path]) -> None:
    """Note in ``provenance.json`` the outputs rewritten after the run it describes.

    A figure or table saved again (a notebook rerun by hand with other
    settings) no longer matches the record of the run that wrote the report.
    Each such file is listed under ``changed_since_run`` with its new SHA-256,
    and drops off the list when its bytes are those the run recorded again.
    Nothing is done when ``out_dir`` has no ``provenance.json`` (a report
    being built, or a folder of loose figures).

    Parameters
    ----------
    out_dir : str or Path
        The folder holding ``provenance.json``.
    paths : iterable of paths
        Files just written inside ``out_dir``.
    """
    folder = Path(out_dir)
    provenance = folder / "provenance.json"
    if not provenance.is_file():
        return
    record = json.loads(provenance.read_text(encoding="utf-8"))
    recorded = record.get("outputs", {})
    changed = dict(record.get("changed_since_run", {}))
    for path in map(Path, paths):
        name, digest = _relative(path, folder), _sha256(path)
        if recorded.get(name) == digest:
            changed.pop(name, None)
        else:
            changed[name] = digest
    record.pop("changed_since_run", None)
    if changed:
        record["changed_since_run"] = changed
    _write_record(provenance, record)


def _relative(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder``, with forward slashes."""
    return path.resolve().relative_to(folder.resolve()).as_posix()


def _write_record(path: Path, record: Mapping[str, Any]) -> Path:
    """Write a provenance record as sorted, indented JSON (the same bytes for the same record)."""
    text = json.dumps(record, sort_keys=True, indent=2, ensure_ascii=False, default=_json_value)
    return _write_atomically(path, (text + "\n").encode("utf-8"))


def _check_name(name: str) -> None:
    if not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"file name {name!r} must be a plain name without folders or extension")


def _folder(out_dir: str | Path) -> Path:
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_atomically(path: Path, content: bytes) -> Path:
    """Write ``content`` to ``path`` through :func:`atomic_path`."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(content)
    return path


def _resize(figure: Figure, width: str | float | None, height: float | None) -> None:
    """Set the figure's size; ``None`` keeps that dimension."""
    if width is None and height is None:
        return
    if figure.get_layout_engine() is None:
        warnings.warn(
            "resizing a figure without a layout engine does not re-lay it out; "
            "size it when drawing instead",
            stacklevel=3,
        )
    current_width, current_height = figure.get_size_inches()
    figure.set_size_inches(
        column_width(width) if width is not None else current_width,
        height if height is not None else current_height,
    )


def _render(figure: Figure, *, fmt: str, dpi: float, metadata: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def _csv_bytes(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _latex(
    table: pd.DataFrame,
    *,
    caption: str | None,
    label: str | None,
    float_format: str | Callable[[float], str],
) -> str:
    """Booktabs LaTeX of ``table`` with escaped text and formatted floats."""
    floats = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
    others = [c for c in table.columns if c not in floats]
    styler = table.style.hide(axis="index").format_index(escape="latex", axis="columns")
    if floats:
        styler = styler.format(float_format, subset=floats, na_rep="--")
    if others:
        styler = styler.format(subset=others, na_rep="--", escape="latex")
    numeric = {
        c for c in table.columns
        if pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
    }
    return styler.to_latex(
        hrules=True,
        caption=caption,
        label=label,
        position_float="centering" if caption or label else None,
        column_format="".join("r" if c in numeric else "l" for c in table.columns),
    )


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _digest(lines: Iterable[str]) -> str:
    return hashlib.sha256("".join(f"{line}\n" for line in sorted(lines)).encode()).hexdigest()


def _path_record(path: Path) -> dict[str, Any]:
    """SHA-256 of a file, or of a folder's sorted ``relative path<TAB>sha256`` lines."""
    if path.is_file():
        return {"sha256": _sha256(path)}
    if path.is_dir():
        files = [
            Path(root, name)
            for root, _, names in os.walk(path, followlinks=True) for name in names
        ]
        lines = [f"{p.relative_to(path).as_posix()}\t{_sha256(p)}" for p in files]
        return {"files": len(files), "sha256": _digest(lines)}
    raise FileNotFoundError(f"{path}: not found; provenance needs every input and lexicon path")


def _paths_record(paths: Mapping[str, Any] | Iterable[str | Path]) -> dict[str, Any]:
    """Hash records by name (a path's name is the path as given)."""
    named = paths.items() if isinstance(paths, Mapping) else ((p, p) for p in paths)
    return {
        Path(key).as_posix(): _described(value) if isinstance(value, Mapping)
        else _path_record(Path(value))
        for key, value in named
    }


def _described(description: Mapping[str, Any]) -> dict[str, str]:
    """A lexicon's own description, which must carry its ``sha256``."""
    if "sha256" not in description:
        raise ValueError(
            f"lexicon description {dict(description)!r} has no sha256; pass the lexicon's "
            "path or its describe()"
        )
    return {str(k): str(v) for k, v in description.items()}


def _inputs_record(inputs: pd.DataFrame | Iterable[str | Path]) -> dict[str, Any]:
    if not isinstance(inputs, pd.DataFrame):
        return _paths_record(inputs)
    key = "doc_id" if "doc_id" in inputs.columns else "source"
    missing = [c for c in (key, "sha256") if c not in inputs.columns]
    if missing:
        raise ValueError(
            f"inputs: the articles table lacks column(s) {', '.join(missing)} "
            "(it needs doc_id or source, and sha256)"
        )
    unhashed = inputs.loc[inputs["sha256"].isna(), key]
    if len(unhashed):
        raise ValueError(
            f"inputs: {len(unhashed)} article(s) have no sha256 (first: {unhashed.iloc[0]}); "
            "read the batch with sourcebias.read_batch"
        )
    lines = inputs[key].astype(str) + "\t" + inputs["sha256"].astype(str)
    return {"articles": {"n": len(inputs), "sha256": _digest(lines)}}


def _versions() -> dict[str, str]:
    """Versions of sourcebias, Python and every dependency the package declares."""
    try:
        requirements = metadata.requires("sourcebias") or []
    except metadata.PackageNotFoundError:
        raise RuntimeError(
            "sourcebias is not installed, so its dependencies are unknown; run `make` "
            "or `pip install -e .` in the project folder"
        ) from None
    names = [
        re.match(r"[A-Za-z0-9._-]+", requirement).group()
        for requirement in requirements if "extra ==" not in requirement
    ]
    versions = {"sourcebias": sourcebias.__version__, "python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _json_value(value: Any) -> Any:
    """JSON form of the parameter types JSON does not know."""
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(
        f"parameter value {value!r} ({type(value).__name__}) cannot be written to "
        "provenance.json; pass strings, numbers, booleans, lists or dicts"
    )


#: Name of the Axes attribute holding the table a plot function drew.
DATA_ATTR = "sourcebias_data"


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
