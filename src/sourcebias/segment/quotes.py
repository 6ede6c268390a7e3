"""Quotation spans of a corpus string: marks, continuation and scare quotes.

The rules, with their seed examples, are documented in :mod:`sourcebias.segment.sentences`.
Every function here works on one string holding all articles (paragraphs
separated by blank lines) and on sorted numpy arrays of global offsets into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from sourcebias.tables import _character_classes, code_points, code_points_at

#: Marks that open a quotation (straight marks open only at the start of a word; ``''`` and
#: ````` are the two-character double marks of typewritten and wire text, and a ``”`` opens a
#: quotation at the start of a line).
OPENING_MARKS = "\"“«'‘‹`"


#: Marks that close a quotation, apostrophes included.
CLOSING_MARKS = "\"”»'’›"


#: Text inside a double quotation: up to the next double mark (``''`` counts as one, except
#: between letters, where it is a doubled apostrophe: ``can''t``) or paragraph break.
_DOUBLE_TEXT = r"""
    [^"“”«»'`\n]++ | ['`](?!['`]) | (?<=[^\W\d_])''(?=[^\W\d_]) | \n(?![^\S\n]*\n)
"""
#: A straight double mark where a word can start: not after a word, a number or punctuation,
#: and not before a space.
_STRAIGHT_OPENS = r"""(?<![\w.,!?;%)\]’”'"]")(?!\s)"""
#: Marks that close a double quotation: a ``“`` closes one only after a word or sentence
#: punctuation and before no letter (``51 percent.“``); ``''`` before no letter.
_DOUBLE_CLOSES = r"""["”»]|''(?![^\W\d_])|(?<=[\w.,!?;…])“(?![^\W\d_])"""


#: One pass finds every quotation. It starts with one character class so that
#: the regex engine skips ahead to the next mark.
#:
#: Double: a straight or curly double mark, a guillemet, two apostrophes ``''`` or two
#: backticks (NYT and wire text: ``''This isn't tax reform,'' said``), or a ``”`` that opens a
#: line before a letter (``”Fear. I am truly afraid …”``); straight and two-character marks
#: open only where a word can start (:data:`_STRAIGHT_OPENS`). It runs up to the next closing
#: double mark (:data:`_DOUBLE_CLOSES`), or else to the next opening curly mark or guillemet or
#: the end of the paragraph (no ``closed_*`` group is then set; see :func:`find_marks`).
#: Nested quotations: a quotation opened with a straight or two-character mark may hold curly
#: pairs (``"PENCE: … an episode of “Shark Tank.” But …``), and one opened with a curly mark or
#: guillemet straight pairs that open where a word can start (``“He called it "fake," and
#: left”``) and short curly pairs (at most 40 characters without sentence punctuation: ``“… what
#: he calls “hell” than …”``), when the quotation then closes; a quotation that opens a line may
#: hold them and run on unclosed, as transcripts and quotations over several paragraphs do.
#: Single (a single mark or single guillemet at the start of a word): up to the
#: first single mark that ends a word, within the paragraph;
#: apostrophes (a mark followed by a letter, or after a space) are skipped, and
#: without a closing mark there is no quotation (``single`` unset).
_QUOTE = re.compile(
    rf"""
    ["“«'‘‹`”]
    (?:
        (?: (?<=") {_STRAIGHT_OPENS} | (?<=')' (?<![\w.,!?;%)\]’”'"]'')(?!\s) | (?<=`)` )
        (?:
            (?> (?: {_DOUBLE_TEXT} | “[^"“”«»\n]*+” )*+ ) (?P<closed_nested>{_DOUBLE_CLOSES})
        |
            (?: (?<=\n") | (?<=\n'') | (?<=\n``) ) (?: {_DOUBLE_TEXT} | “[^"“”«»\n]*+” )*+
        |
            (?: {_DOUBLE_TEXT} )*+ (?P<closed>{_DOUBLE_CLOSES})?
        )
    |
        (?: (?<=[“«]) | (?<=[\n\u200e\u200f\u202a-\u202e\u2066-\u2069]”)(?=[^\W\d_]) )
        (?:
            (?> (?: {_DOUBLE_TEXT} | "{_STRAIGHT_OPENS}[^"“”«»\n]*+"
                    | “[^"“”«»\n.!?]{{1,40}}” )*+ )
            (?P<closed_curly_nested>{_DOUBLE_CLOSES})
        |
            (?: {_DOUBLE_TEXT} )*+ (?P<closed_curly>{_DOUBLE_CLOSES})?
        )
    |
        (?<=['‘‹]) (?<!\w['‘‹]) (?=[^\W\d_])
        (?P<single>
            [^'’›\n]*+
            (?: (?: ['’›](?:(?=\w)|(?<=\s['’›])) | \n(?![^\S\n]*\n) ) [^'’›\n]*+ )*+
            (?<=\S)['’›](?!\w)
        )
    )
    """,
    re.VERBOSE,
)


_WORD_CHAR = re.compile(r"\w")
#: A closing double mark with nothing open: a curly or angle mark, or a straight one after a word.
_STRAY_CLOSE = re.compile(r'[”»]|(?<=[\w.,!?;…])(?:"|\'\')')
#: A word of a quotation, for the title test.
_TITLE_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
#: Words that may stay lower-case in a title ("Who Wants to Be a Millionaire?").
_MINOR_WORDS = frozenset("a an the and or nor but of to in on at for with by from as vs".split())
#: Words of a colon-ended sentence that introduces a block quotation without a reporting verb.
_CLAUSE_WORDS = 5
#: Most words a quoted title or nickname may have.
_TITLE_MAX_WORDS = 10
#: Sentence punctuation inside a quotation that makes it more than a label.
_INNER_PUNCTUATION = re.compile(r"[!?;…]|[.:]\s")




#: Characters per slice when counting words: bounds the memory, and slices of half a million
#: characters (2 MB of code points) stay in the processor's cache, which counts the words of
#: a 2,000-article corpus string in 60% of the time that slices of 8 million take.
_COUNT_CHUNK = 1 << 19


@dataclass(frozen=True)
class QuoteRules:
    """Compiled word lists that decide continuation and scare quotes."""

    introduction: re.Pattern[str]
    said_before: re.Pattern[str]
    said_after: re.Pattern[str]
    direct_speech: re.Pattern[str]
    scare_max_words: int

    @classmethod
    def from_words(
        cls, *, reporting_verbs: list[str], direct_speech_words: list[str], scare_max_words: int
    ) -> QuoteRules:
        """Compile the lists of ``data/segment.yaml``.

        ``said_before`` matches the end of the text right before a quotation that
        introduces speech (``said:``, ``told reporters,``); ``said_after`` the
        start of the text right after one that attributes it (``, he said``,
        ``" Maduro said``, ``", White House press secretary Sarah Sanders
        said``); ``introduction`` a sentence end of at most ten words after a
        reporting verb, then a colon (``He tweeted:``, ``Weld told the
        interviewer:``); ``direct_speech`` a first- or second-person word as
        written or capitalised ("us" and "Us", never "US").
        """
        verbs = "|".join(map(re.escape, sorted(reporting_verbs, key=len, reverse=True)))
        token = r"(?:[A-Z][a-z]{0,3}\.|[^\s,.;:!?\"“”«»]+)"
        forms = {f for w in direct_speech_words for f in (w, w[:1].upper() + w[1:])}
        return cls(
            introduction=re.compile(rf"\b(?:{verbs})\b(?:\s+\S+){{0,10}}?:$"),
            said_before=re.compile(rf"(?::|\b(?:{verbs})\b[^.!?\"“”\n]{{0,40}},)\s*$"),
            said_after=re.compile(
                rf"[^\S\n]*,?[^\S\n]*(?:{token}[^\S\n]+){{0,6}}?(?:{verbs})\b"
            ),
            direct_speech=re.compile(rf"\b(?:{'|'.join(sorted(map(re.escape, forms)))})\b"),
            scare_max_words=scare_max_words,
        )


@dataclass(frozen=True)
class Layout:
    """Global offsets of the paragraphs and sentences of a corpus string, sorted."""

    para_start: np.ndarray
    para_end: np.ndarray
    para_doc: np.ndarray
    sent_start: np.ndarray
    sent_end: np.ndarray


@dataclass(frozen=True)
class Marks:
    """Quotations as marked in the text, before continuation: sorted global offsets."""

    start: np.ndarray
    end: np.ndarray
    closed: np.ndarray
    para: np.ndarray


def find_marks(text: str, layout: Layout) -> Marks:
    """Every quotation of ``text`` found by its marks (voice rules 1 to 4), in one pass.

    An unpaired opening mark never turns the rest of its paragraph into quote
    (rule 4): a quotation with no closing mark before the next opening curly
    mark or guillemet ends with its sentence, or at that mark if it comes
    first; one left open at the paragraph's end reaches that end only when it
    opens the paragraph, follows a colon, or the next paragraph of the article
    opens with a mark (rules 5 and 6), and otherwise ends with its sentence.
    """
    found = [(m.start(), m.end(), m.lastgroup is not None) for m in _QUOTE.finditer(text)]
    rows = np.array(found, dtype=np.int64).reshape(-1, 3)
    start = rows[:, 0]
    para = np.searchsorted(layout.para_start, start, side="right") - 1
    end = np.minimum(rows[:, 1], layout.para_end[para])
    closed = rows[:, 2].astype(bool)
    stopped = end < layout.para_end[para]  # by another opening mark
    for k in np.flatnonzero(~closed).tolist():
        if stopped[k] or not _may_stay_open(text, int(start[k]), int(para[k]), layout):
            sentence = np.searchsorted(layout.sent_start, start[k], side="right") - 1
            end[k] = min(end[k], max(layout.sent_end[sentence], start[k] + 1))
            closed[k] = True
    return Marks(start=start, end=end, closed=closed, para=para)


def _may_stay_open(text: str, at: int, p: int, layout: Layout) -> bool:
    """Whether a quotation opened at ``at`` and left open may run to the end of its
    paragraph ``p``: it opens the paragraph or follows a colon, or the next paragraph
    of the same article opens with a mark or closes a quotation it never opened."""
    lead = text[layout.para_start[p]:at].rstrip()
    following = p + 1 < len(layout.para_start) and layout.para_doc[p + 1] == layout.para_doc[p]
    return (not lead or lead.endswith(":")
            or (following and (text[layout.para_start[p + 1]] in OPENING_MARKS
                               or _runs_on_into(text, p + 1, layout))))


def _runs_on_into(text: str, p: int, layout: Layout) -> bool:
    """Whether paragraph ``p`` closes a quotation it never opened: a closing double mark
    before any opening one, as when a quotation runs on from the paragraph before."""
    start, end = int(layout.para_start[p]), int(layout.para_end[p])
    opening = min((i for i in (text.find(mark, start, end) for mark in "“«") if i >= 0),
                  default=end)
    return _STRAY_CLOSE.search(text, start, opening) is not None


def quote_spans(
    text: str, layout: Layout, marks: Marks, inner_words: np.ndarray, rules: QuoteRules
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Disjoint, sorted quotation spans of ``text`` with their scare flags.

    Parameters
    ----------
    text : str
    layout : Layout
    marks : Marks
        From :func:`find_marks`.
    inner_words : numpy.ndarray of int
        Words between each quotation's marks (see :func:`words_before`).
    rules : QuoteRules

    Returns
    -------
    start, end : numpy.ndarray of int64
        Global offsets; a span includes its quotation marks.
    scare : numpy.ndarray of bool
    """
    colon_ended = code_points_at(text, layout.para_end - 1) == ord(":")
    scare = _scare(text, marks, inner_words, colon_ended, layout, rules)
    extra_start, extra_end = _continuations(text, marks, colon_ended, layout, rules)
    return _union(marks.start, marks.end, scare, extra_start, extra_end)


def words_before(text: str, points: np.ndarray) -> np.ndarray:
    """Number of :data:`~sourcebias.tables.WORD_PATTERN` words that start before each point.

    ``words_before(text, [b])[0] - words_before(text, [a])[0]`` equals
    :func:`sourcebias.tables.count_words` of ``text[a:b]`` whenever ``a`` is the
    start of a word or a non-word character (sentence and quotation bounds
    are). One vectorised pass over ``text``, in slices to bound memory: a word
    starts at a word character that follows neither a word character nor a
    joiner (``'``, ``’``, ``-``) that itself follows a word character.
    """
    points = np.asarray(points, dtype=np.int64)
    order = np.argsort(points, kind="stable")
    ordered = points[order]
    before = np.zeros(len(points), dtype=np.int64)
    is_word, is_joiner = _character_classes()
    seen = 0
    for lo in range(0, max(len(text), 1), _COUNT_CHUNK):
        hi = min(lo + _COUNT_CHUNK, len(text))
        lead = min(lo, 2)
        code = code_points(text[lo - lead : hi])
        # ``take`` (the tables cover every code point, so clipping never changes an index)
        # looks up a slice in about half the time of fancy indexing
        word = is_word.take(code, mode="clip")
        run = np.flatnonzero(np.diff(word.view(np.int8), prepend=np.int8(0)) == 1)
        run = run[run >= lead]
        joined = ((run >= 2) & is_joiner.take(code.take(run - 1), mode="clip")
                  & word.take(np.maximum(run - 2, 0)))
        starts = run[~joined] + (lo - lead)
        a, b = np.searchsorted(ordered, [lo, hi if hi < len(text) else len(text) + 1])
        before[order[a:b]] = seen + np.searchsorted(starts, ordered[a:b])
        seen += len(starts)
    return before


def _continuations(
    text: str, marks: Marks, colon_ended: np.ndarray, layout: Layout, rules: QuoteRules
) -> tuple[np.ndarray, np.ndarray]:
    """Spans that carry quotations across paragraphs (voice rules 5 and 6).

    After a quotation left open at its paragraph's end, a following paragraph
    that opens with a mark joins it (the paragraph break between is quote).
    After a paragraph that introduces a statement (:func:`_introduces`), the
    statement goes on through following paragraphs that open with a mark and
    are left open, or that read as direct speech outside their own marks
    (those are quote as a whole), up to the first other paragraph.
    """
    start, end = marks.start, marks.end
    n_para = len(layout.para_start)
    first = np.searchsorted(start, layout.para_start)
    last = np.searchsorted(start, layout.para_end) - 1
    has_quote = first <= last
    opens_marked = np.zeros(n_para, dtype=bool)
    opens_marked[has_quote] = start[first[has_quote]] == layout.para_start[has_quote]
    left_open = np.zeros(n_para, dtype=bool)
    left_open[has_quote] = ~marks.closed[last[has_quote]]
    introduces = _introduces(text, colon_ended, layout, rules)
    extra: list[tuple[int, int]] = []
    for p in np.flatnonzero(left_open | introduces).tolist():
        open_quote, statement = bool(left_open[p]), bool(introduces[p])
        for j in range(p + 1, n_para):
            if layout.para_doc[j] != layout.para_doc[p]:
                break
            bridge = (int(layout.para_end[j - 1]), int(layout.para_start[j]))
            if opens_marked[j]:
                if open_quote:
                    extra.append(bridge)
                open_quote = bool(left_open[j])
                if not (statement and open_quote):
                    break
                continue
            close = _stray_close(text, j, start[first[j]] if first[j] <= last[j] else None, layout)
            if open_quote and close is not None:
                extra.append((bridge[0], close))
                break
            if not statement:
                break
            own = _narrator_text(text, j, range(first[j], last[j] + 1), start, end, layout)
            if rules.direct_speech.search(own) is None:
                break
            extra.append((bridge[0] if open_quote else bridge[1], int(layout.para_end[j])))
            open_quote = True
    spans = np.array(extra, dtype=np.int64).reshape(-1, 2)
    return spans[:, 0], spans[:, 1]


def _stray_close(text: str, p: int, first_quote: int | None, layout: Layout) -> int | None:
    """End of a closing double mark that opens nothing in paragraph ``p``, before its first
    quotation: a quotation run on from the paragraph before without a new opening mark."""
    end = int(layout.para_end[p]) if first_quote is None else int(first_quote)
    found = _STRAY_CLOSE.search(text, int(layout.para_start[p]), end)
    return None if found is None else found.end()


def _introduces(
    text: str, colon_ended: np.ndarray, layout: Layout, rules: QuoteRules
) -> np.ndarray:
    """Paragraphs whose last sentence ends with a colon after a reporting verb and at most ten
    words, or is a clause of at least :data:`_CLAUSE_WORDS` words ending with a colon ("provides
    the following commentary on the encounter:"; "Related news:" is neither)."""
    out = np.zeros(len(colon_ended), dtype=bool)
    paras = np.flatnonzero(colon_ended)
    last_sentence = np.searchsorted(layout.sent_start, layout.para_end[paras]) - 1
    for p, s in zip(paras.tolist(), layout.sent_start[last_sentence].tolist(), strict=True):
        out[p] = rules.introduction.search(text, s, int(layout.para_end[p])) is not None or len(
            text[s : int(layout.para_end[p])].split()) >= _CLAUSE_WORDS
    return out


def _narrator_text(
    text: str, p: int, quotes: range, start: np.ndarray, end: np.ndarray, layout: Layout
) -> str:
    """Paragraph ``p`` with its quotations (indices ``quotes``) cut out."""
    cuts = [int(layout.para_start[p])]
    for k in quotes:
        cuts += [int(start[k]), int(end[k])]
    cuts.append(int(layout.para_end[p]))
    return " ".join(text[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True))


def _scare(
    text: str,
    marks: Marks,
    inner_words: np.ndarray,
    colon_ended: np.ndarray,
    layout: Layout,
    rules: QuoteRules,
) -> np.ndarray:
    """Scare flag of each quotation (voice rule 8 of :mod:`sourcebias.segment.sentences`).

    Quotations of up to :data:`_TITLE_MAX_WORDS` words written as a title or
    nickname are candidates too, whatever their length or punctuation.
    """
    scare = np.zeros(len(marks.start), dtype=bool)
    short = marks.closed & (inner_words >= 1) & (inner_words <= rules.scare_max_words)
    short |= marks.closed & (inner_words >= 2) & (inner_words <= _TITLE_MAX_WORDS)
    candidates = np.flatnonzero(short)
    sentence = np.searchsorted(layout.sent_start, marks.start[candidates], side="right") - 1
    para = marks.para[candidates]
    # the loop reads Python ints from lists: indexing numpy arrays one item at a time
    # costs more than the tests themselves
    for k, a, b, long, p_start, p_end, after_colon, s_start, s_end in zip(
        candidates.tolist(),
        marks.start[candidates].tolist(),
        marks.end[candidates].tolist(),
        (inner_words[candidates] > rules.scare_max_words).tolist(),
        layout.para_start[para].tolist(),
        layout.para_end[para].tolist(),
        ((para > 0) & colon_ended[np.maximum(para - 1, 0)]).tolist(),
        layout.sent_start[sentence].tolist(),
        layout.sent_end[sentence].tolist(),
        strict=True,
    ):
        inner = _inner(text, a, b)
        if (long or _INNER_PUNCTUATION.search(inner.rstrip(" .,"))) and not _is_title(inner):
            continue  # a title or nickname may be longer and hold sentence punctuation
        scare[k] = _is_label(
            text,
            a,
            b,
            paragraph=(p_start, p_end),
            sentence=(s_start, s_end),
            after_colon=after_colon,
            rules=rules,
        )
    return scare


def _inner(text: str, a: int, b: int) -> str:
    """The text of the quotation ``text[a:b]`` between its marks (``''`` and ````` are one mark)."""
    a += 2 if text.startswith(("''", "``"), a) else 1
    return text[a : b - 2 if b - 2 >= a and text.startswith("''", b - 2) else b - 1]


def _is_title(inner: str) -> bool:
    """Whether a quotation's inner text is written as a title or nickname (title case, 2+ words)."""
    words = _TITLE_WORD.findall(inner)
    return len(words) >= 2 and words[0][0].isupper() and all(
        w[0].isupper() or w in _MINOR_WORDS for w in words)


def _is_label(
    text: str,
    a: int,
    b: int,
    *,
    paragraph: tuple[int, int],
    sentence: tuple[int, int],
    after_colon: bool,
    rules: QuoteRules,
) -> bool:
    """Whether the short, closed quotation ``text[a:b]`` is a label rather than speech,
    by its place: neither a statement introduced by a colon, nor a sentence of its own,
    nor attributed to a speaker right before or after it."""
    if a == paragraph[0] and after_colon:
        return False
    if not _WORD_CHAR.search(text, sentence[0], a) and not _WORD_CHAR.search(
        text, b, max(b, sentence[1])
    ):
        return False
    lead_in = text[max(paragraph[0], a - 80) : a].rstrip()
    if lead_in.endswith((":", ",")) and rules.said_before.search(lead_in):
        return False
    return not rules.said_after.match(text, b, min(max(b, sentence[1]), b + 120))


def _union(
    start: np.ndarray,
    end: np.ndarray,
    scare: np.ndarray,
    extra_start: np.ndarray,
    extra_end: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge touching or overlapping spans; a merged span is never a scare quote."""
    all_start = np.concatenate([start, extra_start])
    all_end = np.concatenate([end, extra_end])
    if len(all_start) == 0:
        return all_start, all_end, np.zeros(0, dtype=bool)
    order = np.lexsort((all_end, all_start))
    s, e = all_start[order], all_end[order]
    reach = np.maximum.accumulate(e)
    head = np.ones(len(s), dtype=bool)
    head[1:] = s[1:] > reach[:-1]
    heads = np.flatnonzero(head)
    u_start, u_end = s[heads], np.maximum.reduceat(e, heads)
    k = np.searchsorted(u_start, start[scare], side="right") - 1  # the span holding each
    u_scare = np.zeros(len(u_start), dtype=bool)
    u_scare[k[(u_start[k] == start[scare]) & (u_end[k] == end[scare])]] = True
    return u_start, u_end, u_scare
