"""The notebook suite, executed end to end as ``sourcebias report`` runs it."""

from __future__ import annotations

import asyncio
import json
import re
import signal
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from sourcebias.annotate.lexicon import read_pack
from sourcebias.config import NOTEBOOK_DIR, PROJECT_ROOT, SEED_BATCH
from sourcebias.run.analysis import analyze
from sourcebias.run.report import (
    _QuietShutdownKernelManager,
    list_notebooks,
    run_notebook,
    run_report,
)
from sourcebias.run.store import write_tables

pytestmark = pytest.mark.notebooks

#: Figures every report holds, whatever the batch (keyness figures are per outlet).
EXPECTED_FIGURES = (
    "voice_share", "category_heatmap", "category_rates_narrator", "focus_term_heatmap",
    *(f"labels_{actor}" for actor in read_pack().focus_actors[:2]), "sentence_sentiment",
    "actor_sentiment", "actor_tone_narrator", "outlet_similarity", "voice_rates",
    "source_shares_all",
)
EXPECTED_TABLES = (
    "articles", "pack_fit", "pack_aliases", "outlet_summary", "removed_text", "excluded_inputs",
    "category_rates",
    "focus_term_rates", "kwic_terms", "headline_terms", "labels_narrator", "labels_quoted",
    "focus_term_voice", "kwic_actors", "outlet_sentiment", "actor_sentiment_narrator",
    "keyness", "outlet_similarity", "near_duplicates", "classification_scores",
    "classification_terms", "voice_rates", "source_shares", "source_terms", "actor_tone",
    "target_model_validation", "attribution_validation",
)


def _assert_report_complete(out: Path, *, outlets: int) -> None:
    for name in EXPECTED_FIGURES:
        for suffix in (".pdf", ".svg", ".png", ".csv"):
            path = out / "figures" / f"{name}{suffix}"
            assert path.is_file() and path.stat().st_size > 0, f"missing or empty: {path}"
        assert len(pd.read_csv(out / "figures" / f"{name}.csv")) > 0
    for name in EXPECTED_TABLES:
        for suffix in (".csv", ".tex"):
            path = out / "tables" / f"{name}{suffix}"
            assert path.is_file() and path.stat().st_size > 0, f"missing or empty: {path}"
    keyness_figures = list((out / "figures").glob("keyness_*.png"))
    assert len(keyness_figures) == outlets
    for notebook in list_notebooks(NOTEBOOK_DIR):
        assert (out / "notebooks" / notebook.name).is_file()
        assert (out / "notebooks" / notebook.with_suffix(".html").name).stat().st_size > 0
    provenance = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["inputs"] and provenance["lexicons"]
    assert not list(out.rglob("*.tmp*")), "a temporary file was left behind"


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed-report")
    result = run_report(SEED_BATCH, out=out)
    assert result.ok, result.failures
    return out


@pytest.fixture(scope="module")
def venezuela_batch(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The allsides articles of 2019 that name Maduro or Guaidó: Western outlets, same story."""
    articles = pd.read_json(shared_data / "allsides" / "articles.jsonl.gz", lines=True)
    on_story = articles["content_original"].str.contains("Maduro|Guaid", regex=True)
    subset = articles[on_story & articles["date"].astype("str").str.startswith("2019")]
    path = tmp_path_factory.mktemp("venezuela") / "venezuela2019.jsonl"
    subset.to_json(path, orient="records", lines=True, force_ascii=False)
    return path


def test_committed_notebooks_have_no_outputs():
    for notebook in list_notebooks(NOTEBOOK_DIR):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), notebook
        tags = code[0]["metadata"].get("tags", [])
        assert "parameters" in tags, f"{notebook}: the first code cell is not the parameters cell"
        ids = [c.get("id") for c in cells]
        assert all(ids) and len(set(ids)) == len(ids), f"{notebook}: a cell lacks a unique id"


def test_seed_report_is_complete(seed_report: Path):
    _assert_report_complete(seed_report, outlets=5)


def test_seed_report_tables_say_who_uses_self_proclaimed(seed_report: Path):
    table = pd.read_csv(seed_report / "tables" / "focus_term_voice.csv")
    own = table[(table["term"] == "self_proclaimed") & table["own_voice"]]["outlet"]
    assert set(own) == {"Sputnik", "Pro-government blog"}


def _figure_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if c.cell_type == "code" and "write_figure(" in c.source]


def _images(cell: nbformat.NotebookNode) -> int:
    return sum("image/png" in output.get("data", {}) for output in cell.outputs)


def _says_not_computed(cell: nbformat.NotebookNode) -> bool:
    return any(output.get("name") == "stdout"
               and "Not computed for this batch: " in output.get("text", "")
               for output in cell.outputs)


def test_every_figure_a_cell_saves_is_shown_in_that_cell(seed_report: Path):
    shown = 0
    skipped = []
    for notebook in list_notebooks(NOTEBOOK_DIR):
        executed = nbformat.read(seed_report / "notebooks" / notebook.name, as_version=4)
        for cell in _figure_cells(executed):
            if _images(cell) == 0 and _says_not_computed(cell):
                skipped.append(cell.source)  # a sentence says why there is no figure
                continue
            assert _images(cell) >= 1, f"{notebook.name}: no figure shown by\n{cell.source}"
            shown += _images(cell)
    # the seed batch tells one story: no coverage matrix and no paired differences
    assert len(skipped) == 2 and all("story" in source for source in skipped)
    assert shown == len(list((seed_report / "figures").glob("*.png"))), "a figure shown twice"


def test_figures_show_again_when_cells_run_twice_in_one_kernel(seed_report: Path, tmp_path: Path):
    notebook = nbformat.read(NOTEBOOK_DIR / "02_loaded_terms.ipynb", as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    twice = tmp_path / "02_twice.ipynb"
    notebook.cells = [*code, *[nbformat.v4.new_code_cell(c.source) for c in code[1:]]]
    nbformat.write(notebook, twice)
    parameters = {"batch": str(SEED_BATCH), "out_dir": str(tmp_path / "out"),
                  "data_dir": str(seed_report / "data")}
    executed = nbformat.read(run_notebook(twice, out=tmp_path, parameters=parameters),
                             as_version=4)
    cells = _figure_cells(executed)
    assert len(cells) == 2 * len(_figure_cells(nbformat.read(
        NOTEBOOK_DIR / "02_loaded_terms.ipynb", as_version=4)))
    assert [_images(cell) for cell in cells] == [1] * len(cells)


def test_rerun_gives_identical_figures_and_tables(seed_report: Path, tmp_path: Path):
    notebook = NOTEBOOK_DIR / "02_loaded_terms.ipynb"
    parameters = {"batch": str(SEED_BATCH), "out_dir": str(tmp_path),
                  "data_dir": str(seed_report / "data")}
    run_notebook(notebook, out=tmp_path, parameters=parameters)
    rerun = sorted(p for p in tmp_path.glob("*/*") if p.parent.name in ("figures", "tables"))
    assert rerun
    for path in rerun:
        first = seed_report / path.parent.name / path.name
        assert path.read_bytes() == first.read_bytes(), f"{path.name} differs between runs"


def test_analysis_tables_are_byte_identical_on_rerun(tmp_path: Path):
    analysis = analyze(SEED_BATCH)
    write_tables(analysis, tmp_path / "one")
    write_tables(analyze(SEED_BATCH), tmp_path / "two")
    for first in sorted((tmp_path / "one").iterdir()):
        assert first.read_bytes() == (tmp_path / "two" / first.name).read_bytes(), first.name


def test_multi_outlet_report(venezuela_batch: Path, tmp_path: Path):
    read_options = {"text_column": "content_original", "outlet_column": "source_url",
                    "id_column": "ID"}
    result = run_report(venezuela_batch, out=tmp_path, read_options=read_options)
    assert result.ok, result.failures
    articles = pd.read_parquet(tmp_path / "data" / "articles.parquet")
    outlets = articles.loc[articles["duplicate_of"].isna(), "outlet"].nunique()
    assert outlets > 5
    _assert_report_complete(tmp_path, outlets=outlets)


def test_one_notebook_runs_to_self_contained_copies_without_local_paths(tmp_path: Path):
    """Notebook 3 (figures saved in a loop, a picker): its copies read offline, name no local
    folder, and show every figure a cell saves."""
    write_tables(analyze(SEED_BATCH), tmp_path / "data")
    notebook = NOTEBOOK_DIR / "03_actor_labels.ipynb"
    parameters = {"batch": str(SEED_BATCH), "out_dir": str(tmp_path),
                  "data_dir": str(tmp_path / "data"), "lexicons": ""}
    executed = run_notebook(notebook, out=tmp_path, parameters=parameters)
    page = executed.with_suffix(".html").read_text(encoding="utf-8")
    copy = executed.read_text(encoding="utf-8")
    for local in (str(tmp_path), str(PROJECT_ROOT), str(SEED_BATCH)):
        absolute = re.compile(rf"(?<![\w./]){re.escape(local)}")  # not inside a relative path
        assert not absolute.search(page) and not absolute.search(copy), f"{local} in the copies"
    assert not re.search(r"<script[^>]+src=", page), "the HTML loads a script"
    assert "pick in a live kernel" in page and "<table" in page
    cells = json.loads(copy)["cells"]
    saving = [c for c in cells
              if c["cell_type"] == "code" and "write_figure(" in "".join(c["source"])]
    assert saving
    for cell in saving:
        assert any("image/png" in o.get("data", {}) for o in cell["outputs"]), cell["source"]


def test_report_kernels_are_interrupted_on_request_but_not_when_shut_down():
    """jupyter_client's graceful shutdown starts with SIGINT, which ipykernel logs as
    "KeyboardInterrupt caught in kernel" when it lands in a message handler."""
    async def signals_sent() -> tuple[list[int], list[int]]:
        manager = _QuietShutdownKernelManager(kernel_name="python3")
        await manager.start_kernel()
        sent: list[int] = []
        signal_kernel = manager._async_signal_kernel

        async def record(signum: int) -> None:
            sent.append(signum)
            await signal_kernel(signum)

        manager._async_signal_kernel = record
        await manager.interrupt_kernel()
        on_request = list(sent)
        await manager.shutdown_kernel()
        return on_request, sent[len(on_request):]

    on_request, on_shutdown = asyncio.run(signals_sent())
    assert on_request == [signal.SIGINT]
    assert signal.SIGINT not in on_shutdown
