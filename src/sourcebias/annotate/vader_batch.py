"""VADER's scores of many texts at once, equal to those of vaderSentiment 3.3.2.

:func:`score_texts` gives, for a list of texts, the ``(neg, neu, pos, compound)``
of ``SentimentIntensityAnalyzer.polarity_scores`` under one or more lexicons
(:class:`sourcebias.annotate.vader.FastVader`), without Python work per token:

* every text is split into VADER's tokens by Arrow (``split`` on white space,
  ASCII punctuation stripped from both ends unless fewer than three characters
  would remain, lower-cased), and each distinct token is looked up once;
* VADER's rules (Hutto & Gilbert, ICWSM 2014; ``sentiment_valence``, boosters,
  negation, ``never so``, ``without doubt``, ``least``, ALL-CAPS, ``"!"``/``"?"``
  emphasis, ``x / sqrt(x**2 + 15)``) are applied to the lexicon words of all texts
  at once with numpy, each float operation the stock one in the stock order;
  a text's valences are summed in token order (never pairwise), and rounding is
  Python's ``round`` (numpy's is used only where no decimal tie is near);
* the tokens of a text are split once for all lexicons, and a further lexicon
  rescores only the texts that hold a word whose entry it changes (those scored
  in Python too, and every text with an emoji), with the tokens of those texts
  alone.

Texts the array path does not cover are scored one by one by
:meth:`FastVader.scores`: texts that are not ASCII (lower-casing may change
their length; those with an emoji go on to the stock method), that hold one of
the separators ``\\x1c``-``\\x1f`` (``str.split`` splits on them, Arrow does not),
or that hold a multi-word idiom or booster (``"kind of"``, ``"the bomb"``).
In texts with ``"but"``, the stock ``_but_check`` (with its ``list.index``
quirk) is applied to the valences in Python.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
)

from sourcebias.annotate.vader import FastVader, but_check, vader_tokens
from sourcebias.tables import utf8_buffers

_PUNCTUATION = string.punctuation

#: Multi-word idioms and boosters: a text holding one is scored by FastVader.
_PHRASES = tuple(p.split() for p in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in p)

#: The words of :data:`_PHRASES`, and each phrase as indices into them.
_PHRASE_WORDS = tuple(sorted({word for phrase in _PHRASES for word in phrase}))
_PHRASE_AT = tuple(np.array([_PHRASE_WORDS.index(word) for word in phrase]) for phrase in _PHRASES)

#: Every word that a rule tests for, and the flag it sets in :class:`_Vocabulary`.
_WORD_FLAGS = {
    "no": ("no",), "or_nor": ("or", "nor"), "never": ("never",), "so_this": ("so", "this"),
    "without": ("without",), "doubt": ("doubt",), "least": ("least",),
    "at_very": ("at", "very"), "kind": ("kind",), "of": ("of",), "but": ("but",),
}

#: How near a half ``x * 10**digits`` must be for :func:`_round` to leave it to Python.
_TIE = 1e-6


@dataclass(frozen=True)
class _Tokens:
    """VADER's tokens of the texts scored by arrays, flat, in text and token order."""

    text: np.ndarray  # the text of each token
    pos: np.ndarray  # its position in the text
    word: np.ndarray  # its index in ``vocabulary`` (lower-cased, stripped)
    upper: np.ndarray  # the unstripped token ``isupper()``
    length: np.ndarray  # tokens per text
    vocabulary: pa.Array  # the distinct words
    emphasis: np.ndarray  # stock ``_punctuation_emphasis`` of each text


@dataclass(frozen=True)
class _Vocabulary:
    """What the rules need to know of each distinct token (arrays over the vocabulary)."""

    flags: dict[str, np.ndarray]
    negated: np.ndarray
    is_booster: np.ndarray
    booster: np.ndarray
    phrase_word: np.ndarray  # index among ``_PHRASE_WORDS``, -1 for none


def score_texts(
    texts: pa.Array | Sequence[str], analyzers: Sequence[FastVader]
) -> tuple[list[np.ndarray], int]:
    """VADER's scores of ``texts`` under each analyzer's lexicon.

    Parameters
    ----------
    texts : pyarrow.Array or sequence of str
        The texts (no nulls).
    analyzers : sequence of FastVader
        One analyzer per lexicon; the first is scored in full, each further one
        only where its lexicon gives a token of a text another entry.

    Returns
    -------
    list of numpy.ndarray
        Per analyzer an ``(n, 4)`` array of ``neg``, ``neu``, ``pos``,
        ``compound``, each equal as a float to stock ``polarity_scores``.
    int
        How many texts the analyzers handed to the stock method (texts with an emoji).

    Examples
    --------
    >>> [scores], _ = score_texts(["Not a good day!"], [FastVader()])
    >>> scores.tolist()
    [[0.473, 0.527, 0.0, -0.4015]]
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    elif not isinstance(texts, pa.Array):
        texts = pa.array(texts, pa.large_string())
    n = len(texts)
    tokens, slow = _tokenise(texts)
    vocabulary = _vocabulary(tokens.vocabulary)
    phrase = _phrase_texts(tokens, vocabulary, n)
    slow |= phrase
    slow_rows = np.flatnonzero(slow)
    slow_texts = texts.take(pa.array(slow_rows)).to_pylist() if len(slow_rows) else []
    stock_before = sum(analyzer.stock_calls for analyzer in analyzers)
    blocks: list[np.ndarray] = []
    for number, analyzer in enumerate(analyzers):
        in_lexicon, valence = _lookup(tokens.vocabulary, analyzer.lexicon)
        if number == 0:  # every text (those left to Python are scored again below)
            first = in_lexicon, valence
            scores = _score_rows(tokens, vocabulary, in_lexicon, valence)
            redo = np.ones(len(slow_rows), dtype=bool)
        else:
            changed = (in_lexicon != first[0]) | (valence != first[1])
            rows = np.zeros(n, dtype=bool)
            rows[tokens.text[changed[tokens.word]]] = True
            rows &= ~slow
            scores = blocks[0].copy()
            scores[rows] = _score_rows(_subset(tokens, rows), vocabulary, in_lexicon, valence)
            redo = _rescored(slow_texts, analyzer, analyzers[0])
        if redo.any():
            scores[slow_rows[redo]] = np.array([analyzer.scores(slow_texts[i])
                                                for i in np.flatnonzero(redo).tolist()])
        blocks.append(scores)
    return blocks, sum(analyzer.stock_calls for analyzer in analyzers) - stock_before


def _rescored(texts: list[str], analyzer: FastVader, first: FastVader) -> np.ndarray:
    """Which of the texts left to Python ``analyzer`` may score otherwise than ``first``.

    :meth:`FastVader.scores` reads the lexicon only at the text's own tokens, so a
    text none of whose tokens has an entry that differs between the two lexicons
    scores the same; a text with an emoji goes to the stock method, which reads
    the words of the emoji's description too, and is always scored again.
    """
    lexicon, before = analyzer.lexicon, first.lexicon
    changed = {word for word in lexicon.keys() | before.keys()
               if lexicon.get(word) != before.get(word)}
    return np.array([not changed.isdisjoint(vader_tokens(text)[1]) or analyzer.uses_stock(text)
                     for text in texts], dtype=bool)


def _subset(tokens: _Tokens, rows: np.ndarray) -> _Tokens:
    """The tokens of the texts marked in ``rows``, those texts numbered anew in order."""
    keep = rows[tokens.text]
    number = np.cumsum(rows) - 1
    return _Tokens(text=number[tokens.text[keep]], pos=tokens.pos[keep],
                   word=tokens.word[keep], upper=tokens.upper[keep],
                   length=tokens.length[rows], vocabulary=tokens.vocabulary,
                   emphasis=tokens.emphasis[rows])


def _tokenise(texts: pa.Array) -> tuple[_Tokens, np.ndarray]:
    """VADER's tokens of the ASCII texts, and which texts are left to Python.

    Arrow splits the texts at white space and numbers the distinct tokens; each
    distinct token is then lower-cased, stripped and tested for upper case once
    (ASCII only, where Arrow's string functions and Python's agree).
    """
    n = len(texts)
    slow = ~pc.string_is_ascii(texts).to_numpy(zero_copy_only=False)
    if slow.any():
        texts = pc.if_else(pa.array(~slow), texts, pa.scalar("", texts.type))
    split = pc.ascii_split_whitespace(texts)
    encoded = pc.dictionary_encode(pc.list_flatten(split))
    raw = encoded.indices.to_numpy().astype(np.int64)
    text = pc.list_parent_indices(split).to_numpy().astype(np.int64)
    distinct = encoded.dictionary
    lower = pc.ascii_lower(distinct)
    stripped = pc.ascii_trim(lower, characters=_PUNCTUATION)
    words = pc.dictionary_encode(
        pc.if_else(pc.greater(pc.binary_length(stripped), 2), stripped, lower))
    word_of = words.indices.to_numpy().astype(np.int64)
    separator = pc.match_substring_regex(distinct, "[\x1c-\x1f]").to_numpy(zero_copy_only=False)
    slow[text[separator[raw]]] = True
    empty = pc.equal(pc.binary_length(distinct), 0).to_numpy(zero_copy_only=False)
    if empty.any():  # white space at a text's start or end, or a text of none
        keep = ~empty[raw]
        raw, text = raw[keep], text[keep]
    length = np.bincount(text, minlength=n)
    tokens = _Tokens(
        text=text,
        pos=np.arange(len(text)) - np.repeat(np.cumsum(length) - length, length),
        word=word_of[raw],
        upper=pc.ascii_is_upper(distinct).to_numpy(zero_copy_only=False)[raw],
        length=length,
        vocabulary=words.dictionary,
        emphasis=_punctuation_emphasis(_count_byte(texts, "!"), _count_byte(texts, "?")),
    )
    return tokens, slow


def _count_byte(texts: pa.Array, mark: str) -> np.ndarray:
    """How often the ASCII character ``mark`` occurs in each text, as floats.

    Counted in the texts' UTF-8 bytes, where a byte equal to an ASCII character
    is always that character, and each occurrence placed in its text by the offsets.
    """
    data, offsets = utf8_buffers(texts)
    at = np.flatnonzero(data == ord(mark))
    return np.bincount(np.searchsorted(offsets, at, side="right") - 1,
                       minlength=len(texts)).astype(np.float64)


def _vocabulary(words: pa.Array) -> _Vocabulary:
    """The rule flags of each distinct token."""
    def among(chosen: object) -> np.ndarray:
        return pc.is_in(words, pa.array(list(chosen), words.type)).to_numpy(zero_copy_only=False)

    contracted = pc.match_substring(words, "n't").to_numpy(zero_copy_only=False)
    is_booster, booster = _lookup(words, BOOSTER_DICT)
    return _Vocabulary(
        flags={name: among(chosen) for name, chosen in _WORD_FLAGS.items()},
        negated=among(NEGATE) | contracted,
        is_booster=is_booster,
        booster=booster,
        phrase_word=pc.fill_null(pc.index_in(words, pa.array(_PHRASE_WORDS, words.type)),
                                 -1).to_numpy(zero_copy_only=False),
    )


def _lookup(words: pa.Array, entries: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Whether each distinct token is a key of ``entries``, and its value (0 where not)."""
    at = pc.index_in(words, pa.array(list(entries), words.type))
    found = pc.is_valid(at).to_numpy(zero_copy_only=False)
    values = np.append(np.array(list(entries.values()), dtype=np.float64), 0.0)
    return found, values[pc.fill_null(at, len(entries)).to_numpy(zero_copy_only=False)]


def _phrase_texts(tokens: _Tokens, vocabulary: _Vocabulary, n: int) -> np.ndarray:
    """Which texts hold a multi-word idiom or booster as consecutive tokens.

    The pairs of consecutive tokens that begin a phrase are found at once (as
    numbers ``first * V + second``); only those are checked for the rest of it.
    """
    out = np.zeros(n, dtype=bool)
    word, size = tokens.word, len(tokens.vocabulary)
    is_phrase_word = vocabulary.phrase_word >= 0
    at = np.flatnonzero(is_phrase_word[word[:-1]] & is_phrase_word[word[1:]])
    at = at[tokens.pos[at] + 1 < tokens.length[tokens.text[at]]]
    # the token id of each phrase word (-1 when no text holds it)
    token_id = np.full(len(_PHRASE_WORDS), -1, dtype=np.int64)
    token_id[vocabulary.phrase_word[is_phrase_word]] = np.flatnonzero(is_phrase_word)
    phrases = [ids for ids in (token_id[at_words] for at_words in _PHRASE_AT) if (ids >= 0).all()]
    if not phrases or not len(at):
        return out
    pair = word[at] * size + word[at + 1]
    at = at[np.isin(pair, [ids[0] * size + ids[1] for ids in phrases])]
    for ids in phrases:
        match = at[(word[at] == ids[0]) & (word[at + 1] == ids[1])]
        for k in range(2, len(ids)):
            match = match[tokens.pos[match] + k < tokens.length[tokens.text[match]]]
            match = match[word[match + k] == ids[k]]
        out[tokens.text[match]] = True
    return out


def _score_rows(
    tokens: _Tokens,
    vocabulary: _Vocabulary,
    in_lexicon: np.ndarray,
    valence: np.ndarray,
) -> np.ndarray:
    """Scores of the texts of ``tokens``, as an (n, 4) array."""
    n = len(tokens.length)
    hits, values = _valences(tokens, vocabulary, in_lexicon, valence)
    values = _but(tokens, vocabulary, hits, values)
    text_of = tokens.text[hits]
    sum_s, pos_sum, neg_sum = _ordered_sums(text_of, values, n)
    nonzero = np.bincount(text_of[values != 0], minlength=n)
    neu_count = (tokens.length - nonzero).astype(np.float64)
    amplifier = tokens.emphasis
    sum_s = np.where(sum_s > 0, sum_s + amplifier, np.where(sum_s < 0, sum_s - amplifier, sum_s))
    compound = np.clip(sum_s / np.sqrt(sum_s * sum_s + 15), -1.0, 1.0)
    abs_neg = np.fabs(neg_sum)
    more_pos, more_neg = pos_sum > abs_neg, pos_sum < abs_neg
    pos_sum = np.where(more_pos, pos_sum + amplifier, pos_sum)
    neg_sum = np.where(more_neg, neg_sum - amplifier, neg_sum)
    total = pos_sum + np.fabs(neg_sum) + neu_count
    empty = tokens.length == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = [np.fabs(neg_sum / total), np.fabs(neu_count / total), np.fabs(pos_sum / total)]
    out = np.column_stack([*(_round(x, 3) for x in shares), _round(compound, 4)])
    out[empty] = 0.0
    return out


def _valences(
    tokens: _Tokens,
    vocabulary: _Vocabulary,
    in_lexicon: np.ndarray,
    valence: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Stock ``sentiment_valence`` and ``_least_check`` at every scored lexicon word.

    Returns the flat positions of the words that get a valence (lexicon words
    that are not boosters nor the ``kind`` of ``kind of``) and their valences.
    """
    flag, word, pos = vocabulary.flags, tokens.word, tokens.pos
    h = np.flatnonzero(in_lexicon[word] & ~vocabulary.is_booster[word])
    has_next = pos[h] < tokens.length[tokens.text[h]] - 1
    next_word = word[np.minimum(h + 1, max(len(word) - 1, 0))]
    scored = ~(flag["kind"][word[h]] & has_next & flag["of"][next_word])
    h, has_next, next_word = h[scored], has_next[scored], next_word[scored]
    p, w = pos[h], word[h]
    before = [(word[np.maximum(h - k, 0)], p >= k) for k in (1, 2, 3)]
    (w1, ok1), (w2, ok2), (w3, ok3) = before
    caps = _cap_differential(tokens)[tokens.text[h]]
    base = valence[w]
    val = np.where(flag["no"][w] & has_next & in_lexicon[next_word], 0.0, base)
    no_before = ((ok1 & flag["no"][w1]) | (ok2 & flag["no"][w2])
                 | (ok3 & flag["no"][w3] & flag["or_nor"][w1]))
    val = np.where(no_before, base * N_SCALAR, val)
    val = np.where(caps & tokens.upper[h], np.where(val > 0, val + C_INCR, val - C_INCR), val)
    for start_i, (wb, ok) in enumerate(before):
        applies = ok & ~in_lexicon[wb]
        b = np.maximum(h - (start_i + 1), 0)
        boosted = vocabulary.is_booster[wb]
        scalar = vocabulary.booster[wb]
        scalar = np.where(val < 0, scalar * -1, scalar)
        scalar = np.where(tokens.upper[b] & caps,
                          np.where(val > 0, scalar + C_INCR, scalar - C_INCR), scalar)
        s = np.where(boosted, scalar, 0.0)
        if start_i == 1:
            s = np.where(s != 0, s * 0.95, s)
        if start_i == 2:
            s = np.where(s != 0, s * 0.9, s)
        val = np.where(applies, val + s, val)
        val = np.where(applies, _negation(val, start_i, flag, vocabulary.negated, w1, w2, w3), val)
    least = ok1 & ~in_lexicon[w1] & flag["least"][w1] & ~(ok2 & flag["at_very"][w2])
    return h, np.where(least, val * N_SCALAR, val)


def _negation(val: np.ndarray, start_i: int, flag: dict[str, np.ndarray], negated: np.ndarray,
              w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
    """Stock ``_negation_check`` for the word ``start_i + 1`` places before each valence."""
    if start_i == 0:
        return np.where(negated[w1], val * N_SCALAR, val)
    if start_i == 1:
        boost = flag["never"][w2] & flag["so_this"][w1]
        keep = flag["without"][w2] & flag["doubt"][w1]
        negate = negated[w2]
    else:
        boost = (flag["never"][w3] & flag["so_this"][w2]) | flag["so_this"][w1]
        keep = flag["without"][w3] & (flag["doubt"][w2] | flag["doubt"][w1])
        negate = negated[w3]
    return np.where(boost, val * 1.25, np.where(~keep & negate, val * N_SCALAR, val))


def _cap_differential(tokens: _Tokens) -> np.ndarray:
    """Stock ``allcap_differential`` of each text: some but not all tokens are upper case."""
    caps = np.bincount(tokens.text[tokens.upper], minlength=len(tokens.length))
    return (tokens.length - caps > 0) & (tokens.length - caps < tokens.length)


def _but(tokens: _Tokens, vocabulary: _Vocabulary, hits: np.ndarray,
         values: np.ndarray) -> np.ndarray:
    """The valences after stock ``_but_check`` in the texts that hold ``but``.

    The stock code scales each score before the first ``but`` by 0.5 and each
    after it by 1.5, finding the score's position with ``list.index``: a score
    equal to one earlier in the list rescales the earlier position instead. That
    can only happen in a text where two positions share a non-zero value before
    or after scaling; those texts are scaled by the stock function itself.
    """
    is_but = vocabulary.flags["but"][tokens.word]
    if not is_but.any():
        return values
    first = np.flatnonzero(is_but)
    but_texts, at = np.unique(tokens.text[first], return_index=True)
    text_of = tokens.text[hits]
    rows = np.flatnonzero(np.isin(text_of, but_texts))
    text = text_of[rows]
    but_at = tokens.pos[first[at]][np.searchsorted(but_texts, text)]
    pos, before = tokens.pos[hits[rows]], values[rows]
    after = np.where(pos < but_at, before * 0.5, np.where(pos > but_at, before * 1.5, before))
    both = pd.DataFrame({"text": np.tile(text, 2), "pos": np.tile(pos, 2),
                         "value": np.r_[before, after]})
    both = both[both["value"] != 0].drop_duplicates()
    clash = np.isin(text, both.loc[both.duplicated(["text", "value"], keep=False), "text"])
    values = values.copy()
    values[rows] = after
    rows, text, but_at, values_before = rows[clash], text[clash], but_at[clash], before[clash]
    if not len(rows):
        return values
    starts = np.flatnonzero(np.r_[True, text[1:] != text[:-1]])
    for begin, end in zip(starts.tolist(), [*starts[1:].tolist(), len(rows)], strict=True):
        part = rows[begin:end]
        sentiments: list[float] = [0] * int(tokens.length[text[begin]])
        positions = tokens.pos[hits[part]].tolist()
        for position, value in zip(positions, values_before[begin:end].tolist(), strict=True):
            sentiments[position] = value
        but_check(int(but_at[begin]), sentiments)
        values[part] = [sentiments[position] for position in positions]
    return values


def _ordered_sums(
    text_of: np.ndarray, values: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per text, the sum of its valences and of ``v + 1`` (v > 0) and ``v - 1`` (v < 0),
    each added in token order from 0.0, as Python's ``sum`` and the stock loop do."""
    sums = [np.zeros(n) for _ in range(3)]
    if not len(values):
        return tuple(sums)
    starts = np.flatnonzero(np.r_[True, text_of[1:] != text_of[:-1]])
    rank = np.arange(len(values)) - np.repeat(starts, np.diff(np.r_[starts, len(values)]))
    order = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[order], np.arange(rank.max() + 2))
    plus = np.where(values > 0, values + 1, 0.0)
    minus = np.where(values < 0, values - 1, 0.0)
    for k in range(len(bounds) - 1):
        at = order[bounds[k] : bounds[k + 1]]
        t = text_of[at]
        sums[0][t] += values[at]
        sums[1][t] += plus[at]
        sums[2][t] += minus[at]
    return tuple(sums)


def _punctuation_emphasis(exclamations: np.ndarray, questions: np.ndarray) -> np.ndarray:
    """Stock ``_punctuation_emphasis`` from the counts of "!" and "?" in each text: up to 4 "!"
    add 0.292 each; 2-3 "?" 0.18 each, more 0.96."""
    ep = np.minimum(exclamations, 4)
    qm_amplifier = np.where(questions > 1, np.where(questions <= 3, questions * 0.18, 0.96), 0.0)
    return ep * 0.292 + qm_amplifier


def _round(x: np.ndarray, digits: int) -> np.ndarray:
    """Python's ``round(x, digits)`` of each value.

    ``rint(x * 10**digits) / 10**digits`` is the double nearest the correctly
    rounded decimal, as Python's is, unless ``x * 10**digits`` lies near a
    half, where its own rounding error could pick the other neighbour: those
    values are rounded by Python.
    """
    scale = 10.0**digits
    y = x * scale
    out = np.rint(y) / scale
    near = np.flatnonzero(np.abs(np.abs(y - np.floor(y)) - 0.5) < _TIE)
    near = near[np.isfinite(x[near])]
    if len(near):
        out[near] = [round(v, digits) for v in x[near].tolist()]
    return out
