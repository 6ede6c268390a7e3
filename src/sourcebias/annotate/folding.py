"""The corpus normalised once: lower case, folded diacritics, apostrophes and hyphens."""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sourcebias.checks import unique_ids

#: Norm codes: the doc separator, "other" punctuation, and the dropped-character mark.
_DOC_SEP = 0x1E


_OTHER = 0x1A


_DROP = 0xFFFFFFFF


_APOSTROPHES = "'’‘ʼʹ`´′＇"


_HYPHENS = "-‐‑‒﹣－"


_KEPT_PUNCTUATION = ".@#&"


_EXTRA_FOLDS = {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}


_BMP = 0x10000


#: Characters that may stand before or after a word in normalised text.
_BOUNDARIES = (" ", "\n", "'", ".", "@", "#", "&", chr(_OTHER), chr(_DOC_SEP))


def _fold_forms(char: str) -> tuple[str | None, str | None]:
    """The normalised form of one character (one character, or None to drop it),
    in lower case and as written."""
    if char in _APOSTROPHES:
        return "'", "'"
    if char in _HYPHENS:
        return "-", "-"
    if char in "\n\r\v\f\x85\u2028\u2029\x1c\x1d\x1e":
        return "\n", "\n"
    if char.isspace():
        return " ", " "
    if char == "\xad" or char in "\u200b\u200c\u200d\u2060\ufeff" \
            or unicodedata.category(char) in ("Mn", "Me"):
        return None, None
    folded = _EXTRA_FOLDS.get(char) or char
    if folded == char and not unicodedata.is_normalized("NFKD", char):
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if not unicodedata.combining(c))
        folded = base if len(base) == 1 else char
    lowered = folded.lower()
    return _kept(lowered if len(lowered) == 1 else folded), _kept(folded)


def _kept(folded: str) -> str:
    """A folded character, or the "other" punctuation code unless it is a word
    character or kept punctuation."""
    if folded.isalnum() or folded == "_" or folded in _KEPT_PUNCTUATION:
        return folded
    return chr(_OTHER)


def _fold_char(char: str, lower: bool) -> str | None:
    """The normalised form of one character (one character), or None to drop it."""
    return _fold_forms(char)[0 if lower else 1]


@functools.cache
def _fold_tables() -> tuple[np.ndarray, np.ndarray]:
    """Normalised code of every character of the Basic Multilingual Plane, in lower
    case and as written (one pass over the plane for both)."""
    lowered, written = zip(*map(_fold_forms, map(chr, range(_BMP))), strict=True)
    return tuple(np.array([_DROP if form is None else ord(form) for form in forms],
                          dtype=np.uint32) for forms in (lowered, written))


def _fold_table(lower: bool) -> np.ndarray:
    """Normalised code of every character of the Basic Multilingual Plane."""
    return _fold_tables()[0 if lower else 1]


def _normalise(codes: np.ndarray, *, separators: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Fold character codes to lower case and collapse separator runs.

    Returns the normalised codes and the original index of each dropped
    character, in order. Every run of spaces and hyphens becomes one space
    (one ``\\n`` if it holds a line break); dropped characters (combining
    marks, soft hyphens, zero-width spaces) vanish; ``separators`` marks
    positions forced to the document separator.
    """
    folded = _fold_table(True).take(codes, mode="clip")
    if codes.size and codes.max() >= _BMP:
        astral = np.flatnonzero(codes >= _BMP)
        folded[astral] = [ord(_fold_char(chr(c), True) or chr(_OTHER)) for c in codes[astral]]
    if separators is not None:
        folded[separators] = _DOC_SEP
    spacing = (folded == 0x20) | (folded == 0x2D)
    breaks = folded == 0x0A
    spacing |= breaks
    follows = np.empty_like(spacing)
    follows[:1] = False
    follows[1:] = spacing[:-1]
    repeated = spacing & follows
    run_starts = np.flatnonzero(spacing ^ repeated)
    folded[run_starts] = 0x20
    if run_starts.size:
        breaking = np.searchsorted(run_starts, np.flatnonzero(breaks), side="right") - 1
        folded[run_starts[breaking]] = 0x0A
    repeated |= folded == _DROP
    dropped = np.flatnonzero(repeated)
    return np.delete(folded, dropped), dropped


def _as_text(codes: np.ndarray) -> str:
    """The string of normalised codes. They hold no surrogates (a surrogate folds to
    "other" punctuation), so codes of the Basic Multilingual Plane decode as UTF-16,
    twice as fast as UTF-32."""
    top = int(codes.max()) if codes.size else 0
    if top < 0x80:
        return codes.astype(np.uint8).tobytes().decode("ascii")
    if top < _BMP:
        return codes.astype(np.uint16).tobytes().decode("utf-16-le")
    return codes.astype(np.uint32).tobytes().decode("utf-32-le")


def _fold(text: str) -> str:
    """Normalise one short string (a pattern) as texts are normalised."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return _as_text(_normalise(codes)[0]).strip()


@functools.cache
def _squash_table(lower: bool) -> dict[int, str | None]:
    """A :meth:`str.translate` table that folds as :func:`_fold` does and drops
    spaces, hyphens, line breaks and apostrophes."""
    table = _fold_table(lower)
    gone = np.array([_DROP, ord(" "), ord("-"), ord("\n"), ord("'")], dtype=np.uint32)
    removed = np.isin(table, gone)
    changed = np.flatnonzero(removed | (table != np.arange(_BMP)))
    return {code: None if removed[code] else chr(table[code]) for code in changed.tolist()}


def _squashed(text: str, *, lower: bool) -> str:
    """``text`` folded without separators, to compare spellings of the same words."""
    return text.translate(_squash_table(lower))


@dataclass(frozen=True)
class _Chunk:
    """Normalised text of consecutive articles joined by the document separator.

    ``text[p]`` is the character at original position ``p + shift`` of the
    joined articles, where ``shift`` is ``shift_value[i]`` for the last
    ``shift_at[i] <= p``.
    """

    first: int
    text: str
    doc_start: np.ndarray
    orig_start: np.ndarray
    shift_at: np.ndarray
    shift_value: np.ndarray

    def original(self, positions: np.ndarray) -> np.ndarray:
        step = np.searchsorted(self.shift_at, positions, side="right") - 1
        return positions + self.shift_value[step]


@dataclass(frozen=True)
class Corpus:
    """Article texts normalised once, for matching any number of lexicons.

    Build it with :func:`prepare_corpus`.

    Attributes
    ----------
    doc_ids : pandas.Index
        The articles' ``doc_id`` in table order.
    texts : list of str
        The original texts (empty for a missing text).
    languages : numpy.ndarray of object or None
        Each article's language code in lower case without region ("es" for
        "es-VE"), None where unknown; None when the articles have no
        ``language`` column. Patterns listed per language match accordingly.
    """

    doc_ids: pd.Index
    texts: list[str]
    chunks: tuple[_Chunk, ...]
    languages: np.ndarray | None = None

    def slices(self, doc_ids: pd.Series, starts: Sequence[int], ends: Sequence[int]
               ) -> list[str]:
        """``text[start:end]`` of each row's article.

        Parameters
        ----------
        doc_ids : pandas.Series
        starts, ends : sequence of int
            Offsets into each article's text.

        Returns
        -------
        list of str
        """
        rows = self.doc_ids.get_indexer(doc_ids)
        if (rows < 0).any():
            unknown = pd.Series(doc_ids)[rows < 0].iloc[0]
            raise ValueError(f"doc_id {unknown!r} is not among the corpus's articles")
        texts = self.texts
        return [texts[r][a:b] for r, a, b in zip(rows.tolist(), np.asarray(starts).tolist(),
                                                  np.asarray(ends).tolist(), strict=True)]


#: Characters of original text per normalised chunk: bounds the memory used, and the
#: chunk's code arrays (1 MB) stay in the processor's cache, which normalises 2,000
#: articles in about 10% less time than chunks of a million characters.
CHUNK_CHARS = 1 << 18


def prepare_corpus(articles: pd.DataFrame) -> Corpus:
    """Normalise the articles' texts once for matching.

    The normalised copy is lower-cased, with diacritics, apostrophe variants,
    hyphens and runs of spaces folded as described in :mod:`sourcebias.annotate.lexicon`,
    and keeps a map back to the original character offsets. The work is done
    in vectorised passes over chunks of about :data:`CHUNK_CHARS` characters.

    Parameters
    ----------
    articles : pandas.DataFrame
        Has ``doc_id`` (unique) and ``text``, and optionally ``language``.

    Returns
    -------
    Corpus

    Examples
    --------
    >>> corpus = prepare_corpus(articles)  # doctest: +SKIP
    >>> hits = find_terms(corpus, sentences=sentences, voice=voice)  # doctest: +SKIP
    >>> mentions = find_actors(corpus, sentences=sentences, voice=voice)  # doctest: +SKIP
    """
    missing = {"doc_id", "text"} - set(articles.columns)
    if missing:
        raise ValueError(f"articles table lacks column(s) {', '.join(sorted(missing))}")
    unique_ids(articles)
    doc_ids = pd.Index(articles["doc_id"])
    texts = articles["text"].fillna("").astype(str).tolist()
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bounds = _chunk_bounds(lengths)
    chunks = tuple(_chunk(texts, lengths, a, b) for a, b in itertools.pairwise(bounds))
    return Corpus(doc_ids=doc_ids, texts=texts, chunks=chunks,
                  languages=article_languages(articles))


def article_languages(articles: pd.DataFrame) -> np.ndarray | None:
    """Each article's language code as :class:`Corpus` keeps it: lower case, no
    region ("es-VE" -> "es"), None where null or empty; None without a ``language`` column."""
    if "language" not in articles.columns:
        return None
    codes = (articles["language"].astype("str").str.strip().str.lower()
             .str.split(r"[-_]", n=1, regex=True).str[0])
    return codes.where(codes.notna() & (codes != ""), None).to_numpy(dtype=object)


def _chunk_bounds(lengths: np.ndarray) -> np.ndarray:
    """Article positions where a new chunk of about :data:`CHUNK_CHARS` characters starts."""
    if lengths.size == 0:
        return np.zeros(1, dtype=np.int64)
    chunk_of = (np.cumsum(lengths + 1) - lengths - 1) // CHUNK_CHARS
    starts = np.flatnonzero(np.diff(chunk_of)) + 1
    return np.concatenate(([0], starts, [lengths.size]))


def _chunk(texts: list[str], lengths: np.ndarray, first: int, stop: int) -> _Chunk:
    """Normalise articles ``first:stop``, joined and framed by the document separator."""
    separator = chr(_DOC_SEP)
    joined = separator + separator.join(texts[first:stop]) + separator
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    separators = np.concatenate(([0], np.cumsum(lengths[first:stop] + 1)))
    codes, dropped = _normalise(codes, separators=separators)
    # The j-th dropped character (from 0) shifts every later kept character by j + 1;
    # the first kept character after it has index dropped[j] - j in the normalised text.
    shifted_at = dropped - np.arange(dropped.size)
    last_of_run = np.flatnonzero(np.append(shifted_at[1:] != shifted_at[:-1], dropped.size > 0))
    return _Chunk(
        first=first,
        text=_as_text(codes),
        doc_start=separators[:-1] + 1 - np.searchsorted(dropped, separators[:-1] + 1),
        orig_start=separators[:-1] + 1,
        shift_at=np.concatenate(([0], shifted_at[last_of_run])),
        shift_value=np.concatenate(([0], last_of_run + 1)),
    )
