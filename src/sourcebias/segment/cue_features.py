"""The learned cue filter of :mod:`sourcebias.segment.attribution`: features and scores.

A word of the cue lexicon is a cue only in some of its uses ("he *called*
the decision a mistake" against "a so-*called* deal"). Each candidate gets a
few categorical features, read from the corpus string around it:

``f``  its form, lower-cased ("said", "according to");
``p``  the text between the space before it and the previous space, lower-cased,
       or its last character when that is a mark ("he", "minister", ",", "”";
       ``<s>`` at the sentence start);
``p2`` likewise the text before that (``"`` in '"We won," he said', "committee" in
       "in the committee room, said");
``n``  likewise the text after it, or its first character when that is a mark
       ("that", "the", ",", "."; ``</s>`` at the sentence end);
``q``  whether it lies inside a quotation (quote voice span, not a scare quote);
``h``  whether its sentence holds (part of) a quotation, scare quotes included;
``s``, ``e``  its distance in characters from the sentence start and to the sentence
       end, in bins ``floor(log2(d + 1))`` capped at 8;
``l``  the :func:`lemma_key` of its form, shared by its inflections ("criticized",
       "criticizes", "criticising" give ``criticiz``), so a form never seen in training
       backs off to the weight its lemma earned from the forms that were;
``lp``, ``ln``  the lemma key joined with ``p`` and with ``n`` ("sai|he", "cal|so-"), so
       a neighbour can speak for one verb and against another.

The neighbours are bounded by the spaces around the candidate, found for all
candidates at once in the sorted space offsets of the corpus, not with a
tokeniser.

Its score is a logistic regression (Cox, *JRSS B* 1958) over the indicators of
the feature values, ``1 / (1 + exp(-(b + sum of weights)))``, with weights learned
from PolNeAR train by ``benchmarks/build_attribution_model.py``; features
without a weight count 0. Candidates scoring below the model's threshold are
dropped before the span rules run.
"""

from __future__ import annotations

import functools
import itertools
import re

import numpy as np

from sourcebias.tables import code_points

#: Marks read on their own when they end the word before a cue or open the one after.
_MARKS = ",;:\"“”‘’'«»()—–?!."
#: Feature families, in the order :func:`features` returns them.
FAMILIES = ("f", "p", "n", "q", "l", "p2", "h", "s", "e", "lp", "ln")
#: Irregular verb forms of cues and their base form.
IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
    "spoke": "speak", "spoken": "speak", "thought": "think", "knew": "know", "known": "know",
    "felt": "feel", "found": "find", "heard": "hear", "meant": "mean", "gave": "give",
    "given": "give", "took": "take", "taken": "take", "made": "make", "saw": "see",
    "seen": "see", "swore": "swear", "sworn": "swear", "sought": "seek", "taught": "teach",
    "brought": "bring", "held": "hold", "forgot": "forget", "forgotten": "forget",
    "foresaw": "foresee", "foreseen": "foresee", "forbade": "forbid", "forbidden": "forbid",
    "understood": "understand", "withheld": "withhold", "bet": "bet", "chose": "choose",
    "chosen": "choose", "drew": "draw", "drawn": "draw", "hid": "hide", "hidden": "hide",
    "led": "lead", "lied": "lie", "lies": "lie", "lying": "lie", "mistook": "mistake",
    "mistaken": "mistake", "overheard": "overhear", "retold": "retell", "shook": "shake",
    "shaken": "shake", "struck": "strike", "stricken": "strike", "undertook": "undertake",
    "undertaken": "undertake", "went": "go", "gone": "go", "goes": "go",
}
#: Whether each code point up to the largest of :data:`_MARKS` is one of them.
_IS_MARK = np.isin(np.arange(max(map(ord, _MARKS)) + 1), [ord(c) for c in _MARKS])
_SPACE = ord(" ")
#: The values of the numbered features (bins, flags) as strings, by number.
_NAMES = np.array([str(i) for i in range(9)], dtype=object)
#: Suffixes stripped by :func:`lemma_key`, longest first.
_SUFFIXES = ("ing", "es", "ed", "s", "e")
#: A doubled final consonant ("admitt", "call").
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1$")


def features(corpus: str, cues: np.ndarray, sent_start: np.ndarray, sent_end: np.ndarray,
             quoted: np.ndarray, quote_in_sentence: np.ndarray, code: np.ndarray | None = None
             ) -> dict[str, list[str]]:
    """The features of each cue candidate: one list of values per family of :data:`FAMILIES`.

    The neighbouring words are bounded with one search of the sorted space offsets
    of ``corpus`` for all candidates at once; only the final slicing and
    lower-casing run per candidate.

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
    quote_in_sentence : numpy.ndarray
        Whether the sentence of each candidate holds (part of) a quotation.
    code : numpy.ndarray, optional
        The code points of ``corpus`` (:func:`sourcebias.tables.code_points`), if at hand.

    Returns
    -------
    dict of str to list of str
        For each family, the value of each candidate.
    """
    a, b = cues[:, 0], cues[:, 1]
    ss, se = sent_start.astype(np.int64), sent_end.astype(np.int64)
    code = code_points(corpus) if code is None else code
    spaces = np.flatnonzero(code == _SPACE)
    inner = a > ss
    space_before = inner & (code[np.maximum(a - 1, 0)] == _SPACE)
    # rfind(" ", ss, a - 1) after a space, rfind(" ", ss, a) after a mark, each + 1, at least ss
    cut = np.where(inner, _word_start(spaces, ss, np.where(space_before, a - 1, a)), ss)
    prev = np.where(inner & ~space_before, _chars(code, a - 1), None)
    words = space_before & (cut < a - 1)
    prev[space_before & ~words] = "<s>"
    prev[~inner] = "<s>"
    prev[words] = _words(corpus, code, cut[words], a[words] - 1, last=True)
    prev2 = np.full(len(a), "<s>", dtype=object)
    deeper = cut - 1 > ss
    start2 = _word_start(spaces, ss[deeper], cut[deeper] - 1)
    filled = start2 < cut[deeper] - 1
    where = np.flatnonzero(deeper)[filled]
    prev2[where] = _words(corpus, code, start2[filled], cut[where] - 1, last=True)
    inside = b < se
    space_after = inside & (code[np.minimum(b, len(code) - 1)] == _SPACE)
    nxt = np.where(inside & ~space_after, _chars(code, np.minimum(b, len(code) - 1)), "</s>")
    k = np.searchsorted(spaces, b + 1)
    following = spaces[np.minimum(k, len(spaces) - 1)] if len(spaces) else b
    end = np.where((k < len(spaces)) & (following < se), following, se)
    words = space_after & (b + 1 < end)
    nxt[words] = _words(corpus, code, b[words] + 1, end[words], last=False)
    form = [corpus[i:j].lower() for i, j in zip(a.tolist(), b.tolist(), strict=True)]
    lemma = [lemma_key(f) for f in form]
    prev, prev2, nxt = prev.tolist(), prev2.tolist(), nxt.tolist()
    return {"f": form, "p": prev, "n": nxt, "q": _NAMES[quoted.astype(np.int64)].tolist(),
            "l": lemma, "p2": prev2, "h": _NAMES[quote_in_sentence.astype(np.int64)].tolist(),
            "s": _bins(a - ss), "e": _bins(se - b),
            "lp": list(map("|".join, zip(lemma, prev, strict=True))),
            "ln": list(map("|".join, zip(lemma, nxt, strict=True)))}


def _word_start(spaces: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``max(corpus.rfind(" ", lo, hi) + 1, lo)`` for each pair, from the sorted space offsets."""
    k = np.searchsorted(spaces, hi) - 1
    found = spaces[np.maximum(k, 0)] if len(spaces) else lo
    return np.where((k >= 0) & (found >= lo), found + 1, lo)


def _chars(code: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The characters at offsets ``at``, as an object array of one-character strings
    (numpy's ``<U1`` reads a NUL as the empty string, so NULs are put back)."""
    points = code[at].astype("<u4")
    chars = points.view("<U1").astype(object)
    chars[points == 0] = "\x00"
    return chars


def _words(corpus: str, code: np.ndarray, i: np.ndarray, j: np.ndarray, *, last: bool
           ) -> np.ndarray:
    """The non-empty texts ``corpus[i:j]`` as feature values: the mark that ends (``last``)
    or opens it when that is one of :data:`_MARKS`, else the text lower-cased (and, when it
    follows the cue, without trailing marks)."""
    edge = code[j - 1] if last else code[i]
    mark = _IS_MARK[np.minimum(edge, len(_IS_MARK) - 1)] & (edge < len(_IS_MARK))
    out = _chars(code, j - 1 if last else i)
    words = ~mark
    spans = zip(i[words].tolist(), j[words].tolist(), strict=True)
    out[words] = ([corpus[x:y].lower() for x, y in spans] if last
                  else [corpus[x:y].rstrip(_MARKS).lower() for x, y in spans])
    return out


def _bins(distance: np.ndarray) -> list[str]:
    """``floor(log2(d + 1))``, at most 8, of character distances ``d``, as strings."""
    return _NAMES[np.minimum(np.log2(distance + 1).astype(np.int64), 8)].tolist()


@functools.lru_cache(maxsize=8192)
def lemma_key(form: str) -> str:
    """A key shared by the inflections of a lower-case word form: its stem, not a lemma.

    Irregular forms map to their base (:data:`IRREGULAR`); otherwise the first
    of :data:`_SUFFIXES` that leaves at least three letters is cut, "is" becomes
    "iz" ("criticis" as "criticiz"), a final "y" becomes "i" and a doubled final
    consonant is undoubled. So "say", "says", "said", "saying" all give ``sai``;
    "deny", "denies", "denied", "denying" ``deni``; "admit", "admitted" ``admit``;
    "call", "calls", "called" ``cal``. Phrases ("according to") are their own key.

    Examples
    --------
    >>> [lemma_key(f) for f in ("criticised", "criticizes", "criticizing")]
    ['criticiz', 'criticiz', 'criticiz']
    """
    if " " in form:
        return form
    form = IRREGULAR.get(form, form)
    for suffix in _SUFFIXES:
        if form.endswith(suffix) and len(form) - len(suffix) >= 3:
            form = form[: -len(suffix)]
            break
    if form.endswith("is"):
        form = form[:-1] + "z"
    if form.endswith("y"):
        form = form[:-1] + "i"
    return _DOUBLED.sub(r"\1", form)


def scores(values: dict[str, list[str]], weights: dict[str, dict[str, float]], bias: float
           ) -> np.ndarray:
    """Logistic scores of the candidates whose :func:`features` are ``values``.

    ``weights`` holds, for each family, the weight of each value (others count 0).
    """
    n = len(values["f"])
    total = np.full(n, bias)
    for family in FAMILIES:
        table = weights.get(family, {})
        total += np.fromiter(map(table.get, values[family], itertools.repeat(0.0, n)), float, n)
    return 1.0 / (1.0 + np.exp(-total))
