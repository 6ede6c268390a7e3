"""Attribution carried onto the per-article tables: who says each span, hit and mention.

:func:`attribute` finds the attributions of a set of articles, resolves their
sources to actors and marks the ``sentences``, ``voice``, ``hits`` and
``mentions`` tables with ``attributed`` and ``source_actor``
(:data:`sourcebias.tables.ATTRIBUTED_COLUMNS`); :func:`split_voice` and
:func:`mark_tables` are its steps, used one by one where the tables come from a
cache. Every step works one article at a time, so any partition of the
articles gives the same rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcebias.annotate.lexicon import Lexicon
from sourcebias.annotate.sources import attributed_spans, resolve_sources
from sourcebias.segment.attribution import find_attributions
from sourcebias.tables import ATTRIBUTED_COLUMNS, COLUMNS

#: Offsets of different articles are kept apart by this stride in a global key.
_STRIDE = np.int64(1) << 40


def attribute(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    hits: pd.DataFrame,
    mentions: pd.DataFrame,
    actors: Lexicon,
) -> dict[str, pd.DataFrame]:
    """Find and resolve the attributions of the articles, and mark the other tables.

    Parameters
    ----------
    articles : pandas.DataFrame
        An ``articles`` table (``doc_id``, ``text``).
    sentences, voice, hits, mentions : pandas.DataFrame
        The tables of the same articles (:func:`sourcebias.segment_articles`,
        :func:`sourcebias.find_terms`, :func:`sourcebias.find_actors`).
    actors : Lexicon
        The actors lexicon the mentions came from (for ``source_name``).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``attributions`` (found by :func:`sourcebias.segment.attribution.find_attributions`,
        resolved by :func:`resolve_attributions`), and ``sentences``,
        ``voice`` (cut at content boundaries, :func:`split_voice`), ``hits``
        and ``mentions`` with ``attributed`` and ``source_actor`` added.

    Examples
    --------
    >>> tables = attribute(articles, sentences=sentences, voice=voice, hits=hits,
    ...                    mentions=mentions, actors=read_actors())  # doctest: +SKIP
    >>> tables["hits"].query("voice == 'narrator' and not attributed")  # doctest: +SKIP
    """
    attributions = resolve_attributions(find_attributions(articles, sentences, voice),
                                        sentences=sentences, mentions=mentions, actors=actors)
    marked = mark_tables({"sentences": sentences, "voice": voice, "hits": hits,
                          "mentions": mentions}, attributions)
    return {"attributions": attributions, **marked}


def resolve_attributions(
    found: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    actors: Lexicon,
) -> pd.DataFrame:
    """The ``attributions`` table with sources resolved to actors.

    :func:`sourcebias.annotate.sources.resolve_sources` on the attributions
    that :func:`sourcebias.segment.attribution.find_attributions` found; an
    unresolved ``source_actor`` or ``source_name`` is null (``source_text``
    stays ``""`` when the text names no source).

    Parameters
    ----------
    found : pandas.DataFrame
        The attributions of the articles, as ``find_attributions`` returns them.
    sentences, mentions : pandas.DataFrame
        The ``sentences`` and ``mentions`` of the same articles.
    actors : Lexicon
        The actors lexicon the mentions came from (for ``source_name``).

    Returns
    -------
    pandas.DataFrame
        Columns ``COLUMNS["attributions"]`` of :mod:`sourcebias.tables`.
    """
    resolved = resolve_sources(found, mentions, sentences, lexicon=actors)
    for column in ("source_actor", "source_name"):
        resolved[column] = _null_if_empty(resolved[column])
    return resolved[list(COLUMNS["attributions"])].reset_index(drop=True)


def split_voice(voice: pd.DataFrame, attributions: pd.DataFrame) -> pd.DataFrame:
    """Cut the voice spans where attributed content starts or ends.

    A span that holds a content boundary strictly inside it becomes two (or
    more) spans with its ``voice`` and ``scare``, so each span lies wholly
    inside or outside every content piece, and the spans still tile the text.

    Parameters
    ----------
    voice : pandas.DataFrame
        The ``voice`` table (spans tiling each article, in article and offset order).
    attributions : pandas.DataFrame
        The ``attributions`` table of the same articles.

    Returns
    -------
    pandas.DataFrame
        A ``voice`` table with the same columns, in the same order of articles.
    """
    if voice.empty or attributions.empty:
        return voice.reset_index(drop=True)
    docs = pd.Index(pd.unique(voice["doc_id"]))
    base = docs.get_indexer(voice["doc_id"]).astype(np.int64) * _STRIDE
    start = base + voice["start"].to_numpy(np.int64)
    end = base + voice["end"].to_numpy(np.int64)
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    a_doc = docs.get_indexer(attributions["doc_id"]).astype(np.int64)
    known = a_doc >= 0
    cuts = np.unique(np.concatenate([
        a_doc[known] * _STRIDE + attributions[column].to_numpy(np.int64)[known]
        for column in ("content_start", "content_end")]))
    holder = np.searchsorted(start, cuts, side="right") - 1
    inside = (holder >= 0) & (cuts > start[np.maximum(holder, 0)]) \
        & (cuts < end[np.maximum(holder, 0)])
    new_start = np.sort(np.concatenate([start, cuts[inside]]))
    parent = np.searchsorted(start, new_start, side="right") - 1
    new_end = np.minimum(np.append(new_start[1:], np.iinfo(np.int64).max), end[parent])
    rows = voice.iloc[order[parent]].reset_index(drop=True)
    offset = base[order[parent]]
    return rows.assign(start=new_start - offset, end=new_end - offset)


def mark_tables(tables: dict[str, pd.DataFrame],
                attributions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Add ``attributed`` and ``source_actor`` to each table; the voice spans are split first.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Any of ``sentences``, ``voice``, ``hits`` and ``mentions``.
    attributions : pandas.DataFrame
        The ``attributions`` table of the same articles (sources resolved).

    Returns
    -------
    dict of str to pandas.DataFrame
        The same tables, ``voice`` cut with :func:`split_voice`, each with the
        columns of :data:`sourcebias.tables.ATTRIBUTED_COLUMNS` added (see
        :func:`mark_spans`; ``source_actor`` null where unknown).
    """
    return {name: mark_spans(split_voice(table, attributions) if name == "voice" else table,
                             attributions, name=name)
            for name, table in tables.items()}


def mark_spans(table: pd.DataFrame, attributions: pd.DataFrame, *, name: str) -> pd.DataFrame:
    """``table`` (``doc_id``, ``start``, ``end``) with ``attributed`` and ``source_actor``.

    Voice spans, hits and mentions are marked against the content pieces. A
    sentence is marked against the whole extent of each attribution, from the
    first to the last character of its content, cue and source, so that "The
    coup failed, the minister said." is attributed as a whole although its
    content ends before its midpoint.
    """
    sources = attributions.assign(source_actor=attributions["source_actor"].fillna(""))
    if name == "sentences":
        sources = sources.assign(**_extent(sources))
    inside, actor = attributed_spans(table, sources)
    columns = ATTRIBUTED_COLUMNS[name]
    return table.assign(attributed=inside, source_actor=np.where(actor == "", None, actor)
                        )[[*[c for c in table.columns if c not in columns], *columns]]


def _extent(attributions: pd.DataFrame) -> dict[str, np.ndarray]:
    """``content_start`` and ``content_end`` widened to the cue and source spans (-1: none)."""
    starts = [attributions[c].to_numpy(np.int64) for c in ("content_start", "cue_start",
                                                           "source_start")]
    ends = [attributions[c].to_numpy(np.int64) for c in ("content_end", "cue_end", "source_end")]
    big = np.iinfo(np.int64).max
    return {"content_start": np.minimum.reduce([np.where(a >= 0, a, big) for a in starts]),
            "content_end": np.maximum.reduce(ends)}


def _null_if_empty(values: pd.Series) -> np.ndarray:
    """The strings, with None in place of ``""`` and of missing values."""
    strings = values.fillna("").to_numpy(object)
    return np.where(strings == "", None, strings)
