"""The rules of :mod:`sourcebias.segment.attribution`, over one corpus string and global offsets.

Every function works on the string holding all articles (joined by blank
lines) and sorted numpy arrays of global offsets into it, like
:mod:`sourcebias.segment.quotes`. The rules are listed in :mod:`sourcebias.segment.attribution`.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, replace

import ahocorasick_rs
import numpy as np
import pandas as pd

from sourcebias.tables import (
    _character_classes,
    byte_to_character_offsets,
    code_points,
    distinct_spans,
    word_starts,
)

#: Words between a source and its cue that belong to neither ("he has also said").
_BETWEEN = frozenset("""
    has have had also previously later then repeatedly recently once was is were are been be
    would will did does do not never n't publicly privately reportedly initially further
    again often frequently first even just already still specifically explicitly directly
    openly immediately quickly subsequently separately originally earlier long simply
    actually really apparently clearly herself himself themselves itself
    may might can could should must
    on last this today yesterday tonight week month year night morning afternoon evening
    monday tuesday wednesday thursday friday saturday sunday
""".split())
#: Words of degree between a source and its cue ("were far less divided", "more likely to").
_DEGREE = frozenset("more less most least far much very too so".split())
#: Words that open a sentence before a comma without naming a source ("Earlier, ...").
_OPENERS = frozenset("""
    earlier meanwhile however still instead yet now later separately moreover indeed
    afterward afterwards overall ultimately instead nevertheless nonetheless
    outside inside along regardless despite amid
""".split())
#: A verb form or filler between a source and its cue ("have all but stopped confirming",
#: "are on record opposing", "is now seeking"); not after a determiner ("the accused said").
_VERB_FORM = re.compile(r"[a-z]{2,}ed|[a-z]{3,}ing|all|now|instead|longer|record|lately|soon")
#: An adverb in -ly between a source and its cue ("sharply criticized").
_ADVERB = re.compile(r"[a-z]{3,}ly")
#: Pronouns and relative pronouns that are sources on their own.
_PRONOUNS = frozenset("he she they it we i you who which that this these those one".split())
#: Possessives that are the source of a noun cue right after them ("his insistence that").
_POSSESSIVES = frozenset("his her their its my our your".split())
#: What follows a noun cue whose possessive is its source ("his insistence that").
_NOUN_CUE_NEXT = re.compile(r" (?:that|to|of)\b")
#: Prepositions whose object is no source ("Trump at the time said", "earlier in the day
#: touted"): the source is read before them.
_TIME_PREPOSITIONS = frozenset("in at on during for after before over since through within"
                               .split())
_TIMES = frozenset("time times day days moment weekend".split())
#: Pronouns that are sources after a cue ("said he").
_SUBJECTS = _PRONOUNS - {"that", "which", "who", "this", "one"}
#: Determiners and possessives that open a noun phrase.
_DETERMINERS = frozenset("the a an his her their its our my your this that these those "
                         "some many most several two three both other another".split())
#: Words that cannot end a source noun phrase.
_NOT_HEAD = frozenset("""
    to of and or but in on at for with by from as if than because while when where after
    before since although though not no so than into about over under what how why whether
    there here also the a an his her their its our my your be being been is was are were
    has have had it's
""".split())
#: A word as the rules read it: letters, digits and inner marks, or one other mark.
_TOKEN = re.compile(r"[\w’'.\-]+|[^\w\s]")
#: Lower-case words of ASCII letters, as :func:`_word_shapes` reads them.
_LOWER_WORD = re.compile("[a-z]+")
#: A mark at the end of a word that :data:`_TOKEN` reads as a word of its own.
_MARK_END = re.compile(r"[^\w\s’'.\-]\Z")
#: Words (lower-cased) that stop a capitalised word from being a name before a cue.
_NOT_NAME = _BETWEEN | _PRONOUNS | _NOT_HEAD
#: Lower-case words that :func:`_source_before` skips or reads otherwise than as a noun.
_NOT_NOUN = _BETWEEN | _DEGREE | _NOT_HEAD | _PRONOUNS | _POSSESSIVES | _DETERMINERS | _TIMES
#: The shapes of :func:`_word_shapes`, as bits.
(_PRONOUN, _NAME, _NOUN, _VERB, _TOKEN_WORD, _MARKED, _UPPER, _OF, _DETERMINER, _HEAD,
 _SKIP, _NO_SOURCE) = (1 << i for i in range(12))
#: Words :data:`_SKIP`-ped back at most by :func:`_common_sources_before`.
_SKIPPED_WORDS = 3
#: Words read back at most for a name before a cue by :func:`_common_sources_before`.
_COMMON_WORDS = 6
_SPACE = ord(" ")
#: Distinct words whose :func:`_word_shapes` are kept (the words before cues repeat).
_SHAPES_CACHED = 1 << 16
#: Characters after a cue searched for the "that" or colon that opens the content.
_OPENS_WITHIN = 25
#: Characters at the start of a content piece whose spaces :func:`_spaces` counts.
_SPACES_WITHIN = 40
#: A letter or digit: content without one is dropped.
_WORDY = re.compile(r"[^\W_]")
#: Characters that join a word to the one before ("self-proclaimed", "opposition-ruled").
_JOINERS = "-'’"
_JOINER_CODES = np.array([ord(c) for c in _JOINERS])
#: Words after a cue that start a circumstance, not content ("said in an email.").
_TAIL_WORDS = ("in on at during last this late early earlier later after before while when "
               "via through from to Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
               ).split()
_TAIL = re.compile(f"(?:{'|'.join(_TAIL_WORDS)})\\b[^,;:\"“”]*$")
#: The first letters of :data:`_TAIL`'s words: a span that opens otherwise is no tail.
_TAIL_FIRST = np.array(sorted({ord(word[0]) for word in _TAIL_WORDS}))
#: A quotation closed with a comma, then at most six words up to the source ('", press
#: secretary Sarah Sanders said').
_QUOTE_THEN_NAME = re.compile(r"(?:[,!?][\"”’']|[\"”’'],)\s+(?:\S+\s+){0,6}$")
#: The source after "according to": up to 25 words, to a clause mark or the sentence end.
_ACCORDING_SOURCE = re.compile(
    r"(?:\s+to)?\s+((?:[^\s,;:()—–\"“”]+\s+){0,24}?[^\s,;:()—–\"“”]*[^\s,;:()—–\"“”.])"
    r"(?=\s*(?:[,;:()—–\"“”]|\.\s|\.?$))")
#: What comes right before a participle that takes the subject of its sentence (", adding",
#: "by touting", "while expressing").
_PARTICIPLE_AFTER = re.compile(r"(?:, |\b(?:by|while|after|before|when|in) )$")
#: Characters before a cue searched for a long appositive source ("X, director of ..., said").
_APPOSITIVE_WITHIN = 300
#: A preposition after a cue that PolNeAR counts with the cue ("called for", "spoke about").
_PREPOSITION_WORDS = "for on about of in at with out against from over upon off by".split()
_PREPOSITION = re.compile(f"(?:{'|'.join(_PREPOSITION_WORDS)})(?: (?:of|on|about|to|with))? "
                          "(?=\\S)")
#: The first letters of :data:`_PREPOSITION`'s words.
_PREPOSITION_FIRST = np.array(sorted({ord(word[0]) for word in _PREPOSITION_WORDS}))
#: A dateline at the start of a line: a place in capitals, then perhaps its state, a date
#: and an agency in brackets, then a dash (see :func:`after_datelines`).
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+)*"
    r"(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)*"
    r"(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?: ?\([^)\n]{1,40}\))?"
    r" ?(?:--?|[–—]) ", re.MULTILINE)
#: Dashes that enclose an aside between a source and its cue ("X — who ... — said").
_DASHES = frozenset(("—", "–", "-", "--"))
#: Marks that may close a quotation (as a tuple, for ``str.endswith``).
_CLOSERS = tuple("\"”’'»")
#: Marks that end the clause before a source ("...," he said; "... — he said").
_CLAUSE_MARKS = (",", "—", "–", *_CLOSERS)
#: Marks that may open a quotation.
_OPENS = "\"“‘'«"
#: Columns of the frame of content pieces that :func:`attributions` builds.
_PIECE_COLUMNS = ("attribution", "content_start", "content_end", "forward", "cue_start",
                  "cue_end", "source_start", "source_end")
#: Marks that open a quotation at the start of the content after a cue.
_QUOTE_OPENS = "\"“"
#: Code points of the marks above, for the rules that run over all cues at once.
_CLOSER_CODES, _OPENS_CODES, _CLAUSE_CODES, _QUOTE_OPENS_CODES = (
    np.array([ord(c) for c in marks]) for marks in (_CLOSERS, _OPENS, _CLAUSE_MARKS, _QUOTE_OPENS))
#: Whether each code point is white space (``str.isspace``; none lies beyond U+3000).
_SPACES = np.array([chr(i).isspace() for i in range(0x3001)])
#: Characters trimmed from the start of a content span: white space, commas and semicolons.
_TRIM_START = "".join(map(chr, np.flatnonzero(_SPACES))) + ",;"
#: Characters trimmed from the end of a content span.
_TRIM_END = " \n\t,;:-—–."
#: Whether each code point is one of :data:`_TRIM_START`, and of :data:`_TRIM_END`.
_TRIM_START_TABLE, _TRIM_END_TABLE = (np.isin(np.arange(len(_SPACES)), [ord(c) for c in chars])
                                      for chars in (_TRIM_START, _TRIM_END))
#: Characters :func:`_trim` drops one at a time for all spans at once; a longer run is
#: stripped span by span.
_TRIM_STEPS = 8


@dataclass(frozen=True)
class Layout:
    """Sentences, paragraphs and quotation spans of the corpus string (global offsets)."""

    sent_start: np.ndarray
    sent_end: np.ndarray
    para: np.ndarray
    quote_start: np.ndarray
    quote_end: np.ndarray
    quote_scare: np.ndarray

    def sorted(self, order: np.ndarray) -> Layout:
        """The layout with its sentences in ``order``, and its quotations sorted."""
        q = np.argsort(self.quote_start, kind="stable")
        return replace(
            self, sent_start=self.sent_start[order], sent_end=self.sent_end[order],
            para=self.para[order], quote_start=self.quote_start[q],
            quote_end=self.quote_end[q], quote_scare=self.quote_scare[q],
        )


class CueFinder:
    """Every cue form, as written in lower case or capitalised, found by Aho-Corasick.

    The automaton runs over the UTF-8 bytes of the corpus; byte offsets become
    character offsets by subtracting the continuation bytes before them.
    """

    def __init__(self, forms: tuple[str, ...]) -> None:
        variants = sorted({v for f in forms for v in (f, f[:1].upper() + f[1:])})
        self._automaton = ahocorasick_rs.BytesAhoCorasick(
            [v.encode("utf-8") for v in variants],
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.DFA)

    def find(self, corpus: str, code: np.ndarray | None = None) -> np.ndarray:
        """``(start, end)`` rows of the cues of ``corpus`` that are whole words: not
        preceded by a letter, digit or :data:`_JOINERS` mark, nor followed by a letter,
        digit or hyphen. ``code``: the :func:`~sourcebias.tables.code_points` of
        ``corpus``, if at hand."""
        encoded = corpus.encode("utf-8", "surrogatepass")
        matches = self._automaton.find_matches_as_indexes(encoded)
        found = np.fromiter(itertools.chain.from_iterable(matches), dtype=np.int64,
                            count=3 * len(matches)).reshape(-1, 3)[:, 1:]
        if len(found) == 0:
            return found
        if len(encoded) != len(corpus):
            found = byte_to_character_offsets(encoded, found)
        code = code_points(corpus) if code is None else code
        is_word, _ = _character_classes()  # Python's \w: letters, digits and "_"
        before = code[np.maximum(found[:, 0] - 1, 0)]
        after = code[np.minimum(found[:, 1], len(code) - 1)]
        letter_before = is_word[before] & (before != ord("_"))
        letter_after = is_word[after] & (after != ord("_"))
        glued_before = (found[:, 0] > 0) & (letter_before | _one_of(before, _JOINER_CODES))
        glued_after = (found[:, 1] < len(code)) & (letter_after | (after == ord("-")))
        return found[~glued_before & ~glued_after]


def candidates(corpus: str, layout: Layout, cues: CueFinder, code: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Cue candidates of ``corpus`` that lie within a sentence, and their sentence numbers
    (``code``: the :func:`~sourcebias.tables.code_points` of ``corpus``, if at hand)."""
    found = cues.find(corpus, code)
    sentence = np.searchsorted(layout.sent_start, found[:, 0], side="right") - 1
    inside = (sentence >= 0) & (found[:, 1] <= layout.sent_end[np.maximum(sentence, 0)])
    return found[inside], sentence[inside]


def after_datelines(corpus: str, sent_start: np.ndarray) -> np.ndarray:
    """Each sentence start, moved past a dateline that opens the sentence.

    A dateline is a place in capitals, perhaps with its state, a date and an
    agency, then a dash ("CARACAS, April 30 - ", "WASHINGTON (AP) — ",
    "FLINT, Mich., Oct. 4 (UPI) — "): it is neither a source nor content.
    A dateline lies within one line, so it is sought only at the sentence starts
    that open a line (:data:`_DATELINE`); ``sent_start`` is sorted.
    """
    starts = sent_start.copy()
    size = len(corpus)
    at_line = [s for s in starts.tolist() if s == 0 or (0 < s <= size and corpus[s - 1] == "\n")]
    found = np.array([m.span() for m in map(_DATELINE.match, itertools.repeat(corpus), at_line)
                      if m is not None], dtype=np.int64).reshape(-1, 2)
    if len(found) == 0 or len(starts) == 0:
        return starts
    k = np.searchsorted(starts, found[:, 0])
    at = k < len(starts)
    at[at] = starts[k[at]] == found[at, 0]
    starts[k[at]] = found[at, 1]
    return starts


def quoted(points: np.ndarray, layout: Layout) -> np.ndarray:
    """Whether each global offset lies inside a quotation that is not a scare quote."""
    qa, qb = layout.quote_start, layout.quote_end
    k = np.searchsorted(qa, points, side="right") - 1
    safe = np.maximum(k, 0)
    if len(qa) == 0:
        return np.zeros(len(points), dtype=bool)
    return (k >= 0) & (qb[safe] > points) & ~layout.quote_scare[safe]


def quote_in_sentence(sentence: np.ndarray, layout: Layout) -> np.ndarray:
    """Whether each sentence (by number) holds part of a quotation span, scare quotes included."""
    if len(layout.quote_start) == 0:
        return np.zeros(len(sentence), dtype=bool)
    ss, se = layout.sent_start[sentence], layout.sent_end[sentence]
    k = np.searchsorted(layout.quote_start, se, side="left") - 1
    return (k >= 0) & (layout.quote_end[np.maximum(k, 0)] > ss)


def attributions(corpus: str, layout: Layout, cues: np.ndarray, sentence: np.ndarray,
                 code: np.ndarray | None = None) -> pd.DataFrame:
    """Attribution pieces found in ``corpus`` (global offsets, sorted by attribution).

    ``cues`` are the ``(start, end)`` rows of the cues kept and ``sentence``
    their sentence numbers (:func:`candidates`); ``code``: the
    :func:`~sourcebias.tables.code_points` of ``corpus``, if at hand. The rules
    run in three passes over all cues: their sources (:func:`_sources`), the
    content pieces of the cues with a source (:func:`_content_pieces`), then the
    participles that take the source of the cue before them (:func:`_participles`).
    Returns a frame with ``attribution`` (the cue's number), ``content_start``,
    ``content_end``, ``cue_start``, ``cue_end`` (-1 for quotations without a cue),
    ``source_start`` and ``source_end`` (-1 when none was found).

    ``corpus`` opens with two line breaks, as :func:`sourcebias.segment.attribution.corpus_layout`
    makes it, so that the rules may read the two characters before any cue or content.
    """
    code = code_points(corpus) if code is None else code
    cs, ce = cues[:, 0].astype(np.int64), cues[:, 1].astype(np.int64)
    ss, se = layout.sent_start[sentence], layout.sent_end[sentence]
    according = _starts_with(code, cs, "according") | _starts_with(code, cs, "According")
    source, after = _sources(corpus, code, cs, ce, ss, se, according)
    pieces = _content_pieces(corpus, code, cs, ce, ss, se, source, after, according)
    pieces = _participles(corpus, code, cs, ce, ss, se, sentence, pieces)
    if len(pieces) == 0:
        frame = pd.DataFrame(columns=_PIECE_COLUMNS)
    else:
        cue = pieces["attribution"].to_numpy()
        frame = pieces.assign(cue_start=cs[cue], cue_end=ce[cue])[list(_PIECE_COLUMNS)]
    frame = _extend(frame, layout)
    frame = frame.loc[_wordy(corpus, code, frame["content_start"].to_numpy(np.int64),
                             frame["content_end"].to_numpy(np.int64))]
    frame = pd.concat([frame, _uncued_quotes(frame, layout)], ignore_index=True)
    return frame.sort_values(["attribution", "content_start"], kind="stable",
                             ignore_index=True)


def _wordy(corpus: str, code: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each ``[a, b)`` holds a letter or digit (:data:`_WORDY`): at once for the spans
    that open with one (Python's ``\\w`` but "_"), by a search for the others."""
    is_word, _ = _character_classes()
    first = code[np.clip(a, 0, len(code) - 1)]
    wordy = (a >= 0) & (a < b) & is_word[first] & (first != ord("_"))
    rest = np.flatnonzero(~wordy & (a < b))
    wordy[rest] = [_WORDY.search(corpus, x, y) is not None for x, y in
                   zip(a[rest].tolist(), b[rest].tolist(), strict=True)]
    return wordy


def _opens_with(code: np.ndarray, a: np.ndarray, b: np.ndarray, first: np.ndarray
                ) -> np.ndarray:
    """Whether each ``[a, b)`` (``a`` within the text) is not empty and opens with one of the
    code points ``first``: the spans a pattern whose words open so may match."""
    return (a < b) & _one_of(code[np.minimum(a, len(code) - 1)], first)


def _starts_with(code: np.ndarray, at: np.ndarray, text: str) -> np.ndarray:
    """Whether the text from each offset starts with ``text`` (``str.startswith``)."""
    window = code[np.minimum(at[:, None] + np.arange(len(text)), len(code) - 1)]
    return (at + len(text) <= len(code)) & (window == [ord(c) for c in text]).all(axis=1)


def _sources(corpus: str, code: np.ndarray, cs: np.ndarray, ce: np.ndarray, ss: np.ndarray,
             se: np.ndarray, according: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``(start, end)`` rows of each cue's source, ``-1`` when none, and whether it
    follows the cue: after "according to" the words up to the end of its clause
    (:func:`_source_according`), else the noun phrase before the cue
    (:func:`_common_sources_before` for all cues at once, then :func:`_source_before` for
    the others it leaves open), else the one after it (:func:`_source_after`, rules 2 and 3).
    """
    source, none_before = _common_sources_before(code, cs, ss)
    source[according] = -1
    walk = np.flatnonzero(according | (source[:, 0] < 0))
    found = [_source_according(corpus, e, s_end) if by else (
        (None if none else _source_before(corpus, s_start, c)) or _source_after(
            corpus, e, s_end, loose=corpus[max(s_start, c - 3) : c].rstrip().endswith(_CLOSERS)))
        for c, e, s_start, s_end, by, none in zip(
            cs[walk].tolist(), ce[walk].tolist(), ss[walk].tolist(), se[walk].tolist(),
            according[walk].tolist(), none_before[walk].tolist(), strict=True)]
    source[walk] = np.array([span or (-1, -1) for span in found], dtype=np.int64).reshape(-1, 2)
    return source, source[:, 0] >= ce


def _common_sources_before(code: np.ndarray, cs: np.ndarray, ss: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray]:
    """The ``(start, end)`` rows of the source before each cue (rule 2) in the common shapes
    whose words decide what :func:`_source_before` returns, read for all cues at once,
    ``-1`` for the other cues; and whether the word before the cue decides that
    :func:`_source_before` finds none (:data:`_NO_SOURCE`). The cues with neither are left
    to the walk.

    The words are read back from the space before the cue, one word (from the space
    before it) at a time for all cues still open (:func:`_words_before`), each
    distinct word's shapes once (:func:`_word_shapes`). The shapes, and what the walk
    of :func:`_source_before` makes of them:

    * a pronoun right before the cue (its first test): that word ("he said");
    * a word right before the cue at which the walk stops and finds no source
      (:func:`_stops_without_source`: "in a statement", '," said'): none;
    * a capitalised word the walk stops at (:data:`_NAME`): the run of capitalised
      words, "of" and "de" before it, from its first capitalised word, or from the
      word before the run when that is a determiner ("Maduro said", "Sen. John Smith
      said", "the Pentagon said"), at most :data:`_COMMON_WORDS` words back;
    * a lower-case word the walk stops at (:data:`_NOUN`; a verb form only after a
      determiner): it and up to three words before it back to a determiner, before
      a mark or a word of :data:`_NOT_HEAD` ("the ministry said", "officials said").

    Before the last two, up to :data:`_SKIPPED_WORDS` words that the walk skips
    whatever precedes them (:data:`_SKIP`: auxiliaries, adverbs, words of degree) are
    passed, and a pronoun after them is the source as well ("he has said", "officials
    have also said").

    Every word read lies wholly within the 100 characters the walk tokenises and
    is one of its words (:data:`_TOKEN`), or ends with a mark that is one; a cue
    whose words are otherwise is left to the walk.
    """
    spaces = np.flatnonzero(code == _SPACE)
    lo = np.maximum(ss, cs - 100)
    start, end = np.full(len(cs), -1, dtype=np.int64), np.full(len(cs), -1, dtype=np.int64)
    at = np.flatnonzero((cs - ss >= 3) & (code[cs - 1] == _SPACE))
    stop = cs[at] - 1
    first, shape = _words_before(code, spaces, ss[at], stop)
    pronoun = shape & _PRONOUN > 0
    start[at[pronoun]], end[at[pronoun]] = first[pronoun], stop[pronoun]
    none = np.zeros(len(cs), dtype=bool)
    # the walk's last word: the word itself, wholly in its window, or the mark ending it
    decided = ~pronoun & (shape & _NO_SOURCE > 0) & (
        (shape & _MARKED > 0) | (first >= lo[at]))
    none[at[decided]] = True
    left = ~pronoun & ~decided
    at, first, stop, shape = at[left], first[left], stop[left], shape[left]
    for _ in range(_SKIPPED_WORDS):
        skip = np.flatnonzero((shape & _SKIP > 0) & (first >= lo[at]) & (first > ss[at]))
        before, shape[skip] = _words_before(code, spaces, ss[at[skip]], first[skip] - 1)
        stop[skip], first[skip] = first[skip] - 1, before
        read = np.ones(len(at), dtype=bool)
        read[skip] = (before >= lo[at[skip]]) & (before < stop[skip])
        at, first, stop, shape = at[read], first[read], stop[read], shape[read]
    whole = (first >= lo[at]) & (shape & _TOKEN_WORD > 0)
    pronoun = whole & (shape & _PRONOUN > 0)
    start[at[pronoun]], end[at[pronoun]] = first[pronoun], stop[pronoun]
    name = whole & (shape & _NAME > 0)
    start[at[name]] = _name_starts(code, spaces, ss[at[name]], lo[at[name]], first[name])
    noun = whole & (shape & _NOUN > 0)
    start[at[noun]] = _noun_starts(code, spaces, ss[at[noun]], lo[at[noun]], first[noun],
                                   shape[noun] & _VERB > 0)
    end[at[name | noun]] = stop[name | noun]
    return np.stack([start, np.where(start >= 0, end, -1)], axis=1), none


def _words_before(code: np.ndarray, spaces: np.ndarray, ss: np.ndarray, end: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The start of the word before each offset ``end`` (from the space before it, at least
    the sentence start ``ss``) and its :func:`_word_shapes`."""
    start = word_starts(spaces, ss, end)
    index, words = distinct_spans(code, start, end, np.zeros(len(end), dtype=np.uint32))
    shapes = np.array([_word_shapes(word) for _, word in words], dtype=np.int64)
    return start, shapes[index] if len(words) else np.zeros(0, dtype=np.int64)


def _name_starts(code: np.ndarray, spaces: np.ndarray, ss: np.ndarray, lo: np.ndarray,
                 first: np.ndarray) -> np.ndarray:
    """Where the walk starts the name ending with the capitalised word at ``first``
    (:func:`_common_sources_before`), ``-1`` where the words do not decide it."""
    start = np.full(len(first), -1, dtype=np.int64)
    pos, cap = first.copy(), first.copy()
    open_ = np.arange(len(first))
    for _ in range(_COMMON_WORDS):
        at_start = pos[open_] == ss[open_]
        start[open_[at_start]] = cap[open_[at_start]]  # the run opens the window
        open_ = open_[~at_start]
        before, shape = _words_before(code, spaces, ss[open_], pos[open_] - 1)
        read = (before >= lo[open_]) & (before < pos[open_] - 1)
        token = read & (shape & _TOKEN_WORD > 0)
        run = token & (shape & (_UPPER | _OF) > 0)
        stop = (token & ~run) | (read & (shape & _MARKED > 0))
        determiner = stop & (shape & _DETERMINER > 0) & (pos[open_] == cap[open_])
        start[open_[stop]] = np.where(determiner, before, cap[open_])[stop]
        cap[open_[run & (shape & _UPPER > 0)]] = before[run & (shape & _UPPER > 0)]
        pos[open_[run]] = before[run]
        open_ = open_[run]
    return start


def _noun_starts(code: np.ndarray, spaces: np.ndarray, ss: np.ndarray, lo: np.ndarray,
                 first: np.ndarray, verb: np.ndarray) -> np.ndarray:
    """Where the walk starts the noun phrase ending with the lower-case word at ``first``
    (:func:`_common_sources_before`), ``-1`` where the words do not decide it; ``verb``:
    whether that word is a verb form, which the walk skips unless a determiner precedes."""
    start = np.full(len(first), -1, dtype=np.int64)
    pos = first.copy()
    open_ = np.arange(len(first))
    for step in range(3):
        at_start = pos[open_] == ss[open_]
        done = at_start & ~verb[open_] if step == 0 else at_start
        start[open_[done]] = pos[open_[done]]  # no word before: the phrase opens the window
        open_ = open_[~at_start]
        before, shape = _words_before(code, spaces, ss[open_], pos[open_] - 1)
        read = (before >= lo[open_]) & (before < pos[open_] - 1)
        token = read & (shape & _TOKEN_WORD > 0)
        determiner = token & (shape & _DETERMINER > 0)
        more = token & ~determiner & (shape & _HEAD > 0)
        stop = (token & ~determiner & ~more) | (read & (shape & _MARKED > 0))
        if step == 0:
            determiner_only = ~verb[open_]
            more, stop = more & determiner_only, stop & determiner_only
        start[open_[determiner]] = before[determiner]
        start[open_[stop]] = pos[open_[stop]]
        pos[open_[more]] = before[more]
        open_ = open_[more]
    start[open_] = pos[open_]  # three words read back: the walk stops there
    return start


@functools.lru_cache(maxsize=_SHAPES_CACHED)
def _word_shapes(word: str) -> int:
    """The shapes of :func:`_common_sources_before` a word has, as bits: ``_PRONOUN``
    (a pronoun not in :data:`_BETWEEN`), ``_NAME`` (a capitalised word the walk stops
    at), ``_NOUN`` (a lower-case word of letters the walk stops at and reads back from),
    ``_VERB`` (a verb form, :data:`_VERB_FORM`), ``_TOKEN_WORD`` (one word of the walk,
    :data:`_TOKEN`), ``_MARKED`` (ending with a mark that is a word of its own),
    ``_UPPER`` (capitalised), ``_OF`` ("of" or "de"), ``_DETERMINER`` (one of
    :data:`_DETERMINERS`, lower-cased) and ``_HEAD`` (a word a noun phrase may hold:
    it opens with a letter or digit and is not one of :data:`_NOT_HEAD`, lower-cased)
    and ``_SKIP`` (a word the walk skips whatever precedes it: one of :data:`_BETWEEN`,
    lower-cased, or when not capitalised one of :data:`_DEGREE` or an adverb); and
    ``_NO_SOURCE`` (the walk, reading the word or the mark that ends it last before the
    cue, finds no source: :func:`_stops_without_source`)."""
    lower = word.lower()
    shapes = _PRONOUN if lower in _PRONOUNS and lower not in _BETWEEN else 0
    if _TOKEN.fullmatch(word):
        shapes |= _TOKEN_WORD
        if word[0].isupper():
            shapes |= _UPPER
            if lower not in _NOT_NAME and word[0].isalnum() and not word.endswith("."):
                shapes |= _NAME
            shapes |= _SKIP if lower in _BETWEEN else 0
        elif word in _DEGREE or lower in _BETWEEN or _ADVERB.fullmatch(word):
            shapes |= _SKIP
        shapes |= _OF if word in ("of", "de") else 0
        shapes |= _DETERMINER if lower in _DETERMINERS else 0
        shapes |= _HEAD if word[0].isalnum() and lower not in _NOT_HEAD else 0
    elif _MARK_END.search(word):
        shapes |= _MARKED
    last = word if shapes & _TOKEN_WORD else word[-1] if shapes & _MARKED else ""
    shapes |= _NO_SOURCE if last and _stops_without_source(last) else 0
    if _LOWER_WORD.fullmatch(word):
        shapes |= _VERB if _VERB_FORM.fullmatch(word) else 0
        shapes |= _NOUN if word not in _NOT_NOUN and not _ADVERB.fullmatch(word) else 0
    return shapes


def _stops_without_source(word: str) -> bool:
    """Whether :func:`_source_before`, reading ``word`` (one :data:`_TOKEN`) as the last
    word before the cue, stops at it at once and returns ``None``: a word it neither skips
    nor reads further from (no "to", ")", dash, comma, "and" or "but", pronoun or
    possessive) that cannot end a noun phrase (:data:`_NOT_HEAD`, or not opening with a
    letter or digit): "in a statement", '," said'."""
    lower = word.lower()
    if lower in _BETWEEN or lower in _PRONOUNS or lower in _POSSESSIVES:
        return False
    if not word[:1].isupper() and (
            word in (")", "to", "both", ",", "and", "but") or word in _DEGREE or word in _DASHES
            or _ADVERB.fullmatch(word) or _VERB_FORM.fullmatch(word)):
        return False
    return lower in _NOT_HEAD or not word[0].isalnum()


def _content_pieces(corpus: str, code: np.ndarray, cs: np.ndarray, ce: np.ndarray,
                    ss: np.ndarray, se: np.ndarray, source: np.ndarray, after: np.ndarray,
                    according: np.ndarray) -> pd.DataFrame:
    """Content pieces of the cues with a source (rules 4 and 5), for all cues at once.

    The piece *after* the cue runs from after the cue (and its source, when that
    follows it) to the sentence end, from a "that" or colon within
    :data:`_OPENS_WITHIN` characters (:func:`_content_starts`); the piece *before*
    runs from the sentence start to the clause mark before the source (or the cue).
    A clause that ends in a comma, dash or closing quotation mark before the source
    ('"We stand firm," he said.'), or a quotation closed with a comma a few words
    before it (:data:`_QUOTE_THEN_NAME`), or a source after the cue, makes the
    piece before the content ("The coup failed, Padrino said."), unless a
    sentence-opening phrase precedes and more than a time or place follows the
    cue ("After the meeting, the ministry said that ..."); with the cue in the
    middle ("The coup, he said, failed.") both sides are content. Otherwise the
    piece after is the content ("Padrino said the coup had failed."), or the one
    before when nothing follows. A cue and colon that end the sentence ("He
    tweeted:") give an empty piece at the sentence end (filled by :func:`_extend`).
    A preposition that opens a piece after the cue belongs to the cue
    (:func:`_after_preposition`).

    Returns a frame of ``attribution`` (the cue's number), ``content_start``,
    ``content_end``, ``forward`` (whether the piece follows the cue),
    ``source_start`` and ``source_end``, in cue order.
    """
    cue = np.flatnonzero(source[:, 0] >= 0)
    cs, ce, ss, se = cs[cue], ce[cue], ss[cue], se[cue]
    src, after, according = source[cue], after[cue], according[cue]
    clause_end = np.where(after, cs, src[:, 0])
    before_a, before_b = _trim(corpus, code, ss, clause_end)
    right_start = np.minimum(np.where(after, src[:, 1], ce), se)
    right_start = _content_starts(code, right_start, se)
    right_a, right_b = _trim(corpus, code, right_start, se)
    comma_before = according | _ends_clause(code, clause_end)
    look = np.flatnonzero(~comma_before)
    quote = np.array([-1 if (m := _QUOTE_THEN_NAME.search(corpus, a, b)) is None else m.start()
                      for a, b in zip(ss[look].tolist(), clause_end[look].tolist(), strict=True)],
                     dtype=np.int64)
    look, quote = look[quote >= 0], quote[quote >= 0]
    comma_before[look] = True
    before_a[look], before_b[look] = _trim(corpus, code, ss[look], quote + 2)
    has_before = before_b > before_a
    spaces_after = _spaces(code, right_a, np.minimum(right_b, right_a + _SPACES_WITHIN))
    look = np.flatnonzero(comma_before & has_before & _opens_with(code, right_a, right_b,
                                                                  _TAIL_FIRST))
    tail = [_TAIL.match(corpus, a, b) is not None for a, b in
            zip(right_a[look].tolist(), right_b[look].tolist(), strict=True)]
    spaces_after[look[np.array(tail, dtype=bool)]] = 0

    colon = (right_a == right_b) & (code[se - 1] == ord(":"))
    framed = ~colon & (after | comma_before) & has_before
    comma_after = (code[right_start - 2] == ord(",")) | (code[right_start - 1] == ord(","))
    right_only = framed & (spaces_after >= 1) & ~(after | comma_after) & ~(
        _one_of(code[before_b - 1], _CLOSER_CODES) & _one_of(code[before_a], _OPENS_CODES))
    both = framed & ~right_only & (spaces_after >= 2) & comma_after
    rest = ~colon & ~framed
    plain_right = rest & ((spaces_after >= 1) | (right_a >= len(code)) | _one_of(
        code[np.minimum(right_a, len(code) - 1)], _QUOTE_OPENS_CODES))
    plain_before = rest & ~plain_right & has_before
    forward = colon | right_only | plain_right
    first = forward | (framed & ~right_only) | plain_before
    a = np.concatenate([np.where(colon, se, np.where(forward, right_a, before_a))[first],
                        right_a[both]])
    b = np.concatenate([np.where(colon, se, np.where(forward, right_b, before_b))[first],
                        right_b[both]])
    forward = np.concatenate([forward[first], np.ones(both.sum(), dtype=bool)])
    at = np.concatenate([np.flatnonzero(first), np.flatnonzero(both)])
    order = np.argsort(at, kind="stable")
    a, b, forward, at = a[order], b[order], forward[order], at[order]
    ahead = np.flatnonzero(forward & _opens_with(code, a, b, _PREPOSITION_FIRST))
    a[ahead] = [_after_preposition(corpus, x, y) for x, y in
                zip(a[ahead].tolist(), b[ahead].tolist(), strict=True)]
    return pd.DataFrame({"attribution": cue[at], "content_start": a, "content_end": b,
                         "forward": forward, "source_start": src[at, 0],
                         "source_end": src[at, 1]})


def _spaces(code: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The spaces in each ``[a, b)`` of at most :data:`_SPACES_WITHIN` characters (the words
    in the first characters of a content piece, less one), counted over one array of code
    points."""
    window = code.take(a[:, None] + np.arange(_SPACES_WITHIN), mode="clip")  # a >= 0
    return ((window == ord(" ")) & (np.arange(_SPACES_WITHIN) < (b - a)[:, None])).sum(axis=1)


def _ends_clause(code: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Whether the text before each offset ends, but for spaces, in a comma, dash or
    closing quotation mark (:data:`_CLAUSE_MARKS`) within its last two characters
    ('"We stand firm," he said'); offsets of at least 2."""
    last, second = code[at - 1], code[at - 2]
    space = _is(last, _SPACES)
    mark = np.where(space, second, last)
    return ~(space & _is(second, _SPACES)) & _one_of(mark, _CLAUSE_CODES)


def _participles(corpus: str, code: np.ndarray, cs: np.ndarray, ce: np.ndarray, ss: np.ndarray,
                 se: np.ndarray, sentence: np.ndarray, pieces: pd.DataFrame) -> pd.DataFrame:
    """``pieces`` with those of the participle cues that take another source (rule 7).

    A participle that opens the sentence ("Conceding that the deal was dead, the
    senator called ...") takes the subject after its comma (:func:`_subject`),
    its content running to that comma. One after a comma or a
    :data:`_PARTICIPLE_AFTER` word ('"...," the mayor said, adding that ...',
    "keeping a lid on his appeal by touting her record") takes the source of the
    last cue before it in the sentence that has content, or else the subject that
    opens the sentence, its content running to the sentence end. Either way its
    content is one piece after it, which replaces those of the other rules; the
    cues are read in order, as a participle may take the source of one before it.
    """
    participle = (ce - cs >= 3) & _starts_with(code, ce - 3, "ing")
    opening = np.flatnonzero(participle & (cs == ss))
    comma = np.array([corpus.find(",", e, s_end) for e, s_end in
                      zip(ce[opening].tolist(), se[opening].tolist(), strict=True)],
                     dtype=np.int64)
    subject = [_subject(corpus, c + 1, s_end) if c > 0 else None for c, s_end in
               zip(comma.tolist(), se[opening].tolist(), strict=True)]
    left = _trim(corpus, code, _content_starts(code, ce[opening], comma), comma)
    marked = np.array([i for i in np.flatnonzero(participle).tolist()
                       if _PARTICIPLE_AFTER.search(corpus, max(int(ss[i]), int(cs[i]) - 8),
                                                   int(cs[i]))],
                      dtype=np.int64)
    right = _trim(corpus, code, _content_starts(code, ce[marked], se[marked]), se[marked])
    first = pieces.drop_duplicates("attribution")
    has = np.zeros(len(cs), dtype=bool)
    has[first["attribution"].to_numpy()] = True
    source = np.full((len(cs), 2), -1, dtype=np.int64)
    source[first["attribution"].to_numpy()] = first[["source_start", "source_end"]].to_numpy()
    taken: dict[int, tuple[int, int, int, int]] = {}
    for i, a, b, found in zip(opening.tolist(), left[0].tolist(), left[1].tolist(), subject,
                              strict=True):
        if found is not None and b > a:
            taken[i] = (a, b, *found)
            has[i], source[i] = True, found
    for i, a, b in zip(marked.tolist(), right[0].tolist(), right[1].tolist(), strict=True):
        if b <= a:
            continue
        j = i - 1
        while j >= 0 and sentence[j] == sentence[i] and not has[j]:
            j -= 1
        found = (tuple(source[j].tolist()) if j >= 0 and sentence[j] == sentence[i]
                 else _subject(corpus, int(ss[i]), int(cs[i])))
        if found is not None:
            taken[i] = (a, b, *found)
            has[i], source[i] = True, found
    if not taken:
        return pieces
    rows = np.array([(i, *row) for i, row in taken.items()], dtype=np.int64).reshape(-1, 5)
    replaced = pd.DataFrame({"attribution": rows[:, 0], "content_start": rows[:, 1],
                             "content_end": rows[:, 2], "forward": True,
                             "source_start": rows[:, 3], "source_end": rows[:, 4]})
    kept = pieces[~pieces["attribution"].isin(rows[:, 0])]
    return pd.concat([kept, replaced], ignore_index=True).sort_values(
        "attribution", kind="stable", ignore_index=True)


def _after_preposition(corpus: str, a: int, b: int) -> int:
    """``a``, or past a preposition that opens ``[a, b)`` and belongs to the cue ("called
    for", "talked about", "spoke of")."""
    found = _PREPOSITION.match(corpus, a, b)
    return found.end() if found else a


def _content_starts(code: np.ndarray, a: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Where the content after each cue starts: after the first " that" or colon in
    ``[a - 1, min(limit, a + _OPENS_WITHIN))`` that no quotation mark precedes ("told
    reporters that ...", "said:"), else at ``a``; "that" and the space after it must lie
    within the window too. The windows are read as one array of code points."""
    width = _OPENS_WITHIN + 1
    window = code.take(a[:, None] - 1 + np.arange(width), mode="clip")
    inside = np.arange(width) < (np.minimum(limit, a + _OPENS_WITHIN) - a + 1)[:, None]
    that = np.zeros(window.shape, dtype=bool)
    that[:, :-5] = (window[:, :-5] == ord(" ")) & inside[:, 5:]
    for i, letter in enumerate("that ", start=1):
        that[:, :-5] &= window[:, i : width - 5 + i] == ord(letter)
    opens = that | ((window == ord(":")) & inside)
    quote = _one_of(window, _QUOTE_OPENS_CODES)
    first = np.argmax(opens, axis=1)
    found = opens.any(axis=1) & ~(quote & (np.arange(width) < first[:, None])).any(axis=1)
    return np.where(found, a + first, a)


def _source_before(corpus: str, ss: int, cs: int) -> tuple[int, int] | None:
    """The source noun phrase right before a cue (rule 2), or ``None``."""
    if cs - ss >= 3 and corpus[cs - 1] == " ":  # the common "he said", without tokenising
        start = max(corpus.rfind(" ", ss, cs - 1) + 1, ss)
        word = corpus[start : cs - 1].lower()
        if word in _PRONOUNS and word not in _BETWEEN:
            return start, cs - 1
    lo = max(ss, cs - 100)
    words = _TOKEN.findall(corpus, lo, cs)
    k = len(words) - 1
    while k >= 0:
        # Every pattern below needs a lower-case first letter: a capitalised word can
        # only be skipped (a word of _BETWEEN) or end the search.
        if words[k][:1].isupper():
            if words[k].lower() not in _BETWEEN:
                break
            k -= 1
        elif words[k] == ")" and k >= 2 and words[k - 2] == "(":
            k -= 3  # a party label: "Gov. Pat McCrory (R) said"
        elif (words[k] == "to" and k > 0 and words[k - 1].isalpha() and words[k - 1].islower()
              and words[k - 1] not in _NOT_HEAD and words[k - 1] not in _DETERMINERS):
            k -= 2  # a verb or adjective and "to": "has to remind", "is likely to note"
        elif words[k] in _DEGREE or (words[k] == "both" and k > 0
                                      and words[k - 1].lower() in _BETWEEN):
            k -= 1  # "were far less divided", "have both urged"
        elif words[k].lower() in _BETWEEN or _ADVERB.fullmatch(words[k]) or (
                k > 0 and _VERB_FORM.fullmatch(words[k]) and words[k - 1].lower() not in
                _DETERMINERS):
            k -= 1
        else:
            break
    if k < 0:
        return None
    word = words[k]
    if word in ("and", "but"):
        return _subject(corpus, ss, cs)  # "Schilling appeared on a show and defended himself"
    if word == ",":
        if lo > ss:  # a long appositive: read further back
            wide = max(ss, cs - _APPOSITIVE_WITHIN)
            more = _TOKEN.findall(corpus, wide, cs)
            return _appositive_source(corpus, wide, cs, more, k + len(more) - len(words))
        return _appositive_source(corpus, lo, cs, words, k)
    end = _end_of(corpus, lo, cs, words, k)
    if word in _DASHES:  # an aside: "Jason Sims — a teacher from Mount Pleasant — says"
        mark = word if word in "—–" else f" {word} "  # a hyphen only with spaces around
        opening = corpus.rfind(mark, max(ss, cs - _APPOSITIVE_WITHIN), end - len(word))
        return _source_before(corpus, ss, opening + mark.index(word)) if opening >= ss else None
    lower = word.lower()
    if lower in _PRONOUNS or (lower in _POSSESSIVES and end == cs - 1
                              and _NOUN_CUE_NEXT.match(corpus, corpus.find(" ", cs))):
        return end - len(word), end  # "he said", "his insistence that"
    if lower in _NOT_HEAD or not word[0].isalnum():
        return None
    end -= len(word) - len(word.rstrip("."))
    j = k
    if word[0].isupper():
        while j > 0 and (words[j - 1][:1].isupper() or words[j - 1] in ("of", "de")):
            j -= 1
        while j < k and not words[j][:1].isupper():
            j += 1
        if j > 0 and words[j - 1].lower() in _DETERMINERS:
            j -= 1
    else:
        for step in range(1, 4):
            prev = words[k - step] if k - step >= 0 else ","
            if prev.lower() in _DETERMINERS:
                j = k - step
                break
            if not prev[0].isalnum() or prev.lower() in _NOT_HEAD:
                break
            j = k - step
        if j > 0 and words[j - 1] in _TIME_PREPOSITIONS and words[k] in _TIMES:
            return _source_before(corpus, ss, _start_of(corpus, lo, cs, words, j - 1))
    return _start_of(corpus, lo, cs, words, j), end


def _start_of(corpus: str, lo: int, hi: int, words: list[str], j: int) -> int:
    """Start offset of ``words[j]``, the words being those found in ``corpus[lo:hi]``.

    Walks back from the last word, so the cost is the number of words after ``j``.
    """
    pos = hi
    for word in reversed(words[j:]):
        pos = corpus.rfind(word, lo, pos)
    return pos


def _end_of(corpus: str, lo: int, hi: int, words: list[str], k: int) -> int:
    """End offset of ``words[k]`` (see :func:`_start_of`)."""
    return _start_of(corpus, lo, hi, words, k) + len(words[k])


def _appositive_source(corpus: str, lo: int, hi: int, words: list[str], comma: int
                       ) -> tuple[int, int] | None:
    """The name before an appositive ("Revesz, director of the institute, said"), or ``None``.

    ``words[comma]`` is the comma before the cue. The name opens its clause
    (the sentence, or the text after a quotation and its comma) and runs to
    the clause's first comma, in at most eight words ("Republican Rep. Lee Zeldin of New
    York, a Trump supporter, said"); a clause also opens after a dash or semicolon. Else
    the name right before the comma (:func:`_name_before_comma`).
    """
    begin = 0
    for i in range(comma - 1, 0, -1):
        if (words[i][:1] in _CLOSERS and words[i - 1] == ",") or words[i] in ("—", "–", ";"):
            begin = i + 1
            break
    name = words[begin:comma]
    stop = next((i for i, w in enumerate(name) if w in (",", "(", "—", "–")), len(name))
    while stop < len(name) and name[stop] == "," and _is_opener(name[:stop]):
        begin += stop + 1  # "On Wednesday, the director of the FBI, James B. Comey, said"
        name = name[stop + 1:]
        stop = next((i for i, w in enumerate(name) if w in (",", "(", "—", "–")), len(name))
    if not stop or stop > 8 or not (name[0][:1].isupper() or name[0].lower() in _DETERMINERS):
        return _name_before_comma(corpus, lo, hi, words, comma)
    end = _end_of(corpus, lo, hi, words, begin + stop - 1)
    end -= len(name[stop - 1]) - len(name[stop - 1].rstrip("."))
    return _start_of(corpus, lo, hi, words, begin), end


def _name_before_comma(corpus: str, lo: int, hi: int, words: list[str], comma: int
                       ) -> tuple[int, int] | None:
    """The capitalised name of one to five words between a comma and ``words[comma]``, the
    comma before the cue ("the director of the FBI, James B. Comey, said"), or ``None``."""
    first = comma - 1
    while first > 0 and comma - first < 5 and words[first - 1][:1].isupper():
        first -= 1
    if first == comma or first <= 0 or words[first - 1] != "," or not words[first][:1].isupper():
        return None
    return _start_of(corpus, lo, hi, words, first), _end_of(corpus, lo, hi, words, comma - 1)


def _capitalised_run(words: list[str], begin: int) -> int:
    """The last word of the run of capitalised words from ``begin``, through one lower-case
    title word between two capitalised ones ("Opposition leader Juan Guaidó")."""
    end = begin
    while end + 1 < len(words):
        following = words[end + 1]
        if following[:1].isupper():
            end += 1
        elif (end + 2 < len(words) and following[:1].islower() and following.isalpha()
              and following not in _NOT_HEAD and following not in _BETWEEN
              and words[end + 2][:1].isupper() and words[end][:1].isupper()):
            end += 2
        else:
            break
    return end


def _subject(corpus: str, ss: int, cs: int) -> tuple[int, int] | None:
    """The subject that opens the sentence before ``cs`` (after an opening phrase and its
    comma): a pronoun, a run of capitalised words, or a determiner and up to three words;
    or ``None``."""
    hi = min(cs, ss + 150)
    words = _TOKEN.findall(corpus, ss, hi)
    begin = 0
    if words and _is_opener(words[:1]) and "," in words:
        begin = words.index(",") + 1
    if begin >= len(words) or not words[begin][:1].isalpha():
        return None
    first = words[begin]
    if first.lower() in _SUBJECTS:
        end = begin
    elif first[:1].isupper() and first.lower() not in _NOT_HEAD:
        end = _capitalised_run(words, begin)
    elif first.lower() in _DETERMINERS:
        end = begin
        while end + 1 < len(words) and end < begin + 3 and words[end + 1][:1].isalnum() \
                and words[end + 1].lower() not in _NOT_HEAD \
                and words[end + 1].lower() not in _BETWEEN and not words[end + 1].endswith("ed"):
            end += 1
    else:
        return None
    last = words[end]
    stop = _end_of(corpus, ss, hi, words, end) - (len(last) - len(last.rstrip(".")))
    return _start_of(corpus, ss, hi, words, begin), stop


def _is_opener(words: list[str]) -> bool:
    """Whether ``words`` (before a comma) open a sentence as a time, place or linking phrase
    ("On Wednesday", "Earlier", "For one thing") rather than name a source."""
    first = words[0].lower() if words else ""
    if first in _DETERMINERS:
        return False
    return first in _NOT_HEAD or first in _BETWEEN or first in _OPENERS or (
        len(words) == 1 and _ADVERB.fullmatch(first) is not None)


def _source_according(corpus: str, ce: int, se: int) -> tuple[int, int] | None:
    """The source after "according to": the words up to the end of its clause (rule 3)."""
    found = _ACCORDING_SOURCE.match(corpus, ce, se)
    return found.span(1) if found else None


def _source_after(corpus: str, ce: int, se: int, *, loose: bool = False
                  ) -> tuple[int, int] | None:
    """The source noun phrase right after a cue that ends its clause (rule 3), or ``None``.

    With ``loose`` (the cue follows a closing quotation mark: '", said a man who
    ...', '", said former congressman Barney Frank'), the noun phrase need not end
    the clause nor open with a capital or determiner.
    """
    hi = min(se, ce + 70)
    found = _TOKEN.search(corpus, ce, hi)
    if found is None:
        return None
    first = found.group()
    if first.lower() in _SUBJECTS and loose:
        return found.span()
    if not (first[:1].isupper() or first.lower() in _DETERMINERS or (
            loose and first[:1].isalpha() and first.lower() not in _NOT_HEAD)):
        return None
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(corpus, found.start(), hi)]
    k = 0
    limit = 6 if first[:1].isupper() or loose else 3
    while k + 1 < len(tokens) and k < limit and tokens[k + 1][1][0].isalnum() \
            and tokens[k + 1][1].lower() not in ("that", "to", "and", "in", "on", "at"):
        k += 1
    last = tokens[k]
    if not loose and k + 1 < len(tokens) \
            and tokens[k + 1][1] not in (",", ".", ";", "(", "—", "–", ":", *_CLOSERS):
        return None
    return tokens[0][0], last[0] + len(last[1].rstrip("."))


def _trim(corpus: str, code: np.ndarray, a: np.ndarray, b: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Each ``[a, b)`` without leading spaces and commas (:data:`_TRIM_START`), and trailing
    spaces, commas, dashes and periods (:data:`_TRIM_END`; a period inside closing
    quotation marks stays): ``' , he said.'`` gives ``'he said'``. Drops up to
    :data:`_TRIM_STEPS` characters at each end a step at a time for all spans, then strips
    the few spans with more (``str.lstrip``, ``str.rstrip``)."""
    a, b = a.copy(), b.copy()
    at = np.flatnonzero(a < b)
    for _ in range(_TRIM_STEPS):
        at = at[_is(code[a[at]], _TRIM_START_TABLE)]
        a[at] += 1
        at = at[a[at] < b[at]]
    for i in at.tolist():
        a[i] = b[i] - len(corpus[a[i] : b[i]].lstrip(_TRIM_START))
    at = np.flatnonzero(b > a)
    for _ in range(_TRIM_STEPS):
        at = at[_is(code[b[at] - 1], _TRIM_END_TABLE)]
        b[at] -= 1
        at = at[b[at] > a[at]]
    for i in at.tolist():
        b[i] = a[i] + len(corpus[a[i] : b[i]].rstrip(_TRIM_END))
    return a, b


def _one_of(points: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Whether each code point is one of ``codes`` (``np.isin`` as one equality test per
    code, several times faster for the few codes of a rule)."""
    found = np.zeros(points.shape, dtype=bool)
    for point in codes.tolist():
        found |= points == point
    return found


def _is(points: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Whether each code point is marked in ``table`` (code points beyond it are not)."""
    return (points < len(table)) & table[np.minimum(points, len(table) - 1)]


def _extend(frame: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """Follow quotations beyond the sentence (rules 4 and 5), vectorised.

    A piece before its cue starts at the start of a quotation that holds its
    first character; a piece after its cue ends at the end of a quotation that
    starts inside it; an empty piece after a cue and colon ("He tweeted:")
    becomes the quotation that opens the next paragraph.
    """
    qa, qb = layout.quote_start, layout.quote_end
    a = frame["content_start"].to_numpy().copy()
    b = frame["content_end"].to_numpy().copy()
    if len(qa) == 0 or len(a) == 0:
        return frame.drop(columns="forward")
    forward = frame["forward"].to_numpy()
    k = np.maximum(np.searchsorted(qa, a, side="right") - 1, 0)
    back = ~forward & (qa[k] <= a) & (qb[k] > a)
    a[back] = qa[k[back]]
    k = np.maximum(np.searchsorted(qa, b, side="left") - 1, 0)
    ahead = forward & (qa[k] >= a) & (qa[k] < b) & (qb[k] > b)
    b[ahead] = qb[k[ahead]]
    k = np.minimum(np.searchsorted(qa, b, side="left"), len(qa) - 1)
    colon = forward & (a == b) & (qa[k] >= b) & (qa[k] - b <= 3)
    a[colon], b[colon] = qa[k[colon]], qb[k[colon]]
    return frame.drop(columns="forward").assign(content_start=a, content_end=b)


def _uncued_quotes(found: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """Quotations that are not scare quotes and hold no content yet (rule 6)."""
    keep = ~layout.quote_scare
    qa, qb = layout.quote_start[keep], layout.quote_end[keep]
    order = np.argsort(found["content_start"].to_numpy(), kind="stable")
    ca = found["content_start"].to_numpy()[order]
    cb = np.maximum.accumulate(found["content_end"].to_numpy()[order]) if len(ca) else ca
    k = np.searchsorted(ca, qb, side="left") - 1
    covered = (k >= 0) & (cb[np.maximum(k, 0)] >= qb) if len(ca) else np.zeros(len(qa), bool)
    qa, qb = qa[~covered], qb[~covered]
    sentence = np.searchsorted(layout.sent_start, qa, side="right") - 1
    para = layout.para[np.maximum(sentence, 0)]
    cue_order = np.argsort(found["cue_start"].to_numpy(), kind="stable")
    cue_at = found["cue_start"].to_numpy()[cue_order]
    j = np.searchsorted(cue_at, qa, side="left") - 1
    src_a = np.full(len(qa), -1, dtype=np.int64)
    src_b = np.full(len(qa), -1, dtype=np.int64)
    if len(cue_at):
        prev = cue_order[np.maximum(j, 0)]
        cue_sentence = np.searchsorted(layout.sent_start, cue_at[np.maximum(j, 0)],
                                       side="right") - 1
        near = (j >= 0) & (para - layout.para[cue_sentence] <= 1) & (
            para >= layout.para[cue_sentence])
        src_a = np.where(near, found["source_start"].to_numpy()[prev], -1)
        src_b = np.where(near, found["source_end"].to_numpy()[prev], -1)
    start = int(found["attribution"].max()) + 1 if len(found) else 0
    return pd.DataFrame({
        "attribution": np.arange(start, start + len(qa)),
        "content_start": qa, "content_end": qb, "cue_start": -1, "cue_end": -1,
        "source_start": src_a, "source_end": src_b,
    })


def kinds(found: pd.DataFrame, layout: Layout) -> np.ndarray:
    """``direct``, ``mixed`` or ``indirect`` for each row's attribution (by quoted share)."""
    a = found["content_start"].to_numpy()
    b = found["content_end"].to_numpy()
    quoted = _quoted_before(b, layout) - _quoted_before(a, layout)
    per = pd.DataFrame({"attribution": found["attribution"], "quoted": quoted, "length": b - a})
    total = per.groupby("attribution", sort=False)[["quoted", "length"]].transform("sum")
    share = (total["quoted"] / total["length"].clip(lower=1)).to_numpy()
    return np.where(share >= 0.9, "direct", np.where(share > 0, "mixed", "indirect"))


def _quoted_before(points: np.ndarray, layout: Layout) -> np.ndarray:
    """Quoted characters (non-scare quotation spans included) before each global offset."""
    qa, qb = layout.quote_start, layout.quote_end
    if len(qa) == 0:
        return np.zeros(len(points), dtype=np.int64)
    before = np.concatenate([[0], np.cumsum(qb - qa)])
    k = np.searchsorted(qa, points, side="right") - 1
    inside = np.clip(points - qa[np.maximum(k, 0)], 0, (qb - qa)[np.maximum(k, 0)])
    return np.where(k >= 0, before[np.maximum(k, 0)] + inside, 0)
