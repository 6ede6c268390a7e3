"""Fixtures shared by the tests: the seed batch and the shared real-text corpora."""

from __future__ import annotations

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
