"""Figures, tables and provenance written reproducibly and atomically."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

import sourcebias
from sourcebias.config import DEFAULT_STYLE
from sourcebias.figures import export
from sourcebias.figures.export import (
    plotted_data,
    record_changed_outputs,
    write_figure,
    write_provenance,
    write_table,
)
from sourcebias.figures.style import figure_style
from sourcebias.figures.terms import plot_term_rates
from sourcebias.files import atomic_path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "batches" / "seed"
FORMATS = ("pdf", "svg", "png", "csv")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rates() -> pd.DataFrame:
    rows = []
    for i, outlet in enumerate(["Iran Press", "Sputnik", "Aggregator A"]):
        for term in ("coup", "traitors"):
            hits = 0 if (outlet, term) == ("Sputnik", "coup") else i + 2
            rate = hits / 0.7
            rows.append({
                "outlet": outlet, "term": term, "voice": "narrator", "n_articles": i + 1,
                "n_hits": hits, "n_words": 700, "rate_per_1000": rate,
                "ci_low": rate * 0.5 if hits else np.nan, "ci_high": rate * 1.8 if hits else np.nan,
                "ci_method": "exact Poisson 95%", "note": None if hits else "no hits",
            })
    return pd.DataFrame(rows)


def _draw(rates: pd.DataFrame):
    with figure_style():
        return plot_term_rates(rates)


def _bytes(paths: dict[str, Path]) -> dict[str, bytes]:
    return {fmt: paths[fmt].read_bytes() for fmt in FORMATS}


# --------------------------------------------------------------------------- figures


def test_a_redrawn_figure_saves_to_identical_bytes_in_every_format(rates, tmp_path):
    first = write_figure(_draw(rates), "rates", out_dir=tmp_path / "a")
    second = write_figure(_draw(rates), "rates", out_dir=tmp_path / "b")
    assert sorted(first) == sorted(FORMATS)
    assert _bytes(first) == _bytes(second)
    again = write_figure(_draw(rates), "rates", out_dir=tmp_path / "a")
    assert _bytes(again) == _bytes(second)


def test_saved_files_carry_no_date(rates, tmp_path):
    paths = write_figure(_draw(rates), "rates", out_dir=tmp_path)
    assert b"CreationDate" not in paths["pdf"].read_bytes()
    assert b"<dc:date>" not in paths["svg"].read_bytes()
    assert b"<dc:title>rates</dc:title>" in paths["svg"].read_bytes()
    assert not re.search(rb"20\d\d-\d\d-\d\d", paths["png"].read_bytes())


def test_pdf_embeds_truetype_even_when_drawn_under_type3_settings(rates, tmp_path):
    with matplotlib.rc_context({"pdf.fonttype": 3}):
        ax = plot_term_rates(rates)
        pdf = write_figure(ax, "rates", out_dir=tmp_path)["pdf"].read_bytes()
    assert b"/FontFile2" in pdf
    assert b"/CIDFontType2" in pdf or b"/TrueType" in pdf
    assert b"/Type3" not in pdf


def test_png_is_300_dpi_at_the_figure_size(rates, tmp_path):
    ax = _draw(rates)
    width, height = ax.figure.get_size_inches()
    with Image.open(write_figure(ax, "rates", out_dir=tmp_path)["png"]) as image:
        assert image.size == (round(width * 300), round(height * 300))
        assert round(image.info["dpi"][0]) == 300


def test_width_names_a_journal_column(rates, tmp_path):
    ax = _draw(rates)
    height = ax.figure.get_figheight()
    pdf = write_figure(ax, "rates", out_dir=tmp_path, width="double")["pdf"].read_bytes()
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert float(box.group(1)) == pytest.approx(7.2 * 72)
    assert float(box.group(2)) == pytest.approx(height * 72)
    write_figure(ax, "rates", out_dir=tmp_path, width=3.0, height=2.0)
    assert list(ax.figure.get_size_inches()) == [3.0, 2.0]
    with pytest.raises(ValueError, match="width 'triple' unknown"):
        write_figure(ax, "rates", out_dir=tmp_path, width="triple")


def test_the_csv_beside_a_figure_is_the_plotted_data(rates, tmp_path):
    ax = _draw(rates)
    written = pd.read_csv(write_figure(ax, "rates", out_dir=tmp_path)["csv"])
    expected = plotted_data(ax.figure)
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    sputnik = written[written["outlet"] == "Sputnik"].set_index("term")
    assert not sputnik.loc["coup", "has_interval"] and sputnik.loc["traitors", "has_interval"]


def test_explicit_data_is_written_for_any_figure(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [2, 3])
    with pytest.raises(ValueError, match="pass data="):
        write_figure(fig, "line", out_dir=tmp_path)
    data = pd.DataFrame({"x": [0, 1], "y": [2.0, 3.0]})
    paths = write_figure(fig, "line", out_dir=tmp_path, data=data)
    pd.testing.assert_frame_equal(pd.read_csv(paths["csv"]), data)


def test_an_interrupted_save_keeps_the_old_file_and_leaves_no_temporary(rates, tmp_path,
                                                                        monkeypatch):
    ax = _draw(rates)
    old = write_figure(ax, "rates", out_dir=tmp_path)
    before = _bytes(old)

    def fail(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(export.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_figure(ax, "rates", out_dir=tmp_path, width="double")
    monkeypatch.undo()
    assert _bytes(old) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"rates.{f}" for f in FORMATS)


def test_atomic_path_replaces_on_success_and_keeps_the_old_file_on_error(tmp_path):
    target = tmp_path / "report.ipynb"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="kernel died"), atomic_path(target) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".ipynb"
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("kernel died")
    assert target.read_text(encoding="utf-8") == "old"
    with atomic_path(target) as temporary:
        temporary.write_text("new", encoding="utf-8")
        assert target.read_text(encoding="utf-8") == "old"
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.ipynb"]


def test_a_name_with_a_folder_is_refused(rates, tmp_path):
    with pytest.raises(ValueError, match="plain name"):
        write_figure(_draw(rates), "../rates", out_dir=tmp_path)


# --------------------------------------------------------------------------- tables


def test_save_table_writes_full_precision_csv_and_escaped_booktabs(tmp_path):
    table = pd.DataFrame({
        "outlet": ["Iran Press & Co", "Pro_government"],
        "rate_per_1000": [1.23456789, np.nan],
        "n_articles": [3, 12],
    })
    paths = write_table(table, "rates", out_dir=tmp_path, caption="Term rates", label="tab:r")
    pd.testing.assert_frame_equal(pd.read_csv(paths["csv"]), table)
    tex = paths["tex"].read_text(encoding="utf-8")
    for line in (r"\toprule", r"\midrule", r"\bottomrule", r"\caption{Term rates}",
                 r"\label{tab:r}", r"\begin{tabular}{lrr}",
                 r"outlet & rate\_per\_1000 & n\_articles \\",
                 r"Iran Press \& Co & 1.235 & 3 \\", r"Pro\_government & -- & 12 \\"):
        assert line in tex
    again = write_table(table, "rates", out_dir=tmp_path / "again", caption="Term rates",
                       label="tab:r")
    assert again["tex"].read_bytes() == paths["tex"].read_bytes()
    assert again["csv"].read_bytes() == paths["csv"].read_bytes()


def test_save_table_takes_a_float_format(tmp_path):
    table = pd.DataFrame({"p": [0.000012]})
    tex = write_table(table, "p", out_dir=tmp_path, float_format="{:.1e}")["tex"].read_text()
    assert "1.2e-05" in tex and r"\begin{table}" not in tex


# --------------------------------------------------------------------------- provenance


def _articles() -> pd.DataFrame:
    manifest = pd.read_csv(SEED / "manifest.csv")
    sha = [hashlib.sha256((SEED / p).read_bytes()).hexdigest() for p in manifest["path"]]
    return manifest.assign(sha256=sha)


def test_provenance_hashes_inputs_and_lexicons_and_reruns_to_the_same_bytes(tmp_path):
    style = DEFAULT_STYLE
    arguments = {
        "inputs": _articles(),
        "lexicons": {"style": style},
        "parameters": {"batch": SEED.relative_to(ROOT), "top": np.int64(15), "voices": {"quote"}},
        "command": ["sourcebias", "report", "data/batches/seed"],
    }
    first = write_provenance(tmp_path / "a", **arguments).read_bytes()
    second = write_provenance(tmp_path / "b", **arguments).read_bytes()
    assert first == second
    record = json.loads(first)
    assert list(record) == sorted(record)
    assert record["lexicons"]["style"]["sha256"] == hashlib.sha256(style.read_bytes()).hexdigest()
    assert record["inputs"]["articles"]["n"] == 5
    assert record["parameters"] == {"batch": "data/batches/seed", "top": 15, "voices": ["quote"]}
    assert record["command"] == "sourcebias report data/batches/seed"
    assert record["versions"]["sourcebias"] == sourcebias.__version__
    assert record["versions"]["matplotlib"] == matplotlib.__version__
    assert record["versions"]["pandas"] == pd.__version__
    assert not re.search(rb"\d{4}-\d\d-\d\dT\d\d", first)


def test_provenance_changes_when_one_article_changes(tmp_path):
    articles = _articles()
    changed = articles.assign(sha256=articles["sha256"].where(articles.index != 2, "0" * 64))
    common = {"lexicons": [], "parameters": {}, "command": "x"}
    digest = json.loads(write_provenance(tmp_path / "a", inputs=articles, **common).read_text())
    other = json.loads(write_provenance(tmp_path / "b", inputs=changed, **common).read_text())
    assert digest["inputs"]["articles"]["sha256"] != other["inputs"]["articles"]["sha256"]
    shuffled = articles.sample(frac=1, random_state=0)
    same = json.loads(write_provenance(tmp_path / "c", inputs=shuffled, **common).read_text())
    assert same["inputs"] == digest["inputs"]


def test_provenance_hashes_a_batch_folder_through_its_links(tmp_path):
    record = json.loads(write_provenance(
        tmp_path, inputs=[SEED], lexicons=[], parameters={}, command="x").read_text())
    folder = record["inputs"][SEED.as_posix()]
    files = sorted(p for p in SEED.rglob("*") if p.is_file()) + sorted(
        p for p in (SEED / "articles").iterdir() if p.is_file())
    assert folder["files"] == len(set(files)) >= 6
    lines = sorted(
        f"{p.relative_to(SEED).as_posix()}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
        for p in set(files)
    )
    assert folder["sha256"] == hashlib.sha256("".join(lines).encode()).hexdigest()


def test_provenance_takes_sources_and_lexicon_descriptions(tmp_path):
    articles = _articles()
    by_source = articles[["path", "sha256"]].rename(columns={"path": "source"})
    description = {"path": "data/lexicons/terms.yaml", "version": "3", "sha256": "ab" * 32}
    record = json.loads(write_provenance(
        tmp_path, inputs=by_source, lexicons={"terms": description}, parameters={},
        command="x").read_text())
    lines = sorted(f"{p}\t{h}\n" for p, h in zip(by_source["source"], by_source["sha256"],
                                                   strict=True))
    expected = hashlib.sha256("".join(lines).encode()).hexdigest()
    assert record["inputs"] == {"articles": {"n": 5, "sha256": expected}}
    assert record["lexicons"] == {"terms": description}
    with pytest.raises(ValueError, match="has no sha256"):
        write_provenance(tmp_path, inputs=[], lexicons={"terms": {"path": "x"}},
                         parameters={}, command="x")


def test_provenance_names_what_it_cannot_record(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.yaml: not found"):
        write_provenance(tmp_path, inputs=[], lexicons=[tmp_path / "missing.yaml"],
                         parameters={}, command="x")
    with pytest.raises(ValueError, match=r"no sha256 .*first: 003_"):
        write_provenance(tmp_path, inputs=_articles().assign(sha256=[*"abc", None, "e"]),
                         lexicons=[], parameters={}, command="x")
    with pytest.raises(TypeError, match=r"cannot be written to provenance\.json"):
        write_provenance(tmp_path, inputs=[], lexicons=[], parameters={"f": object()},
                         command="x")
    assert not list(tmp_path.iterdir())


def test_provenance_lists_outputs_and_what_was_rewritten_after_the_run(tmp_path):
    table = pd.DataFrame({"outlet": ["a", "b"], "rate": [1.5, 2.0]})
    written = write_table(table, "rates", out_dir=tmp_path / "tables")
    provenance = write_provenance(tmp_path, inputs=[], lexicons=[], parameters={},
                                  command="sourcebias report", outputs=written.values())
    as_run = provenance.read_bytes()
    record = json.loads(as_run)
    assert record["outputs"]["tables/rates.csv"] == hashlib.sha256(
        written["csv"].read_bytes()).hexdigest()
    assert "changed_since_run" not in record

    rewritten = write_table(table.assign(rate=[9.0, 9.0]), "rates", out_dir=tmp_path / "tables")
    record_changed_outputs(tmp_path, rewritten.values())
    changed = json.loads(provenance.read_text())["changed_since_run"]
    assert set(changed) == {"tables/rates.csv", "tables/rates.tex"}

    restored = write_table(table, "rates", out_dir=tmp_path / "tables")
    record_changed_outputs(tmp_path, restored.values())
    assert provenance.read_bytes() == as_run


def test_outputs_in_a_folder_without_provenance_are_left_alone(tmp_path):
    written = write_table(pd.DataFrame({"x": [1]}), "x", out_dir=tmp_path)
    record_changed_outputs(tmp_path, written.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv", "x.tex"]
