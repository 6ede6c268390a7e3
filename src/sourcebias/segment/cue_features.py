"""The learned cue filter of :mod:`sourcebias.segment.attribution`: features and scores.

A word of the cue lexicon is a cue only in some of its uses ("he *called*
the decision a mistake" against "a so-*called* deal"). Each candidate gets a
few categorical features, read from the corpus string around it:

``f``  its form, lower-cased ("said", "according to");
``p``  the word or mark before it in its sentence, lower-cased (``<s>`` at the
       sentence start);
``n``  the word or mark after it in its sentence (``</s>`` at the end);
``pc``, ``nc``  the kind of those neighbours (pronoun, determiner, name,
       word, comma, quotation mark, other mark, none), each paired with the form's
       kind (``f`` when the form has a weight of its own, else ``rare``);
``q``  whether it lies inside a quotation (quote voice span, not a scare quote).

Its score is a logistic regression (Cox, *JRSS B* 1958) over the indicators of
the feature values, ``1 / (1 + exp(-(b + sum of weights)))``, with weights learned
from PolNeAR train by ``benchmarks/build_attribution_model.py``; features
without a weight count 0. Candidates scoring below the model's threshold are
dropped before the span rules run.
"""

from __future__ import annotations

import functools

import numpy as np

#: Marks read on their own when they end the word before a cue or open the one after.
_MARKS = ",;:\"“”‘’'«»()—–?!."
#: Pronouns (subjects and relative) and determiners, for the neighbour kinds.
_PRONOUNS = frozenset("he she they we i you it who which that this one".split())
_DETERMINERS = frozenset("the a an his her their its our my your this these those".split())
_QUOTES = frozenset("\"“”‘’'«»")
#: Feature families, in the order :func:`features` returns them.
FAMILIES = ("f", "p", "n", "pc", "nc", "q")


@functools.lru_cache(maxsize=1 << 16)
def _kind(word: str) -> str:
    """The kind of a neighbouring word or mark."""
    if word in ("<s>", "</s>"):
        return word
    lower = word.lower()
    if lower in _PRONOUNS:
        return "pron"
    if lower in _DETERMINERS:
        return "det"
    if word in _QUOTES:
        return "quote"
    if word in (",", ";", ":", "—", "–", "-", "(", ")"):
        return word
    if word[:1].isupper():
        return "name"
    return "word" if word[:1].isalnum() else "mark"


def features(corpus: str, cues: np.ndarray, sent_start: np.ndarray, sent_end: np.ndarray,
             quoted: np.ndarray, forms: frozenset[str]) -> dict[str, list[str]]:
    """The features of each cue candidate: one list of values per family of :data:`FAMILIES`.

    Parameters
    ----------
    corpus : str
        The string holding every article.
    cues : numpy.ndarray
        ``(start, end)`` rows of the candidates, global offsets.
    sent_start, sent_end : numpy.ndarray
        Start and end of the sentence holding each candidate.
    quoted : numpy.ndarray
        Whether each candidate lies in a quotation.
    forms : frozenset of str
        The forms that have neighbour-kind weights of their own (others pair
        their neighbour kinds with ``rare``).

    Returns
    -------
    dict of str to list of str
        For each family, the value of each candidate.
    """
    starts, ends = cues[:, 0].tolist(), cues[:, 1].tolist()
    form = [corpus[a:b].lower() for a, b in zip(starts, ends, strict=True)]
    before = [corpus[max(ss, a - 40):a].rsplit(None, 1)
              for a, ss in zip(starts, sent_start.tolist(), strict=True)]
    prev = [_last(w[-1]) if w else "<s>" for w in before]
    after = [corpus[b:min(se, b + 40)].split(None, 1)
             for b, se in zip(ends, sent_end.tolist(), strict=True)]
    nxt = [_first(w[0]) if w else "</s>" for w in after]
    kind = [f if f in forms else "rare" for f in form]
    return {
        "f": form,
        "p": [w.lower() for w in prev],
        "n": [w.lower() for w in nxt],
        "pc": [f"{k}|{_kind(w)}" for k, w in zip(kind, prev, strict=True)],
        "nc": [f"{k}|{_kind(w)}" for k, w in zip(kind, nxt, strict=True)],
        "q": ["1" if q else "0" for q in quoted.tolist()],
    }


def _last(chunk: str) -> str:
    """The word or mark that ends a chunk of text without spaces."""
    return chunk[-1] if chunk[-1] in _MARKS else chunk


def _first(chunk: str) -> str:
    """The word or mark that opens a chunk of text without spaces."""
    if chunk[0] in _MARKS:
        return chunk[0]
    return chunk.rstrip(_MARKS) or chunk


def scores(values: dict[str, list[str]], weights: dict[str, dict[str, float]], bias: float
           ) -> np.ndarray:
    """Logistic scores of the candidates whose :func:`features` are ``values``.

    ``weights`` holds, for each family, the weight of each value (others count 0).
    """
    n = len(values["f"])
    total = np.full(n, bias)
    for family in FAMILIES:
        table = weights.get(family, {})
        total += np.fromiter((table.get(v, 0.0) for v in values[family]), float, n)
    return 1.0 / (1.0 + np.exp(-total))
