"""Keyword in context: each hit or mention with the words around it."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from sourcebias.checks import as_list, choice, kept_articles, of_kept, require_columns
from sourcebias.tables import VOICES

_WHITESPACE = re.compile(r"\s+")


def _collapse(text: pd.Series) -> pd.Series:
    return text.str.replace(_WHITESPACE, " ", regex=True).str.strip()


def _left_context(text: str, start: int, window: int) -> str:
    begin = max(0, start - window)
    left = text[begin:start]
    if begin > 0 and not text[begin - 1].isspace():
        left = re.sub(r"^\S+", "", left)
    return " ".join(left.split())


def _right_context(text: str, end: int, window: int) -> str:
    stop = end + window
    right = text[end:stop]
    if stop < len(text) and not text[stop].isspace():
        right = re.sub(r"\S+$", "", right)
    return " ".join(right.split())


def kwic(
    spans: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    window: int = 60,
    term: str | Iterable[str] | None = None,
    category: str | Iterable[str] | None = None,
    actor: str | Iterable[str] | None = None,
    voice: str | None = None,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Keyword-in-context concordance of hits or mentions.

    Parameters
    ----------
    spans : pandas.DataFrame
        A ``hits`` or ``mentions`` table (``doc_id``, ``start``, ``end``,
        ``voice``, ``scare``, ``is_title``).
    articles : pandas.DataFrame
        The ``articles`` table the spans were found in.
    window : int
        Characters of context on each side, before clipping: a word cut by
        the window edge is dropped, and whitespace (line breaks included) is
        collapsed to single spaces.
    term, category, actor : str or list of str, optional
        Keep only spans with these values (the column must exist).
    voice : {"narrator", "quote"}, optional
        Keep only spans in this voice.
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``outlet``, ``start``, ``end``, the ``term``, ``category``,
        ``actor`` and ``label`` columns that ``spans`` has, ``voice``,
        ``scare``, ``is_title``, ``left``, ``match`` and ``right``, in batch
        order.

    Examples
    --------
    >>> kwic(hits, articles=articles, category="coup", window=40)
    """
    if window < 0:
        raise ValueError(f"window must be a non-negative number of characters, got {window!r}")
    require_columns(spans, "spans", ("doc_id", "start", "end", "voice", "scare", "is_title"))
    kept = kept_articles(articles, by="outlet", include_duplicates=include_duplicates)
    require_columns(kept, "articles", ("text",))
    found = of_kept(spans, "spans", articles=articles, kept=kept)
    if voice is not None:
        choice(voice, VOICES, "voice")
    for column, wanted in (("term", term), ("category", category), ("actor", actor),
                           ("voice", voice)):
        if wanted is not None:
            require_columns(found, "spans", (column,))
            found = found[found[column].isin(as_list(wanted))]
    position = pd.Series(np.arange(len(kept)), index=kept["doc_id"])
    found = (found.assign(_doc=found["doc_id"].map(position))
             .sort_values(["_doc", "start"], kind="stable").reset_index(drop=True))
    text = found["_doc"].map(kept["text"]).tolist()
    starts, ends = found["start"].tolist(), found["end"].tolist()
    keys = [c for c in ("term", "category", "actor", "label") if c in found.columns]
    return pd.DataFrame({
        "doc_id": found["doc_id"],
        "outlet": found["_doc"].map(kept["outlet"]),
        "start": found["start"],
        "end": found["end"],
        **{c: found[c] for c in keys},
        "voice": found["voice"],
        "scare": found["scare"],
        "is_title": found["is_title"],
        "left": pd.Series([_left_context(t, s, window) for t, s in zip(text, starts, strict=True)],
                          dtype="str"),
        "match": pd.Series([" ".join(t[s:e].split()) for t, s, e in zip(
            text, starts, ends, strict=True)], dtype="str"),
        "right": pd.Series([_right_context(t, e, window) for t, e in zip(text, ends, strict=True)],
                           dtype="str"),
    })
