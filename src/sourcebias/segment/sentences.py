"""Split articles into paragraphs and sentences, and tile their text into voice spans.

:func:`segment` returns the ``sentences`` and ``voice`` tables of
:mod:`sourcebias.tables`. Both come from a few compiled-regex passes over one
string that holds every article (articles joined by blank lines), so a corpus
is scanned once per pass, never character by character in Python. The word
lists the rules use (abbreviations, sentence openers, reporting verbs, first-
and second-person words, the scare-quote length) are data, in
``data/segment.yaml``. Seed examples below name the seed file by its number.

Sentences
---------
1. *Paragraphs* are the text between blank lines, without surrounding white
   space; ``para_id`` counts them from 0 in each article. A sentence never
   crosses a paragraph.
2. *Sentence ends*: a run of ``.``, ``!``, ``?`` or ``…``, with any closing
   quotation marks or brackets after it, then a space or one line break, ends
   a sentence unless the next word starts lower-case (001 ``… against a US
   military offensive. "I trust you …`` breaks before the opening mark; 002
   ``… to bolster the regime. Gaido enjoys …`` breaks).
3. *Reporting clauses after a quotation*: a lower-case word after ``!"`` or
   ``."`` continues the sentence (003 ``… Peace will be our victory!" he
   tweeted in Spanish.``). After ``!"`` or ``?"`` up to four capitalised words
   and a reporting verb continue it too (003 ``… capture him immediately!"
   Maduro said.`` is one sentence).
4. *Abbreviations*: a period after a word of ``abbreviations.never_final``
   (``Mr.``, ``Gen.``, ``Dr.``) or after a single capital initial (``Juan F.
   Guaido``) never ends a sentence. A period after a word of
   ``abbreviations.may_end`` or after a dotted letter sequence (``U.S.``,
   ``a.m.``, ``D.C.``) ends one only when the next word is one of
   ``sentence_openers`` (002 ``The U.S. has been urging`` is not split;
   ``… in the U.S. The president …`` is). A list number opening a line
   (``1. Cut spending``) ends nothing, and a spaced ellipsis (``. . .``) is
   one mark.
5. *Line breaks inside a paragraph* end a sentence when the line ends in
   neither a comma nor a semicolon and the next line does not start
   lower-case: a block of one-line headlines (as in the raw 003 file's
   "related" block) gives one sentence per line.
6. ``is_title`` marks the sentences of paragraph 0 when ``title`` is not null
   and the text starts with it as its own paragraph (the headlines of 001,
   002 and 004 in the seed batch).
7. ``n_words`` is :func:`sourcebias.tables.count_words`; ``quote_share`` is the
   fraction of the sentence's characters inside quote voice spans.

Voice
-----
Quote spans include their marks; narrator spans fill the rest, so the spans of
an article tile its text exactly.

1. *Marks*: straight ``"…"`` (001 ``"ready"``), curly ``“…”`` (000
   “legitimate”) and guillemets ``«…»`` pair with the next closing double
   mark (``"``, ``”``, ``»``) in the paragraph. Single marks ``‘…’``,
   ``'…'`` and ``‹…›`` pair when the opening mark starts a word and a closing
   mark ends one later in the paragraph (Sputnik's headline ``Maduro Orders
   Military to Capture 'Traitors' …``; the seed texts have no single-quoted
   phrase and no guillemets). A straight ``"`` opens only where a word can
   start (not after a letter, digit or punctuation, not before a space), so
   ``6'2"`` opens nothing. Two apostrophes ``''`` (or backticks ``````)
   are one double mark, as in NYT and wire text (``''This isn't tax
   reform,'' said …``), except between letters (``can''t``); a ``”`` that
   opens a line before a letter opens a quotation, and a ``“`` after a word
   and before no letter closes one (``51 percent.“``). A quotation may hold
   a nested pair of the other style (``"… an episode of “Shark Tank.” But
   …``; ``“He called it "fake," and left”``) or a short curly one (``“… what
   he calls “hell” than …”``) when it then closes or opens its line.
2. *Apostrophes are not marks*: a mark between letters (000 ``He’s``,
   ``military’s``, ``Venezuela's``; 002 ``coup d'état``; 003 ``it's``,
   ``people's``; 001 ``Guaido's``; 004 ``coup d’état``, ``Venezuela’s``), or
   after a word-final ``s`` with no single quotation open (``cities’
   reputations``). Inside an open single quotation a word-final ``s’``
   closes it, so ``'Traitors'`` is one quotation; the same rule cuts
   ``‘the workers’ rights are sacred’`` short, a known limitation.
3. *Quotations may span sentences* and clauses: 001 ``"I trust you, but keep
   your eyes open; a handful of traitors can not tarnish … the armed
   forces"``, 004 ``“Every action will have a strong response … We will be
   absolutely inflexible, radical in the defense,”``.
4. *Unbalanced marks never swallow the article, nor the rest of a paragraph*:
   an unclosed double quotation ends at the end of its paragraph only when it
   opens the paragraph, follows a colon, or the next paragraph opens with a
   mark (rules 5 and 6); otherwise it ends with its sentence, or at the next
   opening curly mark or guillemet if that comes first (in 3,000 AllSides
   articles this changed the quote spans of 68). An unclosed single mark is an
   apostrophe; a closing mark with nothing open (``”``, or a ``"`` after a
   word) opens nothing.
5. *Quotations across paragraphs* (typographic convention): a quotation left
   open at the end of its paragraph continues when the next paragraph opens
   with a quotation mark; the paragraph break between them is quote.
6. *Statements introduced by a colon continue into unmarked paragraphs*: a
   paragraph whose last sentence ends with a reporting verb, at most ten more
   words and a colon (000 ``He tweeted:``; ``Weld told the interviewer:``)
   opens a statement. The statement goes on through the following paragraphs
   of the article that open with a mark and are left open (rule 5), and
   through those that open with no mark but read as direct speech, that is,
   use a word of ``direct_speech_words`` (we, our, us, I, my, you, your ...)
   outside their own marks; such a paragraph is quote as a whole. The first
   other paragraph ends the statement. In 000 ``He tweeted:`` is followed by
   ``"The armed forces remain firm …`` (opened, never closed), ``We reject
   this coup movement …`` and ``You’re a bunch of cowards! … Ever loyal,
   never traitors!`` (quote: the minister's tweets), then ``The Trump
   administration is trying …`` (narrator again); 000 ``Related news:`` has
   no reporting verb and opens nothing. Without the colon an unclosed
   quotation is followed only by rule 5: in a sample of AllSides articles
   the unmarked first-person paragraphs after an unclosed quotation were
   mostly the author's own voice (opinion columns, stray marks). The same
   holds after a block quotation, so an author's first-person paragraph
   right after a colon-introduced quotation is taken for speech.
7. *Statements introduced by a colon are reported speech*: a quotation right
   after a colon, or opening the paragraph after one that ends with a colon,
   is never a scare quote (004 ``He concluded with the phrase: “Guaidó is
   making them easier than we expected.”``).
8. *Scare quotes*: a closed quotation of at most ``scare_max_words`` words
   (:data:`sourcebias.tables.WORD_PATTERN`) with no sentence punctuation
   inside (``!``, ``?``, ``;``, ``…``, or ``.``/``:`` before a space; a
   trailing comma or period inside the marks does not count) is a scare quote
   (``scare=True``) unless it is attributed to a speaker or is a sentence of
   its own. Attributed means: a colon, or a reporting verb then a comma
   (``said,`` ``told reporters,``), right before it; or a reporting verb
   within six words after it in its sentence, without crossing punctuation
   (``", he said``, ``" Maduro said``); or rule 7. Seed scare quotes: 000 “legitimate”,
   “normality”, “cowards”, “traitors”; 002 "Operation Freedom", "weak";
   003 lede “traitors”, "interim president" (after narrator
   ``self-proclaimed``), "all options", "March of Loyalty". Reported
   speech, not scare: 001 ``"I trust you …", the president said``, 002 ``"The
   self-proclaimed, Juan Guaido, and Leopoldo López personally led the coup
   d'état", Maduro said``. Quotations merged by rules 5 and 6 are never scare
   quotes.

   Uncertain by nature, and scare by this rule: a short fragment of the
   speaker's own words used inside a narrator sentence, such as 001 "ready"
   (from Maduro's speech), 001 "feel the same way", 000 “firmly in
   defense”, 002 "aggression of all kinds" and 003 "activate". The rule
   cannot tell a label from a quoted fragment; a reader of ``scare`` counts
   should know that it includes such fragments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby, pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

from sourcebias.checks import unique_ids
from sourcebias.config import DEFAULT_SEGMENT_RULES
from sourcebias.segment.quotes import (
    CLOSING_MARKS,
    OPENING_MARKS,
    Layout,
    Marks,
    QuoteRules,
    find_marks,
    quote_spans,
    words_before,
)
from sourcebias.tables import character_to_byte_offsets

#: The segmentation rules shipped with the project.


#: Articles are joined into one corpus string with this separator (a blank line).
_SEPARATOR = "\n\n"


#: Characters of article text per corpus string, to bound memory on large batches.
_PART_CHARS = 1 << 25


#: One paragraph: lines with text, joined by single line breaks, stripped.
_PARAGRAPH = re.compile(r"\S(?:[^\n]*\S)?(?:[^\S\n]*\n[^\S\n]*\S(?:[^\n]*\S)?)*")


@dataclass(frozen=True)
class _Rules:
    sentence_end: re.Pattern[str]
    line_end: re.Pattern[str]
    quotes: QuoteRules


def segment_articles(
    articles: pd.DataFrame, *, rules: str | Path = DEFAULT_SEGMENT_RULES
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split articles into sentences and tile their text into voice spans.

    The rules and their seed examples are listed in the module docstring.

    Parameters
    ----------
    articles : pandas.DataFrame
        An ``articles`` table; ``doc_id``, ``title`` and ``text`` are used.
    rules : str or Path, optional
        YAML file with the word lists the rules use (default
        ``data/segment.yaml``).

    Returns
    -------
    sentences : pandas.DataFrame
        ``doc_id``, ``sent_id``, ``para_id``, ``is_title``, ``start``, ``end``,
        ``text``, ``n_words``, ``quote_share``; offsets into ``articles.text``.
    voice : pandas.DataFrame
        ``doc_id``, ``start``, ``end``, ``voice`` (``narrator`` or ``quote``),
        ``scare``; the spans of each article tile its text.

    Examples
    --------
    >>> import pandas as pd
    >>> from sourcebias.segment.sentences import segment_articles
    >>> articles = pd.DataFrame({"doc_id": ["a"], "title": [None],
    ...     "text": ['He backed the “legitimate” government. "We stand firm," he said.']})
    >>> sentences, voice = segment_articles(articles)
    >>> sentences["text"].tolist()
    ['He backed the “legitimate” government.', '"We stand firm," he said.']
    >>> voice[["voice", "scare"]].values.tolist()[:2]
    [['narrator', False], ['quote', True]]
    """
    texts = _texts(articles)
    loaded = _load_rules(str(rules), Path(rules).stat().st_mtime)
    parts = [
        _segment_part(articles.iloc[a:b], texts[a:b], loaded) for a, b in _parts(texts)
    ]
    return (
        pd.concat([p[0] for p in parts], ignore_index=True),
        pd.concat([p[1] for p in parts], ignore_index=True),
    )


def _parts(texts: list[str]) -> list[tuple[int, int]]:
    """Consecutive article ranges of about :data:`_PART_CHARS` characters (at least one)."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    part = np.cumsum(lengths) // _PART_CHARS
    bounds = np.flatnonzero(np.diff(part)) + 1
    edges = [0, *bounds.tolist(), len(texts)]
    return list(pairwise(edges))


def _segment_part(
    articles: pd.DataFrame, texts: list[str], rules: _Rules
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentences and voice of some articles, from one corpus string."""
    corpus, doc_start = _join(texts)
    layout = _layout(corpus, doc_start, rules)
    marks = find_marks(corpus, layout)
    sent_words, inner_words = _word_counts(corpus, layout, marks)
    q_start, q_end, q_scare = quote_spans(corpus, layout, marks, inner_words, rules.quotes)
    sentences = _sentence_table(
        articles, texts, corpus, doc_start, layout, sent_words, q_start, q_end
    )
    voice = _voice_table(articles, texts, doc_start, q_start, q_end, q_scare)
    return sentences, voice


def _texts(articles: pd.DataFrame) -> list[str]:
    """The article texts, after checking the columns ``segment`` relies on."""
    missing = [c for c in ("doc_id", "title", "text") if c not in articles.columns]
    if missing:
        raise ValueError(
            f"articles table lacks column(s) {', '.join(missing)}; "
            "pass the table sourcebias.read_batch returns"
        )
    unique_ids(articles)
    texts = articles["text"].tolist()
    for row, text in zip(articles.index, texts, strict=True):
        if not isinstance(text, str):
            raise ValueError(
                f"articles row {row} (doc_id {articles.at[row, 'doc_id']!r}): text is "
                f"{text!r}, not a string; drop the row or give it a text"
            )
    return texts


@lru_cache(maxsize=8)
def _load_rules(path: str, modified: float) -> _Rules:
    """Compile the rules of a ``segment.yaml`` file (``modified`` renews the cache)."""
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    verbs = _words(data, path, "reporting_verbs")
    limit = data.get("scare_max_words")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise ValueError(f"{path}: scare_max_words is {limit!r}; give a whole number such as 4")
    return _Rules(
        sentence_end=_sentence_end(
            never_final=_words(data, path, "abbreviations", "never_final"),
            may_end=_words(data, path, "abbreviations", "may_end"),
            openers=_words(data, path, "sentence_openers"),
            verbs=verbs,
        ),
        line_end=re.compile(rf"\n(?<=[^\s,;]\n)[^\S\n]*+(?=\S)(?![{_OPENERS}]*[{_LOWER}])"),
        quotes=QuoteRules.from_words(
            reporting_verbs=verbs,
            direct_speech_words=_words(data, path, "direct_speech_words"),
            scare_max_words=limit,
        ),
    )


def _words(data: dict, path: str, *keys: str) -> list[str]:
    """The list of words under ``keys`` in a rules file, checked."""
    name = ".".join(keys)
    value = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, list) or not value:
        raise ValueError(f"{path}: {name} must be a non-empty list of words; "
                         f"copy its layout from {DEFAULT_SEGMENT_RULES}")
    wrong = [w for w in value if not isinstance(w, str) or not w.strip()]
    if wrong:
        raise ValueError(f"{path}: {name} has {wrong[0]!r}, which is not a word; put words "
                         'that YAML reads as true/false or numbers in quotes ("No", "On")')
    return value


def _char_class(predicate: Callable[[str], bool], limit: int = 0x530) -> str:
    """A regex character-class body of the characters below ``limit`` that satisfy ``predicate``."""
    chars = [c for c in map(chr, range(limit)) if predicate(c)]
    return "".join(re.escape(c) for c in chars)


_LOWER = _char_class(str.islower)


_OPENERS = re.escape(OPENING_MARKS + "([")


_CLOSERS = re.escape(CLOSING_MARKS + ")]")


def _not_after(words: list[str]) -> str:
    """Lookbehinds (one per word length) that fail right after ``word.``."""
    by_length = groupby(sorted(set(words), key=len), key=len)
    return "".join(
        rf"(?<!\b(?:{'|'.join(map(re.escape, group))})\.)" for _, group in by_length
    )


def _sentence_end(
    *, never_final: list[str], may_end: list[str], openers: list[str], verbs: list[str]
) -> re.Pattern[str]:
    """The sentence-end pattern (sentence rules 2 to 4); group 1 is the gap between sentences."""
    opener_words = "|".join(map(re.escape, openers))
    verb_words = "|".join(map(re.escape, verbs))
    parts = (
        # end punctuation, spaced ellipses (". . .") included
        r"[.!?…](?:[.!?…]|[^\S\n]\.)*+",
        # not at a paragraph's end (the gap below never matches there; failing here first
        # skips the lookbehinds at the end of every paragraph)
        rf"(?![{_CLOSERS}]*+[^\S\n]*+\n[^\S\n]*+\n)",
        # not after Mr. Gen. ..., an initial, or a list number opening a line
        _not_after(never_final),
        r"(?<![\s(\[\"“'‘\-][A-Z]\.)(?<!\n\d\.)(?<!\n\d\d\.)",
        # after U.S., a.m., Calif. ... only when a sentence opener follows
        rf"(?:{_not_after(may_end)}(?<!\W[A-Za-z]\.[A-Za-z]\.)",
        rf"|(?=[^\S\n]+[{_OPENERS}]*(?:{opener_words})\b))",
        # closing marks and brackets, and a closing mark set off by a space
        rf"[{_CLOSERS}]*+(?:[^\S\n]+[\"”’'»›](?=\s))?+",
        # not before a reporting clause after !" or ?": ... immediately!" Maduro said.
        rf"(?!(?<=[!?][{_CLOSERS}])[^\S\n]+(?:[A-Z][\w’'.\-]*[^\S\n]+){{1,4}}(?:{verb_words})\b)",
        # the gap: spaces or one line break, then a word that does not start lower-case
        r"([^\S\n]+|[^\S\n]*\n[^\S\n]*)",
        rf"(?=\S)(?![{_OPENERS}]*[{_LOWER},;:])",
    )
    return re.compile("".join(parts))


def _join(texts: list[str]) -> tuple[str, np.ndarray]:
    """One corpus string (starting with a separator) and each article's start in it."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    steps = np.concatenate([[len(_SEPARATOR)], lengths + len(_SEPARATOR)])
    doc_start = np.cumsum(steps)[:-1].astype(np.int64)
    # joined after an empty string: the texts are copied once (a separator put in front of
    # the joined texts would copy them twice)
    return (_SEPARATOR.join(["", *texts]) if texts else _SEPARATOR), doc_start


def _spans(found: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end arrays of a list of spans."""
    rows = np.array(found, dtype=np.int64).reshape(-1, 2)
    return rows[:, 0], rows[:, 1]


def _layout(corpus: str, doc_start: np.ndarray, rules: _Rules) -> Layout:
    """Paragraph and sentence offsets of the corpus string."""
    para_start, para_end = _spans([m.span() for m in _PARAGRAPH.finditer(corpus)])
    gaps = [m.span(1) for m in rules.sentence_end.finditer(corpus)]
    gaps += [m.span() for m in rules.line_end.finditer(corpus)]
    gap_start, gap_end = _spans(gaps)
    order = np.lexsort((gap_start, gap_end))
    gap_start, gap_end = gap_start[order], gap_end[order]
    repeated = np.zeros(len(gap_end), dtype=bool)
    repeated[1:] = gap_end[1:] == gap_end[:-1]
    gap_start, gap_end = gap_start[~repeated], gap_end[~repeated]
    return Layout(
        para_start=para_start,
        para_end=para_end,
        para_doc=np.searchsorted(doc_start, para_start, side="right") - 1,
        sent_start=np.sort(np.concatenate([para_start, gap_end])),
        sent_end=np.sort(np.concatenate([gap_start, para_end])),
    )


def _word_counts(corpus: str, layout: Layout, marks: Marks) -> tuple[np.ndarray, np.ndarray]:
    """Words in each sentence and between each quotation's marks, from one pass."""
    bounds = [layout.sent_start, layout.sent_end, marks.start + 1,
              np.maximum(marks.end - 1, marks.start + 1)]
    before = np.split(words_before(corpus, np.concatenate(bounds)),
                      np.cumsum([len(b) for b in bounds])[:-1])
    return before[1] - before[0], before[3] - before[2]


def _quoted_before(points: np.ndarray, q_start: np.ndarray, q_end: np.ndarray) -> np.ndarray:
    """Number of quote characters before each global offset in ``points``."""
    length = q_end - q_start
    before = np.concatenate([[0], np.cumsum(length)])
    k = np.searchsorted(q_start, points, side="right") - 1
    inside = np.clip(points - q_start[np.maximum(k, 0)], 0, length[np.maximum(k, 0)])
    return np.where(k >= 0, before[np.maximum(k, 0)] + inside, 0)


def _sentence_table(
    articles: pd.DataFrame,
    texts: list[str],
    corpus: str,
    doc_start: np.ndarray,
    layout: Layout,
    n_words: np.ndarray,
    q_start: np.ndarray,
    q_end: np.ndarray,
) -> pd.DataFrame:
    start, end = layout.sent_start, layout.sent_end
    doc = np.searchsorted(doc_start, start, side="right") - 1
    para = np.searchsorted(layout.para_start, start, side="right") - 1
    first_para = np.searchsorted(layout.para_doc, np.arange(len(texts)))
    first_sent = np.searchsorted(doc, np.arange(len(texts)))
    para_id = para - first_para[doc]
    text = _slices(corpus, start, end)
    if len(q_start):
        quoted = _quoted_before(end, q_start, q_end) - _quoted_before(start, q_start, q_end)
    else:
        quoted = np.zeros(len(start), dtype=np.int64)
    return pd.DataFrame({
        "doc_id": articles["doc_id"].to_numpy()[doc],
        "sent_id": np.arange(len(start)) - first_sent[doc],
        "para_id": para_id,
        "is_title": (para_id == 0) & _has_title(articles, texts)[doc],
        "start": start - doc_start[doc],
        "end": end - doc_start[doc],
        "text": text,
        "n_words": n_words,
        "quote_share": quoted / (end - start),
    })


def _slices(corpus: str, start: np.ndarray, end: np.ndarray) -> pd.Series:
    """``corpus[a:b]`` for each span ``(a, b)``, cut as one Arrow string array from the
    corpus's UTF-8 bytes when the spans are in order and do not overlap (sentences),
    instead of one Python string per span."""
    bounds = np.empty(2 * len(start), dtype=np.int64)
    bounds[0::2], bounds[1::2] = start, end
    if not len(bounds) or (np.diff(bounds) < 0).any():
        return pd.Series([corpus[a:b] for a, b in zip(start.tolist(), end.tolist(), strict=True)],
                         dtype="str")
    data = corpus.encode("utf-8")
    bounds = character_to_byte_offsets(data, bounds)
    pieces = pa.LargeStringArray.from_buffers(len(bounds) - 1, pa.py_buffer(bounds),
                                              pa.py_buffer(data))  # spans and the gaps between
    return pd.Series(pd.arrays.ArrowStringArray(pieces.take(np.arange(0, len(bounds), 2))),
                     dtype="str")


def _has_title(articles: pd.DataFrame, texts: list[str]) -> np.ndarray:
    """Whether each article's first paragraph is its (non-null) title."""
    return np.array(
        [
            isinstance(title, str) and (text == title or text.startswith(title + _SEPARATOR))
            for title, text in zip(articles["title"].tolist(), texts, strict=True)
        ],
        dtype=bool,
    )


def _voice_table(
    articles: pd.DataFrame,
    texts: list[str],
    doc_start: np.ndarray,
    q_start: np.ndarray,
    q_end: np.ndarray,
    q_scare: np.ndarray,
) -> pd.DataFrame:
    doc_end = doc_start + np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    cuts = np.sort(np.concatenate([doc_start, doc_end, q_start, q_end]))
    start, end = cuts[:-1], cuts[1:]
    doc = np.searchsorted(doc_start, start, side="right") - 1
    keep = (doc >= 0) & (start < end) & (end <= doc_end[np.maximum(doc, 0)])
    start, end, doc = start[keep], end[keep], doc[keep]
    k = np.searchsorted(q_start, start)
    is_quote = k < len(q_start)
    is_quote[is_quote] = q_start[k[is_quote]] == start[is_quote]
    scare = np.zeros(len(start), dtype=bool)
    scare[is_quote] = q_scare[k[is_quote]]
    return pd.DataFrame({
        "doc_id": articles["doc_id"].to_numpy()[doc],
        "start": start - doc_start[doc],
        "end": end - doc_start[doc],
        "voice": pd.Series(np.where(is_quote, "quote", "narrator"), dtype="str"),
        "scare": scare,
    })
