"""Words for keyness and suggested terms: folded as the lexicons fold them.

Counting words to compare outlets needs a tokeniser that does not split what a
reader sees as one word, nor count as two words what differs only in typing:

- Characters are folded with the lexicons' table
  (:func:`sourcebias.annotate.folding._fold_table`): diacritics ("Guaidó" = "Guaido"),
  every apostrophe variant (``’ ‘ ʼ ´``) as ``'``, every hyphen variant as ``-``;
  other punctuation ends a word. Tokens are then lower-cased.
- Abbreviations stay whole: a run of two or more single letters each followed
  by a full stop is one token, kept with its stops when it has two letters
  ("U.S." -> ``u.s.``, "U.N." -> ``u.n.``, distinct from the pronoun "us") and
  closed up when longer ("F.B.I." -> ``fbi``, as "FBI" is written). The
  capitalised two-letter spellings of :data:`CAPITAL_ABBREVIATIONS` ("US",
  "UK", "UN") read as their dotted forms.
- Words are runs of letters, digits and ``_`` joined by apostrophes and
  hyphens ("self-proclaimed", "don't"), as
  :data:`sourcebias.tables.WORD_PATTERN`; a final possessive ``'s`` is cut
  ("Maduro's" -> ``maduro``).
- Abbreviated titles before a name are written out (:data:`TITLES`: "Sen. Warren"
  as ``senator warren``, "Gen. Padrino" as ``general padrino``), so that house
  styles that abbreviate and those that do not count the same word.
- Tokens that begin with a digit (numbers, "1990s", "19th") and single letters
  are dropped.
- A house-style stop list is dropped too, on by default: the honorifics of
  :data:`HONORIFICS` (the *New York Times* writes "Mr. Maduro" on every
  mention) and the outlets' names for themselves (:func:`self_names`), which
  are cut out of the text as phrases before counting.

A dropped token or any punctuation other than inside a token ends an n-gram: a
bigram never spans a sentence end, a comma, a number or a dropped name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick_rs
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from sourcebias.annotate.folding import _fold_table

__all__ = ["CAPITAL_ABBREVIATIONS", "HONORIFICS", "TITLES", "Tokenizer", "fold_texts",
           "house_style", "normalise", "self_names"]

#: Honorifics of house style, dropped by default.
HONORIFICS = ("mr", "mrs", "ms", "dr")
#: Capitalised spellings that mean the dotted abbreviation, not a lower-case word.
CAPITAL_ABBREVIATIONS = {"US": "u.s.", "UK": "u.k.", "UN": "u.n."}
#: Abbreviated titles before a name, written out: house styles differ ("Sen. Warren" in one
#: outlet, "Senator Warren" in another), and keyness would otherwise set one against the other.
TITLES = {
    "Sen": "senator", "Sens": "senators", "Rep": "representative", "Reps": "representatives",
    "Gov": "governor", "Govs": "governors", "Lt": "lieutenant", "Gen": "general",
    "Col": "colonel", "Maj": "major", "Capt": "captain", "Sgt": "sergeant", "Adm": "admiral",
    "Cmdr": "commander", "Atty": "attorney", "Pres": "president", "Sec": "secretary",
}

#: Double quotation marks, read as spaces: a scare-quoted label is part of its phrase.
_QUOTE_CODES = np.array([ord(c) for c in '"“”„‟«»'], dtype=np.uint32)
_SEPARATOR = 0x1E
_DROPPED = 0xFFFFFFFF
_OTHER = 0x1A
_BMP = 0x10000

# The patterns start with a literal or a character so that the regex engine can skip
# ahead to it (a leading lookbehind is tried at every position: ten times slower).
_CAPITALS = re.compile(r"(US|UK|UN)(?<![\w.'\-]..)(?![\w'\-]|\.\w)")
#: Titles of :data:`TITLES` also written without their dot ("Sen Dick Durbin").
_UNDOTTED = ("Sens", "Sen", "Reps", "Rep", "Govs", "Gov")
#: An abbreviated title of :data:`TITLES`, capitalised, with its dot (optional for
#: :data:`_UNDOTTED`), before a capitalised word (whether it starts a word is checked by
#: :func:`_title`).
_TITLE = re.compile(
    rf"(?:{'|'.join(_UNDOTTED)})\.?(?= [A-Z])"
    rf"|(?:{'|'.join(sorted(set(TITLES) - set(_UNDOTTED), key=len, reverse=True))})\.(?= [A-Z])")
#: The dots and letters after the first letter of a 3+ letter abbreviation ("f[.b.i.]").
_LONG_ABBREVIATION = re.compile(r"\.(?<![\w.][a-z]\.)(?<=[a-z]\.)(?:[a-z]\.){2,}(?!\w)")
_NOT_IN_NAME = re.compile(r"[^\w\s.'&\-]+")
_POSSESSIVE = re.compile(r"'(?<=\w')s?(?!\w)")
#: A token (two-letter abbreviation or word).
_WORD = re.compile(r"[a-z]\.(?<![\w.][a-z]\.)[a-z]\.(?!\w)|\w+(?:['\-]\w+)*")
#: A token, or one character that ends an n-gram.
_TOKEN = re.compile(_WORD.pattern + r"|[^\w\s]")


def fold_texts(texts: Sequence[str]) -> list[str]:
    """Fold texts with the lexicons' character table, keeping their case.

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    list of str
        One folded text per input: diacritics, apostrophes and hyphens folded
        as :func:`sourcebias.annotate.folding.prepare_corpus` folds them, combining
        marks and zero-width characters removed, double quotation marks as
        spaces (so a scare-quoted label stays in its phrase), other punctuation
        as ``\x1a``.
        All texts are folded in one vectorised pass.
    """
    if not len(texts):
        return []
    joined = "\x1e".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    folded = _token_table()[codes & 0xFFFF]
    folded[np.flatnonzero(codes >= _BMP)] = _OTHER
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    folded[np.cumsum(lengths + 1)[:-1] - 1] = _SEPARATOR
    dropped = folded == _DROPPED
    if dropped.any():
        folded = folded[~dropped]
    return folded.tobytes().decode("utf-32-le").split("\x1e")


@functools.cache
def _token_table() -> np.ndarray:
    """The lexicons' fold table (case kept), with double quotation marks as spaces."""
    table = _fold_table(False).copy()
    table[_QUOTE_CODES] = 0x20
    return table


def normalise(folded: str) -> str:
    """A folded text in the tokens' spelling: titles before a name written out
    ("Sen." as ``senator``, :data:`TITLES`), lower case, "US" as ``u.s.``, longer
    abbreviations closed up (``fbi``), possessive ``'s`` cut."""
    text = _TITLE.sub(_title, folded)
    text = _CAPITALS.sub(lambda m: CAPITAL_ABBREVIATIONS[m.group(1)], text).lower()
    text = _LONG_ABBREVIATION.sub(lambda m: m.group().replace(".", ""), text)
    return _POSSESSIVE.sub("", text)


def _title(match: re.Match) -> str:
    """A title of :data:`TITLES` written out, unless the match starts inside a word."""
    at = match.start()
    if at and (match.string[at - 1].isalnum() or match.string[at - 1] in "'-."):
        return match.group()
    return TITLES[match.group().rstrip(".")]


def self_names(outlets: Iterable[str]) -> tuple[str, ...]:
    """The names an outlet uses for itself, from its outlet labels.

    Parameters
    ----------
    outlets : iterable of str
        Outlet names or web addresses ("Fox News", "www.breitbart.com").

    Returns
    -------
    tuple of str
        Folded, lower-cased phrases, longest first: each label as written, a
        web address's site name ("breitbart"), and a name without a leading
        "The" ("new york times" from "The New York Times").
    """
    names: set[str] = set()
    for outlet in outlets:
        label = str(outlet).strip()
        site = re.fullmatch(r"(?:https?://)?(?:www\.)?(([\w\-]+)\.[\w\-.]+?)/?", label)
        forms = [site.group(1), site.group(2)] if site else [label]
        forms += [f[4:] for f in forms if f.lower().startswith("the ")]
        names.update(" ".join(_NOT_IN_NAME.sub(" ", f.lower()).split()) for f in fold_texts(forms))
    return tuple(sorted((n for n in names if n), key=lambda n: (-len(n), n)))


def house_style(articles: pd.DataFrame, *, ngram_range: tuple[int, int] = (1, 1),
                stop_words: str | Iterable[str] | None = None, on: bool = True) -> Tokenizer:
    """The tokeniser for a batch: house-style stop list on, outlets' names from the batch.

    Parameters
    ----------
    articles : pandas.DataFrame
        Its ``outlet`` column, when present, gives the self-names (:func:`self_names`).
    ngram_range : (int, int)
    stop_words : "english", iterable of str or None
        Further words to drop: ``"english"`` for scikit-learn's English stop
        words, or the words themselves (folded like the text).
    on : bool
        Drop :data:`HONORIFICS` and the outlets' own names.

    Returns
    -------
    Tokenizer
    """
    extra: Iterable[str] = ()
    if isinstance(stop_words, str):
        if stop_words != "english":
            raise ValueError(f"stop_words must be 'english', a list of words or None, "
                             f"not {stop_words!r}")
        extra = sorted(ENGLISH_STOP_WORDS)
    elif stop_words is not None:
        extra = [w for text in fold_texts(list(stop_words)) for w in text.lower().split()]
    words = tuple(dict.fromkeys((HONORIFICS if on else ()) + tuple(extra)))
    outlets = articles["outlet"].dropna().unique() if on and "outlet" in articles else ()
    return Tokenizer(ngram_range=ngram_range, stop_words=words,
                     drop_phrases=self_names(outlets))


@dataclass(frozen=True)
class Tokenizer:
    """Tokens and n-grams of folded text; an ``analyzer`` for ``CountVectorizer``.

    Parameters
    ----------
    ngram_range : (int, int)
        Smallest and largest n-gram length.
    stop_words : tuple of str
        Tokens dropped, in the tokeniser's own form (lower case, folded);
        :data:`HONORIFICS` by default.
    drop_phrases : tuple of str
        Phrases (folded, lower case, words separated by one space) cut out of
        the text before tokenising, as whole words, such as :func:`self_names`.

    Examples
    --------
    >>> tokens = Tokenizer(drop_phrases=("fox news",))
    >>> tokens(tokens.prepare(["Mr. Guaidó's U.S. allies told Fox News the F.B.I. knew."])[0])
    ['guaido', 'u.s.', 'allies', 'told', 'the', 'fbi', 'knew']
    """

    ngram_range: tuple[int, int] = (1, 1)
    stop_words: tuple[str, ...] = HONORIFICS
    drop_phrases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        low, high = self.ngram_range
        if not 1 <= low <= high:
            raise ValueError(f"ngram_range must be (low, high) with 1 <= low <= high, "
                             f"not {self.ngram_range!r}")

    def prepare(self, texts: Sequence[str]) -> list[str]:
        """Fold, normalise and mark what is dropped, for all texts in one pass.

        Every dropped token (stop word, number, single letter) and dropped
        phrase becomes ``\\x1a``, so that :meth:`__call__` only finds kept tokens.
        """
        text = self._cut_phrases(normalise("\x1e".join(fold_texts(texts))))
        return self._dropped.sub("\x1a", text).split("\x1e") if texts else []

    def __call__(self, prepared: str) -> list[str]:
        """The n-grams of one text from :meth:`prepare`, in text order."""
        low, high = self.ngram_range
        if high == 1:
            return _WORD.findall(prepared)
        tokens = [t if len(t) > 1 else None for t in _TOKEN.findall(prepared)]
        grams = [t for t in tokens if t] if low == 1 else []
        for n in range(max(low, 2), high + 1):
            grams += [" ".join(run) for run in zip(*(tokens[i:] for i in range(n)), strict=False)
                      if all(run)]
        return grams

    def caption(self) -> str:
        """What was left out, in one sentence for a figure or table caption."""
        parts = []
        honorifics = [w for w in self.stop_words if w in HONORIFICS]
        if honorifics:
            parts.append("the honorifics " + ", ".join(honorifics))
        others = len(self.stop_words) - len(honorifics)
        if others:
            parts.append(f"{others} stop word{'s' if others > 1 else ''}")
        if self.drop_phrases:
            parts.append("the outlets' own names (" + ", ".join(self.drop_phrases) + ")")
        left_out = " and ".join(parts) or "nothing else"
        return (f"Words folded as in the lexicons (accents, apostrophes), abbreviations kept "
                f"whole, titles written out (Sen. as senator); numbers, single letters and "
                f"{left_out} left out.")

    @functools.cached_property
    def _dropped(self) -> re.Pattern:
        """Stop words, numbers (tokens that start with a digit) and single letters."""
        stop = "".join(f"{re.escape(w)}|" for w in sorted(set(self.stop_words), key=len,
                                                           reverse=True))
        return re.compile(rf"(?<![\w'\-.])(?:(?:{stop}\w)(?![\w'\-]|\.\w)|\d\w*(?:['\-]\w+)*)")

    def _cut_phrases(self, text: str) -> str:
        """``text`` with each drop phrase, as whole words, replaced by ``\\x1a``."""
        if not self.drop_phrases:
            return text
        pieces, last = [], 0
        for _, start, end in self._phrases.find_matches_as_indexes(text):
            if (start and (text[start - 1].isalnum() or text[start - 1] in "_'-")) or (
                    end < len(text) and (text[end].isalnum() or text[end] in "_-")):
                continue
            pieces += [text[last:start], " \x1a "]
            last = end
        return "".join([*pieces, text[last:]])

    @functools.cached_property
    def _phrases(self) -> ahocorasick_rs.AhoCorasick:
        """The drop phrases, longest first where they overlap (one Aho-Corasick pass)."""
        return ahocorasick_rs.AhoCorasick(sorted(set(self.drop_phrases)),
                                          matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
