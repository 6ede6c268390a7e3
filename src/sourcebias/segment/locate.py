"""Place character spans (hits, mentions) in their sentence and voice.

Each look-up is one sorted, vectorised search (:func:`numpy.searchsorted` over
(article, offset) keys), never a loop over rows: the same answer as
:func:`pandas.merge_asof` with ``by="doc_id"`` and ``direction="backward"``,
without sorting the spans twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _keys(doc_codes: np.ndarray, offsets: pd.Series, scale: int) -> np.ndarray:
    return doc_codes.astype(np.int64) * scale + offsets.to_numpy(np.int64)


def containing(spans: pd.DataFrame, intervals: pd.DataFrame, *, what: str = "interval"
               ) -> np.ndarray:
    """The interval in which each span starts.

    Parameters
    ----------
    spans, intervals : pandas.DataFrame
        Tables with ``doc_id`` and ``start`` (offsets into ``articles.text``),
        such as hits and the ``sentences`` or ``voice`` table.
    what : str, default "interval"
        What the intervals are, for the error message.

    Returns
    -------
    numpy.ndarray of int
        For each span, the position (row number) in ``intervals`` of the
        interval of the same article with the greatest start at or before the
        span's start (the last such row when starts tie).

    Raises
    ------
    ValueError
        If a span starts before every interval of its article.
    """
    if spans.empty:
        return np.zeros(0, dtype=np.int64)
    codes, _ = pd.factorize(pd.concat([spans["doc_id"], intervals["doc_id"]],
                                      ignore_index=True))
    scale = int(max(spans["start"].max(), intervals["start"].to_numpy().max(initial=0))) + 1
    span_doc, interval_doc = codes[:len(spans)], codes[len(spans):]
    interval_keys = _keys(interval_doc, intervals["start"], scale)
    order = np.argsort(interval_keys, kind="stable")
    at = np.searchsorted(interval_keys[order], _keys(span_doc, spans["start"], scale),
                         side="right") - 1
    found = (at >= 0) & (interval_doc[order[np.maximum(at, 0)]] == span_doc)
    if not found.all():
        row = int(np.flatnonzero(~found)[0])
        raise ValueError(f"span {spans['doc_id'].iloc[row]!r} "
                         f"[{spans['start'].iloc[row]}, {spans['end'].iloc[row]}) starts "
                         f"before every {what} of its article; pass the {what} table of the "
                         "same articles")
    return order[at]


def locate(spans: pd.DataFrame, *, sentences: pd.DataFrame, voice: pd.DataFrame) -> pd.DataFrame:
    """Add ``sent_id``, ``is_title``, ``voice`` and ``scare`` to a table of spans.

    A span belongs to the sentence and the voice span in which it starts.

    Parameters
    ----------
    spans : pandas.DataFrame
        Has ``doc_id``, ``start`` and ``end`` (offsets into ``articles.text``).
    sentences : pandas.DataFrame
        The ``sentences`` table of the same articles (``doc_id``, ``start``,
        ``sent_id``, ``is_title``).
    voice : pandas.DataFrame
        The ``voice`` table of the same articles (``doc_id``, ``start``,
        ``voice``, ``scare``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``spans`` with the four columns added (replacing any of the
        same name), in the same row order.

    Raises
    ------
    ValueError
        If a span starts before every sentence or voice span of its article.
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
    sentence = containing(out, sentences, what="sentence")
    span = containing(out, voice, what="voice span")
    return out.assign(
        sent_id=sentences["sent_id"].to_numpy(np.int64)[sentence],
        is_title=sentences["is_title"].to_numpy(bool)[sentence],
        voice=voice["voice"].array.take(span),
        scare=voice["scare"].to_numpy(bool)[span],
    )
