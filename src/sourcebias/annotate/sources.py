"""Who the sources of attributions are, and which text each attribution covers.

:func:`resolve_sources` fills ``source_actor`` and ``source_name`` of the
``attributions`` table from actor mentions; :func:`mark_attributed` marks the
rows of a voice, sentences, hits or mentions table that lie inside attributed
content. Both work by sorted interval look-ups over all articles at once.
"""

from __future__ import annotations

import itertools

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
       nearest source before it in the same article, if that lies in the same
       or the previous sentence (none when that source is no actor of the
       lexicon); otherwise the actor of the first
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
    docs, (doc_base, m_base) = _bases(out["doc_id"], mentions["doc_id"])
    m_key = m_base + mentions["start"].to_numpy(np.int64)
    order = np.argsort(m_key, kind="stable")
    m_key, m_end = m_key[order], (m_base + mentions["end"].to_numpy(np.int64))[order]
    m_actor = mentions["actor"].to_numpy(object)[order]
    m_label = mentions["label"].fillna("").str.lower().to_numpy(object)[order]
    has = out["source_start"].to_numpy() >= 0
    s_start = doc_base + out["source_start"].to_numpy(np.int64)
    s_end = doc_base + out["source_end"].to_numpy(np.int64)
    actor = np.full(len(out), "", dtype=object)
    # rule 1: a mention overlapping the span (the last one starting inside it)
    k = np.searchsorted(m_key, s_end, side="left") - 1
    named = has & (k >= 0) & (m_end[np.maximum(k, 0)] > s_start)
    actor[named] = m_actor[k[named]]
    # the nearest mention before the span, in the same article
    before = np.searchsorted(m_key, s_start, side="left") - 1
    in_doc = (before >= 0) & (m_key[np.maximum(before, 0)] >= doc_base)
    last_word, one_word = _last_words(out["source_text"])
    pronoun = has & ~named & np.isin(last_word, list(PRONOUNS)) & one_word
    starts = _sentence_starts(sentences, docs)
    sentence_of = np.searchsorted(starts, s_start, side="right") - 1
    m_sentence = np.searchsorted(starts, m_key, side="right") - 1
    described = has & ~named & ~pronoun & (last_word != "")
    actor[described] = _described(last_word[described], before[described], doc_base[described],
                                  m_key, m_label, m_actor)
    subject = np.full(len(out), "", dtype=object)
    ask = pronoun & in_doc
    subject[ask] = m_actor[np.searchsorted(m_sentence, m_sentence[before[ask]], side="left")]
    _resolve_pronouns(actor, pronoun=pronoun, has=has, subject=subject, at=s_start,
                      sentence=sentence_of, doc_base=doc_base)
    out["source_actor"] = actor.astype(str)
    out["source_name"] = out["source_actor"].map(names).fillna("").astype(str)
    return out


def _resolve_pronouns(actor: np.ndarray, *, pronoun: np.ndarray, has: np.ndarray,
                      subject: np.ndarray, at: np.ndarray, sentence: np.ndarray,
                      doc_base: np.ndarray) -> None:
    """Fill ``actor`` of the pronoun sources in place, in row order.

    A pronoun takes the actor of the last source before it (row order) if that
    lies in the same article and in the same or the previous sentence, else its
    ``subject``. That source may be a name or description of no actor of the
    lexicon ('Information Minister Jorge Rodríguez said ... "...," he told'):
    the pronoun then stays unresolved rather than taking an actor named inside
    the content. The other rows' actors are already known, so only the pronoun
    rows are visited one by one.
    """
    rows = np.arange(len(actor))
    sourced = has & ~pronoun
    last_other = np.maximum.accumulate(np.where(sourced, rows, -1))
    last_other = np.r_[-1, last_other[:-1]]
    last = -1
    for i in np.flatnonzero(pronoun).tolist():
        j = max(int(last_other[i]), last)
        if j >= 0 and sentence[i] - sentence[j] <= 1 and at[j] >= doc_base[i]:
            actor[i] = actor[j]
            last = i
        else:
            actor[i] = subject[i]
            if actor[i]:
                last = i


def _described(words: np.ndarray, k: np.ndarray, base: np.ndarray, key: np.ndarray,
               label: np.ndarray, actor: np.ndarray) -> np.ndarray:
    """For each description's last word, the actor of the nearest mention whose label holds
    it: at or before mention ``k`` in the article (``key`` from ``base``), else the first
    after it (a headline's "Defense Minister" named later); ``""`` if none.

    The (label word, mention) pairs are sorted once, and each word is looked up by
    a sorted search among the mentions whose label holds it.
    """
    out = np.full(len(words), "", dtype=object)
    pairs = pd.Series(label, dtype=object).str.split().explode().dropna()
    if not len(words) or pairs.empty:
        return out
    vocabulary = pd.Index(pd.unique(pairs.to_numpy()))
    pair_word = vocabulary.get_indexer(pairs.to_numpy()).astype(np.int64)
    pair_mention = pairs.index.to_numpy(np.int64)
    stride = np.int64(len(key) + 1)
    pair_key = np.unique(pair_word * stride + pair_mention)
    word = vocabulary.get_indexer(words).astype(np.int64)
    known = word >= 0
    query = word * stride + k
    c = np.searchsorted(pair_key, query, side="right") - 1
    earlier = pair_key[np.maximum(c, 0)]
    mention = earlier % stride
    found = known & (c >= 0) & (earlier // stride == word) & (key[mention] >= base)
    later = pair_key[np.minimum(c + 1, len(pair_key) - 1)]
    following = later % stride
    after = (known & ~found & (c + 1 < len(pair_key)) & (later // stride == word)
             & (key[following] < base + _STRIDE))
    out[found] = actor[mention[found]]
    out[after] = actor[following[after]]
    return out


def _last_words(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The last word of each source text, lower-cased and without a final "'s" (``""`` if
    none), and whether it is the only word; worked out once per distinct text."""
    codes, uniques = pd.factorize(texts)
    # "He's hitting out at ..." : the contraction is not part of the source
    words = pd.Series(uniques).str.lower().str.replace(r"['’]s$", "", regex=True).str.split()
    last = np.r_[words.str[-1].fillna("").to_numpy(object), [""]]
    one = np.r_[(words.str.len() == 1).to_numpy(bool), [False]]
    return last[codes], one[codes]


def _base(docs: pd.Index, doc_id: pd.Series) -> np.ndarray:
    """The number each article's offsets are added to in a global key (sortable by
    article, then offset); negative for an article not in ``docs``."""
    return docs.get_indexer(doc_id).astype(np.int64) * _STRIDE


def _bases(*doc_ids: pd.Series) -> tuple[pd.Index, list[np.ndarray]]:
    """The articles of the columns ``doc_ids`` in order of appearance, and the
    :func:`_base` of each column's rows, from one hashing pass over them all."""
    codes, docs = pd.factorize(pd.concat(doc_ids, ignore_index=True))
    bounds = np.cumsum([0, *(len(doc_id) for doc_id in doc_ids)])
    bases = codes.astype(np.int64) * _STRIDE
    return pd.Index(docs), [bases[a:b] for a, b in itertools.pairwise(bounds)]


def _sentence_starts(sentences: pd.DataFrame, docs: pd.Index) -> np.ndarray:
    """Sorted global keys of the starts of the sentences of the known articles; the running
    number of the sentence holding a point is its ``searchsorted(side="right") - 1``."""
    base = _base(docs, sentences["doc_id"])
    known = base >= 0
    return np.sort(base[known] + sentences["start"].to_numpy(np.int64)[known])


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
    inside, actor = attributed_spans(table, attributions)
    return table.assign(attributed=inside, source_actor=actor.astype(str))


def attributed_spans(table: pd.DataFrame, attributions: pd.DataFrame
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Whether each row of ``table`` lies inside attributed content, and who says it.

    The two columns of :func:`mark_attributed`, without copying ``table``. A row
    is inside when its midpoint lies in a content piece of the same article;
    where pieces nest, the piece reaching furthest among those that start
    before the midpoint gives the source.

    Parameters
    ----------
    table : pandas.DataFrame
        ``doc_id``, ``start`` and ``end``.
    attributions : pandas.DataFrame
        ``doc_id``, ``content_start``, ``content_end`` and ``source_actor``.

    Returns
    -------
    inside : numpy.ndarray of bool
        One flag per row of ``table``.
    actor : numpy.ndarray of object
        The ``source_actor`` of the piece that holds the row, ``""`` where none.
    """
    _, (t_base, a_base) = _bases(table["doc_id"], attributions["doc_id"])
    a_start = a_base + attributions["content_start"].to_numpy(np.int64)
    a_end = a_base + attributions["content_end"].to_numpy(np.int64)
    order = np.argsort(a_start, kind="stable")
    a_start, a_end = a_start[order], a_end[order]
    a_actor = attributions["source_actor"].to_numpy(object)[order]
    reach = np.maximum.accumulate(a_end) if len(a_end) else a_end
    holder = pd.Series(np.where(a_end == reach, np.arange(len(a_end)), np.nan)).ffill()
    holder = holder.to_numpy().astype(np.int64) if len(a_end) else np.zeros(0, np.int64)
    mid = (t_base + table["start"].to_numpy(np.int64) + t_base
           + table["end"].to_numpy(np.int64)) // 2
    k = np.searchsorted(a_start, mid, side="right") - 1
    inside = (k >= 0) & (reach[np.maximum(k, 0)] > mid) if len(a_start) else k >= 0
    actor = np.full(len(table), "", dtype=object)
    actor[inside] = a_actor[holder[k[inside]]]
    return inside, actor
