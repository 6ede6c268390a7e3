"""Table files and folders as researchers have them: delimiters, broken lines, missing-value
words, manifest path columns, unlisted files, encodings and sizes. Each test writes its files."""

from __future__ import annotations

import gzip
import json
import logging
import os

import pandas as pd
import pytest

from sourcebias.cli import main
from sourcebias.config import PROJECT_ROOT
from sourcebias.read.batch import read_batch

SEEDS = PROJECT_ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("0*.txt"))


def seed_text(number: int) -> str:
    return SEED_FILES[number].read_text(encoding="utf-8")


def rows(n: int = 4) -> list[dict]:
    return [{"doc_id": f"d{i}", "outlet": f"outlet {i % 2}", "text": seed_text(i)}
            for i in range(n)]


def accounted(batch, inputs: int) -> None:
    assert len(batch.articles) + len(batch.excluded) == inputs


@pytest.fixture
def warnings(caplog):
    caplog.set_level(logging.WARNING, logger="sourcebias.read")
    return caplog


# --- delimiters ------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_the_delimiter_is_found_in_the_header(tmp_path, sep):
    pd.DataFrame(rows()).to_csv(tmp_path / "t.csv", sep=sep, index=False)
    batch = read_batch(tmp_path / "t.csv")
    assert batch.articles["doc_id"].tolist() == ["d0", "d1", "d2", "d3"]
    assert batch.articles["text"].str.len().gt(1000).all()


def test_a_semicolon_file_with_commas_in_its_text_reads_and_sep_overrides(tmp_path):
    table = pd.DataFrame({"text": ["One, two; three.", "Four, five."],
                          "outlet": ["a", "b"]})
    table.to_csv(tmp_path / "t.csv", sep=";", index=False)
    assert read_batch(tmp_path / "t.csv").articles["outlet"].tolist() == ["a", "b"]
    assert read_batch(tmp_path / "t.csv", sep=";").articles["outlet"].tolist() == ["a", "b"]
    with pytest.raises(ValueError, match=r"cannot be read as a \.csv table with the delimiter "
                                         r"comma \(given\) \(.*\); .*give the delimiter with "
                                         r"--sep"):
        read_batch(tmp_path / "t.csv", sep=",")


def test_a_csv_that_no_delimiter_reads_names_those_tried(tmp_path):
    (tmp_path / "t.csv").write_text('text,outlet\n"a","b","c","d"\n"e\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"with the delimiter comma \(found in its header; "
                                         r"tried comma, semicolon, tab and pipe\)"):
        read_batch(tmp_path / "t.csv")


def test_sep_on_the_command_line(tmp_path, capsys):
    pd.DataFrame(rows(2)).to_csv(tmp_path / "t.csv", sep="|", index=False)
    assert main(["analyze", str(tmp_path / "t.csv"), "--out", str(tmp_path / "out"),
                 "--sep", "|", "--no-cache", "--jobs", "1"]) == 0
    assert len(pd.read_parquet(tmp_path / "out" / "articles.parquet")) == 2


# --- JSON lines ------------------------------------------------------------------------


def test_a_truncated_jsonl_gz_keeps_every_complete_row(tmp_path):
    lines = "".join(json.dumps(row) + "\n" for row in rows(4) * 50).encode("utf-8")
    packed = gzip.compress(lines)
    (tmp_path / "t.jsonl.gz").write_bytes(packed[: len(packed) * 2 // 3])
    batch = read_batch(tmp_path / "t.jsonl.gz", id_column="none")
    last = int(batch.articles["source"].str.extract(r"row (\d+)$", expand=False)
               .astype(int).max())
    assert 0 < len(batch.articles) < 200
    assert batch.excluded["source"].tolist()[-1] == f"t.jsonl.gz row {last + 1}"
    assert batch.excluded["reason"].tolist()[-1].startswith(
        f"the file ends early after row {last} ")
    assert batch.problems[-1].startswith(f"t.jsonl.gz row {last + 1}: the file ends early")


def test_a_malformed_jsonl_line_excludes_only_that_line(tmp_path, warnings):
    good = [json.dumps(row) for row in rows(3)]
    (tmp_path / "t.jsonl").write_text(
        "\n".join([good[0], '{"doc_id": "x", "text": "broken', "", good[1], "[1, 2]", good[2]])
        + "\n", encoding="utf-8")
    batch = read_batch(tmp_path / "t.jsonl")
    accounted(batch, 5)
    assert batch.articles["source"].tolist() == ["t.jsonl row 1", "t.jsonl row 4",
                                                 "t.jsonl row 6"]
    assert batch.excluded[["source", "row"]].values.tolist() == [
        ["t.jsonl row 2", 2], ["t.jsonl row 5", 5]]
    assert batch.problems[0].startswith("t.jsonl row 2: is not valid JSON")
    assert batch.problems[1].startswith("t.jsonl row 5: is not a JSON object")


# --- manifests -------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["file", "filename", "filepath"])
def test_a_manifest_file_column_is_the_path_column_with_a_note(tmp_path, column, warnings):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "a.txt").write_text(seed_text(0), encoding="utf-8")
    pd.DataFrame({column: ["a.txt"], "outlet": ["X"]}).to_csv(folder / "manifest.csv",
                                                              index=False)
    batch = read_batch(folder)
    assert batch.articles["source"].tolist() == ["a.txt"]
    note = (f"manifest.csv: no 'path' column; the file paths are read from its {column!r} "
            "column (name another with --path-column)")
    assert batch.problems == (note,) and note in warnings.messages


def test_path_column_names_the_manifest_column(tmp_path, capsys):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "a.txt").write_text(seed_text(0), encoding="utf-8")
    pd.DataFrame({"where": ["a.txt"], "outlet": ["X"]}).to_csv(folder / "manifest.csv",
                                                               index=False)
    assert read_batch(folder, path_column="where").articles["source"].tolist() == ["a.txt"]
    with pytest.raises(ValueError, match="no 'path' column; add one or name it with "
                                         "--path-column"):
        read_batch(folder)
    assert main(["analyze", str(folder), "--out", str(tmp_path / "out"), "--path-column",
                 "where", "--no-cache", "--jobs", "1"]) == 0


def test_missing_value_words_are_missing(tmp_path):
    table = pd.DataFrame({"text": [seed_text(0), "NaN", "nan", "NULL", "None", seed_text(1)],
                          "outlet": ["A", "B", "C", "D", "E", "None"]})
    table.to_csv(tmp_path / "t.csv", index=False)
    batch = read_batch(tmp_path / "t.csv")
    accounted(batch, 6)
    assert batch.articles["outlet"].tolist() == ["A"]
    assert batch.excluded["reason"].str.startswith("has no text").sum() == 4
    assert batch.excluded["reason"].iloc[-1].startswith("has no outlet")


def test_missing_value_words_in_a_manifest_are_missing(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "a.txt").write_text(seed_text(0), encoding="utf-8")
    pd.DataFrame({"path": ["a.txt"], "outlet": ["X"], "date": ["NULL"],
                  "title": ["nan"]}).to_csv(folder / "manifest.csv", index=False)
    row = read_batch(folder).articles.iloc[0]
    assert pd.isna(row["date"]) and row["title"] != "nan"


def test_files_a_manifest_does_not_list_are_excluded(tmp_path):
    folder = tmp_path / "b"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "stray.txt", "sub/other.html"):
        (folder / name).write_text(seed_text(0), encoding="utf-8")
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    pd.DataFrame({"path": ["a.txt"], "outlet": ["X"]}).to_csv(folder / "manifest.csv",
                                                              index=False)
    batch = read_batch(folder)
    accounted(batch, 3)
    assert batch.excluded["source"].tolist() == ["stray.txt", "sub/other.html"]
    assert batch.excluded["reason"].str.startswith("is not in the manifest.csv").all()
    assert batch.excluded["row"].isna().all()


def test_a_folder_without_manifest_or_sub_folders_warns_how_to_name_outlets(tmp_path,
                                                                           warnings):
    folder = tmp_path / "flat"
    folder.mkdir()
    (folder / "a.txt").write_text(seed_text(0), encoding="utf-8")
    batch = read_batch(folder)
    assert batch.articles["outlet"].tolist() == ["flat"]
    assert batch.problems[0].startswith("flat: no manifest.csv and no sub-folders, so every "
                                        "article gets the outlet 'flat'")
    assert "sub-folder named after it" in warnings.messages[0]
    (folder / "voa").mkdir()
    (folder / "voa" / "b.txt").write_text(seed_text(1), encoding="utf-8")
    assert not read_batch(folder).problems


# --- characters ------------------------------------------------------------------------


def test_a_closing_quote_that_lost_its_byte_is_repaired(tmp_path):
    text = ("Opposition leader Juan Guaidó called it a “coup” on Tuesday.\n\n"
            "The government said the “usurper” had failed, and “terrorists” were arrested.")
    broken = text.encode("utf-8").decode("cp1252", errors="replace")
    assert "â€œcoupâ€\ufffd" in broken
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "a.txt").write_text(broken, encoding="utf-8")
    row = read_batch(folder).articles.iloc[0]
    assert row["text"] == text
    assert "repaired mojibake" in row["problems"]


def test_an_undecodable_file_says_which_encodings_were_tried(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "a.txt").write_text(seed_text(0), encoding="utf-8")
    (folder / "noise.txt").write_bytes(bytes(range(128, 256)) * 8)
    (folder / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0")
    batch = read_batch(folder)
    accounted(batch, 3)
    reasons = batch.excluded.set_index("source")["reason"]
    for source in ("noise.txt", "photo.txt"):
        assert reasons[source].startswith("the file could not be decoded: it is not UTF-8") or \
            reasons[source].startswith("could not be decoded: it is not UTF-8")
        assert "cp1252, cp1250, cp1254, cp1257" in reasons[source]


def test_a_very_large_article_is_read_with_a_warning(tmp_path, warnings, set_constant):
    set_constant("LARGE_ARTICLE_CHARS", 10_000)
    folder = tmp_path / "b" / "voa"
    folder.mkdir(parents=True)
    (folder / "big.txt").write_text("\n\n".join([seed_text(2)] * 6), encoding="utf-8")
    (folder / "small.txt").write_text(seed_text(0), encoding="utf-8")
    batch = read_batch(folder.parent)
    assert len(batch.articles) == 2
    big = batch.articles.set_index("doc_id").loc["big", "problems"]
    assert "has more text than one article would" in big
    assert any("voa/big.txt" in m and "more text than one article" in m
               for m in warnings.messages)
    assert not any("small.txt" in m for m in warnings.messages)


def test_no_input_folder_is_written_to(tmp_path):
    folder = tmp_path / "b"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text(seed_text(0), encoding="utf-8")
    (folder / "stray.txt").write_bytes(b"\xff\xd8\xff\xe0")
    pd.DataFrame({"file": ["sub/a.txt"], "outlet": ["X"]}).to_csv(folder / "manifest.csv",
                                                                  index=False)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*")
              if p.is_file()}
    os.chmod(folder, 0o555)
    try:
        read_batch(folder)
    finally:
        os.chmod(folder, 0o755)
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*")
            if p.is_file()} == before
