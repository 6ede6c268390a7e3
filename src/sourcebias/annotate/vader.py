"""A faster VADER scorer that gives exactly the scores of vaderSentiment 3.3.2.

:class:`FastVader` re-implements ``SentimentIntensityAnalyzer.polarity_scores``
from the published algorithm (Hutto & Gilbert, ICWSM 2014; the rules as coded in
vaderSentiment 3.3.2), keeping every quirk of that code, so that the four scores
are equal as floats to the stock ones:

* tokens are ``text.split()`` with ASCII punctuation stripped from both ends,
  unless fewer than three characters would remain (emoticons);
* boosters, ``kind of``, negations within three words, ``never so``/``never
  this``, ``without doubt``, ``least`` and the special-case idioms are applied
  in the stock order, including that ``so``/``this`` just before a sentiment word
  boosts it by 1.25 and that a ``kind of`` bigram adds -0.293 whatever the sign;
* ``but`` scales the scores before and after the first ``but`` by 0.5 and 1.5,
  finding each score's position with ``list.index`` as the stock code does, so a
  score equal to an earlier one rescales the earlier position;
* ALL-CAPS emphasis only when some but not all tokens are upper case.

The speed comes from lower-casing each token once per sentence (the stock code
lower-cases the whole sentence again for every sentiment word), from skipping
the per-character emoji loop when the text holds no character of the emoji
lexicon, from returning the all-neutral result at once when no token is in the
lexicon, and from applying the rules only at the positions of lexicon words.
A text that contains an emoji character is scored by the stock method itself;
:attr:`FastVader.stock_calls` counts how often that happened. (The stock
negation test lower-cases words that are already lower case; ``str.lower`` is
idempotent on every code point, so testing the lower-cased token once is the
same.)
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
)

#: The four scores, in the order :meth:`FastVader.scores` returns them.
SCORES = ("neg", "neu", "pos", "compound")


_NEGATE = frozenset(NEGATE)


_SO_THIS = ("so", "this")


_OR_NOR = ("or", "nor")


_PUNCTUATION = string.punctuation


#: Every word of a special-case idiom or multi-word booster: an n-gram of tokens
#: can only match one of those when each of its tokens is in this set.
_IDIOM_WORDS = frozenset(
    word for phrase in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in phrase for word in phrase.split()
)


def vader_tokens(text: str) -> tuple[list[str] | None, list[str]]:
    """VADER's tokens of ``text``, lower-cased, and the unstripped tokens if at hand.

    Tokens are ``text.split()`` with ASCII punctuation stripped from both ends
    unless two or fewer characters would remain. For ASCII text, lower-casing
    first gives the same tokens in one pass, and the unstripped tokens are left
    to the caller (``None``); elsewhere lower-casing can change a token's length,
    so it comes last.
    """
    if text.isascii():
        return None, [s if len(s := w.strip(_PUNCTUATION)) > 2 else w for w in text.lower().split()]
    raw = text.split()
    words = [s if len(s := w.strip(_PUNCTUATION)) > 2 else w for w in raw]
    return raw, [w.lower() for w in words]


def _negated(word_lower: str) -> bool:
    """VADER's ``negated([word])`` for one lower-cased word."""
    return word_lower in _NEGATE or "n't" in word_lower


class FastVader(SentimentIntensityAnalyzer):
    """VADER's ``polarity_scores``, exact and faster.

    Parameters
    ----------
    extra : mapping of str to float, optional
        Entries added to (or replacing in) VADER's lexicon, exactly as if they
        were assigned into the stock analyzer's ``lexicon`` dict.

    Attributes
    ----------
    stock_calls : int
        How many texts were handed to the stock method (texts with an emoji).
    """

    def __init__(self, extra: Mapping[str, float] | None = None) -> None:
        super().__init__()
        self.lexicon.update(extra or {})
        self._emoji_chars = frozenset(e for e in self.emojis if len(e) == 1)
        self.stock_calls = 0

    def polarity_scores(self, text: str) -> dict[str, float]:
        """``neg``, ``neu``, ``pos`` and ``compound`` of ``text``, as stock VADER."""
        return dict(zip(SCORES, self.scores(text), strict=True))

    def uses_stock(self, text: str) -> bool:
        """Whether :meth:`scores` hands ``text`` to the stock method: it holds an emoji,
        whose description stock VADER scores as words."""
        return not text.isascii() and not self._emoji_chars.isdisjoint(text)

    def scores(self, text: str) -> tuple[float, float, float, float]:
        """``(neg, neu, pos, compound)`` of ``text``, equal to stock ``polarity_scores``."""
        if self.uses_stock(text):
            self.stock_calls += 1
            stock = super().polarity_scores(text)
            return stock["neg"], stock["neu"], stock["pos"], stock["compound"]
        raw, lower = vader_tokens(text)
        lexicon = self.lexicon
        hits = [i for i, word in enumerate(lower) if word in lexicon]
        if not hits:
            return (0.0, 1.0, 0.0, 0.0) if lower else (0.0, 0.0, 0.0, 0.0)
        if raw is None:
            raw = text.split()
        n_caps = sum(map(str.isupper, raw))
        cap_diff = 0 < len(raw) - n_caps < len(raw)
        last = len(lower) - 1
        sentiments: list[float] = [0] * len(lower)
        for i in hits:
            word = lower[i]
            if word not in BOOSTER_DICT and not (
                word == "kind" and i < last and lower[i + 1] == "of"
            ):
                sentiments[i] = self._valence(i, raw, lower, cap_diff)
        if "but" in lower:
            but_check(lower.index("but"), sentiments)
        return _score_valence(sentiments, hits, text)

    def _valence(self, i: int, raw: list[str], lower: list[str], cap_diff: bool) -> float:
        """Stock ``sentiment_valence`` for the lexicon word at position ``i``.

        ``raw`` are the unstripped tokens: stripping removes only punctuation, which
        has no case, so ``raw[i].isupper()`` equals the stock test on the stripped token.
        """
        lexicon = self.lexicon
        word = lower[i]
        valence = lexicon[word]
        if word == "no" and i != len(lower) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in _OR_NOR)
        ):
            valence = lexicon[word] * N_SCALAR
        if cap_diff and raw[i].isupper():
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(3):
            before = i - (start_i + 1)
            if i > start_i and lower[before] not in lexicon:
                s = 0.0
                if lower[before] in BOOSTER_DICT:
                    s = _scalar(raw[before], lower[before], valence, cap_diff)
                    if start_i == 1 and s != 0:
                        s = s * 0.95
                    if start_i == 2 and s != 0:
                        s = s * 0.9
                valence = valence + s
                valence = _negation_check(valence, lower, start_i, i)
                if start_i == 2:
                    valence = _special_idioms_check(valence, lower, i)
        return _least_check(valence, lower, i, lexicon)


def _scalar(word: str, word_lower: str, valence: float, cap_diff: bool) -> float:
    """Stock ``scalar_inc_dec`` for a booster or dampener ``word``."""
    scalar = BOOSTER_DICT[word_lower]
    if valence < 0:
        scalar *= -1
    if word.isupper() and cap_diff:
        if valence > 0:
            scalar += C_INCR
        else:
            scalar -= C_INCR
    return scalar


def _negation_check(valence: float, lower: list[str], start_i: int, i: int) -> float:
    """Stock ``_negation_check`` over the lower-cased tokens."""
    if start_i == 0:
        if _negated(lower[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if lower[i - 2] == "never" and lower[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * N_SCALAR
    else:
        if (lower[i - 3] == "never" and lower[i - 2] in _SO_THIS) or lower[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, lower: list[str], i: int) -> float:
    """Stock ``_special_idioms_check`` (only reached when ``i > 2``).

    Every n-gram it looks up contains ``lower[i]``, ``lower[i - 1]`` or
    ``lower[i - 2]``, so when none of them is an idiom word nothing can match.
    """
    w3, w2, w1, w0 = lower[i - 3], lower[i - 2], lower[i - 1], lower[i]
    if w0 not in _IDIOM_WORDS and w1 not in _IDIOM_WORDS and w2 not in _IDIOM_WORDS:
        return valence
    twoone = f"{w2} {w1}"
    threetwoone = f"{w3} {w2} {w1}"
    threetwo = f"{w3} {w2}"
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        zeroone = f"{w0} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{w0} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least_check(valence: float, lower: list[str], i: int, lexicon: Mapping[str, float]) -> float:
    """Stock ``_least_check``: "least" before a word negates it, unless "at/very least"."""
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


def but_check(but_at: int, sentiments: list[float]) -> None:
    """Stock ``_but_check``, in place, with its ``list.index`` look-up kept."""
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < but_at:
            sentiments[si] = sentiment * 0.5
        elif si > but_at:
            sentiments[si] = sentiment * 1.5


def _score_valence(
    sentiments: list[float], hits: list[int], text: str
) -> tuple[float, float, float, float]:
    """Stock ``score_valence`` for a non-empty ``sentiments`` list.

    Only the positions in ``hits`` can hold a non-zero score; they are summed in
    the stock order, so every float operation is the stock one.
    """
    sum_s = float(sum(sentiments))
    amplifier = _punctuation_emphasis(text)
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    compound = normalize(sum_s)
    pos_sum = 0.0
    neg_sum = 0.0
    for i in hits:
        score = sentiments[i]
        if score > 0:
            pos_sum += float(score) + 1
        if score < 0:
            neg_sum += float(score) - 1
    neu_count = sentiments.count(0)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (
        round(math.fabs(neg_sum / total), 3),
        round(math.fabs(neu_count / total), 3),
        round(math.fabs(pos_sum / total), 3),
        round(compound, 4),
    )


def _punctuation_emphasis(text: str) -> float:
    """Stock ``_punctuation_emphasis``: up to 4 "!" add 0.292 each; 2-3 "?" 0.18 each, more 0.96."""
    ep_count = min(text.count("!"), 4)
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    return ep_count * 0.292 + qm_amplifier
