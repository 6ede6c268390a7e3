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
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from traitlets import default

from sourcebias.config import (
    DEFAULT_FURNITURE,
    DEFAULT_PACK,
    DEFAULT_SEGMENT_RULES,
    NOTEBOOK_DIR,
    pack_valence,
)
from sourcebias.figures.export import write_provenance
from sourcebias.files import atomic_path, folder_lock
from sourcebias.run.analysis import analyze

#: Rule files besides the lexicon pack that change results; their hashes go into provenance.
RULE_FILES = {
    "furniture": DEFAULT_FURNITURE,
    "segment": DEFAULT_SEGMENT_RULES,
}


class _EncryptedKernelManager(AsyncKernelManager):
    """Starts each notebook's kernel with CurveZMQ keys where its kernelspec supports
    them, so that code and outputs do not cross the local sockets in plain text."""

    @default("transport_encryption")
    def _encrypt_when_supported(self) -> str:
        return "auto"


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


def run_notebook(notebook: Path, *, out: Path, parameters: dict) -> Path:
    """Execute one notebook with papermill and write it as ``.ipynb`` and ``.html``.

    Parameters
    ----------
    notebook : Path
        The notebook to run (it is not modified).
    out : Path
        The report folder; the copies go to ``out/notebooks/``.
    parameters : dict
        Values for the notebook's ``parameters`` cell.

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
    failure = None
    with atomic_path(target) as tmp:
        try:
            papermill.execute_notebook(
                str(notebook), str(tmp), parameters=parameters, cwd=str(notebook.parent),
                progress_bar=False, kernel_name="python3",
                kernel_manager_class=_EncryptedKernelManager,
            )
        except papermill.PapermillExecutionError as error:
            failure = _failure_message(notebook, error)
    executed = nbformat.read(target, as_version=4)
    html, _ = HTMLExporter().from_notebook_node(executed)
    with atomic_path(target.with_suffix(".html")) as tmp:
        tmp.write_text(html, encoding="utf-8")
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
    parameters = {"batch": str(Path(batch).resolve()), "out_dir": str(out.resolve()),
                  "data_dir": str(data_dir.resolve()),
                  "lexicons": str(Path(lexicons).resolve()) if lexicons else ""}
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
