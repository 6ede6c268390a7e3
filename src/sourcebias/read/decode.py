"""Bytes to text: encodings, mojibake and HTML (helpers of :mod:`sourcebias.read.batch`).

Decoding order for one file: a byte-order mark (UTF-8, UTF-16, UTF-32) decides
the encoding; otherwise NUL bytes mean the file is binary; otherwise strict
UTF-8; otherwise the Windows Latin code page (1252, 1250, 1254, 1257) that reads
the bytes most cleanly by charset-normalizer's mess ratio, Windows-1252 winning
near-ties, as long as that reading is not chaotic (mess ratio <= 0.2,
charset-normalizer's own threshold); otherwise charset-normalizer's best guess
(Cyrillic, Greek, Arabic, Hebrew, Thai and East Asian encodings) when it reads
at least three words. Read through a
Latin code page, text in those scripts scores above 0.6, Latin-script text
below 0.03. charset-normalizer's own guess is not used for Latin-script text:
on English news with curly quotes it often picks a DOS code page, and it reads
"España" as "Espańa". Central European and Turkish files that also read cleanly
as Windows-1252 are read as Windows-1252; save those as UTF-8.

Text that still contains mojibake ("â€œ" for "“") is repaired with ftfy.

An HTML page is reduced to its article by trafilatura; the blocks of visible
text that it leaves out are listed with their lines (see :func:`extract_html`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import charset_normalizer
import ftfy
import pandas as pd
from charset_normalizer.md import mess_ratio

_BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


#: The Windows Latin code pages tried for a file that is not UTF-8, in order of preference.
WINDOWS_LATIN = ("cp1252", "cp1250", "cp1254", "cp1257")


_NEAR_TIE = 0.01


_MAX_MESS = 0.2


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


_MAX_CONTROL_SHARE = 0.01


#: charset-normalizer names some encoding for almost any few bytes (a JPEG header reads
#: as Urdu in cp1006); its guess is taken only when it gives at least this many words
#: of two or more letters. Two short sentences of Chinese give three.
_MIN_GUESSED_WORDS = 3


_GUESSED_WORD = re.compile(r"[^\W\d_]{2,}")


_MOJIBAKE_FIXES = ftfy.TextFixerConfig(
    unescape_html=False, fix_latin_ligatures=False, fix_character_width=False,
    uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False,
    normalization=None, explain=False,
)


_SAVE_AS_UTF8 = "re-save it as UTF-8 text"


#: The encodings :func:`decode_bytes` tries, in words, for a file that none of them fits.
TRIED_ENCODINGS = (
    "it is not UTF-8 (nor UTF-16 or UTF-32 with a byte-order mark), and no other text "
    f"encoding fits it (tried {', '.join(WINDOWS_LATIN)}, then charset-normalizer's "
    "guesses among the code pages of Cyrillic, Greek, Arabic, Hebrew, Thai and East Asian "
    "scripts)"
)


#: "â€" then a replacement character: a closing curly quote (UTF-8 E2 80 9D) read as
#: Windows-1252, which has no character for 0x9D. Of the other characters whose UTF-8
#: ends so (U+2001, U+200D, U+200F, U+2010) none is common in news text.
_LOST_CLOSING_QUOTE = "\u00e2\u20ac\ufffd"


#: What ftfy reads as the byte 0x9D (its "sloppy" Windows-1252 keeps C1 controls).
_BYTE_9D = "\u00e2\u20ac\u009d"


#: What mojibake leaves: UTF-8 read as Windows-1252 or Latin-1 gives a lead byte
#: (Â to ô) followed by a continuation byte (U+0080 to U+00BF, or what
#: Windows-1252 maps 0x80-0x9F to); Windows-1252 read as Latin-1 gives C1 control
#: characters (U+0080 to U+009F). Real text seldom has either.
_MOJIBAKE_TRACE = (
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]|[\u0080-\u009f]"
)


#: The ``removed`` rule of a block of visible text that HTML extraction left out.
HTML_BOILERPLATE = "html-boilerplate"


#: Elements whose text a reader does not see on the page.
_INVISIBLE = frozenset({"head", "script", "style", "noscript", "template"})


#: Elements that start a block of their own (the HTML block-level elements and table cells).
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "html", "legend", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})


#: A block with fewer words counts as kept only when it is a whole paragraph of the
#: article (or its title), not merely a phrase in one: a menu item "World" is
#: listed even when the article speaks of the world.
_MIN_PHRASE_WORDS = 4


class UnreadableFile(ValueError):
    """The bytes are not article text; the message says what is wrong and what to do."""


def decode_bytes(raw: bytes) -> tuple[str, list[str]]:
    """Decode a file's bytes into text.

    Parameters
    ----------
    raw : bytes

    Returns
    -------
    text : str
    notes : list of str
        The decoding, in words, when it was not plain UTF-8.

    Raises
    ------
    UnreadableFile
        When the bytes are binary or no text encoding fits them.
    """
    for mark, codec, label in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            try:
                return _checked(raw.decode(codec)), [f"decoded as {label}"]
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"starts like {label} but is not valid {label}; {_SAVE_AS_UTF8}"
                ) from None
    if b"\x00" in raw:
        raise UnreadableFile(
            "is binary (it contains NUL bytes), not text; remove it or save the article as .txt"
        )
    try:
        return _checked(raw.decode("utf-8")), []
    except UnicodeDecodeError:
        pass
    encoding = _legacy_encoding(raw)
    if encoding is None:
        raise UnreadableFile(f"could not be decoded: {TRIED_ENCODINGS}; {_SAVE_AS_UTF8}")
    return _checked(raw.decode(encoding)), [f"decoded as {encoding} (not UTF-8)"]


def _legacy_encoding(raw: bytes) -> str | None:
    """The Windows Latin code page that reads ``raw`` cleanly, else charset-normalizer's guess."""
    messes = {}
    for encoding in WINDOWS_LATIN:
        try:
            messes[encoding] = mess_ratio(raw.decode(encoding), maximum_threshold=1.0)
        except UnicodeDecodeError:
            continue
    if messes and min(messes.values()) <= _MAX_MESS:
        cleanest = min(messes.values())
        return next(e for e, mess in messes.items() if mess <= cleanest + _NEAR_TIE)
    best = charset_normalizer.from_bytes(raw).best()
    if best is None or len(_GUESSED_WORD.findall(str(best))) < _MIN_GUESSED_WORDS:
        return None
    return best.encoding


def _checked(text: str) -> str:
    """``text``, unless control characters show that the bytes were not text."""
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise UnreadableFile(
            "is binary (it is full of control characters), not text; "
            "remove it or save the article as .txt"
        )
    return text


def repair_mojibake(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Repair mojibake ("â€œ" for "“") with ftfy.

    Only texts with a trace of mojibake (see ``_MOJIBAKE_TRACE``) go to
    :func:`ftfy.fix_text`, which repairs encodings only (quotes, ligatures,
    widths and Unicode normalisation are left as written) and leaves text alone
    unless it is sure. A closing quote whose last byte was lost ("â€" and a
    replacement character, as "”" read as Windows-1252 by a decoder that
    replaces bytes it has no character for) is first given its byte back, so
    that "â€œcoupâ€�" is repaired to "“coup”" and the quotation closes.

    Parameters
    ----------
    texts : pandas.Series of str

    Returns
    -------
    texts : pandas.Series of str
        The repaired texts, same index.
    notes : pandas.Series of str
        ``"repaired mojibake (N places)"`` for each repaired text, where N counts
        the traces that the repair removed.
    """
    flagged = texts[texts.str.contains(_MOJIBAKE_TRACE)]
    restored = flagged.str.replace(_LOST_CLOSING_QUOTE, _BYTE_9D, regex=False)
    fixed = restored.map(lambda text: ftfy.fix_text(text, _MOJIBAKE_FIXES))
    changed = fixed[fixed != restored]
    places = (flagged[changed.index].str.count(_MOJIBAKE_TRACE)
              - changed.str.count(_MOJIBAKE_TRACE)).clip(lower=1)
    repaired = texts.copy()
    repaired[changed.index] = changed
    return repaired, "repaired mojibake (" + places.astype("str") + " places)"


@dataclass(frozen=True)
class Page:
    """An HTML page as :func:`extract_html` reads it.

    Attributes
    ----------
    text : str
        The article: paragraphs separated by blank lines.
    title, date : str or None
        From the page's metadata.
    discarded : tuple of (int, str)
        The blocks of visible text left out of ``text``, in page order: the
        1-based line of the HTML where the block starts, and its text with
        white space collapsed.
    """

    text: str
    title: str | None
    date: str | None
    discarded: tuple[tuple[int, str], ...]


def extract_html(html: str) -> Page:
    """The article in an HTML page, with the page's title and date, and what was left out.

    trafilatura finds the article and drops navigation, menus, footers,
    related-article lists, cookie banners, comments and tables; each extracted
    block becomes its own paragraph. Every block of visible text that it drops
    is listed in :attr:`Page.discarded`: a block is an element of
    :data:`_BLOCKS` with the text of its inline content (text inside a nested
    block belongs to the nested block, so nothing is listed twice), and it is
    dropped when its words (case ignored) are not in the article or its title
    (see :data:`_MIN_PHRASE_WORDS` for short blocks). The contents of
    ``script``, ``style``, ``noscript``, ``template`` and ``head`` elements and
    HTML comments are not visible text and are not listed. libxml2 counts lines
    up to 65,535: a block further down a longer file gets line 65535.

    Parameters
    ----------
    html : str
        The decoded page.

    Returns
    -------
    Page

    Raises
    ------
    UnreadableFile
        When no article text can be found in the page.
    """
    import trafilatura  # only HTML pages need it; every worker process would pay for it

    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    if document is None or not (document.text or "").strip():
        raise UnreadableFile(
            "has no article text that could be extracted from its HTML; "
            "check that it is the article's page, or save the article as .txt"
        )
    kept = document.text.split("\n") + ([document.title] if document.title else [])
    return Page(document.text.replace("\n", "\n\n"), document.title, document.date,
                _discarded(_text_blocks(html), kept))


def _discarded(blocks: list[tuple[int, str]], kept: list[str]) -> tuple[tuple[int, str], ...]:
    """The blocks whose words are neither a whole ``kept`` paragraph nor, when they have
    at least :data:`_MIN_PHRASE_WORDS` words, a run of words in the kept text."""
    paragraphs = [_words(paragraph) for paragraph in kept]
    whole, joined = set(paragraphs), f" {' '.join(paragraphs)} "
    discarded = []
    for line, text in blocks:
        words = _words(text)
        phrase = words.count(" ") + 1 >= _MIN_PHRASE_WORDS and f" {words} " in joined
        if words not in whole and not phrase:
            discarded.append((line, text))
    return tuple(discarded)


def _words(text: str) -> str:
    """The words of ``text``, lower-cased, one space apart."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _text_blocks(html: str) -> list[tuple[int, str]]:
    """Each block of visible text of a page, in page order: its 1-based line and its
    text (white space collapsed; a ``<br>`` counts as white space).

    A nested block splits the text of the block around it: in ``<div>before
    <p>inside</p> after</div>`` "before", "inside" and "after" are three blocks.
    A block's line is that of the element whose text starts it; text that follows
    an element's end (" after") is placed by the next element or comment of the
    page, less the line breaks in between.
    """
    import lxml.html  # as trafilatura: only HTML pages need it
    from lxml import etree

    root = lxml.html.document_fromstring(
        html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    blocks = _Blocks()
    walk = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walk:
        if event != "end" and element.sourceline:
            blocks.place(element.sourceline)
        if event == "start":
            blocks.open(element.tag in _BLOCKS)
            if element.tag in _INVISIBLE:
                walk.skip_subtree()
            else:
                blocks.add("\n" if element.tag == "br" else element.text or "")
            continue
        if event == "end":
            blocks.close()
        blocks.add(element.tail or "", after_end=True)  # a comment's text is hidden, not its tail
    return blocks.texts()


@dataclass
class _Block:
    """One block of text as it is read: its line, its pieces of text, and how many
    line breaks the page had before its first visible character (None until then)."""

    line: int
    pieces: list[str] = field(default_factory=list)
    newlines_before: int | None = None


class _Blocks:
    """The blocks of text of a page as :func:`_text_blocks` walks it."""

    def __init__(self) -> None:
        self.found: list[_Block] = []
        self.current: list[_Block | None] = []  # where each open block's text goes
        self.is_block: list[bool] = []  # for each open element
        self.unplaced: list[_Block] = []  # blocks whose text follows an element's end
        self.line = 1
        self.newlines = 0

    def place(self, line: int) -> None:
        """An element or comment starts at ``line``: place the blocks before it."""
        for block in self.unplaced:
            block.line = line if block.newlines_before is None else (
                line - (self.newlines - block.newlines_before))
        self.unplaced.clear()
        self.line = line

    def open(self, block: bool) -> None:
        self.is_block.append(block or not self.current)
        if self.is_block[-1]:
            if self.current:  # the parent's text after this block is a block of its own
                self.current[-1] = None
            self.current.append(None)

    def close(self) -> None:
        if self.is_block.pop():
            self.current.pop()
            if self.current:
                self.current[-1] = None

    def add(self, text: str, *, after_end: bool = False) -> None:
        if not self.current:
            return
        if self.current[-1] is None:
            self.current[-1] = _Block(self.line)
            self.found.append(self.current[-1])
            if after_end:
                self.unplaced.append(self.current[-1])
        block = self.current[-1]
        first_visible = len(text) - len(text.lstrip())
        if block.newlines_before is None and first_visible < len(text):
            block.newlines_before = self.newlines + text.count("\n", 0, first_visible)
        block.pieces.append(text)
        self.newlines += text.count("\n")

    def texts(self) -> list[tuple[int, str]]:
        texts = ((block.line, " ".join("".join(block.pieces).split())) for block in self.found)
        return [(line, text) for line, text in texts if text]
