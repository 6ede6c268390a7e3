"""Read NewsMTSC (Hamborg and Donnay, EACL 2021, MIT licence) as a table of targets.

Each line of ``train.jsonl``, ``dev_mt.jsonl`` and ``dev_rw.jsonl`` is one
sentence (``sentence_normalized``) with its targets (``from``, ``to``,
``mention``, ``polarity``: 2.0 negative, 4.0 neutral, 6.0 positive). The
``further_mentions`` of a target (pronouns and repeated names) are not used.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

#: The shared data folder beside the project root.
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "newsmtsc"
#: NewsMTSC's polarity codes.
LABELS = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def read_targets(name: str) -> pd.DataFrame:
    """One row per target of ``DATA/<name>.jsonl``.

    Columns: ``sentence`` (0-based line), ``text``, ``start``, ``end``, ``label``.
    """
    rows = []
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            record = json.loads(line)
            text = record["sentence_normalized"]
            for target in record["targets"]:
                if text[target["from"]:target["to"]] != target["mention"]:
                    raise ValueError(f"{name}.jsonl line {number + 1}: offsets do not "
                                     f"give the mention {target['mention']!r}")
                rows.append((number, text, target["from"], target["to"],
                             LABELS[target["polarity"]]))
    return pd.DataFrame(rows, columns=["sentence", "text", "start", "end", "label"])
