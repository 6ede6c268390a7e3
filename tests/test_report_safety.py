"""A report run never leaves half a report: it is built beside its folder and moved into
place, interrupted runs leave the old report, killed runs' leftovers are cleared, two runs
cannot write the same folder, and what a batch cannot give is said, not raised."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

import sourcebias as sb
from sourcebias.cli import main
from sourcebias.config import NOTEBOOK_DIR, PROJECT_ROOT
from sourcebias.files import FolderBusy, atomic_path, clear_stale, folder_lock
from sourcebias.run import report as report_module
from sourcebias.run.report import list_notebooks, run_report

SEEDS = sorted((PROJECT_ROOT / "seeds").glob("0*.txt"))

PARAMETERS = "batch = None\nout_dir = None\ndata_dir = None\nlexicons = None"


def notebook(folder, name: str, code: str) -> None:
    cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell(code)]
    book = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.write(book, folder / name)


@pytest.fixture
def suite(tmp_path):
    """Two small notebooks: one writes a file into the report, one fails."""
    folder = tmp_path / "suite"
    folder.mkdir()
    notebook(folder, "01_writes.ipynb",
             "from pathlib import Path\n(Path(out_dir) / 'made.txt').write_text('made')")
    notebook(folder, "02_fails.ipynb", "raise RuntimeError('no luck')")
    return folder


@pytest.fixture
def batch(tmp_path):
    folder = tmp_path / "batch" / "voa"
    folder.mkdir(parents=True)
    for path in SEEDS[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder.parent


def test_the_report_is_moved_into_place_with_each_notebooks_outcome(tmp_path, suite, batch):
    out = tmp_path / "reports" / "b"
    result = run_report(batch, out=out, notebooks=suite)
    assert (out / "made.txt").read_text() == "made"
    assert [p.name for p in result.executed] == ["01_writes.ipynb"]
    assert result.executed[0].parent == out / "notebooks" and result.executed[0].is_file()
    assert len(result.failures) == 1 and "02_fails.ipynb" in result.failures[0]
    provenance = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    outcomes = provenance["parameters"]["notebook_results"]
    assert outcomes["01_writes.ipynb"] == {"succeeded": True}
    assert outcomes["02_fails.ipynb"]["succeeded"] is False
    assert "no luck" in outcomes["02_fails.ipynb"]["error"]
    assert sorted(p.name for p in out.parent.iterdir()) == [".b.lock", ".cache", "b"]
    assert not list(out.rglob("*.tmp*"))


def test_an_interrupted_run_leaves_the_old_report_and_no_partial_folder(
        tmp_path, suite, batch, monkeypatch):
    out = tmp_path / "reports" / "b"
    run_report(batch, out=out, notebooks=suite)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report_module, "run_notebook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_report(batch, out=out, notebooks=suite)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(out.parent.glob(".b.partial-*"))


def test_ctrl_c_prints_one_line(tmp_path, batch, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report_module, "run_report", interrupted)
    out = tmp_path / "r"
    assert main(["report", str(batch), "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("interrupted: nothing was written")


def test_what_a_killed_run_left_is_cleared_by_the_next(tmp_path, suite, batch):
    out = tmp_path / "reports" / "b"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (out.parent / f".b.partial-{dead}" / "data").mkdir(parents=True)
    stale_cache = out.parent / ".cache" / "read" / "ab" / f".abcd.{dead}-0f.tmp"
    stale_cache.mkdir(parents=True)
    run_report(batch, out=out, notebooks=suite)
    assert not (out.parent / f".b.partial-{dead}").exists()
    assert not stale_cache.exists()


def test_stale_temporary_files_of_dead_processes_only_are_cleared(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    for name in (f".articles.parquet.{dead}.tmp", f".summary.{dead}-9a.tmp.csv",
                 f".articles.parquet.{os.getpid()}.tmp", "notes.tmp"):
        (tmp_path / name).write_bytes(b"x" * 10)
    assert clear_stale(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f".articles.parquet.{os.getpid()}.tmp", "notes.tmp"]
    with atomic_path(tmp_path / "t.csv") as temporary:
        assert f".{os.getpid()}-" in temporary.name
        temporary.write_text("x")


def test_a_second_run_into_the_same_folder_is_refused(tmp_path, batch, capsys):
    out = tmp_path / "reports" / "b"
    out.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom sourcebias.files import folder_lock\n"
         f"with folder_lock({str(out.parent / '.b.lock')!r}, what='b'):\n"
         "    print('locked', flush=True)\n    time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FolderBusy, match=r"another run \(process \d+\) is writing there"):
            with folder_lock(out.parent / ".b.lock", what=out):
                pass
        assert main(["report", str(batch), "--out", str(out)]) == 2
        assert "another run (process" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    with folder_lock(out.parent / ".b.lock", what=out):  # released when its process died
        pass


def test_a_folder_that_is_not_a_report_or_holds_the_batch_is_never_replaced(tmp_path, batch):
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.tex").write_text("x")
    with pytest.raises(ValueError, match="not empty and not a sourcebias report"):
        run_report(batch, out=mine)
    with pytest.raises(ValueError, match=r"the batch .* is inside it"):
        run_report(batch, out=batch.parent)
    assert (mine / "thesis.tex").read_text() == "x"


def test_what_one_outlet_or_absent_terms_cannot_give_is_a_typed_error(tmp_path, batch):
    analysis = sb.analyze(batch, jobs=1, cache=False)
    counts = sb.term_counts(analysis.articles, sentences=analysis.sentences,
                            voice=analysis.voice)
    with pytest.raises(sb.NotComputable, match="no reference group"):
        sb.keyness(counts, target="voa")
    similarity = sb.outlet_similarity(analysis.articles, sentences=analysis.sentences,
                                      voice=analysis.voice)
    with pytest.raises(sb.NotComputable, match="need at least two outlets"):
        sb.plot_similarity(similarity, n_articles=pd.Series({"voa": 2}))
    words = sb.voice_words(analysis.articles, voice=analysis.voice)
    rates = sb.term_rates(analysis.hits, articles=analysis.articles, words=words,
                          voice="both", level="term")
    with pytest.raises(sb.NotComputable, match="no rows, so there is nothing to draw"):
        sb.plot_term_heatmap(rates[rates["term"] == "no such term"])
    assert issubclass(sb.NotComputable, ValueError)


@pytest.mark.notebooks
def test_a_report_on_one_outlet_without_focus_terms_finishes(tmp_path):
    folder = tmp_path / "weather" / "met office"
    folder.mkdir(parents=True)
    for n, text in enumerate([
            "Rain is expected across the north on Monday, with strong winds on the coast.",
            "A dry and sunny weekend is forecast for most of the country, forecasters said.",
            "Temperatures will fall sharply overnight, and frost is likely in rural areas."]):
        (folder / f"{n}.txt").write_text(text + "\n\nMore details will follow later today.",
                                         encoding="utf-8")
    out = tmp_path / "report"
    result = run_report(folder.parent, out=out)
    assert result.ok, result.failures
    assert len(result.executed) == len(list_notebooks(NOTEBOOK_DIR))
    said = "".join(path.with_suffix(".html").read_text(encoding="utf-8")
                   for path in result.executed)
    assert "Not computed for this batch" in said
