"""The sourcebias command (sourcebias.cli)."""

from __future__ import annotations

import json
import logging

from sourcebias import cli
from sourcebias.cli import main
from sourcebias.config import SEED_BATCH


def test_cli_lists_the_largest_outlets_and_says_how_many_more(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "SUMMARY_ROWS", 3)
    assert main(["analyze", str(SEED_BATCH), "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--no-cache"]) == 0
    printed = capsys.readouterr().out
    assert "(2 more outlets with fewer articles" in printed
    assert sum(outlet in printed for outlet in ("Aggregator A", "Aggregator B", "Iran Press",
                                                "Pro-government blog", "Sputnik")) == 3


def test_cli_prints_the_first_warnings_and_counts_the_others(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "SHOWN_WARNINGS", 2)
    batch = tmp_path / "batch"
    (batch / "sputnik").mkdir(parents=True)
    for seed in sorted(SEED_BATCH.rglob("*.txt"))[:2]:
        (batch / "sputnik" / seed.name).write_bytes(seed.read_bytes())
    for i in range(5):
        (batch / "sputnik" / f"empty-{i}.txt").write_bytes(b"")
    assert main(["analyze", str(batch), "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--no-cache"]) == 0
    printed = capsys.readouterr().err.splitlines()
    detailed = [line for line in printed if line.startswith("warning: sputnik/empty-")]
    assert len(detailed) == 2 and all("is empty" in line for line in detailed)
    assert "warning: 3 more warning(s) not printed" in printed[-1]
    assert not logging.getLogger("sourcebias").handlers


def test_cli_passes_the_scaling_options(tmp_path, capsys):
    assert main(["analyze", str(SEED_BATCH), "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--chunk-size", "2", "--no-cache"]) == 0
    assert "wrote 5 articles' tables" in capsys.readouterr().out
    stages = json.loads((tmp_path / "out" / "stages.json").read_text(encoding="utf-8"))
    assert stages["run"] == {"jobs": 1, "chunk_size": 2}
    assert stages["stages"]["segment"]["computed"] == 3
    assert not (tmp_path / ".cache").exists()
    assert main(["analyze", str(SEED_BATCH), "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--cache", str(tmp_path / "mine")]) == 0
    assert (tmp_path / "mine" / "segment").is_dir()
