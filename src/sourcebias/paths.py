"""Where the project's files live, defined in one place.

The package is installed in development mode from the project folder, so the
editable data files (lexicons, furniture patterns, styles), the notebooks and
the seed batch sit beside ``src/``. ``SOURCEBIAS_HOME`` points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("SOURCEBIAS_HOME", Path(__file__).resolve().parents[2]))
DATA_DIR = PROJECT_ROOT / "data"
LEXICON_DIR = DATA_DIR / "lexicons"
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
SEED_BATCH = DATA_DIR / "batches" / "seed"
REPORTS_DIR = PROJECT_ROOT / "reports"
