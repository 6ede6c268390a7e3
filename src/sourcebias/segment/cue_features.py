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

Its score is a logistic regression (Cox, *JRSS B* 1958) over the indicator of
each feature, ``1 / (1 + exp(-(b + sum of weights)))``, with weights learned
from PolNeAR train by ``benchmarks/build_attribution_model.py``; features
without a weight count 0. Candidates scoring below the model's threshold are
dropped before the span rules run.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: A word as the features read it, or one other mark.
_NEXT = re.compile(r"\s*([\w’'.\-]+|[^\w\s])")
_PREV = re.compile(r"([\w’'\-]+\.?|[^\w\s])\s*$")
#: Pronouns (subjects and relative) and determiners, for the neighbour kinds.
_PRONOUNS = frozenset("he she they we i you it who which that this one".split())
_DETERMINERS = frozenset("the a an his her their its our my your this these those".split())
_QUOTES = frozenset("\"“”‘’'«»")
#: Feature families, in the order :func:`features` returns them.
FAMILIES = ("f", "p", "n", "pc", "nc", "q")


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
             quoted: np.ndarray, forms: frozenset[str]) -> pd.DataFrame:
    """The features of each cue candidate, one column per family of :data:`FAMILIES`.

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
        The forms that have a weight of their own (others pair their
        neighbour kinds with ``rare``).

    Returns
    -------
    pandas.DataFrame
        Strings ``family=value``, one column per family.
    """
    prev, after, form = [], [], []
    for (cs, ce), ss, se in zip(cues.tolist(), sent_start.tolist(), sent_end.tolist(),
                                strict=True):
        form.append(corpus[cs:ce].lower())
        m = _PREV.search(corpus, max(ss, cs - 40), cs)
        prev.append(m.group(1) if m else "<s>")
        m = _NEXT.match(corpus, ce, se)
        after.append(m.group(1) if m else "</s>")
    kind = [f if f in forms else "rare" for f in form]
    return pd.DataFrame({
        "f": [f"f={f}" for f in form],
        "p": [f"p={w.lower()}" for w in prev],
        "n": [f"n={w.lower()}" for w in after],
        "pc": [f"pc={k}|{_kind(w)}" for k, w in zip(kind, prev, strict=True)],
        "nc": [f"nc={k}|{_kind(w)}" for k, w in zip(kind, after, strict=True)],
        "q": np.where(quoted, "q=1", "q=0"),
    })


def scores(table: pd.DataFrame, weights: dict[str, float], bias: float) -> np.ndarray:
    """Logistic scores of the candidates whose :func:`features` are ``table``."""
    total = np.full(len(table), bias)
    lookup = pd.Series(weights, dtype=float)
    for family in FAMILIES:
        total += table[family].map(lookup).fillna(0.0).to_numpy()
    return 1.0 / (1.0 + np.exp(-total))
