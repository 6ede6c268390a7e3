"""Run the notebook suite on a batch: ``sourcebias report`` and ``make report``.

The report folder holds ``data/`` (the annotated tables as Parquet),
``notebooks/`` (each executed notebook as ``.ipynb`` and ``.html``),
``figures/``, ``tables/`` and ``provenance.json``. Each notebook reads the
Parquet tables, so the batch is read and annotated once per report.
"""

from __future__ import annotations

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
from sourcebias.files import atomic_path
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
    :attr:`ReportResult.failures`, and what the other notebooks wrote stays valid.

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
    """
    out = Path(out)
    data_dir = out / "data"
    analysis = analyze(batch, out=data_dir, read_options=read_options, lexicons=lexicons)
    parameters = {"batch": str(Path(batch).resolve()), "out_dir": str(out.resolve()),
                  "data_dir": str(data_dir.resolve()),
                  "lexicons": str(Path(lexicons).resolve()) if lexicons else ""}
    result = ReportResult(out=out)
    suite = list_notebooks(notebooks)
    for number, notebook in enumerate(suite, start=1):
        print(f"[{number}/{len(suite)}] {notebook.name}", file=sys.stderr, flush=True)
        try:
            result.executed.append(run_notebook(notebook, out=out, parameters=parameters))
        except NotebookFailed as failure:
            print(f"error: {failure}", file=sys.stderr, flush=True)
            result.failures.append(str(failure))
    pack = Path(lexicons or DEFAULT_PACK) / "pack.yaml"  # the notebooks' focus and prose
    write_provenance(
        out,
        inputs=analysis.articles[["doc_id", "source", "sha256"]],
        lexicons={**analysis.lexicons, "valence": pack_valence(lexicons),
                  **({"pack": pack} if pack.is_file() else {}), **RULE_FILES},
        parameters={"batch": str(batch), "read_options": read_options or {},
                    "lexicons": str(lexicons) if lexicons else "default pack",
                    "notebooks": [p.name for p in suite]},
        command=command or "",
    )
    return result
