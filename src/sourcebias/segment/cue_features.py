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
import re
from dataclasses import dataclass

import numpy as np

from sourcebias.tables import code_points, distinct_spans, word_starts

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
_NAMES = [str(i) for i in range(9)]
#: How :meth:`_Pieces.distinct` reads a piece of each kind: as it is, lower-cased,
#: lower-cased without trailing marks, or as the sentence start or end it stands for.
_AS_IS, _LOWER, _STRIP, _START, _END = range(5)
_READ = (str, str.lower, lambda text: text.rstrip(_MARKS).lower(),
         lambda _: "<s>", lambda _: "</s>")
#: The families that join two others, and those two.
_PAIRS = {"lp": ("l", "p"), "ln": ("l", "n")}
#: Suffixes stripped by :func:`lemma_key`, longest first.
_SUFFIXES = ("ing", "es", "ed", "s", "e")
#: A doubled final consonant ("admitt", "call").
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1$")


def encode(corpus: str, cues: np.ndarray, sent_start: np.ndarray, sent_end: np.ndarray,
           quoted: np.ndarray, quote_in_sentence: np.ndarray, code: np.ndarray | None = None
           ) -> dict[str, tuple[np.ndarray, list[str]]]:
    """The features of each cue candidate, dictionary-encoded: for each family of
    :data:`FAMILIES` but the pairs of :data:`_PAIRS`, the index of each candidate's value
    and the list of values.

    The neighbouring words are bounded with one search of the sorted space offsets
    of ``corpus`` for all candidates at once, and their code points gathered and
    dictionary-encoded by Arrow (:meth:`_Pieces.distinct`), so that lower-casing and
    :func:`lemma_key` run once per distinct value, not per candidate. The pairs are joined by
    :func:`features` and weighed without being joined by :func:`scores`.

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
    dict of str to (numpy.ndarray, list of str)
        For each family, the index into its values of each candidate's value, and its values.
    """
    a, b = cues[:, 0], cues[:, 1]
    ss, se = sent_start.astype(np.int64), sent_end.astype(np.int64)
    code = code_points(corpus) if code is None else code
    spaces = np.flatnonzero(code == _SPACE)
    # before the cue: "<s>", the character before it, or the word before the space before it
    inner = a > ss
    space_before = inner & (code[np.maximum(a - 1, 0)] == _SPACE)
    # rfind(" ", ss, a - 1) after a space, rfind(" ", ss, a) after a mark, each + 1, at least ss
    cut = np.where(inner, word_starts(spaces, ss, np.where(space_before, a - 1, a)), ss)
    prev = _Pieces.of(len(a), _START)
    prev.set(inner & ~space_before, a - 1, a, _AS_IS)
    prev.word(code, space_before & (cut < a - 1), cut, a - 1, last=True)
    prev2 = _Pieces.of(len(a), _START)
    deeper = cut - 1 > ss
    start2 = np.where(deeper, word_starts(spaces, ss, np.maximum(cut - 1, ss)), cut - 1)
    prev2.word(code, deeper & (start2 < cut - 1), start2, cut - 1, last=True)
    # after the cue: "</s>", the character after it, or the word after the space after it
    inside = b < se
    after = np.minimum(b, len(code) - 1)
    space_after = inside & (code[after] == _SPACE)
    nxt = _Pieces.of(len(a), _END)
    nxt.set(inside & ~space_after, after, after + 1, _AS_IS)
    k = np.searchsorted(spaces, b + 1)
    following = spaces[np.minimum(k, len(spaces) - 1)] if len(spaces) else b
    end = np.where((k < len(spaces)) & (following < se), following, se)
    nxt.word(code, space_after & (b + 1 < end), b + 1, end, last=False)
    form = _Pieces(a.copy(), b.copy(), np.full(len(a), _LOWER, dtype=np.uint32))
    encoded = {"f": form.distinct(code), "p": prev.distinct(code), "n": nxt.distinct(code),
               "p2": prev2.distinct(code)}
    lemma = _merged(encoded["f"][0], [lemma_key(f) for f in encoded["f"][1]])
    return {**encoded, "l": lemma, "q": (quoted.astype(np.int64), _NAMES),
            "h": (quote_in_sentence.astype(np.int64), _NAMES),
            "s": (_bins(a - ss), _NAMES), "e": (_bins(se - b), _NAMES)}


def features(corpus: str, cues: np.ndarray, sent_start: np.ndarray, sent_end: np.ndarray,
             quoted: np.ndarray, quote_in_sentence: np.ndarray, code: np.ndarray | None = None
             ) -> dict[str, list[str]]:
    """The features of each cue candidate: one list of values per family of :data:`FAMILIES`
    (the parameters are those of :func:`encode`)."""
    encoded = encode(corpus, cues, sent_start, sent_end, quoted, quote_in_sentence, code)
    encoded.update({pair: _pairs(encoded[first], encoded[second])
                    for pair, (first, second) in _PAIRS.items()})
    return {family: np.array(values, dtype=object)[index].tolist()
            for family, (index, values) in ((f, encoded[f]) for f in FAMILIES)}


@dataclass
class _Pieces:
    """The text that gives each candidate its value of one family: a span of code points
    and how to read it (``kind``, one of :data:`_READ`)."""

    start: np.ndarray
    end: np.ndarray
    kind: np.ndarray

    @classmethod
    def of(cls, n: int, kind: int) -> _Pieces:
        """``n`` empty pieces read as ``kind`` (a sentence edge)."""
        return cls(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64),
                   np.full(n, kind, dtype=np.uint32))

    def set(self, where: np.ndarray, start: np.ndarray, end: np.ndarray, kind: int) -> None:
        """Read the pieces ``where`` (a mask) from ``start`` to ``end`` as ``kind``."""
        self.start[where], self.end[where], self.kind[where] = start[where], end[where], kind

    def word(self, code: np.ndarray, where: np.ndarray, i: np.ndarray, j: np.ndarray, *,
             last: bool) -> None:
        """Read the pieces ``where`` as the non-empty words from ``i`` to ``j``: the mark that
        ends (``last``) or opens it when that is one of :data:`_MARKS`, else the word
        lower-cased (and, when it follows the cue, without trailing marks)."""
        at = np.flatnonzero(where)
        i, j = i[at], j[at]
        edge = code[j - 1] if last else code[i]
        mark = _IS_MARK[np.minimum(edge, len(_IS_MARK) - 1)] & (edge < len(_IS_MARK))
        self.start[at] = np.where(mark & last, j - 1, i)
        self.end[at] = np.where(mark & ~last, i + 1, j)
        self.kind[at] = np.where(mark, _AS_IS, _LOWER if last else _STRIP)

    def distinct(self, code: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """The index of each piece's value and the distinct values
        (:func:`~sourcebias.tables.distinct_spans`, the kind as tag)."""
        index, values = distinct_spans(code, self.start, self.end, self.kind)
        return _merged(index, [_READ[kind](text) for kind, text in values])


def _merged(index: np.ndarray, values: list[str]) -> tuple[np.ndarray, list[str]]:
    """``index`` into ``values`` and ``values`` with each value once (two spellings that
    lower-case alike, two forms of one lemma)."""
    ids: dict[str, int] = {}
    merged = np.array([ids.setdefault(value, len(ids)) for value in values], dtype=np.int64)
    return merged[index], list(ids)


def _pairs(lemma: tuple[np.ndarray, list[str]], other: tuple[np.ndarray, list[str]]
           ) -> tuple[np.ndarray, list[str]]:
    """The encoded feature ``lemma|other`` from the encoded lemma and neighbour."""
    width = len(other[1])
    index, inverse = np.unique(lemma[0] * width + other[0], return_inverse=True)
    return inverse.astype(np.int64), ["|".join((lemma[1][x // width], other[1][x % width]))
                                      for x in index.tolist()]


def _bins(distance: np.ndarray) -> np.ndarray:
    """``floor(log2(d + 1))``, at most 8, of character distances ``d``: indices into
    :data:`_NAMES`."""
    return np.minimum(np.log2(distance + 1).astype(np.int64), 8)


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


def scores(encoded: dict[str, tuple[np.ndarray, list[str]]],
           weights: dict[str, dict[str, float]], bias: float) -> np.ndarray:
    """Logistic scores of the candidates whose :func:`encode`-d features are ``encoded``.

    ``weights`` holds, for each family, the weight of each value (others count 0);
    each distinct value is looked up once, and each weighted pair of :data:`_PAIRS`
    (:func:`_pair_weights`).
    """
    total = np.full(len(encoded["f"][0]), bias)
    for family in FAMILIES:
        table = weights.get(family, {})
        if family in _PAIRS:
            first, second = _PAIRS[family]
            total += _pair_weights(table, encoded[first], encoded[second])
        else:
            index, values = encoded[family]
            total += np.array([table.get(v, 0.0) for v in values], dtype=float)[index]
    return 1.0 / (1.0 + np.exp(-total))


def _pair_weights(table: dict[str, float], first: tuple[np.ndarray, list[str]],
                  second: tuple[np.ndarray, list[str]]) -> np.ndarray:
    """The weight in ``table`` of each candidate's pair ``first|second`` of encoded values,
    found from the weighted pairs rather than by joining the pairs of all candidates
    (the first value, a lemma key, holds no ``|``)."""
    heads = {value: code for code, value in enumerate(first[1])}
    tails = {value: code for code, value in enumerate(second[1])}
    width = len(tails)
    weighted = {}
    for key, weight in table.items():
        head, _, tail = key.partition("|")
        if head in heads and tail in tails:
            weighted[heads[head] * width + tails[tail]] = weight
    keys = np.array(sorted(weighted), dtype=np.int64)
    pair = first[0] * width + second[0]
    if len(keys) == 0:
        return np.zeros(len(pair))
    at = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
    return np.where(keys[at] == pair, np.array([weighted[k] for k in keys.tolist()])[at], 0.0)
