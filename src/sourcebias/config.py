"""Every default path, defined in one place.

What the analysis needs ships inside the package and is read with
:mod:`importlib.resources`: the default lexicon pack (the April 2019 Venezuelan
uprising), the furniture and segmentation rules and the figure style. The
working directory is never searched: a researcher's own lexicons are passed
explicitly (``--lexicons DIR``, ``lexicons=`` in the notebooks and the Python
API).

The notebooks, the seed batch and the reports folder belong to the project
checkout, not to the package. ``SOURCEBIAS_HOME`` points at another checkout.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

#: The package's own data files.
RESOURCES = Path(str(files("sourcebias") / "resources"))
#: The default lexicon pack: ``terms.yaml``, ``actors.yaml`` and ``valence.yaml``.
DEFAULT_PACK = RESOURCES / "packs" / "venezuela-2019"
#: The lexicon files a pack folder holds, by role.
PACK_FILES = {"terms": "terms.yaml", "actors": "actors.yaml", "valence": "valence.yaml"}
DEFAULT_TERMS = DEFAULT_PACK / PACK_FILES["terms"]
DEFAULT_ACTORS = DEFAULT_PACK / PACK_FILES["actors"]
DEFAULT_VALENCE = DEFAULT_PACK / PACK_FILES["valence"]
#: Site-furniture patterns removed while reading.
DEFAULT_FURNITURE = RESOURCES / "rules" / "furniture.yaml"
#: Abbreviations and reporting words that sentence splitting and quotation rules read.
DEFAULT_SEGMENT_RULES = RESOURCES / "rules" / "segment.yaml"
#: Figure sizes, fonts and palette.
DEFAULT_STYLE = RESOURCES / "style.yaml"
#: The cue lexicon of :mod:`sourcebias.segment.attribution` (built by
#: ``benchmarks/build_attribution_model.py``).
ATTRIBUTION_MODEL = RESOURCES / "models" / "attribution.json"
#: The target-dependent sentiment model and its sidecar (:mod:`sourcebias.annotate.targets`).
TARGET_MODEL = (RESOURCES / "models" / "target_sentiment.npz",
                RESOURCES / "models" / "target_sentiment.json")
#: The attack and praise words whose place around a target the target model reads.
TARGET_CUES = RESOURCES / "rules" / "target_cues.yaml"

#: The project checkout: notebooks, the seed batch and reports.
PROJECT_ROOT = Path(os.environ.get("SOURCEBIAS_HOME", Path(__file__).resolve().parents[2]))
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
SEED_BATCH = PROJECT_ROOT / "data" / "batches" / "seed"
REPORTS_DIR = PROJECT_ROOT / "reports"


def pack_file(lexicons: str | os.PathLike[str] | None, role: str) -> Path:
    """The file of ``role`` (``terms``, ``actors`` or ``valence``) in a lexicon pack.

    Parameters
    ----------
    lexicons : path or None
        A pack folder; ``None`` is the default pack, :data:`DEFAULT_PACK`.
    role : str
        A key of :data:`PACK_FILES`.

    Returns
    -------
    Path
        The file, which the reader of that role checks.
    """
    return Path(lexicons if lexicons is not None else DEFAULT_PACK) / PACK_FILES[role]


def pack_valence(lexicons: str | os.PathLike[str] | None) -> Path:
    """The domain valence file of a pack: its own ``valence.yaml``, else the default pack's."""
    own = pack_file(lexicons, "valence")
    return own if own.is_file() else DEFAULT_VALENCE
