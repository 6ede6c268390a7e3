"""Loaded-term hits: where each article uses the words of the terms lexicon.

:func:`find_terms` matches every pattern of ``terms.yaml`` in one pass (rules in
:mod:`sourcebias.annotate.lexicon`: whole words, folded case, diacritics, apostrophes
and hyphens, wildcards, the longest match within a category), places each hit
in its sentence and voice, and marks hits that a negation word precedes
("this is not a coup").
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd

from sourcebias.annotate.folding import Corpus, prepare_corpus
from sourcebias.annotate.lexicon import Lexicon, read_terms
from sourcebias.annotate.matching import match_lexicon
from sourcebias.segment.locate import locate
from sourcebias.tables import COLUMNS, EXTRA_COLUMNS, WORD_PATTERN

#: Extra column of the hits table: the pattern (as written in the lexicon) that matched.


#: Characters per word of the negation window that a negator may stand before a hit:
#: a longer gap is never read (so a long sentence costs no more than a short one).
GAP_CHARS_PER_WORD = 100


_WORD = re.compile(WORD_PATTERN)


def find_terms(
    articles: pd.DataFrame | Corpus,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """Find the loaded terms of a lexicon in every article.

    A hit is ``negated`` when a negation word of the lexicon ends within its
    ``negation.window`` words before the hit, in the same sentence, with no
    ``scope_ends`` word or punctuation between them, and the negation word is
    not part of a ``not_negating`` phrase (the NegEx rule of Chapman et al.,
    2001; see :mod:`sourcebias.annotate.lexicon`). With the project lexicon "not" negates
    "coup" in "this is not a coup" and "not a military coup", but not in "not
    only a real coup" (a pseudo-negation, and four words), and "never" does not
    negate "imperialism" in "never surrender to imperialism". Words are counted
    with :data:`sourcebias.tables.WORD_PATTERN`; a negator more than
    :data:`GAP_CHARS_PER_WORD` characters per word of the window before the hit
    is not read.

    Parameters
    ----------
    articles : pandas.DataFrame or Corpus
        The ``articles`` table (``doc_id``, ``text``), or the :class:`Corpus`
        that :func:`sourcebias.annotate.folding.prepare_corpus` made of it (pass the same
        corpus to :func:`sourcebias.find_actors` to normalise once).
    sentences : pandas.DataFrame
        The ``sentences`` table of the same articles.
    voice : pandas.DataFrame
        The ``voice`` table of the same articles.
    lexicon : Lexicon, optional
        A terms lexicon; :func:`sourcebias.read_terms` by default.

    Returns
    -------
    pandas.DataFrame
        The ``hits`` table of :mod:`sourcebias.tables` plus ``pattern``, by
        article and position.

    Examples
    --------
    >>> hits = find_terms(articles, sentences=sentences, voice=voice)  # doctest: +SKIP
    >>> hits.groupby(["category", "voice"]).size()  # doctest: +SKIP
    """
    lexicon = read_terms() if lexicon is None else lexicon
    if lexicon.kind != "terms":
        raise ValueError(f"{lexicon.path} is an {lexicon.kind} lexicon; pass a terms lexicon "
                         "(sourcebias.read_terms)")
    corpus = articles if isinstance(articles, Corpus) else prepare_corpus(articles)
    found = locate(match_lexicon(corpus, lexicon=lexicon, negator_surfaces=False),
                   sentences=sentences, voice=voice)
    is_negator = found["negator"].to_numpy()
    hits = found[~is_negator].rename(columns={"entry": "term"}).reset_index(drop=True)
    hits["negated"] = _negated(hits, found[is_negator], corpus=corpus, lexicon=lexicon)
    return hits[[*COLUMNS["hits"], *EXTRA_COLUMNS["hits"]]]


def _negated(hits: pd.DataFrame, negators: pd.DataFrame, *, corpus: Corpus, lexicon: Lexicon
             ) -> np.ndarray:
    """Whether the nearest negator before each hit, in its sentence, has it in scope."""
    if hits.empty or negators.empty:
        return np.zeros(len(hits), dtype=bool)
    left = hits[["doc_id", "start", "sent_id"]].assign(_row=np.arange(len(hits)))
    right = negators[["doc_id", "end", "sent_id"]].rename(
        columns={"end": "negator_end", "sent_id": "negator_sent"})
    nearest = pd.merge_asof(left.sort_values("start"), right.sort_values("negator_end"),
                            left_on="start", right_on="negator_end", by="doc_id",
                            direction="backward").sort_values("_row")
    gap_chars = (nearest["start"] - nearest["negator_end"]).to_numpy("float64")
    near = np.flatnonzero((nearest["negator_sent"] == nearest["sent_id"]).to_numpy()
                          & (gap_chars <= GAP_CHARS_PER_WORD * lexicon.negation_window))
    gaps = corpus.slices(nearest["doc_id"].iloc[near],
                         nearest["negator_end"].iloc[near].to_numpy("int64"),
                         nearest["start"].iloc[near].to_numpy("int64"))
    negated = np.zeros(len(hits), dtype=bool)
    negated[near] = [_in_scope(gap, lexicon.negation_window, lexicon.scope_ends)
                     for gap in gaps]
    return negated


_SCOPE_PUNCTUATION = re.compile(r"[,;:!?()\[\]\u2013\u2014]|\s-+\s")


_STARTS_WITH_PUNCTUATION = re.compile(r"[^\w\s\"“”‘’'«»]")


def _in_scope(gap: str, window: int, scope_ends: frozenset[str]) -> bool:
    """Whether a negator followed by ``gap`` (the text up to a hit) negates the hit:
    fewer than ``window`` words, none of them but the first in ``scope_ends``
    ("not to interfere" is negated, "never surrender to imperialism" is not), and
    no punctuation between or right after the negator."""
    if _STARTS_WITH_PUNCTUATION.match(gap) or _SCOPE_PUNCTUATION.search(gap):
        return False
    words = list(itertools.islice(_WORD.finditer(gap), window))
    return len(words) < window and not any(w[0].lower() in scope_ends for w in words[1:])
