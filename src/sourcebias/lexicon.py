"""Lexicons of loaded terms and actors: reading, checking and matching them.

Two YAML files that researchers edit hold the lexicons. By default they are
``data/lexicons/terms.yaml`` and ``data/lexicons/actors.yaml``, looked up first
in the working directory (so a study folder can carry its own copy) and then in
the project folder :data:`sourcebias.paths.LEXICON_DIR`. Pass ``path=`` to use
any other file. A loaded :class:`Lexicon` records its file, its ``version`` and
the sha256 of its bytes, so every table and figure can say what it was made with.

File layout
-----------
``terms.yaml``::

    version: "2019.1"              # required, any text
    categories:                    # required: every category an entry may use
      event_naming:                # a description, or a mapping with description
        name: event naming         #   and the name figures show (default: the id
        description: how the events are named  # with spaces for underscores)
    negation:                      # optional: see "Negation" below
      window: 3
      words: [not, no, never, "isn't"]
      not_negating: [not only]     # optional
      scope_ends: [to, but]        # optional: single words
    ignore: [coup de grace]        # optional: phrases whose words are never hits
    terms:
      - id: coup                   # required, unique: letters, digits, _ or -
        category: event_naming     # required, declared under categories
        patterns: [coup, coups]    # required: one pattern or a list
        note: free text            # optional

``actors.yaml`` has ``version``, ``groups`` (like ``categories``), ``labels``
(the title, modifier and head words of :mod:`sourcebias.actors`), ``ignore``
and ``actors``, whose entries have ``id``, ``name``, ``group``, ``patterns`` and
an optional ``note``. Any other key is an error. Values are read as written:
``no`` is the word "no", never a boolean.

Patterns
--------
A pattern is a word or phrase, or a mapping ``{pattern: US, case_sensitive: true}``.

- Words: a pattern matches whole words only ("coup" never matches in "couple"
  or "recoup"). Words are runs of letters, digits and ``_``; apostrophes, hyphens
  and punctuation end a word, so "Maduro" matches in "Maduro's" and "coup" in
  "anti-coup". A phrase never spans a line break or punctuation other than the
  ``.``, ``'``, ``@``, ``#`` and ``&`` it spells out itself (``U.S.``, ``@jguaido``).
- Spaces and hyphens: any run of spaces and hyphens between two words is one
  separator, so "self-proclaimed" matches "self-proclaimed", "self proclaimed",
  "self‑proclaimed" (non-breaking hyphen) and "US -backed"; a pattern written
  with a hyphen also matches the closed form ("selfproclaimed").
- Apostrophes: ``'``, ``’``, ``‘``, ``ʼ``, ````` and ``´`` are one character, and a
  pattern written with an apostrophe also matches without it ("coup d'état"
  matches "coup d’état" and "coup detat").
- Diacritics are folded on both sides: "Guaidó" = "Guaido", "d'état" = "d'etat".
- Case: patterns ignore case unless ``case_sensitive: true``; then the letters
  must match as written (diacritics, spaces and hyphens are still folded).
- Wildcard: a ``*`` ending the last word matches any continuation of that word
  ("traitor*": traitor, traitors, traitorous). It may appear nowhere else.
- Patterns are not regular expressions: any character other than letters,
  digits, spaces, hyphens, apostrophes, ``.``, ``@``, ``#``, ``&`` and a final
  ``*`` is an error.

Overlaps
--------
Within one category of ``terms.yaml`` (and across all of ``actors.yaml``, where
a span names one actor) overlapping matches compete: the longest (in characters)
wins, then the leftmost, then the entry listed first, and a span is never
counted twice. "coup attempt" therefore beats "coup", and "Vladimir Padrino
López" beats "López". Matches of different categories may overlap: "regime
change" is both a ``foreign_hand`` hit and, through "regime", a ``delegitimising``
one. A match that lies inside a match of an ``ignore`` phrase is dropped.

Negation
--------
The rule is NegEx's (Chapman et al., 2001, "A simple algorithm for identifying
negated findings and diseases in discharge summaries", *Journal of Biomedical
Informatics* 34(5): 301-310): a negation word, a window of words after it,
pseudo-negations that look like negation but are not, and termination terms
that end a negation's scope. ``negation.words`` are patterns like any other; a
term hit is negated when one of them ends within the ``window`` words before it
in the same sentence (words as counted by :data:`sourcebias.tables.WORD_PATTERN`),
as in "this is not a coup", "was no coup", "never a coup" and "isn't a coup"
(window 3), unless

- the negation word lies inside a ``not_negating`` phrase ("not only a coup",
  "no stranger to terror");
- a ``scope_ends`` word stands between them, other than right after the
  negation word: "never surrender to imperialism" does not negate
  "imperialism" when ``to`` is listed, "not to interfere" negates "interfere";
- punctuation other than quotation marks stands between them (``, ; : ! ? ( )
  [ ]`` and dashes: "If they didn't, the coup ..."), or right after the
  negation word ("No. 3", "no-deal").

Matching
--------
:func:`prepare_corpus` normalises the articles once (lower case, diacritics,
apostrophes, hyphens and spaces folded, with a map back to the original
offsets); :func:`match_lexicon` then finds every pattern of a lexicon in one
Aho-Corasick pass over it. Pass the same :class:`Corpus` to
:func:`sourcebias.terms.find_terms` and :func:`sourcebias.actors.find_actors`
to normalise a batch only once.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import ahocorasick_rs
import numpy as np
import pandas as pd
import yaml

from . import paths

__all__ = [
    "Corpus",
    "Entry",
    "LabelWords",
    "Lexicon",
    "LexiconError",
    "Pattern",
    "inside",
    "load_actors",
    "load_terms",
    "match_lexicon",
    "prepare_corpus",
]

KINDS = ("terms", "actors")

# --------------------------------------------------------------------------- data model


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the file, line and entry."""


@dataclass(frozen=True)
class Pattern:
    """One pattern as written in the file.

    Attributes
    ----------
    text : str
        The pattern as written (``traitor*``, ``coup d'état``).
    case_sensitive : bool
        Whether the letters must match in the case written.
    line : int
        1-based line of the pattern in its file.
    """

    text: str
    case_sensitive: bool
    line: int


@dataclass(frozen=True)
class Entry:
    """A lexicon entry: a loaded term, or an actor with its aliases.

    Attributes
    ----------
    id : str
        Unique id within the file (the ``term`` or ``actor`` column of results).
    category : str
        Its category (terms) or group (actors).
    patterns : tuple of Pattern
    name : str or None
        The actor's display name (actors only).
    note : str or None
    line : int
        1-based line where the entry starts.
    """

    id: str
    category: str
    patterns: tuple[Pattern, ...]
    name: str | None
    note: str | None
    line: int


@dataclass(frozen=True)
class LabelWords:
    """Word lists for actor labels (see :mod:`sourcebias.actors`).

    Attributes
    ----------
    titles : tuple of str
        Role nouns and titles that name an actor ("president", "opposition leader").
    modifiers : tuple of str
        Words that describe one ("self-proclaimed", "legitimate", "interim").
    qualifiers : tuple of str
        Words that qualify a title or modifier but describe no one alone
        ("former", "senior", "top"): they may start a label, never end it.
    heads : tuple of str
        Nouns after a possessive or in a compound ("regime", "loyalists").
    """

    titles: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """A checked lexicon file, ready for matching.

    Attributes
    ----------
    kind : str
        ``terms`` or ``actors``.
    path : pathlib.Path
    sha256 : str
        Hash of the file's bytes.
    version : str
        The file's ``version`` as written.
    entries : tuple of Entry
    categories : tuple of (str, str)
        Declared categories (terms) or groups (actors) with their descriptions.
    category_names : tuple of (str, str)
        The categories or groups that declare a display ``name``, with that name
        (what figures show instead of the id).
    ignore : tuple of Pattern
        Phrases whose matches hide every match inside them.
    negators : tuple of Pattern
        Negation words (terms only).
    negation_window : int
        How many words before a hit a negator may stand (0: no negation).
    not_negating : tuple of Pattern
        Phrases that hold a negation word but do not negate ("not only").
    scope_ends : frozenset of str
        Words, in lower case, that end a negation's scope ("to", "but").
    labels : LabelWords
        Title, modifier and head words (actors only).
    """

    kind: str
    path: Path
    sha256: str
    version: str
    entries: tuple[Entry, ...]
    categories: tuple[tuple[str, str], ...]
    category_names: tuple[tuple[str, str], ...] = ()
    ignore: tuple[Pattern, ...] = ()
    negators: tuple[Pattern, ...] = ()
    negation_window: int = 0
    not_negating: tuple[Pattern, ...] = ()
    scope_ends: frozenset[str] = frozenset()
    labels: LabelWords = LabelWords()

    def describe(self) -> dict[str, str]:
        """The provenance of this lexicon: ``path``, ``version`` and ``sha256``."""
        return {"path": str(self.path), "version": self.version, "sha256": self.sha256}

    def to_frame(self) -> pd.DataFrame:
        """One row per pattern: ``id``, ``category``, ``pattern``, ``case_sensitive``,
        ``line`` and ``note`` (and ``name`` for actors), in file order."""
        rows = [
            {"id": entry.id, "category": entry.category, "name": entry.name,
             "pattern": pattern.text, "case_sensitive": pattern.case_sensitive,
             "line": pattern.line, "note": entry.note}
            for entry in self.entries for pattern in entry.patterns
        ]
        table = pd.DataFrame(rows, columns=["id", "category", "name", "pattern",
                                            "case_sensitive", "line", "note"])
        return table if self.kind == "actors" else table.drop(columns="name")


# --------------------------------------------------------------------------- loading


def load_terms(path: str | Path | None = None) -> Lexicon:
    """Read and check a loaded-terms lexicon.

    Parameters
    ----------
    path : str or Path, optional
        A ``terms.yaml`` file. Default: ``data/lexicons/terms.yaml`` in the
        working directory if it exists, else in the project folder.

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        When the file is missing, is not valid YAML, or has an unknown key, a
        duplicate id, an undeclared category, an empty or invalid pattern; the
        message names the file, the line and the entry.

    Examples
    --------
    >>> terms = load_terms()
    >>> terms.describe()["version"]  # doctest: +SKIP
    '2019.1'
    """
    return _load(_default(path, "terms.yaml"), "terms")


def load_actors(path: str | Path | None = None) -> Lexicon:
    """Read and check an actors lexicon.

    Parameters
    ----------
    path : str or Path, optional
        An ``actors.yaml`` file. Default: ``data/lexicons/actors.yaml`` in the
        working directory if it exists, else in the project folder.

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        As :func:`load_terms`.
    """
    return _load(_default(path, "actors.yaml"), "actors")


def _default(path: str | Path | None, name: str) -> Path:
    if path is not None:
        return Path(path)
    local = Path.cwd() / "data" / "lexicons" / name
    return local if local.is_file() else paths.LEXICON_DIR / name


_TOP_KEYS = {
    "terms": (("version", "categories", "terms"), ("description", "negation", "ignore")),
    "actors": (("version", "groups", "actors"), ("description", "labels", "ignore")),
}
_ENTRY_KEYS = {
    "terms": (("id", "category", "patterns"), ("note",)),
    "actors": (("id", "name", "group", "patterns"), ("note",)),
}
_ID = re.compile(r"[A-Za-z0-9_\-]+")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Reader:
    """Turns the composed YAML nodes of one file into checked values."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, node: yaml.Node | int, problem: str, entry: str | None = None) -> NoReturn:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        where = f"{self.path}, line {line}"
        if entry is not None:
            where += f", entry {entry!r}"
        raise LexiconError(f"{where}: {problem}")

    def fields(self, node: yaml.Node, keys: tuple[tuple[str, ...], tuple[str, ...]],
               what: str, entry: str | None = None) -> dict[str, yaml.Node]:
        required, optional = keys
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of 'key: value' lines", entry)
        found: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in (*required, *optional):
                allowed = ", ".join((*required, *optional))
                self.fail(key_node, f"unknown key {key!r} in {what}; allowed keys: {allowed}",
                          entry)
            if key in found:
                self.fail(key_node, f"key {key!r} appears twice in {what}; keep one", entry)
            found[key] = value
        missing = [key for key in required if key not in found]
        if missing:
            self.fail(node, f"{what} lacks {', '.join(missing)}; add it", entry)
        return found

    def text(self, node: yaml.Node, what: str, entry: str | None = None) -> str:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value, not a list or mapping", entry)
        value = node.value.strip()
        if value in ("", "~"):
            self.fail(node, f"{what} is empty; write a value", entry)
        return value

    def items(self, node: yaml.Node, what: str, entry: str | None = None) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            if not node.value:
                self.fail(node, f"{what} is an empty list; give at least one", entry)
            return list(node.value)
        if isinstance(node, yaml.MappingNode) or node.value.strip() in ("", "~"):
            self.fail(node, f"{what} must be one value or a list of values", entry)
        return [node]

    def boolean(self, node: yaml.Node, what: str, entry: str | None) -> bool:
        value = node.value.lower() if isinstance(node, yaml.ScalarNode) else None
        if value not in yaml.constructor.SafeConstructor.bool_values:
            self.fail(node, f"{what} must be true or false", entry)
        return yaml.constructor.SafeConstructor.bool_values[value]

    def word(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if not re.fullmatch(r"[^\W\d_]+", value):
            self.fail(node, f"{what}: {value!r} is not a single word of letters; "
                            "write one word per line")
        return value

    def count(self, node: yaml.Node, what: str) -> int:
        value = self.text(node, what)
        if not value.isdigit() or int(value) < 1:
            self.fail(node, f"{what} must be a whole number of words, at least 1")
        return int(value)

    def pattern(self, node: yaml.Node, entry: str | None) -> Pattern:
        case_sensitive = False
        if isinstance(node, yaml.MappingNode):
            keys = self.fields(node, (("pattern",), ("case_sensitive",)), "a pattern", entry)
            if "case_sensitive" in keys:
                case_sensitive = self.boolean(keys["case_sensitive"], "case_sensitive", entry)
            node = keys["pattern"]
        if isinstance(node, yaml.ScalarNode) and node.value.strip() in ("", "~"):
            self.fail(node, "empty pattern; write a word or phrase, or delete the line", entry)
        text = self.text(node, "a pattern", entry)
        problem = _pattern_problem(text)
        if problem:
            self.fail(node, f"invalid pattern {text!r}: {problem}", entry)
        return Pattern(text=" ".join(text.split()), case_sensitive=case_sensitive,
                       line=node.start_mark.line + 1)

    def patterns(self, node: yaml.Node, what: str, entry: str | None = None
                 ) -> tuple[Pattern, ...]:
        return tuple(self.pattern(item, entry) for item in self.items(node, what, entry))

    def declared(self, node: yaml.Node, what: str
                 ) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
        """The (name, description) and (name, display name) pairs of ``categories``
        or ``groups``; a value is a description, or a mapping with ``description``
        and an optional ``name``."""
        if not isinstance(node, yaml.MappingNode) or not node.value:
            self.fail(node, f"{what} must map each name to a description")
        descriptions: dict[str, str] = {}
        shown: dict[str, str] = {}
        for key_node, value in node.value:
            name = self.text(key_node, f"a name in {what}")
            if name in descriptions:
                self.fail(key_node, f"{name!r} is declared twice in {what}")
            if isinstance(value, yaml.MappingNode):
                keys = self.fields(value, (("description",), ("name",)), f"{what} {name!r}")
                value = keys["description"]
                if "name" in keys:
                    shown[name] = self.text(keys["name"], f"the name of {name!r}")
            descriptions[name] = self.text(value, f"the description of {name!r}")
        return tuple(descriptions.items()), tuple(shown.items())


def _load(path: Path, kind: str) -> Lexicon:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LexiconError(f"{path}: no such lexicon file; pass path= or create it") from None
    try:
        root = yaml.compose(raw.decode("utf-8"), Loader=_YAML_LOADER)
    except UnicodeDecodeError as error:
        raise LexiconError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8"
                           ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        context = (f" ({error.context} on line {error.context_mark.line + 1})"
                   if error.context and error.context_mark else "")
        raise LexiconError(f"{path}, line {mark.line + 1}: not valid YAML: {error.problem}"
                           f"{context}; check the brackets, indentation and quotes") from None
    except yaml.YAMLError as error:
        raise LexiconError(f"{path}: not valid YAML: {error}") from None
    reader = _Reader(path)
    if root is None:
        raise LexiconError(f"{path}: the file is empty; see sourcebias.lexicon for its layout")
    top = reader.fields(root, _TOP_KEYS[kind], f"the {kind} lexicon")
    declared, shown = reader.declared(top["categories" if kind == "terms" else "groups"],
                                      "categories" if kind == "terms" else "groups")
    entries = _entries(reader, top[kind], kind, dict(declared))
    extra: dict = {}
    if "ignore" in top:
        extra["ignore"] = reader.patterns(top["ignore"], "ignore")
    if "negation" in top:
        negation = reader.fields(top["negation"], (("window", "words"),
                                                   ("not_negating", "scope_ends")), "negation")
        extra["negation_window"] = reader.count(negation["window"], "negation window")
        extra["negators"] = reader.patterns(negation["words"], "negation words")
        if "not_negating" in negation:
            extra["not_negating"] = reader.patterns(negation["not_negating"],
                                                    "negation not_negating")
        if "scope_ends" in negation:
            extra["scope_ends"] = frozenset(
                reader.word(item, "negation scope_ends").lower()
                for item in reader.items(negation["scope_ends"], "negation scope_ends"))
    if "labels" in top:
        labels = reader.fields(top["labels"], ((), ("titles", "modifiers", "qualifiers", "heads")),
                               "labels")
        extra["labels"] = LabelWords(**{
            name: tuple(_label_word(reader, item, name)
                        for item in reader.items(node, f"labels {name}"))
            for name, node in labels.items()
        })
    return Lexicon(kind=kind, path=path, sha256=hashlib.sha256(raw).hexdigest(),
                   version=reader.text(top["version"], "version"), entries=entries,
                   categories=declared, category_names=shown, **extra)


def _entries(reader: _Reader, node: yaml.Node, kind: str, declared: dict[str, str]
             ) -> tuple[Entry, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.fail(node, f"{kind} must be a list of entries, each starting with '- id:'")
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    owner: dict[tuple[str, str], tuple[str, Pattern]] = {}
    group_key = "category" if kind == "terms" else "group"
    for item in node.value:
        id_node = _id_node(item)
        entry_id = reader.text(id_node, "id") if id_node is not None else None
        keys = reader.fields(item, _ENTRY_KEYS[kind], "an entry", entry_id)
        if not _ID.fullmatch(entry_id):
            reader.fail(id_node, "an id may hold only letters, digits, '_' and '-'", entry_id)
        if entry_id in first_line:
            reader.fail(id_node, f"duplicate id {entry_id!r} (first on line "
                                 f"{first_line[entry_id]}); give each entry its own id", entry_id)
        first_line[entry_id] = item.start_mark.line + 1
        category = reader.text(keys[group_key], group_key, entry_id)
        if category not in declared:
            reader.fail(keys[group_key], f"{group_key} {category!r} is not declared; declare it "
                        f"or use one of: {', '.join(declared)}", entry_id)
        patterns = reader.patterns(keys["patterns"], "patterns", entry_id)
        for pattern in patterns:
            # Actors all compete for a span; terms compete within their category.
            key = (category if kind == "terms" else "",
                   _squashed(pattern.text, lower=not pattern.case_sensitive))
            if key in owner:
                other, first = owner[key]
                reader.fail(pattern.line, f"pattern {pattern.text!r} matches what {first.text!r} "
                            f"of entry {other!r} (line {first.line}) matches; keep one", entry_id)
            owner[key] = (entry_id, pattern)
        entries.append(Entry(
            id=entry_id, category=category, patterns=patterns,
            name=reader.text(keys["name"], "name", entry_id) if "name" in keys else None,
            note=reader.text(keys["note"], "note", entry_id) if "note" in keys else None,
            line=item.start_mark.line + 1,
        ))
    return tuple(entries)


def _id_node(item: yaml.Node) -> yaml.Node | None:
    if isinstance(item, yaml.MappingNode):
        for key, value in item.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id":
                return value
    return None


def _label_word(reader: _Reader, node: yaml.Node, name: str) -> str:
    word = reader.text(node, f"a word in labels {name}")
    if not re.fullmatch(r"\w[\w'’.\- ]*", word):
        reader.fail(node, f"invalid label word {word!r}: use letters, spaces, hyphens, "
                          "apostrophes and '.'")
    return " ".join(word.split())


_PATTERN_CHARS = re.compile(r"[\w\s'’‘ʼ`´.@#&\-‐‑*]")


def _pattern_problem(text: str) -> str | None:
    """Why ``text`` cannot be a pattern, or None."""
    bad = _PATTERN_CHARS.sub("", text)
    if bad:
        return (f"character {bad[0]!r} cannot be matched (patterns are not regular "
                "expressions); use letters, digits, spaces, hyphens, apostrophes, "
                "'.', '@', '#', '&' and a final '*'")
    if "*" in text[:-1] or text == "*" or (text.endswith("*") and not re.search(r"\w\*$", text)):
        return "'*' may only end the last word, as in traitor*"
    if not re.match(r"[@#]?\w", text):
        return "it must start with a letter or digit (or '@', '#' before one)"
    if not re.search(r"[\w.*]$", text):
        return "it must end with a letter, digit, '.' or '*'"
    return None


# --------------------------------------------------------------------------- normalising

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


def _fold_char(char: str, lower: bool) -> str | None:
    """The normalised form of one character (one character), or None to drop it."""
    if char in _APOSTROPHES:
        return "'"
    if char in _HYPHENS:
        return "-"
    if char in "\n\r\v\f\x85\u2028\u2029\x1c\x1d\x1e":
        return "\n"
    if char.isspace():
        return " "
    if char == "\xad" or char in "\u200b\u200c\u200d\u2060\ufeff" \
            or unicodedata.category(char) in ("Mn", "Me"):
        return None
    base = _EXTRA_FOLDS.get(char) or "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    folded = base if len(base) == 1 else char
    if lower and len(folded.lower()) == 1:
        folded = folded.lower()
    if folded.isalnum() or folded == "_" or folded in _KEPT_PUNCTUATION:
        return folded
    return chr(_OTHER)


@functools.cache
def _fold_table(lower: bool) -> np.ndarray:
    """Normalised code of every character of the Basic Multilingual Plane."""
    table = np.empty(_BMP, dtype=np.uint32)
    for code in range(_BMP):
        folded = _fold_char(chr(code), lower)
        table[code] = _DROP if folded is None else ord(folded)
    return table


def _normalise(codes: np.ndarray, *, separators: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Fold character codes to lower case and collapse separator runs.

    Returns the normalised codes and the original index of each. Every run of
    spaces and hyphens becomes one space (one ``\\n`` if it holds a line break);
    dropped characters (combining marks, soft hyphens, zero-width spaces)
    vanish; ``separators`` marks positions forced to the document separator.
    """
    folded = _fold_table(True)[codes & 0xFFFF]
    astral = np.flatnonzero(codes >= _BMP)
    if astral.size:
        folded[astral] = [ord(_fold_char(chr(c), True) or chr(_OTHER)) for c in codes[astral]]
    if separators is not None:
        folded[separators] = _DOC_SEP
    spacing = (folded == 0x20) | (folded == 0x2D) | (folded == 0x0A)
    follows = np.concatenate(([False], spacing[:-1]))
    keep = (folded != _DROP) & ~(spacing & follows)
    run_starts = np.flatnonzero(spacing & ~follows)
    breaking = np.searchsorted(run_starts, np.flatnonzero(folded == 0x0A), side="right") - 1
    folded[run_starts] = 0x20
    folded[run_starts[breaking]] = 0x0A
    return folded[keep], np.flatnonzero(keep)


def _as_text(codes: np.ndarray) -> str:
    if codes.size == 0 or codes.max() < 0x80:
        return codes.astype(np.uint8).tobytes().decode("ascii")
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
    """

    doc_ids: pd.Index
    texts: list[str]
    chunks: tuple[_Chunk, ...]

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


#: Characters of original text per normalised chunk (bounds the memory used).
CHUNK_CHARS = 1_000_000


def prepare_corpus(articles: pd.DataFrame) -> Corpus:
    """Normalise the articles' texts once for matching.

    The normalised copy is lower-cased, with diacritics, apostrophe variants,
    hyphens and runs of spaces folded as described in :mod:`sourcebias.lexicon`,
    and keeps a map back to the original character offsets. The work is done
    in vectorised passes over chunks of about :data:`CHUNK_CHARS` characters.

    Parameters
    ----------
    articles : pandas.DataFrame
        Has ``doc_id`` (unique) and ``text``.

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
    doc_ids = pd.Index(articles["doc_id"])
    if doc_ids.has_duplicates:
        raise ValueError(f"doc_id {doc_ids[doc_ids.duplicated()][0]!r} appears twice in "
                         "articles; give each article its own doc_id")
    texts = articles["text"].fillna("").astype(str).tolist()
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bounds = _chunk_bounds(lengths)
    chunks = tuple(_chunk(texts, lengths, a, b) for a, b in itertools.pairwise(bounds))
    return Corpus(doc_ids=doc_ids, texts=texts, chunks=chunks)


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
    codes, origin = _normalise(codes, separators=separators)
    shift = origin - np.arange(origin.size)
    shift_at = np.concatenate(([0], np.flatnonzero(np.diff(shift)) + 1))
    return _Chunk(
        first=first,
        text=_as_text(codes),
        doc_start=np.searchsorted(origin, separators[:-1] + 1),
        orig_start=separators[:-1] + 1,
        shift_at=shift_at,
        shift_value=shift[shift_at],
    )


# --------------------------------------------------------------------------- matching

_ENTRY, _NEGATOR, _IGNORE, _NOT_NEGATING = 0, 1, 2, 3
_HYPHEN_CHARS = re.compile(f"[{re.escape(_HYPHENS)}]")
_APOSTROPHE_CHARS = re.compile(f"[{re.escape(_APOSTROPHES)}]")
_WORD_END = re.compile(r"\w*")


@dataclass(frozen=True)
class _Compiled:
    """One Aho-Corasick automaton over every variant of every pattern of a lexicon.

    Each key is a pattern variant framed by the boundary characters it needs
    (see :data:`_BOUNDARIES`), so every key found is a whole-word match. Key
    ``k`` stands for the records ``key_ptr[k]:key_ptr[k + 1]``; a record says
    which source pattern it is and whether its key carries a left or right
    boundary character. The ``source_*`` arrays describe each source pattern.
    """

    automaton: ahocorasick_rs.AhoCorasick
    key_length: np.ndarray
    key_ptr: np.ndarray
    record_source: np.ndarray
    record_left: np.ndarray
    record_right: np.ndarray
    patterns: tuple[Pattern, ...]
    source_role: np.ndarray
    source_entry: np.ndarray
    source_group: np.ndarray
    source_wildcard: np.ndarray
    source_cased: tuple[str | None, ...]
    source_sensitive: np.ndarray


def _variants(body: str) -> set[str]:
    """The folded forms of a pattern body: as written, closed up, without apostrophes."""
    forms = {body, _HYPHEN_CHARS.sub("", body)}
    forms |= {_APOSTROPHE_CHARS.sub("", form) for form in forms}
    return {_fold(form) for form in forms}


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


@functools.lru_cache(maxsize=8)
def _compile(lexicon: Lexicon) -> _Compiled:
    """The automaton of a lexicon, built once per process: a lexicon sent to a worker
    process with every chunk of work is compiled there once, not once per chunk."""
    groups = {name: i for i, (name, _) in enumerate(lexicon.categories)}
    sources: list[tuple[Pattern, int, int, int]] = [
        (pattern, _ENTRY, i, groups[entry.category] if lexicon.kind == "terms" else 0)
        for i, entry in enumerate(lexicon.entries) for pattern in entry.patterns
    ]
    sources += [(pattern, _NEGATOR, -1, -1) for pattern in lexicon.negators]
    sources += [(pattern, _IGNORE, -1, -1) for pattern in lexicon.ignore]
    sources += [(pattern, _NOT_NEGATING, -1, -1) for pattern in lexicon.not_negating]
    records: dict[str, list[tuple[int, int, int]]] = {}
    for index, (pattern, *_) in enumerate(sources):
        wildcard = pattern.text.endswith("*")
        for form in _variants(pattern.text.rstrip("*")):
            lefts = _BOUNDARIES if _is_word(form[0]) else ("",)
            rights = _BOUNDARIES if _is_word(form[-1]) and not wildcard else ("",)
            for left in lefts:
                for right in rights:
                    records.setdefault(left + form + right, []).append(
                        (index, len(left), len(right)))
    automaton = ahocorasick_rs.AhoCorasick(list(records),
                                           implementation=ahocorasick_rs.Implementation.DFA)
    flat = [record for key in records for record in records[key]]
    return _Compiled(
        automaton=automaton,
        key_length=np.array([len(key) for key in records], dtype=np.int64),
        key_ptr=np.concatenate(([0], np.cumsum([len(r) for r in records.values()]))),
        record_source=np.array([r[0] for r in flat], dtype=np.int64),
        record_left=np.array([r[1] for r in flat], dtype=np.int64),
        record_right=np.array([r[2] for r in flat], dtype=np.int64),
        patterns=tuple(source[0] for source in sources),
        source_role=np.array([source[1] for source in sources], dtype=np.int64),
        source_entry=np.array([source[2] for source in sources], dtype=np.int64),
        source_group=np.array([source[3] for source in sources], dtype=np.int64),
        source_wildcard=np.array([p.text.endswith("*") for p, *_ in sources], dtype=bool),
        source_cased=tuple(_squashed(p.text.rstrip("*"), lower=False)
                           if p.case_sensitive else None for p, *_ in sources),
        source_sensitive=np.array([p.case_sensitive for p, *_ in sources], dtype=bool),
    )


def _match_chunk(compiled: _Compiled, chunk: _Chunk) -> tuple[np.ndarray, ...]:
    """Article row, start, end (original offsets) and source pattern of each match."""
    found = np.array(compiled.automaton.find_matches_as_indexes(chunk.text, overlapping=True),
                     dtype=np.int64).reshape(-1, 3)
    if found.size == 0:
        return tuple(np.zeros(0, dtype=np.int64) for _ in range(4))
    key, last = found[:, 0], found[:, 2] - 1
    count = compiled.key_ptr[key + 1] - compiled.key_ptr[key]
    row = np.repeat(np.arange(key.size), count)
    record = (np.repeat(compiled.key_ptr[key], count) + np.arange(count.sum())
              - np.repeat(np.cumsum(count) - count, count))
    last = last[row]
    start = last - compiled.key_length[key[row]] + 1 + compiled.record_left[record]
    stop = last + 1 - compiled.record_right[record]
    source = compiled.record_source[record]
    wild = np.flatnonzero(compiled.source_wildcard[source])
    if wild.size:
        stop[wild] = [_WORD_END.match(chunk.text, p).end() for p in stop[wild].tolist()]
    doc = np.searchsorted(chunk.doc_start, start, side="right") - 1
    begin = chunk.orig_start[doc]
    return (doc + chunk.first, chunk.original(start) - begin, chunk.original(stop) - begin,
            source)


def _case_fits(surfaces: list[str], cased: list[str], wildcard: np.ndarray) -> np.ndarray:
    """Whether each surface has the letters of its case-sensitive pattern as written."""
    return np.array([
        _squashed(surface, lower=False).startswith(form) if wild
        else _squashed(surface, lower=False) == form
        for surface, form, wild in zip(surfaces, cased, wildcard.tolist(), strict=True)
    ], dtype=bool)


def _inside(doc: np.ndarray, start: np.ndarray, end: np.ndarray,
            outer_doc: np.ndarray, outer_start: np.ndarray, outer_end: np.ndarray
            ) -> np.ndarray:
    """Whether each span lies within one of the outer spans of the same document."""
    if outer_doc.size == 0 or doc.size == 0:
        return np.zeros(doc.size, dtype=bool)
    scale = int(max(end.max(), outer_end.max())) + 1
    order = np.lexsort((outer_start, outer_doc))
    outer_doc = outer_doc[order]
    reach = np.maximum.accumulate(outer_doc * scale + outer_end[order])
    at = np.searchsorted(outer_doc * scale + outer_start[order], doc * scale + start,
                         side="right") - 1
    found = at >= 0
    at = np.maximum(at, 0)
    return found & (outer_doc[at] == doc) & (reach[at] >= doc * scale + end)


def inside(spans: pd.DataFrame, containers: pd.DataFrame) -> np.ndarray:
    """Whether each span lies within (or on) a container span of the same article.

    Parameters
    ----------
    spans, containers : pandas.DataFrame
        Tables with ``doc_id``, ``start`` and ``end``.

    Returns
    -------
    numpy.ndarray of bool
        One value per row of ``spans``, in order.
    """
    codes, _ = pd.factorize(pd.concat([spans["doc_id"], containers["doc_id"]],
                                      ignore_index=True))
    n = len(spans)
    return _inside(codes[:n], spans["start"].to_numpy("int64"), spans["end"].to_numpy("int64"),
                   codes[n:], containers["start"].to_numpy("int64"),
                   containers["end"].to_numpy("int64"))


def _longest_first(doc: np.ndarray, start: np.ndarray, end: np.ndarray, group: np.ndarray,
                   order: np.ndarray) -> np.ndarray:
    """Which matches survive the overlap rule within their (document, group).

    Overlapping matches form clusters; a lone match is kept, and within a
    cluster matches are taken longest first, then leftmost, then by ``order``,
    skipping any that overlaps one already taken.
    """
    keep = np.zeros(doc.size, dtype=bool)
    if doc.size == 0:
        return keep
    sort = np.lexsort((start, group, doc))
    scale = int(end.max()) + 1
    bucket = (doc[sort] * (int(group.max()) + 2) + group[sort] + 1) * scale
    reach = np.maximum.accumulate(bucket + end[sort])
    opens = np.concatenate(([True], bucket[1:] + start[sort][1:] >= reach[:-1]))
    firsts = np.flatnonzero(opens)
    sizes = np.diff(np.append(firsts, doc.size))
    keep[sort[firsts[sizes == 1]]] = True
    # Two overlapping matches: the better one wins outright.
    one, two = sort[firsts[sizes == 2]], sort[firsts[sizes == 2] + 1]
    length_one, length_two = end[one] - start[one], end[two] - start[two]
    second = (length_two > length_one) | ((length_two == length_one) & (
        (start[two] < start[one]) | ((start[two] == start[one]) & (order[two] < order[one]))))
    keep[np.where(second, two, one)] = True
    for first, size in zip(firsts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
        members = sort[first:first + size]
        ranked = sorted(members.tolist(),
                        key=lambda i: (start[i] - end[i], start[i], order[i]))
        taken: list[int] = []
        for i in ranked:
            if all(end[i] <= start[j] or start[i] >= end[j] for j in taken):
                taken.append(i)
        keep[taken] = True
    return keep


MATCH_COLUMNS = ("doc_id", "start", "end", "entry", "category", "pattern", "surface", "negator")


def match_lexicon(corpus: Corpus, *, lexicon: Lexicon) -> pd.DataFrame:
    """Find every entry and negation word of a lexicon in one pass over the corpus.

    Applies the pattern rules, the ``ignore`` phrases and the overlap rule of
    :mod:`sourcebias.lexicon`. :func:`sourcebias.terms.find_terms` and
    :func:`sourcebias.actors.find_actors` build their tables from this one.

    Parameters
    ----------
    corpus : Corpus
        From :func:`prepare_corpus`.
    lexicon : Lexicon

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``start``, ``end`` (offsets into the article text),
        ``entry`` (entry id, null for negators), ``category`` (category or
        group), ``pattern`` (as written), ``surface`` (the text as written) and
        ``negator`` (True for negation words), by article, start and end.
    """
    compiled = _compile(lexicon)
    parts = [_match_chunk(compiled, chunk) for chunk in corpus.chunks]
    doc, start, end, source = (np.concatenate([p[i] for p in parts]) if parts
                               else np.zeros(0, dtype=np.int64) for i in range(4))
    sensitive = np.flatnonzero(compiled.source_sensitive[source])
    fits = np.ones(doc.size, dtype=bool)
    fits[sensitive] = _case_fits(_surfaces(corpus, doc[sensitive], start[sensitive],
                                           end[sensitive]),
                                 [compiled.source_cased[s] for s in source[sensitive].tolist()],
                                 compiled.source_wildcard[source[sensitive]])
    role = compiled.source_role[source]
    ignored = role == _IGNORE
    entries = fits & (role == _ENTRY)
    entries[entries] = ~_inside(doc[entries], start[entries], end[entries],
                                doc[ignored], start[ignored], end[ignored])
    chosen = np.flatnonzero(entries)
    entries[chosen] = _longest_first(doc[chosen], start[chosen], end[chosen],
                                     compiled.source_group[source[chosen]],
                                     compiled.source_entry[source[chosen]])
    negators = np.flatnonzero(fits & (role == _NEGATOR))
    phrases = fits & (role == _NOT_NEGATING)
    negators = negators[~_inside(doc[negators], start[negators], end[negators],
                                 doc[phrases], start[phrases], end[phrases])]
    negators = negators[~pd.DataFrame({"d": doc[negators], "s": start[negators],
                                       "e": end[negators]}).duplicated().to_numpy()]
    take = np.concatenate((np.flatnonzero(entries), negators))
    take = take[np.lexsort((end[take], start[take], doc[take]))]
    entry = compiled.source_entry[source[take]]
    names = [name for name, _ in lexicon.categories]
    category = np.array([names.index(e.category) for e in lexicon.entries] + [-1])[entry]
    pattern_codes, pattern_texts = pd.factorize(np.array([p.text for p in compiled.patterns]))
    return pd.DataFrame({
        "doc_id": corpus.doc_ids.take(doc[take]),
        "start": start[take],
        "end": end[take],
        "entry": _strings(entry, [e.id for e in lexicon.entries]),
        "category": _strings(category, names),
        "pattern": _strings(pattern_codes[source[take]], pattern_texts),
        "surface": pd.Series(_surfaces(corpus, doc[take], start[take], end[take]), dtype="str"),
        "negator": entry < 0,
    })


def _surfaces(corpus: Corpus, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray
              ) -> list[str]:
    """The original text of each match (article row, start, end)."""
    texts = corpus.texts
    return [texts[r][a:b] for r, a, b in zip(rows.tolist(), starts.tolist(), ends.tolist(),
                                              strict=True)]


def _strings(codes: np.ndarray, values: Sequence[str]) -> pd.Series:
    """``values[code]`` for each code (null for -1), as a string column."""
    return pd.Series(pd.Categorical.from_codes(codes, categories=values)).astype("str")
