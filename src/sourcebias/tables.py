"""The tidy tables that pass between layers, documented in one place.

Every layer takes and returns :class:`pandas.DataFrame` objects with the columns
below. A column list is the minimum a table carries: functions may add columns,
and ``articles`` keeps every extra manifest or file column as metadata.

Offsets (``start``, ``end``) are character offsets into ``articles.text`` of the
same ``doc_id``, half-open as in Python slicing: ``text[start:end]``.

The ``sentences``, ``voice``, ``hits`` and ``mentions`` that ``analyze`` writes
also carry ``attributed`` and ``source_actor`` (:data:`ATTRIBUTED_COLUMNS`):
whether the row lies in content attributed to a source, and that source's
actor. The outlet's own voice in the strict sense (:data:`OWN`, ``"own"``) is
``voice == "narrator"`` and not ``attributed``.

``articles``
    One row per article that was read.

    ``doc_id``        unique id in the batch (file stem, manifest or row value)
    ``outlet``        the outlet's name
    ``outlet_group``  a coarser grouping (``state media``, ``aggregator`` ...)
    ``date``          publication date as written in the manifest, or null
    ``url``           source address, or null
    ``title``         the headline, or null when none was found
    ``text``          the cleaned article; the headline, when known, is its first paragraph
    ``n_words``       number of words in ``text`` (see :data:`WORD_PATTERN`)
    ``source``        the file path (relative to the batch) or ``file.csv row N``
    ``sha256``        hash of the raw bytes (files) or of the raw text (tables)
    ``duplicate_of``  null, or the ``doc_id`` of the earlier article this one repeats
    ``problems``      what was repaired or removed, in words, ``"; "``-separated
    ``language``      (str) the language of the article's first 500 characters, as an
                      ISO 639 code (``en``, ``es``, ``ru`` ...), or null when it has no
                      letters; see :mod:`sourcebias.read.language`. Sentiment scores only
                      ``en`` articles (VADER is English only)

``excluded``
    One row per input that did not become an article, so that articles in =
    ``articles`` + ``excluded``.

    ``source``, ``row`` (manifest or table row, 1-based, or null), ``doc_id``
    (null when unknown), ``reason`` (what is wrong and what to do).

``removed``
    One row per piece of text taken out of an article while cleaning it.

    ``doc_id``, ``line`` (1-based line in the decoded input), ``text``, ``rule``
    (the furniture pattern id, ``repeated-paragraph``, or ``html-boilerplate``
    for a block of an HTML page's visible text that the article extraction left
    out: menus, footers, related stories, cookie banners ...). The ``line`` of an
    ``html-boilerplate`` row is the line of the HTML file where the block starts;
    the other rows of an HTML page count lines of the extracted article text.
    Scripts, styles and HTML comments are not visible text and are not listed.

``sentences``
    ``doc_id``, ``sent_id`` (0-based within the article), ``para_id`` (0-based),
    ``is_title``, ``start``, ``end``, ``text``, ``n_words``, ``quote_share``
    (fraction of the sentence's characters inside quotation).

``voice``
    Spans that tile each article's text without gaps or overlaps.

    ``doc_id``, ``start``, ``end``, ``voice`` (``narrator`` or ``quote``),
    ``scare`` (a short quoted phrase used as a label rather than reported speech).
    The voice spans ``analyze`` writes are also cut where attributed content
    starts or ends, so that each span is wholly inside or outside it.

``hits``
    One row per loaded-term match. ``doc_id``, ``sent_id``, ``start``, ``end``,
    ``term`` (lexicon entry id), ``category``, ``surface`` (the text as written),
    ``voice``, ``scare``, ``is_title``, ``negated``.

``mentions``
    One row per actor mention. ``doc_id``, ``sent_id``, ``start``, ``end``,
    ``actor``, ``surface``, ``voice``, ``scare``, ``is_title``, ``label`` (the
    phrase naming or describing the actor here, or null), ``label_kind``
    (``premodifier``, ``appositive``, ``possessive``, ``compound``, or null).
    ``analyze`` adds the tone toward the actor in its sentence
    (:data:`TONE_COLUMNS`): ``polarity`` (``negative``, ``neutral`` or
    ``positive``, null in a sentence not in English) and ``p_negative``,
    ``p_neutral``, ``p_positive``, from
    :func:`sourcebias.annotate.targets.score_targets`.

``attributions``
    One row per content piece of each attribution (who says what), found by
    :func:`sourcebias.segment.attribution.find_attributions` and resolved by
    :func:`sourcebias.annotate.sources.resolve_sources`. ``doc_id``,
    ``attribution_id`` (0-based within the article; a content split in pieces
    gives one row per piece with the same id), ``kind`` (``direct``: inside
    quotation marks, ``indirect``: a paraphrase, ``mixed``: both),
    ``content_start``, ``content_end``, ``cue_start``, ``cue_end`` (-1 when
    there is no cue), ``cue`` (``said``, ``tweeted``, ``according to`` ...),
    ``source_start``, ``source_end`` (-1 when the text names no source),
    ``source_text`` (``""`` then), ``source_actor`` (the actor id of the
    lexicons the source refers to, or null) and ``source_name`` (that actor's
    name, or null).

``sentiment``
    One row per sentence and lexicon. ``doc_id``, ``sent_id``, ``lexicon``
    (``vader`` or ``vader+domain``), ``neg``, ``neu``, ``pos``, ``compound``.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import sys

import numpy as np
import pandas as pd
import pyarrow as pa

#: The columns a layer adds beyond the minimum of :data:`COLUMNS`, in the order it writes them:
#: ``duplicate_kind`` (``exact`` or ``near``) of articles, the matched ``pattern`` of hits, and of
#: mentions the actor's group, the pattern and where the label was found.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("duplicate_kind",),
    "hits": ("pattern",),
    "mentions": ("group", "pattern", "label_surface", "label_start", "label_end",
                 "label_voice", "label_scare"),
}

#: The columns ``analyze`` adds to these tables, after the finders' own (:data:`EXTRA_COLUMNS`),
#: once attributions are known: ``attributed`` (the row's span lies in attributed content, by
#: the midpoint rule of :func:`sourcebias.annotate.sources.mark_attributed`; a sentence, in the
#: extent of an attribution from its first to its last character of content, cue and source) and
#: ``source_actor`` (that content's source actor, null when unknown or not attributed).
#: ``voice`` and ``scare`` keep their meaning: the outlet's own voice in the strict sense
#: (:data:`OWN`) is ``voice == "narrator"`` and not ``attributed``.
ATTRIBUTED_COLUMNS: dict[str, tuple[str, ...]] = dict.fromkeys(
    ("sentences", "voice", "hits", "mentions"), ("attributed", "source_actor"))

#: The columns ``analyze`` adds to the mentions last, after :data:`ATTRIBUTED_COLUMNS`: the tone
#: toward the actor in its sentence (:func:`sourcebias.annotate.mention_tone.score_mentions`).
TONE_COLUMNS: tuple[str, ...] = ("polarity", "p_negative", "p_neutral", "p_positive")

#: The value of every voice option (``voice=``, ``scope=``, ``voice_filter=``) that means the
#: outlet's own voice in the strict sense: narrator text that is not attributed to a source.
OWN = "own"

#: A word: letters or digits, with inner apostrophes or hyphens ("Guaidó's",
#: "self-proclaimed" and "d’état" are one word each). Used for every word count.
WORD_PATTERN = r"\w+(?:['’\-]\w+)*"


VOICES = ("narrator", "quote")


COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (
        "doc_id", "outlet", "outlet_group", "date", "url", "title", "text",
        "n_words", "source", "sha256", "duplicate_of", "problems", "language",
    ),
    "excluded": ("source", "row", "doc_id", "reason"),
    "removed": ("doc_id", "line", "text", "rule"),
    "sentences": (
        "doc_id", "sent_id", "para_id", "is_title", "start", "end", "text",
        "n_words", "quote_share",
    ),
    "voice": ("doc_id", "start", "end", "voice", "scare"),
    "hits": (
        "doc_id", "sent_id", "start", "end", "term", "category", "surface",
        "voice", "scare", "is_title", "negated",
    ),
    "mentions": (
        "doc_id", "sent_id", "start", "end", "actor", "surface", "voice",
        "scare", "is_title", "label", "label_kind",
    ),
    "sentiment": ("doc_id", "sent_id", "lexicon", "neg", "neu", "pos", "compound"),
    "attributions": (
        "doc_id", "attribution_id", "kind", "content_start", "content_end", "cue_start",
        "cue_end", "cue", "source_start", "source_end", "source_text", "source_actor",
        "source_name",
    ),
}


def count_words(text: pd.Series) -> pd.Series:
    """Count words in each string with :data:`WORD_PATTERN`.

    The count equals ``text.str.count(WORD_PATTERN)`` (null strings count 0),
    computed without running the regex: a word starts at a word character
    (Python's ``\\w``) that follows neither a word character nor a joiner
    (``'``, ``’``, ``-``) that itself follows a word character, so counting
    those starts is one vectorised pass over the characters' code points, in
    slices of about :data:`_COUNT_CHARS` characters.

    Parameters
    ----------
    text : pandas.Series of str

    Returns
    -------
    pandas.Series of int
        Words per string, vectorised over the whole series.
    """
    strings = [value if isinstance(value, str) else "" for value in text.tolist()]
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    counts = np.zeros(len(strings), dtype=np.int64)
    bounds = np.searchsorted(np.cumsum(lengths + 1), np.arange(_COUNT_CHARS,
                             int(lengths.sum() + len(strings)) + _COUNT_CHARS, _COUNT_CHARS))
    for lo, hi in itertools.pairwise([0, *np.unique(bounds + 1).clip(0, len(strings))]):
        if hi > lo:
            counts[lo:hi] = _count_joined(strings[lo:hi], lengths[lo:hi])
    return pd.Series(counts, index=text.index, dtype="int64")


#: Characters counted at a time by :func:`count_words`: bounds its memory, and slices of
#: half a million characters (2 MB of code points) stay in the processor's cache, which
#: counts the words of 10,000 articles in half the time that slices of 8 million take.
_COUNT_CHARS = 1 << 19


#: Characters that join two runs of word characters into one word of :data:`WORD_PATTERN`.
_JOINERS = "'’-"


def code_points(text: str) -> np.ndarray:
    """The code point of each character of ``text`` (lone surrogates included), as
    ``uint32``: index ``i`` is ``ord(text[i])``."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), "<u4")


def distinct_spans(code: np.ndarray, start: np.ndarray, end: np.ndarray, tag: np.ndarray
                   ) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """The distinct ``(tag, text)`` of spans of a text, and which one each span is.

    Each span becomes its tag (a small integer) followed by the code points from
    ``start`` to ``end``, gathered for all spans at once (one index per code
    point, from ``np.repeat`` of the starts); Arrow's ``dictionary_encode`` of
    these as binary strings gives the distinct ones, decoded together and sliced. So
    work on the texts of many spans costs Python time per distinct text only.

    Parameters
    ----------
    code : numpy.ndarray
        The :func:`code_points` of the text.
    start, end : numpy.ndarray
        The spans, as character offsets.
    tag : numpy.ndarray
        A ``uint32`` tag of each span, below 256, kept apart in the distinct values.

    Returns
    -------
    (numpy.ndarray, list of (int, str))
        The index of each span's value, and the distinct values.
    """
    size = end - start + 1
    bounds = np.zeros(len(size) + 1, dtype=np.int64)
    np.cumsum(size, out=bounds[1:])
    source = np.arange(bounds[-1]) + np.repeat(start - 1 - bounds[:-1], size)
    points = code.take(source, mode="clip")
    points[bounds[:-1]] = tag
    spans = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(size), [None, pa.py_buffer(bounds * 4), pa.py_buffer(points)])
    encoded = spans.dictionary_encode()
    distinct = encoded.dictionary
    if len(distinct) == 0:
        return np.zeros(0, dtype=np.int64), []
    _, offsets, data = distinct.buffers()
    bounds = np.frombuffer(offsets, np.int64, len(distinct) + 1, distinct.offset * 8) // 4
    text = data.to_pybytes()[: bounds[-1] * 4].decode("utf-32-le", "surrogatepass")
    bounds = bounds.tolist()
    values = [(ord(text[i]), text[i + 1 : j]) for i, j in itertools.pairwise(bounds)]
    return encoded.indices.to_numpy(zero_copy_only=False), values


def word_starts(spaces: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``max(text.rfind(" ", lo, hi) + 1, lo)`` for each pair, from ``spaces``, the sorted
    offsets of the spaces of the text."""
    k = np.searchsorted(spaces, hi) - 1
    found = spaces[np.maximum(k, 0)] if len(spaces) else lo
    return np.where((k >= 0) & (found >= lo), found + 1, lo)


def code_points_at(text: str, positions: np.ndarray) -> np.ndarray:
    """The code point of ``text[p]`` for each of ``positions``, as ``uint32``: the characters
    are gathered in one C call (:func:`operator.itemgetter`), not one Python step each."""
    if not len(positions):
        return np.zeros(0, dtype=np.uint32)
    return code_points("".join(operator.itemgetter(*np.asarray(positions).tolist())(text)))


def byte_to_character_offsets(encoded: bytes, offsets: np.ndarray) -> np.ndarray:
    """Character offsets of byte ``offsets`` into ``encoded``, a text's UTF-8 bytes (each
    offset at the start of a character): the offset less the continuation bytes before it."""
    return offsets - np.searchsorted(_continuation_bytes(encoded), offsets)


def character_to_byte_offsets(encoded: bytes, offsets: np.ndarray) -> np.ndarray:
    """Byte offsets into ``encoded``, a text's UTF-8 bytes, of character ``offsets``: the
    offset plus the continuation bytes of the characters before it."""
    continuation = _continuation_bytes(encoded)
    # the continuation bytes of the character at code point i count from offset i + 1 on
    return offsets + np.searchsorted(continuation - np.arange(len(continuation)), offsets,
                                     side="right")


def utf8_buffers(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of the Arrow strings ``texts`` joined (a read-only view of the
    array's data) and where each text starts in them (``len(texts) + 1`` offsets, the first
    0; a null takes no bytes)."""
    texts = texts.cast(pa.large_string())
    if texts.buffers()[1] is None:
        return np.zeros(0, dtype=np.uint8), np.zeros(len(texts) + 1, dtype=np.int64)
    offsets = np.frombuffer(texts.buffers()[1], np.int64)[texts.offset:][:len(texts) + 1]
    buffer = texts.buffers()[2]
    data = (np.frombuffer(buffer, np.uint8)[offsets[0]:offsets[-1]] if buffer is not None
            else np.zeros(0, dtype=np.uint8))
    return data, offsets - offsets[0]


def utf8_code_points(data: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """The code point of each character of the UTF-8 bytes ``data`` that starts at a byte of
    ``lead`` (a byte of ``0xC0`` or more: a character of two to four bytes), as ``int64``."""
    ahead = data[np.minimum(lead[:, None] + np.arange(1, 4), len(data) - 1)].astype(np.int64)
    first = data[lead].astype(np.int64)
    return np.select(
        [first < 0xE0, first < 0xF0],
        [(first & 0x1F) << 6 | ahead[:, 0] & 0x3F,
         (first & 0x0F) << 12 | (ahead[:, 0] & 0x3F) << 6 | ahead[:, 1] & 0x3F],
        (first & 0x07) << 18 | (ahead[:, 0] & 0x3F) << 12 | (ahead[:, 1] & 0x3F) << 6
        | ahead[:, 2] & 0x3F)


def ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and value of every integer in ``[lo[i], hi[i])``, for every ``i``, in order."""
    counts = np.maximum(hi - lo, 0)
    rows = np.repeat(np.arange(len(lo)), counts)
    return rows, np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts - lo, counts)


def sentence_codes(*tables: pd.DataFrame) -> list[np.ndarray]:
    """One integer per row of each table for its sentence (``doc_id``, ``sent_id``), equal
    across the tables for the same sentence: ``article * (sentences per article) + sent_id``,
    the articles numbered over all the tables."""
    docs = pd.factorize(pd.concat([table["doc_id"] for table in tables], ignore_index=True))[0]
    sent = np.concatenate([table["sent_id"].to_numpy(np.int64) for table in tables])
    low = sent.min(initial=0)
    codes = docs * (sent.max(initial=0) - low + 1) + (sent - low)
    return np.split(codes, np.cumsum([len(table) for table in tables])[:-1])


def _continuation_bytes(encoded: bytes) -> np.ndarray:
    """Positions of the UTF-8 continuation bytes (``10xxxxxx``) of ``encoded``."""
    return np.flatnonzero((np.frombuffer(encoded, np.uint8) & 0xC0) == 0x80)


def _count_joined(strings: list[str], lengths: np.ndarray) -> np.ndarray:
    """Words in each string, from one pass over the strings joined by line breaks."""
    is_word, is_joiner = _character_classes()
    code = code_points("\n".join(strings))
    word = is_word[code]
    runs = np.flatnonzero(np.diff(word.view(np.int8), prepend=np.int8(0)) == 1)
    joined = (runs >= 2) & is_joiner[code[runs - 1]] & word[np.maximum(runs - 2, 0)]
    positions = runs[~joined]
    begin = np.concatenate([[0], np.cumsum(lengths[:-1] + 1)])
    return np.searchsorted(positions, begin + lengths) - np.searchsorted(positions, begin)


@functools.cache
def _character_classes() -> tuple[np.ndarray, np.ndarray]:
    """For every code point: whether Python's ``\\w`` matches it, and whether it is a joiner."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    is_word = np.zeros(sys.maxunicode + 1, dtype=bool)
    is_word[[match.start() for match in re.finditer(r"\w", every)]] = True
    is_joiner = np.zeros(sys.maxunicode + 1, dtype=bool)
    is_joiner[[ord(c) for c in _JOINERS]] = True
    return is_word, is_joiner


def check_columns(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Raise if ``table`` lacks a column that the ``name`` table must carry.

    Parameters
    ----------
    table : pandas.DataFrame
    name : str
        One of the keys of :data:`COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        ``table`` itself, so the check can be chained.
    """
    missing = [c for c in COLUMNS[name] if c not in table.columns]
    if missing:
        raise ValueError(f"{name} table lacks column(s) {', '.join(missing)}")
    return table


def empty(name: str) -> pd.DataFrame:
    """An empty table with the columns of ``name``, each of its type in :data:`DTYPES`."""
    return pd.DataFrame({c: pd.Series(dtype=DTYPES.get(c, "str")) for c in COLUMNS[name]})


#: The tables ``analyze`` writes, in order, as ``<name>.parquet``.
TABLE_NAMES = (
    "articles", "excluded", "removed", "sentences", "voice", "hits", "mentions", "sentiment",
    "attributions",
)


PER_ARTICLE_TABLES = ("sentences", "voice", "hits", "mentions", "sentiment", "attributions")


#: The data type of each column in the written tables; every other column is a string,
#: except the extra columns of ``articles``, which keep the type they were read with.
DTYPES = {
    **dict.fromkeys(("sent_id", "para_id", "start", "end", "n_words", "line", "attribution_id",
                     "content_start", "content_end", "cue_start", "cue_end", "source_start",
                     "source_end"), "int64"),
    **dict.fromkeys(("row", "label_start", "label_end"), "Int64"),
    **dict.fromkeys(TONE_COLUMNS[1:], "float64"),
    **dict.fromkeys(("quote_share", "neg", "neu", "pos", "compound"), "float64"),
    **dict.fromkeys(("is_title", "scare", "negated", "attributed"), "bool"),
    "label_scare": "boolean",
    "language": "str",
}
