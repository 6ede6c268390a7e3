"""Run the notebook suite on a batch: ``sourcebias report`` and ``make report``.

The report folder holds ``data/`` (the annotated tables as Parquet),
``notebooks/`` (each executed notebook as ``.ipynb`` and ``.html``),
``figures/``, ``tables/`` and ``provenance.json``. Each notebook reads the
Parquet tables, so the batch is read and annotated once per report.

A report is never left half written: it is built in a hidden folder beside the
target (``.<name>.partial-<pid>``) and moved into place only when every
notebook has run; an interrupted run removes that folder, and one that was
killed leaves it for the next run into the same place to remove. A lock file
beside the target (``.<name>.lock``) lets only one run at a time write there.
The cache is the ``.cache`` folder beside the report, as for ``analyze``.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from jinja2 import DictLoader
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from traitlets import default
from traitlets.config import Config

from sourcebias.config import (
    DEFAULT_FURNITURE,
    DEFAULT_PACK,
    DEFAULT_SEGMENT_RULES,
    NOTEBOOK_DIR,
    PROJECT_ROOT,
    TARGET_CUES,
    pack_valence,
)
from sourcebias.figures.export import write_provenance
from sourcebias.files import atomic_path, folder_lock
from sourcebias.run.analysis import analyze

#: Parameters of the notebooks that are paths; passed relative to the notebook's folder.
PATH_PARAMETERS = ("batch", "out_dir", "data_dir", "lexicons")
#: Rule files besides the lexicon pack that change results; their hashes go into provenance.
RULE_FILES = {
    "furniture": DEFAULT_FURNITURE,
    "segment": DEFAULT_SEGMENT_RULES,
    "target_cues": TARGET_CUES,
}


class _QuietShutdownKernelManager(AsyncKernelManager):
    """The kernel manager of each notebook run.

    It starts the kernel with CurveZMQ keys where its kernelspec supports them,
    so that code and outputs do not cross the local sockets in plain text.

    It does not interrupt the kernel when shutting it down. papermill asks
    the kernel for its ``kernel_info`` after the last cell and shuts it down as
    soon as the reply arrives; jupyter_client's graceful shutdown starts with a
    SIGINT; ipykernel sends the reply from inside its message handler and
    only afterwards goes back to ignoring SIGINT, so the signal lands in the
    end of that handler and the kernel logs ``KeyboardInterrupt caught in
    kernel.``, although nothing was running (more often on a loaded machine
    and with CurveZMQ, which slow the handler down). After the last cell there
    is nothing to interrupt; a kernel that does not stop within
    ``shutdown_wait_time`` is still terminated, then killed.
    """

    @default("transport_encryption")
    def _encrypt_when_supported(self) -> str:
        return "auto"

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


class NotebookFailed(RuntimeError):
    """A notebook of the suite raised; the message names the notebook and the cell."""




@dataclass
class ReportResult:
    """What a report run wrote, and which notebooks failed."""

    out: Path
    executed: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every notebook ran to the end."""
        return not self.failures


def list_notebooks(notebooks: str | Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks of the suite, in their numbered order."""
    found = sorted(Path(notebooks).glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise FileNotFoundError(f"{notebooks}: no numbered notebooks (NN_name.ipynb) found")
    return found


def _failure_message(notebook: Path, error: papermill.PapermillExecutionError) -> str:
    return (
        f"{notebook.name}: cell {error.exec_count} raised {error.ename}: {error.evalue} "
        f"(the executed copy with the traceback is in the report's notebooks/ folder)"
    )


#: The HTML copy: JupyterLab's look with no script fetched from the internet (no widget
#: manager, require.js, MathJax or Mermaid), so it reads the same offline.
_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
#: Output formats the HTML copy prefers: a picker's static view (``text/html``) before its
#: live widget, which needs a kernel.
_OFFLINE_PRIORITY = [
    "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/latex",
    "application/pdf", "text/plain",
]


def offline_html(notebook: nbformat.NotebookNode) -> str:
    """An executed notebook as one self-contained HTML page.

    Figures are embedded, and every output that has a static form shows it: a
    picker (:func:`sourcebias.browse`) shows its unfiltered table rather than a
    blank widget. The page loads no script from the internet.
    """
    exporter = HTMLExporter(
        config=Config({"NbConvertBase": {"display_data_priority": _OFFLINE_PRIORITY}}),
        extra_loaders=[DictLoader({"offline.html.j2": _OFFLINE_TEMPLATE})],
        template_file="offline.html.j2", embed_images=True)
    return exporter.from_notebook_node(notebook)[0]


def _relative(path: str | Path, start: Path) -> str:
    """``path`` relative to ``start``, as a notebook run from ``start`` reads it."""
    return os.path.relpath(Path(path).resolve(), start.resolve())


def _replace_in_outputs(notebook: nbformat.NotebookNode, replacements: dict[str, str]) -> None:
    """Replace absolute local folders in every output by short names, in place.

    A folder is replaced where it starts a path (not inside a relative path
    that happens to pass through it).
    """
    pattern = re.compile("|".join(rf"(?<![\w./~-]){re.escape(old)}(?![\w.-])"
                                  for old in sorted(replacements, key=len, reverse=True)))

    def scrub(value: object) -> object:
        if isinstance(value, str):
            return pattern.sub(lambda m: replacements[m.group(0)], value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        return value

    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(scrub(output)) for output in cell.outputs]


def run_notebook(notebook: Path, *, out: Path, parameters: dict) -> Path:
    """Execute one notebook with papermill and write it as ``.ipynb`` and ``.html``.

    The notebook runs in ``out/notebooks/``, where its copies go, and path
    parameters are passed relative to that folder, so that the copies hold no
    absolute local path and the executed ``.ipynb`` runs again where it lies.
    The report folder, the project checkout, the Python environment and the
    home folder are replaced by short names (``<report>``, ``<sourcebias>``,
    ``<python>``, ``~``) wherever an output names them (a warning naming a
    file, say).

    Parameters
    ----------
    notebook : Path
        The notebook to run (it is not modified).
    out : Path
        The report folder; the copies go to ``out/notebooks/``.
    parameters : dict
        Values for the notebook's ``parameters`` cell. The path parameters
        (``batch``, ``out_dir``, ``data_dir``, ``lexicons``) may be absolute.

    Returns
    -------
    Path
        The executed ``.ipynb``.

    Raises
    ------
    NotebookFailed
        When a cell raises; the executed copy, with the traceback, is still written.
    """
    target = out / "notebooks" / notebook.name
    target.parent.mkdir(parents=True, exist_ok=True)
    here = target.parent
    relative = {key: _relative(value, here) if key in PATH_PARAMETERS and value else value
                for key, value in parameters.items()}
    failure = None
    with atomic_path(target) as tmp:
        try:
            papermill.execute_notebook(
                str(notebook), str(tmp), parameters=relative, cwd=str(here),
                progress_bar=False, kernel_name="python3",
                kernel_manager_class=_QuietShutdownKernelManager,
            )
        except papermill.PapermillExecutionError as error:
            failure = _failure_message(notebook, error)
        executed = nbformat.read(tmp, as_version=4)
        if "papermill" in executed.metadata:
            executed.metadata.papermill.update(input_path=notebook.name, output_path=target.name)
        _replace_in_outputs(executed, {
            str(out.resolve()): "<report>", str(PROJECT_ROOT): "<sourcebias>",
            sys.prefix: "<python>", str(Path.home()): "~"})
        nbformat.write(executed, tmp)
    with atomic_path(target.with_suffix(".html")) as tmp:
        tmp.write_text(offline_html(executed), encoding="utf-8")
    if failure:
        raise NotebookFailed(failure)
    return target


def run_report(
    batch: str | Path,
    *,
    out: str | Path,
    notebooks: str | Path = NOTEBOOK_DIR,
    read_options: dict | None = None,
    lexicons: str | Path | None = None,
    command: str | None = None,
) -> ReportResult:
    """Analyse a batch and run every notebook of the suite on it.

    A failing notebook does not stop the others; its message is collected in
    :attr:`ReportResult.failures` and ``provenance.json`` records, for each
    notebook, whether it ran to the end. The report is built beside ``out`` and
    replaces it only when complete (see the module docstring).

    Parameters
    ----------
    batch : str or Path
        A batch folder or table file.
    out : str or Path
        The report folder (``reports/<batch name>`` from ``make report``).
    notebooks : str or Path
        The folder of numbered notebooks.
    read_options : dict, optional
        Passed to :func:`sourcebias.read_batch`.
    lexicons : str or Path, optional
        A lexicon pack folder; the package's default pack when not given.
    command : str, optional
        The command line, recorded in ``provenance.json``.

    Returns
    -------
    ReportResult

    Raises
    ------
    sourcebias.files.FolderBusy
        When another run is writing to ``out``.
    """
    out = Path(out)
    _check_target(out, batch)
    out.parent.mkdir(parents=True, exist_ok=True)
    suite = list_notebooks(notebooks)
    with folder_lock(out.parent / _hidden(out, "lock"), what=out):
        _clear_stale(out)
        building = out.parent / f"{_hidden(out, 'partial')}-{os.getpid()}"
        building.mkdir()
        try:
            result = _build(batch, building, suite=suite, read_options=read_options,
                            lexicons=lexicons, command=command, cache=out.parent / ".cache")
            _move_into_place(building, out)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return ReportResult(out=out,
                        executed=[out / path.relative_to(building) for path in result.executed],
                        failures=result.failures)


def _build(batch: str | Path, out: Path, *, suite: list[Path], read_options: dict | None,
           lexicons: str | Path | None, command: str | None, cache: Path) -> ReportResult:
    """Write the whole report into ``out``."""
    data_dir = out / "data"
    analysis = analyze(batch, out=data_dir, read_options=read_options, lexicons=lexicons,
                       cache=cache)
    parameters = {"batch": str(batch), "out_dir": str(out), "data_dir": str(data_dir),
                  "lexicons": str(lexicons) if lexicons else ""}
    result = ReportResult(out=out)
    outcomes = {}
    for number, notebook in enumerate(suite, start=1):
        print(f"[{number}/{len(suite)}] {notebook.name}", file=sys.stderr, flush=True)
        try:
            result.executed.append(run_notebook(notebook, out=out, parameters=parameters))
            outcomes[notebook.name] = {"succeeded": True}
        except NotebookFailed as failure:
            print(f"error: {failure}", file=sys.stderr, flush=True)
            result.failures.append(str(failure))
            outcomes[notebook.name] = {"succeeded": False, "error": str(failure)}
    pack = Path(lexicons or DEFAULT_PACK) / "pack.yaml"  # the notebooks' focus and prose
    write_provenance(
        out,
        inputs=analysis.articles[["doc_id", "source", "sha256"]],
        lexicons={**analysis.lexicons, "valence": pack_valence(lexicons),
                  **({"pack": pack} if pack.is_file() else {}), **RULE_FILES},
        parameters={"batch": str(batch), "read_options": read_options or {},
                    "lexicons": str(lexicons) if lexicons else "default pack",
                    "notebooks": [p.name for p in suite], "notebook_results": outcomes},
        command=command or "",
        outputs=sorted(path for folder in ("figures", "tables") if (out / folder).is_dir()
                       for path in (out / folder).rglob("*") if path.is_file()),
    )
    return result


def _check_target(out: Path, batch: str | Path) -> None:
    """Refuse a report folder that would replace the batch or a folder that is not a
    report: the finished report replaces ``out`` as a whole."""
    target, source = out.resolve(), Path(batch).resolve()
    if source == target or target in source.parents:
        raise ValueError(f"{out}: the batch {batch} is inside it, and a report replaces its "
                         "folder; write the report elsewhere")
    if target.is_dir() and any(target.iterdir()) and not any(
            (target / name).exists() for name in _REPORT_MARKS):
        raise ValueError(f"{out}: not empty and not a sourcebias report (it has none of "
                         f"{', '.join(_REPORT_MARKS)}), and a report replaces its folder as "
                         "a whole; give a new or empty folder")


#: What every report folder has; a folder with none of them is not replaced.
_REPORT_MARKS = ("provenance.json", "data", "notebooks")


def _hidden(out: Path, kind: str) -> str:
    """The name of a hidden file or folder of ``kind`` that belongs to the report ``out``."""
    return f".{out.name}.{kind}"


def _clear_stale(out: Path) -> None:
    """Remove what runs into ``out`` that were killed left beside it (run under the lock,
    so no live run owns any of it)."""
    for pattern in ("partial-*", "old-*"):
        for stale in out.parent.glob(f"{_hidden(out, pattern)}"):
            shutil.rmtree(stale, ignore_errors=True)


def _move_into_place(building: Path, out: Path) -> None:
    """Replace ``out`` by the finished report ``building``: the old report is moved aside
    first, so ``out`` is always either the old report or the new one."""
    old = out.parent / f"{_hidden(out, 'old')}-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(building, out)
    shutil.rmtree(old, ignore_errors=True)
