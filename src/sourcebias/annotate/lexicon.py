"""Lexicons of loaded terms and actors: their data model, reading and checking.

Two YAML files that researchers edit hold the lexicons. By default they are
``data/lexicons/terms.yaml`` and ``data/lexicons/actors.yaml``, looked up first
in the working directory (so a study folder can carry its own copy) and then in
the project folder :data:`sourcebias.config.LEXICON_DIR`. Pass ``path=`` to use
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
        patterns: [coup, coups]    # required: one pattern or a list (every language),
        note: free text            #   or a list per language (see "Languages")

``actors.yaml`` has ``version``, ``groups`` (like ``categories``), ``labels``
(the title, modifier and head words of :mod:`sourcebias.annotate.actors`), ``ignore``
and ``actors``, whose entries have ``id``, ``name``, ``group``, ``patterns`` and
the optional ``note``, ``country`` and ``requires_name``::

    actors:
      - id: maduro_government
        name: Maduro government
        group: venezuelan_government
        patterns: [government, Venezuelan government]
        country: [Venezuela, Venezuelan]   # optional: names of the actor's country
        requires_name: true                # optional, default true

An alias written all in lower case ("government", "the military", "opposition")
is a common word: it counts as the actor only in an article that also names the
actor (another of its aliases), another actor of its group, or one of its
``country`` patterns, unless the entry says ``requires_name: false`` (see
:mod:`sourcebias.annotate.actors`).
Any other key is an error. Values are read as written: ``no`` is the word "no",
never a boolean.

Languages
---------
``patterns`` (and ``country``) may map language codes to patterns instead of
listing them::

    patterns:
      every: [Maduro, Nicolás Maduro]  # optional: for every language
      en: [coup, coups]
      es: [golpe de Estado, golpista*]

A pattern under a language matches only articles whose ``language`` column
holds that code (``es`` also matches ``es-VE``); in an article without a
language (no column, or a null) every pattern matches. A plain list, and the
patterns under ``every``, are for every language. Codes are two or three
lower-case letters (ISO 639-1 or 639-3).

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
:func:`sourcebias.find_terms` and :func:`sourcebias.find_actors`
to normalise a batch only once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pandas as pd
import yaml

from sourcebias.annotate.folding import _squashed
from sourcebias.config import DEFAULT_PACK, pack_file


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
    language : str or None
        The language code the pattern is for; None for every language.
    """

    text: str
    case_sensitive: bool
    line: int
    language: str | None = None

    @property
    def common_word(self) -> bool:
        """Whether the pattern is written all in lower-case letters ("government",
        "the military"): a common word rather than a name."""
        return not self.case_sensitive and bool(_COMMON_WORD.fullmatch(self.text))


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
    country : tuple of Pattern
        Names of the actor's country (actors only): where one of them is in an
        article, the actor's common-word aliases count there.
    requires_name : bool
        Whether the actor's common-word aliases count only in articles that name
        the actor, its group or its country (actors only; default True).
    """

    id: str
    category: str
    patterns: tuple[Pattern, ...]
    name: str | None
    note: str | None
    line: int
    country: tuple[Pattern, ...] = ()
    requires_name: bool = True


@dataclass(frozen=True)
class LabelWords:
    """Word lists for actor labels (see :mod:`sourcebias.annotate.actors`).

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
        Nouns after a possessive or in a compound that name the actor or its
        institution ("regime", "government").
    followers : tuple of str
        Nouns in the same places that name someone who follows the actor
        ("loyalist", "ally", "supporters"): they end the phrase before the
        mention, as heads do, but give the actor no label.
    """

    titles: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    followers: tuple[str, ...] = ()


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
        ``language`` (null: every language), ``line`` and ``note`` (and ``name``
        for actors), in file order."""
        rows = [
            {"id": entry.id, "category": entry.category, "name": entry.name,
             "pattern": pattern.text, "case_sensitive": pattern.case_sensitive,
             "language": pattern.language, "line": pattern.line, "note": entry.note}
            for entry in self.entries for pattern in entry.patterns
        ]
        table = pd.DataFrame(rows, columns=["id", "category", "name", "pattern",
                                            "case_sensitive", "language", "line", "note"])
        return table if self.kind == "actors" else table.drop(columns="name")


def read_terms(path: str | Path | None = None) -> Lexicon:
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
    >>> terms = read_terms()
    >>> terms.describe()["version"]  # doctest: +SKIP
    '2019.1'
    """
    return _load(_default(path, "terms.yaml"), "terms")


def read_actors(path: str | Path | None = None) -> Lexicon:
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
        As :func:`read_terms`.
    """
    return _load(_default(path, "actors.yaml"), "actors")


@dataclass(frozen=True)
class Pack:
    """A lexicon pack: its lexicons and ``pack.yaml``, which names the event.

    ``pack.yaml`` layout::

        event: Venezuela 2019             # required: a short name
        description: >                    # required: a paragraph for the report's prose
          The April 2019 Venezuelan uprising ...
        focus_terms: [coup, traitor]      # required: term ids of the headline figures
        focus_actors: [maduro, guaido]    # required: actor ids of the headline figures
        markers:                          # optional: dated events on time axes
          - {date: 2019-04-30, label: uprising}

    Attributes
    ----------
    path : pathlib.Path
        The pack folder.
    event, description : str
    focus_terms, focus_actors : tuple of str
        Ids of ``terms.yaml`` and ``actors.yaml``, in the order written.
    markers : tuple of dict
        ``{"date": "YYYY-MM-DD", "label": ...}`` each, as
        :func:`sourcebias.stats.timeline.event_markers` takes them.
    terms, actors : Lexicon
        The pack's lexicons.
    """

    path: Path
    event: str
    description: str
    focus_terms: tuple[str, ...]
    focus_actors: tuple[str, ...]
    markers: tuple[dict[str, str], ...]
    terms: Lexicon
    actors: Lexicon


_PACK_KEYS = (("event", "description", "focus_terms", "focus_actors"), ("markers",))


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_pack(lexicons: str | Path | None = None) -> Pack:
    """Read and check a lexicon pack: ``pack.yaml`` with its terms and actors.

    Parameters
    ----------
    lexicons : str or Path, optional
        A pack folder; the package's default pack (Venezuela 2019) when not given.

    Returns
    -------
    Pack

    Raises
    ------
    LexiconError
        When ``pack.yaml`` is missing, is not valid YAML, lacks a key or has an
        unknown one, names a focus id its lexicon does not hold, or has a marker
        without an ISO date; and as :func:`read_terms` for the lexicons. The
        message names the file, the line and the key.

    Examples
    --------
    >>> pack = read_pack()
    >>> pack.event
    'Venezuela 2019'
    """
    folder = Path(lexicons) if lexicons is not None else DEFAULT_PACK
    path = folder / "pack.yaml"
    terms = read_terms(pack_file(folder, "terms"))
    actors = read_actors(pack_file(folder, "actors"))
    _, root = _compose(path, "pack file; write one (sourcebias suggest drafts it)")
    reader = _Reader(path)
    if root is None:
        raise LexiconError(f"{path}: the file is empty; see sourcebias.annotate.lexicon.Pack "
                           "for its layout")
    top = reader.fields(root, _PACK_KEYS, "the pack file")
    focus = {}
    for key, lexicon in (("focus_terms", terms), ("focus_actors", actors)):
        known = {entry.id for entry in lexicon.entries}
        ids = []
        for node in reader.items(top[key], key):
            value = reader.text(node, f"an id in {key}")
            if value not in known:
                reader.fail(node, f"{key}: {value!r} is not an id of {lexicon.path.name}; "
                                  f"use one of: {', '.join(sorted(known))}")
            ids.append(value)
        focus[key] = tuple(ids)
    markers = []
    if "markers" in top and not (isinstance(top["markers"], yaml.SequenceNode)
                                 and not top["markers"].value):
        for node in reader.items(top["markers"], "markers"):
            marker = reader.fields(node, (("date", "label"), ()), "a marker")
            date = reader.text(marker["date"], "a marker's date")
            if not _DATE.fullmatch(date):
                reader.fail(marker["date"], f"markers: date {date!r} is not YYYY-MM-DD")
            markers.append({"date": date, "label": reader.text(marker["label"],
                                                              "a marker's label")})
    return Pack(path=folder, event=reader.text(top["event"], "event"),
                description=" ".join(reader.text(top["description"], "description").split()),
                markers=tuple(markers), terms=terms, actors=actors, **focus)


def _default(path: str | Path | None, name: str) -> Path:
    return Path(path) if path is not None else DEFAULT_PACK / name


_TOP_KEYS = {
    "terms": (("version", "categories", "terms"), ("description", "negation", "ignore")),
    "actors": (("version", "groups", "actors"), ("description", "labels", "ignore")),
}


_ENTRY_KEYS = {
    "terms": (("id", "category", "patterns"), ("note",)),
    "actors": (("id", "name", "group", "patterns"), ("note", "country", "requires_name")),
}


_ID = re.compile(r"[A-Za-z0-9_\-]+")


_COMMON_WORD = re.compile(r"[^\W\d_A-Z]+(?:[\s\-'’][^\W\d_A-Z]+)*")


_LANGUAGE = re.compile(r"[a-z]{2,3}")


#: The key of patterns for every language among patterns listed per language.
EVERY_LANGUAGE = "every"


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

    def pattern(self, node: yaml.Node, entry: str | None, language: str | None = None
                ) -> Pattern:
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
                       line=node.start_mark.line + 1, language=language)

    def patterns(self, node: yaml.Node, what: str, entry: str | None = None
                 ) -> tuple[Pattern, ...]:
        if isinstance(node, yaml.MappingNode) and not any(
                isinstance(key, yaml.ScalarNode) and key.value in ("pattern", "case_sensitive")
                for key, _ in node.value):
            return self.languages(node, what, entry)
        return tuple(self.pattern(item, entry) for item in self.items(node, what, entry))

    def languages(self, node: yaml.MappingNode, what: str, entry: str | None
                  ) -> tuple[Pattern, ...]:
        """Patterns listed per language: ``{en: [...], es: [...]}``."""
        found: list[Pattern] = []
        seen: set[str] = set()
        for key_node, value in node.value:
            code = self.text(key_node, f"a language of {what}", entry)
            if not (_LANGUAGE.fullmatch(code) or code == EVERY_LANGUAGE):
                self.fail(key_node, f"{what}: {code!r} is not a language code; write two or "
                                    "three lower-case letters (en, es, ru), or "
                                    f"{EVERY_LANGUAGE!r} for every language", entry)
            if code in seen:
                self.fail(key_node, f"language {code!r} appears twice in {what}; keep one",
                          entry)
            seen.add(code)
            found += [self.pattern(item, entry, None if code == EVERY_LANGUAGE else code)
                      for item in self.items(value, f"{what} ({code})", entry)]
        if not found:
            self.fail(node, f"{what} is empty; give at least one pattern", entry)
        return tuple(found)

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


def _compose(path: Path, what: str) -> tuple[bytes, yaml.Node | None]:
    """The bytes and YAML node tree of a file, or a :class:`LexiconError` naming the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LexiconError(f"{path}: no such {what}") from None
    try:
        return raw, yaml.compose(raw.decode("utf-8"), Loader=_YAML_LOADER)
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


def _load(path: Path, kind: str) -> Lexicon:
    raw, root = _compose(path, "lexicon file; pass path= or create it")
    reader = _Reader(path)
    if root is None:
        raise LexiconError(f"{path}: the file is empty; "
                           "see sourcebias.annotate.lexicon for its layout")
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
        labels = reader.fields(top["labels"], ((), ("titles", "modifiers", "qualifiers", "heads",
                                                   "followers")),
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
    owner: dict[tuple[str, str], list[tuple[str, Pattern]]] = {}
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
            # The same words may stand under two different languages.
            key = (category if kind == "terms" else "",
                   _squashed(pattern.text, lower=not pattern.case_sensitive))
            for other, first in owner.get(key, []):
                if None in (first.language, pattern.language) or (
                        first.language == pattern.language):
                    reader.fail(pattern.line, f"pattern {pattern.text!r} matches what "
                                f"{first.text!r} of entry {other!r} (line {first.line}) "
                                "matches; keep one", entry_id)
            owner.setdefault(key, []).append((entry_id, pattern))
        extra: dict = {}
        if "country" in keys:
            extra["country"] = reader.patterns(keys["country"], "country", entry_id)
        if "requires_name" in keys:
            extra["requires_name"] = reader.boolean(keys["requires_name"], "requires_name",
                                                    entry_id)
        entries.append(Entry(
            id=entry_id, category=category, patterns=patterns,
            name=reader.text(keys["name"], "name", entry_id) if "name" in keys else None,
            note=reader.text(keys["note"], "note", entry_id) if "note" in keys else None,
            line=item.start_mark.line + 1, **extra,
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
