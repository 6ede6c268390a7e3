"""Placing spans in sentences and voice (segment.locate), and the package's lazy names."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import sourcebias as sb
from sourcebias.segment.locate import containing, locate
from sourcebias.segment.sentences import segment_articles


@pytest.fixture(scope="module")
def seed_segments(seed_batch):
    sentences, voice = segment_articles(seed_batch.articles)
    return seed_batch.articles, sentences, voice


def _every_word(articles: pd.DataFrame) -> pd.DataFrame:
    """One span per word of every seed article: spans in every sentence and voice span."""
    rows = [(doc_id, match.start(), match.end())
            for doc_id, text in zip(articles["doc_id"], articles["text"], strict=True)
            for match in re.finditer(r"\w+", text)]
    return pd.DataFrame(rows, columns=["doc_id", "start", "end"])


def _merge_asof_reference(spans: pd.DataFrame, intervals: pd.DataFrame,
                          columns: list[str]) -> pd.DataFrame:
    """What :func:`pandas.merge_asof` (by article, backward) gives."""
    left = spans[["doc_id", "start"]].assign(_row=np.arange(len(spans))).sort_values("start")
    right = intervals[["doc_id", "start", *columns]].sort_values("start", kind="stable")
    joined = pd.merge_asof(left, right, on="start", by="doc_id", direction="backward")
    return joined.sort_values("_row")[columns].reset_index(drop=True)


def test_locate_agrees_with_merge_asof_on_every_word_of_the_seeds(seed_segments):
    articles, sentences, voice = seed_segments
    spans = _every_word(articles).sample(frac=1, random_state=0).reset_index(drop=True)
    placed = locate(spans, sentences=sentences, voice=voice)
    in_sentence = _merge_asof_reference(spans, sentences, ["sent_id", "is_title"])
    in_voice = _merge_asof_reference(spans, voice, ["voice", "scare"])
    assert placed["sent_id"].tolist() == in_sentence["sent_id"].astype("int64").tolist()
    assert placed["is_title"].tolist() == in_sentence["is_title"].astype(bool).tolist()
    assert placed["voice"].tolist() == in_voice["voice"].tolist()
    assert placed["scare"].tolist() == in_voice["scare"].astype(bool).tolist()
    assert set(placed["voice"]) == {"narrator", "quote"}
    assert placed[["doc_id", "start", "end"]].equals(spans)


def test_containing_takes_the_last_of_tied_starts_and_names_a_stray_span():
    intervals = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "start": [0, 5, 5, 3]})
    spans = pd.DataFrame({"doc_id": ["a", "b", "a", "a"], "start": [7, 9, 0, 5],
                          "end": [8, 10, 1, 6]})
    assert containing(spans, intervals).tolist() == [2, 3, 0, 2]
    stray = pd.DataFrame({"doc_id": ["b"], "start": [1], "end": [2]})
    with pytest.raises(ValueError, match=r"'b' \[1, 2\) starts before every sentence"):
        containing(stray, intervals, what="sentence")
    assert containing(stray.iloc[:0], intervals).size == 0


def test_every_public_name_resolves_to_a_function_of_its_layer():
    importlib.import_module("sourcebias.segment.sentences")
    assert callable(sb.segment_articles)
    assert sb.segment_articles.__module__ == "sourcebias.segment.sentences"
    for name in sb.__all__:
        assert getattr(sb, name) is not None, name
    assert set(sb.__all__) <= set(dir(sb))
    with pytest.raises(AttributeError, match="no attribute 'plot_everything'"):
        sb.plot_everything  # noqa: B018


def test_the_command_line_and_workers_import_no_plotting_or_statistics_library():
    code = ("import sys, sourcebias.cli, sourcebias.run.analysis, sourcebias.run.chunks; "
            "print(sorted(m for m in ('matplotlib', 'seaborn', 'scipy.stats', 'IPython') "
            "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
