"""Fixtures shared by the tests: the seed batch and the shared real-text corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcebias.batch import Batch, read_batch
from sourcebias.paths import PROJECT_ROOT, SEED_BATCH

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
