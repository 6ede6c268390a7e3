"""Who the sources of attributions are, and which text each attribution covers.

:func:`resolve_sources` fills ``source_actor`` and ``source_name`` of the
``attributions`` table from actor mentions; :func:`mark_attributed` marks the
rows of a voice, sentences, hits or mentions table that lie inside attributed
content. Both work by sorted interval look-ups over all articles at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcebias.annotate.lexicon import Lexicon, read_actors

#: Offsets of different articles are kept apart by this stride in a global key.
_STRIDE = np.int64(1) << 40
#: Source words that refer back to an actor named earlier.
PRONOUNS = frozenset("he she they it who which that i we his her their its".split())
#: Source words that refer to a person (resolved to the last source or mention of a person).
PERSONAL = frozenset("he she who i his her".split())


def resolve_sources(
    attributions: pd.DataFrame,
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """Fill ``source_actor`` and ``source_name`` of the attributions from actor mentions.

    Three rules, in order:

    1. *Named*: an actor mention that overlaps the source span (the last one,
       which is the head in "Stein spokeswoman Melezia Figueroa").
    2. *Pronoun* ("he", "she", "who", "they", "it" ...): the actor of the
       nearest source resolved before it in the same article, if that lies in
       the same or the previous sentence; otherwise the actor of the first
       mention (the likely subject) of the sentence that holds the nearest
       mention before the source span in the article.
    3. *Description* ("the minister", "the defense ministry"): the actor of the
       nearest mention before the span in the same article whose ``label``
       holds the description's last word, or failing that the first such
       mention after it; "the minister" after "Defense Minister Vladimir
       Padrino" is Padrino.

    Otherwise both stay empty.

    Parameters
    ----------
    attributions : pandas.DataFrame
        The ``attributions`` table of :func:`sourcebias.segment.attribution.find_attributions`.
    mentions : pandas.DataFrame
        The ``mentions`` table of :func:`sourcebias.find_actors` for the same articles.
    sentences : pandas.DataFrame
        The ``sentences`` table of the same articles.
    lexicon : Lexicon, optional
        The actors lexicon the mentions came from, for ``source_name`` (the
        actor's ``name``); :func:`sourcebias.annotate.lexicon.read_actors` by default.

    Returns
    -------
    pandas.DataFrame
        A copy of ``attributions`` with ``source_actor`` (actor id) and
        ``source_name`` filled where a rule applies, ``""`` elsewhere.
    """
    lexicon = read_actors() if lexicon is None else lexicon
    names = {entry.id: entry.name for entry in lexicon.entries}
    out = attributions.copy()
    if mentions.empty or out.empty:  # nothing to resolve to, or nothing to resolve
        return out.assign(source_actor="", source_name="")
    docs = pd.Index(pd.unique(pd.concat([attributions["doc_id"], mentions["doc_id"]])))
    m = mentions.sort_values(["doc_id", "start"], kind="stable")
    m_key = _key(docs, m["doc_id"], m["start"])
    order = np.argsort(m_key, kind="stable")
    m_key, m_end = m_key[order], _key(docs, m["doc_id"], m["end"])[order]
    m_actor = m["actor"].to_numpy(object)[order]
    m_label = m["label"].fillna("").str.lower().to_numpy(object)[order]
    has = out["source_start"].to_numpy() >= 0
    s_start = _key(docs, out["doc_id"], out["source_start"])
    s_end = _key(docs, out["doc_id"], out["source_end"])
    doc_base = docs.get_indexer(out["doc_id"]).astype(np.int64) * _STRIDE
    actor = np.full(len(out), "", dtype=object)
    # rule 1: a mention overlapping the span (the last one starting inside it)
    k = np.searchsorted(m_key, s_end, side="left") - 1
    named = has & (k >= 0) & (m_end[np.maximum(k, 0)] > s_start)
    actor[named] = m_actor[k[named]]
    # the nearest mention before the span, in the same article
    before = np.searchsorted(m_key, s_start, side="left") - 1
    in_doc = (before >= 0) & (m_key[np.maximum(before, 0)] >= doc_base)
    # "He's hitting out at ..." : the contraction is not part of the source
    words = out["source_text"].str.lower().str.replace(r"['’]s$", "", regex=True).str.split()
    last_word = words.str[-1].fillna("").to_numpy(object)
    pronoun = has & ~named & np.isin(last_word, list(PRONOUNS)) & (words.str.len() == 1)
    sentence_of = _sentence_index(sentences, docs, s_start)
    m_sentence = _sentence_index(sentences, docs, m_key)
    resolved_at, resolved_actor, resolved_sentence = -1, "", -1
    for i in np.flatnonzero(has).tolist():
        if pronoun[i]:
            if resolved_actor and sentence_of[i] - resolved_sentence <= 1 \
                    and resolved_at >= doc_base[i]:
                actor[i] = resolved_actor
            elif in_doc[i]:
                actor[i] = m_actor[_subject(before[i], m_key, m_sentence)]
        elif not named[i] and last_word[i]:
            actor[i] = _described(last_word[i], before[i], doc_base[i], m_key, m_label, m_actor)
        if actor[i]:
            resolved_at, resolved_actor, resolved_sentence = int(s_start[i]), actor[i], \
                int(sentence_of[i])
    out["source_actor"] = actor.astype(str)
    out["source_name"] = [names.get(a, "") for a in out["source_actor"]]
    return out


def _subject(k: int, key: np.ndarray, sentence: np.ndarray) -> int:
    """The first mention of the sentence that holds mention ``k`` (its likely subject)."""
    return int(np.searchsorted(sentence, sentence[k], side="left"))


def _described(word: str, k: int, base: int, key: np.ndarray, label: np.ndarray,
               actor: np.ndarray) -> str:
    """Actor of the nearest mention whose label holds ``word``: at or before ``k`` in the
    article, else the first after it (a headline's "Defense Minister" named later)."""
    j = k
    while j >= 0 and key[j] >= base:
        if word in label[j].split():
            return actor[j]
        j -= 1
    j = k + 1
    while j < len(key) and key[j] < base + _STRIDE:
        if word in label[j].split():
            return actor[j]
        j += 1
    return ""


def _key(docs: pd.Index, doc_id: pd.Series, offset: pd.Series) -> np.ndarray:
    """One sortable number per (article, offset)."""
    return docs.get_indexer(doc_id).astype(np.int64) * _STRIDE + offset.to_numpy(np.int64)


def _sentence_index(sentences: pd.DataFrame, docs: pd.Index, points: np.ndarray) -> np.ndarray:
    """Running number of the sentence holding each global point (over the known articles)."""
    known = sentences[docs.get_indexer(sentences["doc_id"]) >= 0]
    starts = np.sort(_key(docs, known["doc_id"], known["start"]))
    return np.searchsorted(starts, points, side="right") - 1


def mark_attributed(table: pd.DataFrame, attributions: pd.DataFrame) -> pd.DataFrame:
    """Add ``attributed`` and ``source_actor`` to rows that lie inside attributed content.

    A row (a voice span, sentence, hit or mention, with ``doc_id``, ``start``
    and ``end``) is attributed when the midpoint of its span,
    ``(start + end) // 2``, lies inside a content piece of ``attributions``;
    its ``source_actor`` is that piece's (``""`` when the source is unknown
    or the row is not attributed). Where pieces nest, the piece reaching
    furthest among those that start before the point is used.

    Parameters
    ----------
    table : pandas.DataFrame
    attributions : pandas.DataFrame
        The ``attributions`` table (``source_actor`` may be empty).

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with the two columns added.
    """
    out = table.copy()
    docs = pd.Index(pd.unique(pd.concat([table["doc_id"], attributions["doc_id"]])))
    a_start = _key(docs, attributions["doc_id"], attributions["content_start"])
    a_end = _key(docs, attributions["doc_id"], attributions["content_end"])
    order = np.argsort(a_start, kind="stable")
    a_start, a_end = a_start[order], a_end[order]
    a_actor = attributions["source_actor"].to_numpy(object)[order]
    reach = np.maximum.accumulate(a_end) if len(a_end) else a_end
    holder = pd.Series(np.where(a_end == reach, np.arange(len(a_end)), np.nan)).ffill()
    holder = holder.to_numpy().astype(np.int64) if len(a_end) else np.zeros(0, np.int64)
    mid = (_key(docs, table["doc_id"], table["start"])
           + _key(docs, table["doc_id"], table["end"])) // 2
    k = np.searchsorted(a_start, mid, side="right") - 1
    inside = (k >= 0) & (reach[np.maximum(k, 0)] > mid) if len(a_start) else k >= 0
    actor = np.full(len(out), "", dtype=object)
    actor[inside] = a_actor[holder[k[inside]]]
    out["attributed"] = inside
    out["source_actor"] = actor.astype(str)
    return out
