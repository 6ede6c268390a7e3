"""Read a PolNeAR split: its articles as ``read_batch`` cleans them, and the gold attributions.

PolNeAR (Newell, Margolin and Ruths, *An Attribution Relations Corpus for
Political News*, LREC 2018) annotates every attribution of 924 US news
articles as brat standoff spans: ``Source``, ``Cue`` and ``Content`` (several
``;``-separated ranges when a span is split), tied together by ``E`` lines.
The offsets point into the raw ``.txt`` files; :func:`read_split` moves them
onto the cleaned ``articles.text`` through a character alignment
(:class:`difflib.SequenceMatcher`), since cleaning replaces or drops a few
spaces and line breaks.

Shared by ``build_attribution_model.py`` and ``validate_attribution.py``.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sourcebias import read_batch

#: ``../shared/data/polnear`` beside the project root.
POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear"

#: Help of the ``--split`` option of the scripts that read PolNeAR.
SPLIT_HELP = ("dev (default) or train, or the name or path of another split laid out "
              "like them (a held-out split)")

_SPAN = re.compile(r"^(T\d+)\t(\w[\w-]*) ([\d ;]+)\t", re.MULTILINE)
_EVENT = re.compile(r"^E\d+\t(\S+)((?: \S+)*)", re.MULTILINE)


def require(split: str) -> Path:
    """The folder of ``split`` (a split of :data:`POLNEAR`, such as ``dev``, or the path of a
    folder laid out like one, such as a held-out split), or exit with a clear message when
    the data is absent."""
    folder = Path(split) if Path(split).is_dir() else POLNEAR / split
    if not (folder / "batch").is_dir():
        sys.exit(f"{folder} not found: PolNeAR ({POLNEAR}) is needed; nothing was measured")
    return folder


def read_split(split: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The articles of a PolNeAR split and its gold attribution pieces.

    Returns
    -------
    articles : pandas.DataFrame
        The ``articles`` table of :func:`sourcebias.read_batch`.
    gold : pandas.DataFrame
        One row per piece of a gold span: ``doc_id``, ``attribution`` (unique in
        the split), ``role`` (``Source``, ``Cue`` or ``Content``), ``start``,
        ``end`` (offsets into ``articles.text``).
    """
    folder = require(split)
    articles = read_batch(str(folder / "batch")).articles
    rows = []
    for doc_id, source, text in articles[["doc_id", "source", "text"]].itertuples(index=False):
        raw = (folder / "batch" / source).read_text(encoding="utf-8")
        ann = (folder / "attributions" / Path(source).with_suffix(".ann").name).read_text(
            encoding="utf-8")
        rows += _pieces(doc_id, ann, _aligner(raw, text))
    gold = pd.DataFrame(rows, columns=["doc_id", "attribution", "role", "start", "end"])
    gold["attribution"] = gold["doc_id"] + "#" + gold["attribution"]
    return articles, gold[gold["end"] > gold["start"]].reset_index(drop=True)


def _aligner(raw: str, clean: str):
    """A function taking offsets into ``raw`` to offsets into ``clean``.

    Cleaning only replaces or drops white space (and repairs a rare character),
    so the visible characters of both strings correspond one to one: an offset
    moves to the same visible character. When their counts differ, a
    :class:`difflib.SequenceMatcher` alignment is used instead.
    """
    if raw == clean:
        return lambda offset: offset
    raw_seen, clean_seen = _visible(raw), _visible(clean)
    if len(raw_seen) == len(clean_seen):
        def move(offset: int) -> int:
            k = int(np.searchsorted(raw_seen, offset))
            return int(clean_seen[k]) if k < len(clean_seen) else len(clean)

        return move
    blocks = difflib.SequenceMatcher(None, raw, clean).get_matching_blocks()
    a = np.array([b.a for b in blocks])
    b = np.array([b.b for b in blocks])
    size = np.array([b.size for b in blocks])

    def move_by_blocks(offset: int) -> int:
        k = max(int(np.searchsorted(a, offset, side="right")) - 1, 0)
        return int(b[k] + min(offset - a[k], size[k]))

    return move_by_blocks


def _visible(text: str) -> np.ndarray:
    """Offsets of the characters of ``text`` that are neither white space nor zero-width."""
    return np.array([m.start() for m in re.finditer(r"[^\s\u200b-\u200d\ufeff]", text)])


def _pieces(doc_id: str, ann: str, move) -> list[tuple]:
    """Gold pieces of one ``.ann`` file, offsets moved onto the clean text."""
    spans = {m.group(1): (m.group(2), m.group(3)) for m in _SPAN.finditer(ann)}
    rows = []
    for event in _EVENT.finditer(ann):
        name = event.group(1).split(":")[-1]
        for arg in event.group(2).split():
            role, _, ref = arg.partition(":")
            if role not in ("Source", "Cue", "Content") or ref not in spans:
                continue
            for piece in spans[ref][1].split(";"):
                start, end = map(int, piece.split())
                rows.append((doc_id, name, role, move(start), move(end - 1) + 1))
    return rows
