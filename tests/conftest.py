"""Fixtures shared by the tests: the seed batch and the shared real-text corpora."""

from __future__ import annotations

import gzip
import itertools
import json
import sys
from pathlib import Path

import pytest

from sourcebias.config import PROJECT_ROOT, SEED_BATCH
from sourcebias.read.batch import Batch, read_batch

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def seed_batch() -> Batch:
    """The five seed articles, read through the seed batch's manifest."""
    return read_batch(SEED_BATCH)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip, saying why, when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent: the real-text corpora are not beside the project")
    return SHARED_DATA


@pytest.fixture
def set_constant(monkeypatch):
    """Set a module constant in every module of the package that imported it.

    A constant such as ``ROW_GROUP_ROWS`` is defined once and imported by the
    modules that read it, so a test that shrinks it must set each copy.
    """
    def setter(name: str, value: object) -> None:
        holders = [module for key, module in sorted(sys.modules.items())
                   if key.startswith("sourcebias") and hasattr(module, name)]
        assert holders, f"no module of the package defines {name}"
        for module in holders:
            monkeypatch.setattr(module, name, value)
    return setter


#: Read options of the AllSides sample.
ALLSIDES_OPTIONS = {"text_column": "content_original", "outlet_column": "source_url",
                    "id_column": "ID"}


@pytest.fixture(scope="session")
def allsides_sample(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 120 AllSides articles as a ``.jsonl`` batch file."""
    path = tmp_path_factory.mktemp("allsides") / "sample.jsonl"
    with gzip.open(shared_data / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        path.write_text("".join(itertools.islice(f, 120)), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def repeats_batch(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 AllSides articles, then exact and near copies of some of them (one word
    changed), a repeated id and a row without text, as a ``.jsonl`` batch file."""
    with gzip.open(shared_data / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in itertools.islice(f, 80)]
    for n, row in enumerate(rows[5:65:6]):
        words = row["content_original"].split(" ")
        words[len(words) // 2] += "s" if n % 2 else ""
        rows.append(row | {"ID": f"copy-{n}", "content_original": " ".join(words),
                           "date": "2012-01-01" if n % 3 else row["date"]})
    rows.insert(40, rows[3] | {"content_original": "Another text under a repeated id."})
    rows.insert(50, rows[4] | {"ID": "empty", "content_original": " "})
    path = tmp_path_factory.mktemp("repeats") / "repeats.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path
