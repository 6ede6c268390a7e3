"""Place character spans (hits, mentions) in their sentence and voice.

Both look-ups are one sorted, vectorised join (:func:`pandas.merge_asof`) per
table, never a loop over rows.
"""

from __future__ import annotations

import pandas as pd


def _asof(spans: pd.DataFrame, intervals: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """For each span, the columns of the interval with the greatest start <= span start."""
    left = spans[["doc_id", "start"]].copy()
    left["_row"] = range(len(left))
    left = left.sort_values("start", kind="stable")
    right = intervals[["doc_id", "start", *columns]].sort_values("start", kind="stable")
    joined = pd.merge_asof(left, right, on="start", by="doc_id", direction="backward")
    return joined.sort_values("_row")[columns].reset_index(drop=True)


def locate(spans: pd.DataFrame, *, sentences: pd.DataFrame, voice: pd.DataFrame) -> pd.DataFrame:
    """Add ``sent_id``, ``is_title``, ``voice`` and ``scare`` to a table of spans.

    A span belongs to the sentence and the voice span in which it starts.

    Parameters
    ----------
    spans : pandas.DataFrame
        Has ``doc_id``, ``start`` and ``end`` (offsets into ``articles.text``).
    sentences : pandas.DataFrame
        The ``sentences`` table of the same articles.
    voice : pandas.DataFrame
        The ``voice`` table of the same articles.

    Returns
    -------
    pandas.DataFrame
        A copy of ``spans`` with the four columns added (replacing any of the
        same name), in the same row order.
    """
    out = spans.drop(columns=["sent_id", "is_title", "voice", "scare"], errors="ignore")
    out = out.reset_index(drop=True)
    if out.empty:
        return out.assign(
            sent_id=pd.Series(dtype="int64"),
            is_title=pd.Series(dtype="bool"),
            voice=pd.Series(dtype="object"),
            scare=pd.Series(dtype="bool"),
        )
    in_sentence = _asof(out, sentences, ["sent_id", "is_title"])
    in_voice = _asof(out, voice, ["voice", "scare"])
    return pd.concat([out, in_sentence, in_voice], axis=1).astype(
        {"sent_id": "int64", "is_title": "bool", "scare": "bool"}
    )
