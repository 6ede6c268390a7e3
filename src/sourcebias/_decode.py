"""Bytes to text: encodings, mojibake and HTML (helpers of :mod:`sourcebias.batch`).

Decoding order for one file: a byte-order mark (UTF-8, UTF-16, UTF-32) decides
the encoding; otherwise NUL bytes mean the file is binary; otherwise strict
UTF-8; otherwise the Windows Latin code page (1252, 1250, 1254, 1257) that reads
the bytes most cleanly by charset-normalizer's mess ratio, Windows-1252 winning
near-ties, as long as that reading is not chaotic (mess ratio <= 0.2,
charset-normalizer's own threshold); otherwise charset-normalizer's best guess
(Cyrillic, Greek, Arabic, Hebrew, Thai and East Asian encodings). Read through a
Latin code page, text in those scripts scores above 0.6, Latin-script text
below 0.03. charset-normalizer's own guess is not used for Latin-script text:
on English news with curly quotes it often picks a DOS code page, and it reads
"España" as "Espańa". Central European and Turkish files that also read cleanly
as Windows-1252 are read as Windows-1252; save those as UTF-8.

Text that still contains mojibake ("â€œ" for "“") is repaired with ftfy.
"""

from __future__ import annotations

import codecs
import re

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
_WINDOWS_LATIN = ("cp1252", "cp1250", "cp1254", "cp1257")  # in order of preference
_NEAR_TIE = 0.01
_MAX_MESS = 0.2
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01
_MOJIBAKE_FIXES = ftfy.TextFixerConfig(
    unescape_html=False, fix_latin_ligatures=False, fix_character_width=False,
    uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False,
    normalization=None, explain=False,
)
_SAVE_AS_UTF8 = "re-save it as UTF-8 text"
#: What mojibake leaves: UTF-8 read as Windows-1252 or Latin-1 gives a lead byte
#: (Â to ô) followed by a continuation byte (U+0080 to U+00BF, or what
#: Windows-1252 maps 0x80-0x9F to); Windows-1252 read as Latin-1 gives C1 control
#: characters (U+0080 to U+009F). Real text seldom has either.
_MOJIBAKE_TRACE = (
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]|[\u0080-\u009f]"
)


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
        raise UnreadableFile(f"is not UTF-8 and no other text encoding fits it; {_SAVE_AS_UTF8}")
    return _checked(raw.decode(encoding)), [f"decoded as {encoding} (not UTF-8)"]


def _legacy_encoding(raw: bytes) -> str | None:
    """The Windows Latin code page that reads ``raw`` cleanly, else charset-normalizer's guess."""
    messes = {}
    for encoding in _WINDOWS_LATIN:
        try:
            messes[encoding] = mess_ratio(raw.decode(encoding), maximum_threshold=1.0)
        except UnicodeDecodeError:
            continue
    if messes and min(messes.values()) <= _MAX_MESS:
        cleanest = min(messes.values())
        return next(e for e, mess in messes.items() if mess <= cleanest + _NEAR_TIE)
    best = charset_normalizer.from_bytes(raw).best()
    return None if best is None else best.encoding


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
    unless it is sure.

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
    fixed = flagged.map(lambda text: ftfy.fix_text(text, _MOJIBAKE_FIXES))
    changed = fixed[fixed != flagged]
    places = (flagged[changed.index].str.count(_MOJIBAKE_TRACE)
              - changed.str.count(_MOJIBAKE_TRACE)).clip(lower=1)
    repaired = texts.copy()
    repaired[changed.index] = changed
    return repaired, "repaired mojibake (" + places.astype("str") + " places)"


def extract_html(html: str) -> tuple[str, str | None, str | None]:
    """The article in an HTML page, with the page's title and date.

    Navigation, scripts, comments and tables are dropped by trafilatura; each
    extracted block becomes its own paragraph.

    Parameters
    ----------
    html : str

    Returns
    -------
    text : str
        Paragraphs separated by blank lines.
    title, date : str or None
        From the page's metadata.

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
    return document.text.replace("\n", "\n\n"), document.title, document.date
