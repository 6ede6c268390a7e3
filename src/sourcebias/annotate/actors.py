"""Actor mentions, and the label each mention carries.

:func:`find_actors` finds every alias of the actors lexicon (``actors.yaml``;
pattern rules in :mod:`sourcebias.annotate.lexicon`) and reads, within the mention's
sentence, the phrase that names or describes the actor there. The rules use the
``labels`` word lists of ``actors.yaml`` (titles, modifiers, heads) and are
tried in this order; the first that applies gives ``label_kind``:

``premodifier``
    The run of title and modifier words right before the mention, which may
    start with nationality adjectives, acronyms or possessive names
    ("Venezuelan", "US", "Venezuela's") or qualifiers ("former", "senior") and
    must end with a title or modifier: "President Nicolás Maduro" →
    ``president``; "Venezuelan President Nicolás Maduro" → ``Venezuelan
    president``; 'self-proclaimed "interim president" Juan Guaidó' →
    ``self-proclaimed interim president``; "former Vice President Mike Pence" →
    ``former vice president``. A mention followed by a title or head word
    modifies that noun and takes no premodifier: in "a senior US official" and
    "the socialist Maduro regime" the words before describe the official and
    the regime. A lone participle after a word other than a determiner reads as
    a verb: "Voters elected Maduro" has no label, "the ousted Maduro" has
    ``ousted``.
``appositive``
    A noun phrase set off by commas. Before the mention, after "the", "a",
    "an" or a possessive name, made of title and modifier words ending with a
    title (optionally followed by an "of ..." phrase): "the democratically
    elected president, Maduro" → ``democratically elected president``; or any
    run of modifiers when it opens the sentence ("The self-proclaimed, Juan
    Guaidó"). After the mention, a phrase starting with "the", "a", "an" or a
    possessive name, holding a title word, at most 12 words, up to the next
    comma or the end of the sentence: "Maduro, a former bus driver and union
    leader," → ``a former bus driver and union leader``.
``possessive``
    A head word in the singular (optionally after modifiers) after "'s":
    "Maduro's regime" → ``regime``; "Maduro's top allies" are his followers, as
    below, and give no label.
``compound``
    A head word in the singular right after the mention: "the Maduro regime" →
    ``regime``. A head word in the plural there names people the name
    modifies, not the actor: "Maduro loyalists", "Guaidó supporters", "Guaidó
    traitors" are his followers, so the mention takes no label from them; so
    does a ``followers`` word of the lexicon in the singular ("a Maduro
    loyalist", "Maduro's closest ally").

``label`` is the phrase for counting: without quotation marks, with spaces,
hyphens and apostrophes normalised, and the words of the ``labels`` lists and
function words in lower case, while names keep their capitals ("U.S.
President" → ``U.S. president``, "head of the National Assembly" stays as it
is); ``label_surface`` keeps it as written, and ``label_start``/``label_end``, ``label_voice`` and
``label_scare`` place it (a label can be a scare quote while the name is not).

A mention that lies inside the premodifier, possessive or compound label of
another mention describes that actor and is not counted on its own: in
"opposition leader Juan Guaidó" the opposition is not a separate mention.

An alias written all in lower case in ``actors.yaml`` ("government", "the
military", "opposition") is a common word, not a name: its matches count as the
actor only in articles that also name the actor through another alias, or
another actor of its group, or one of the entry's ``country`` patterns, unless
the entry says ``requires_name: false``. "Partial government shutdown" in a
story about Washington is not the Maduro government; "the government" in a
story that names Maduro or Venezuela is.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sourcebias.annotate.folding import Corpus, prepare_corpus
from sourcebias.annotate.lexicon import LabelWords, Lexicon, read_actors
from sourcebias.annotate.matching import inside, match_lexicon
from sourcebias.segment.locate import containing, locate
from sourcebias.tables import COLUMNS, EXTRA_COLUMNS, WORD_PATTERN

#: Extra columns of the mentions table, after those of :data:`sourcebias.tables.COLUMNS`.


#: Characters of sentence read on each side of a mention.
CONTEXT = 300


#: Characters before a mention read for a premodifier.
PREMODIFIER_CHARS = 150


#: Longest appositive after a mention, in words.
MAX_APPOSITIVE_WORDS = 12


_QUOTE_CHARS = "\"“”„‘’'«»"


_QUOTE = f"[{_QUOTE_CHARS}]"


_BOUNDARY = r"(?<![\w'’‐‑-])"


#: A nationality adjective, an acronym or a possessive name ("Venezuelan", "US",
#: "U.S.", "Venezuela's"), then the same written backwards: the premodifier rule
#: reads the text before a mention from right to left, so that its regex is anchored.
_CAPITALISED = (r"(?:[A-Z][a-z]+(?:an|ese|ish|i|ic)|[A-Z]{2,5}|(?:[A-Z]\.){2,3}"
                r"|[A-Z][\w.\-]*['’]s)")


_CAPITALISED_REVERSED = (r"(?:(?:na|ese|hsi|i|ci)[a-z]+[A-Z]|[A-Z]{2,5}|(?:\.[A-Z]){2,3}"
                         r"|s['’][\w.\-]*?[A-Z])")


_POSSESSIVE_NAME = r"[A-Z][\w.\-]*['’]s"


_DETERMINER = r"(?i:the|a|an)\s+"


_PHRASE_END = r"[^,;:!?()\[\]\"“”\n]"


_FOLDED_KINDS = ("premodifier", "possessive", "compound")


@dataclass(frozen=True)
class _Rules:
    """The compiled label rules of one set of label words."""

    premodifier: re.Pattern
    before: re.Pattern
    opening: re.Pattern
    after: re.Pattern
    possessive: re.Pattern
    compound: re.Pattern
    title: re.Pattern
    noun_after: re.Pattern
    last_words: frozenset[str]
    head_words: frozenset[str]
    follower_words: frozenset[str]
    qualifier_words: frozenset[str]
    vocabulary: frozenset[str]
    may_end_label: str
    may_start_head: str


def _alternation(phrases: tuple[str, ...], *, reverse: bool = False) -> str:
    """A case-insensitive regex for any of the phrases (written backwards if
    ``reverse``); hyphens also match spaces."""
    if not phrases:
        return "(?!)"
    forms = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        words = [r"[-‐‑\s]?".join(map(re.escape, re.split(r"[-‐‑]", word)))
                 for word in (phrase[::-1] if reverse else phrase).split()]
        forms.append(r"\s+".join(words))
    return "(?i:" + "|".join(forms) + ")"


_HYPHEN_OR_SPACE = re.compile(r"[\s\-‐‑]+")


def _final_words(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_HYPHEN_OR_SPACE.split(phrase.lower())[-1] for phrase in phrases)


@functools.lru_cache(maxsize=8)
def _rules(words: LabelWords) -> _Rules:
    describing = words.titles + words.modifiers
    listed = _alternation(describing)
    title = _alternation(words.titles)
    head = _alternation(words.heads + words.followers)
    any_listed = _alternation(describing + words.qualifiers)
    token = f"{_QUOTE}*(?:{any_listed}|{_CAPITALISED}){_QUOTE}*"
    listed_token = f"{_QUOTE}*{listed}{_QUOTE}*"
    title_token = f"{_QUOTE}*{title}{_QUOTE}*"
    run = rf"(?:{token}\s+)*"
    backwards = _alternation(describing, reverse=True)
    backwards_any = _alternation(describing + words.qualifiers, reverse=True)
    last_words = _final_words(describing)
    head_words = _final_words(tuple(h.split()[0] for h in words.heads + words.followers))
    return _Rules(
        premodifier=re.compile(
            rf"(?P<tail>\s+)(?P<label>{_QUOTE}*{backwards}{_QUOTE}*"
            rf"(?:\s+{_QUOTE}*(?:{backwards_any}|{_CAPITALISED_REVERSED}){_QUOTE}*)*)"
            r"(?![\w'’‐‑-])"),
        before=re.compile(
            rf"^(?P<lead>.*){_BOUNDARY}(?:{_DETERMINER}|(?={_POSSESSIVE_NAME}\s))"
            rf"(?P<label>{run}{title_token}(?:\s+of\s+{_PHRASE_END}{{1,60}}?)?)"
            rf"(?P<tail>\s*,\s*)$", re.DOTALL),
        opening=re.compile(rf"^(?P<lead>{_QUOTE}*\s*){_DETERMINER}"
                           rf"(?P<label>{run}{listed_token})(?P<tail>\s*,\s*)$"),
        after=re.compile(
            rf"^(?P<lead>\s*,\s*)(?P<label>(?:{_DETERMINER}|(?={_POSSESSIVE_NAME}\s))"
            rf"{_PHRASE_END}{{1,100}}?)(?P<tail>\s*(?:[,;]|\.?\s*$))"),
        possessive=re.compile(rf"^(?P<lead>['’]s?\s+)"
                              rf"(?P<label>(?:{_QUOTE}*{any_listed}{_QUOTE}*\s+)*{head})"
                              r"(?![\w‐‑-])"),
        compound=re.compile(rf"^(?P<lead>\s+)(?P<label>{head})(?![\w‐‑-])"),
        title=re.compile(rf"(?<!\w){title}(?!\w)"),
        noun_after=re.compile(rf"\s+(?:{title}|{head})s?(?![\w‐‑-])"),
        last_words=last_words,
        head_words=head_words,
        qualifier_words=frozenset(q.lower() for q in words.qualifiers),
        follower_words=_final_words(words.followers),
        vocabulary=frozenset(word for phrase in describing + words.qualifiers + words.heads
                             + words.followers
                             for word in _HYPHEN_OR_SPACE.split(phrase) if word.islower()),
        may_end_label=rf"(?i)(?:{_any_of(last_words)})[^\pL\pN]*$",
        may_start_head=rf"^(?:['’]|[^\pL\pN]*(?i:{_any_of(head_words)}))",
    )


def _any_of(words: frozenset[str]) -> str:
    """An RE2 alternation of the words; for no words, a class that matches nothing
    (RE2 has no ``(?!)``)."""
    return "|".join(re.escape(word) for word in sorted(words)) or r"[^\x00-\x{10FFFF}]"


def find_actors(
    articles: pd.DataFrame | Corpus,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """Find actor mentions and the label attached to each.

    Parameters
    ----------
    articles : pandas.DataFrame or Corpus
        The ``articles`` table (``doc_id``, ``text``), or the :class:`Corpus`
        that :func:`sourcebias.annotate.folding.prepare_corpus` made of it (pass the same
        corpus to :func:`sourcebias.find_terms` to normalise once).
    sentences : pandas.DataFrame
        The ``sentences`` table of the same articles.
    voice : pandas.DataFrame
        The ``voice`` table of the same articles.
    lexicon : Lexicon, optional
        An actors lexicon; :func:`sourcebias.read_actors` by default.

    Returns
    -------
    pandas.DataFrame
        The ``mentions`` table of :mod:`sourcebias.tables` (``label`` and
        ``label_kind`` null where no rule applies), plus ``group`` (the
        actor's group), ``pattern`` (the alias matched) and the label's
        ``label_surface``, ``label_start``, ``label_end``, ``label_voice`` and
        ``label_scare``; by article and position.

    Examples
    --------
    >>> mentions = find_actors(articles, sentences=sentences, voice=voice)  # doctest: +SKIP
    >>> mentions.query("actor == 'guaido'")["label"].value_counts()  # doctest: +SKIP
    """
    lexicon = read_actors() if lexicon is None else lexicon
    if lexicon.kind != "actors":
        raise ValueError(f"{lexicon.path} is a {lexicon.kind} lexicon; pass an actors lexicon "
                         "(sourcebias.read_actors)")
    corpus = articles if isinstance(articles, Corpus) else prepare_corpus(articles)
    found = _named_in_article(match_lexicon(corpus, lexicon=lexicon).drop(columns="negator"),
                              lexicon)
    mentions = locate(found.rename(columns={"entry": "actor", "category": "group"}),
                      sentences=sentences, voice=voice)
    labels = _labels(mentions, corpus=corpus, sentences=sentences, rules=_rules(lexicon.labels))
    mentions = pd.concat([mentions, labels], axis=1)
    describing = mentions.loc[mentions["label_kind"].isin(_FOLDED_KINDS),
                              ["doc_id", "label_start", "label_end"]]
    mentions = mentions[~inside(mentions, describing.set_axis(["doc_id", "start", "end"], axis=1))]
    mentions = _place_labels(mentions.reset_index(drop=True), sentences=sentences, voice=voice)
    return mentions[[*COLUMNS["mentions"], *EXTRA_COLUMNS["mentions"]]]


def _named_in_article(found: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The alias matches, without those of common-word aliases in articles that
    name neither their actor otherwise, nor another actor of its group, nor its
    country; and without the country matches. ``category`` is the actor's group."""
    country = found["country"].to_numpy()
    common = [(entry.id, pattern.text) for entry in lexicon.entries if entry.requires_name
              for pattern in entry.patterns if pattern.common_word]
    doc, entry, pattern, group = (pd.factorize(found[column], use_na_sentinel=False)
                                  for column in ("doc_id", "entry", "pattern", "category"))
    entry_code = {value: code for code, value in enumerate(entry[1])}
    pattern_code = {value: code for code, value in enumerate(pattern[1])}
    n_patterns, n_entries, n_groups = len(pattern[1]), len(entry[1]), len(group[1])
    common_keys = [entry_code[e] * n_patterns + pattern_code[p] for e, p in common
                   if e in entry_code and p in pattern_code]
    is_common = np.isin(entry[0] * n_patterns + pattern[0], common_keys) & ~country
    named = ~is_common & ~country
    by_actor = doc[0] * n_entries + entry[0]
    by_group = doc[0] * n_groups + group[0]
    keep = ~country & (~is_common | np.isin(by_actor, by_actor[~is_common])
                       | np.isin(by_group, by_group[named]))
    return found[keep].drop(columns="country").reset_index(drop=True)


def _place_labels(mentions: pd.DataFrame, *, sentences: pd.DataFrame, voice: pd.DataFrame
                  ) -> pd.DataFrame:
    """Add ``label_voice`` and ``label_scare``: the voice where each label starts."""
    labelled = mentions["label"].notna().to_numpy()
    spans = pd.DataFrame({
        "doc_id": mentions.loc[labelled, "doc_id"],
        "start": mentions.loc[labelled, "label_start"].astype("int64"),
        "end": mentions.loc[labelled, "label_end"].astype("int64"),
    })
    placed = locate(spans, sentences=sentences, voice=voice)
    label_voice = pd.Series(pd.NA, index=mentions.index, dtype="str")
    label_scare = pd.Series(pd.NA, index=mentions.index, dtype="boolean")
    label_voice[labelled] = placed["voice"].to_numpy()
    label_scare[labelled] = placed["scare"].to_numpy()
    return mentions.assign(label_voice=label_voice, label_scare=label_scare)


_QUOTE_MARKS = re.compile(r"[\"“”„«»]|(?<!\w)['‘’]|['‘’](?!\w)")


_FIRST_WORD = re.compile(r"\s+(\w+)")


_HYPHEN = re.compile(r"[-‐‑]")


_WORD = re.compile(WORD_PATTERN)


def _labels(mentions: pd.DataFrame, *, corpus: Corpus, sentences: pd.DataFrame,
            rules: _Rules) -> pd.DataFrame:
    """The label columns of each mention, indexed like ``mentions``."""
    sentence = containing(mentions, sentences, what="sentence")
    start = mentions["start"].to_numpy("int64")
    end = mentions["end"].to_numpy("int64")
    sent_start = sentences["start"].to_numpy("int64")[sentence]
    left_from = np.maximum(sent_start, start - CONTEXT)
    right_to = np.maximum(end, np.minimum(sentences["end"].to_numpy("int64")[sentence],
                                          end + CONTEXT))
    left = corpus.slices(mentions["doc_id"], left_from, start)
    right = corpus.slices(mentions["doc_id"], end, right_to)
    lefts, rights = pa.array(left, pa.large_string()), pa.array(right, pa.large_string())
    found = [
        *_premodifiers(left, right, _rows(lefts, rules.may_end_label), start, rules),
        *_appositives_before(left, _rows(lefts, _MAY_END_WITH_COMMA), left_from,
                             left_from == sent_start, rules),
        *_appositives_after(right, _rows(rights, _MAY_START_WITH_COMMA), end, rules),
        *_heads(right, _rows(rights, rules.may_start_head), end, rules),
    ]
    table = pd.DataFrame(found, columns=["row", "priority", "label_kind", "label_surface",
                                         "label_start"])
    table = table.sort_values(["row", "priority"]).drop_duplicates("row").set_index("row")
    table = table.reindex(np.arange(len(mentions)))
    surface = table["label_surface"].astype("str")
    label_start = table["label_start"].astype("Int64")
    return pd.DataFrame({
        "label": _normalised(surface, rules.vocabulary),
        "label_kind": table["label_kind"].astype("str"),
        "label_surface": surface,
        "label_start": label_start,
        "label_end": label_start + surface.str.len().astype("Int64"),
    }).set_axis(mentions.index)


#: Prefilters run over all contexts at once (RE2, in Arrow): each lets through every
#: context its rule could apply to, and the rule itself then reads only those.
_MAY_END_WITH_COMMA = r",[^\pL\pN]*$"


_MAY_START_WITH_COMMA = r"^[^\pL\pN]*,"


def _rows(contexts: pa.Array, pattern: str) -> list[int]:
    """The rows of ``contexts`` in which the RE2 ``pattern`` matches."""
    return np.flatnonzero(pc.match_substring_regex(contexts, pattern)
                          .to_numpy(zero_copy_only=False)).tolist()


def _premodifiers(left: list[str], right: list[str], rows: list[int], ends: np.ndarray,
                  rules: _Rules) -> list[tuple]:
    """Title and modifier runs right before each mention (in the last
    :data:`PREMODIFIER_CHARS` of ``left``), unless the mention itself modifies a
    title or head noun after it ("a senior US official") or the run is a lone
    participle that reads as a verb ("Voters elected Maduro")."""
    found = []
    for row in rows:
        text = left[row][-PREMODIFIER_CHARS:]
        words = text.rsplit(None, 1)
        if not (words and _final_word(words[-1]) in rules.last_words):
            continue
        match = rules.premodifier.match(text[::-1])
        if not match:
            continue
        label, previous = match["label"][::-1], _last_word(text[:-match.end("label")])
        if not (_modifies_next_noun(label, previous, right[row], rules)
                or _reads_as_verb(label, previous)):
            found.append((row, 0, "premodifier", label, ends[row] - match.end("label")))
    return found


_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "its", "his",
                          "her", "their", "our", "your", "my"})


#: Words before a participle that show it is not a verb with a subject.
_NO_SUBJECT = _DETERMINERS | frozenset({
    "of", "for", "to", "in", "on", "at", "by", "with", "from", "against", "about", "into",
    "over", "under", "after", "before", "during", "behind", "between", "among", "amid",
    "toward", "towards", "via", "per", "like", "as", "than", "and", "or", "but", "nor"})


_PARTICIPLE = re.compile(r"(?:re-)?[^\W\d_]+ed")


def _last_word(text: str) -> str:
    """The last whitespace-separated word of ``text``, in lower case ("" if none)."""
    words = text.rsplit(None, 1)
    return words[-1].lower() if words else ""


def _modifies_next_noun(label: str, previous: str, right: str, rules: _Rules) -> bool:
    """Whether the mention is a modifier of the title or head noun after it, so
    that the run before describes that noun: the run starts with a qualifier or
    follows a determiner ("a senior US official", "the socialist Maduro regime",
    but not "President Maduro heads to Havana")."""
    first = _final_word(label.split(None, 1)[0].split("-")[0])
    return bool(rules.noun_after.match(right)) and (
        first in rules.qualifier_words or previous in _DETERMINERS)


def _reads_as_verb(label: str, previous: str) -> bool:
    """Whether a one-word label ending in "-ed" reads as a verb after its subject:
    the word before is neither a determiner, a preposition nor a conjunction, nor
    an adverb or a verb itself ("Voters elected Maduro"; not "the ousted Maduro",
    "support for embattled Maduro", "legitimately elected", "backed embattled")."""
    return bool(_PARTICIPLE.fullmatch(label) and previous.isalpha()
                and previous not in _NO_SUBJECT and not previous.endswith(("ly", "ed")))


@functools.lru_cache(maxsize=1 << 16)
def _final_word(token: str) -> str:
    """The last hyphen-separated part of a token, without quotation marks, in lower case."""
    return _HYPHEN.split(token.strip(_QUOTE_CHARS))[-1].lower()


def _appositives_before(left: list[str], rows: list[int], offset: np.ndarray,
                        whole_sentence: np.ndarray, rules: _Rules) -> list[tuple]:
    found = []
    for row in rows:
        text = left[row]
        if text.rstrip().endswith(","):
            match = rules.before.search(text) or (
                rules.opening.search(text) if whole_sentence[row] else None)
            if match:
                found.append((row, 1, "appositive", match["label"],
                              offset[row] + match.start("label")))
    return found


def _appositives_after(right: list[str], rows: list[int], offset: np.ndarray, rules: _Rules
                       ) -> list[tuple]:
    found = []
    for row in rows:
        text = right[row]
        if text.lstrip().startswith(","):
            match = rules.after.match(text)
            if match and rules.title.search(match["label"]) and len(
                    _WORD.findall(match["label"])) <= MAX_APPOSITIVE_WORDS:
                found.append((row, 2, "appositive", match["label"],
                              offset[row] + match.start("label")))
    return found


#: An English plural noun: "-s" but not "-ss" or "-us" ("loyalists", "forces",
#: "cronies"; not "campus"), or "-men" ("henchmen").
_PLURAL = re.compile(r"(?i)(?:[^\Wsu]s|men)$")


def _heads(right: list[str], rows: list[int], offset: np.ndarray, rules: _Rules
           ) -> list[tuple]:
    """Possessive heads ("Maduro's regime") and compound heads ("the Maduro regime")
    in the singular after each mention; a plural head ("Maduro loyalists",
    "Maduro's henchmen") or a follower word ("a Maduro loyalist") names the
    actor's followers and gives no label."""
    found = []
    for row in rows:
        text = right[row]
        if text[:1] in ("'", "’"):
            match, priority, kind = rules.possessive.match(text), 3, "possessive"
        else:
            first = _FIRST_WORD.match(text)
            if not (first and first[1].lower() in rules.head_words):
                continue
            match, priority, kind = rules.compound.match(text), 4, "compound"
        if match and (_PLURAL.search(match["label"])
                      or _last_word(match["label"]) in rules.follower_words):
            continue  # "Maduro loyalists", "a Maduro loyalist": they are not Maduro
        if match:
            found.append((row, priority, kind, match["label"],
                          offset[row] + match.start("label")))
    return found


def _normalised(labels: pd.Series, vocabulary: frozenset[str]) -> pd.Series:
    """Labels for counting: no quotation marks, one space between words, and the
    label words (``vocabulary``) and function words in lower case, while names keep
    their capitals (see :func:`_cased`)."""
    codes, uniques = pd.factorize(labels)  # each distinct label is read once
    plain = (pd.Series(uniques, dtype="str").str.replace(_QUOTE_MARKS, "", regex=True)
             .str.replace(r"[‐‑]", "-", regex=True)
             .str.replace(r"[’‘ʼ]", "'", regex=True)
             .str.replace(r"\s+", " ", regex=True)
             .str.strip())
    cased = np.array([_cased(label, vocabulary) for label in plain] + [None], dtype=object)
    return pd.Series(cased[codes], index=labels.index, dtype="str")  # code -1 (null): None


_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "and", "or", "in", "for", "to", "at", "on"})


_LABEL_PART = re.compile(r"[^\s\-]+|[\s\-]+")


_SEPARATOR = re.compile(r"[\s\-]+")


_NAME_MODIFIER = re.compile(_CAPITALISED)


def _cased(label: str, vocabulary: frozenset[str]) -> str:
    """A label with its label and function words in lower case, keeping names.

    ``vocabulary`` holds the words of the ``labels`` lists written in lower case
    there ("president", "backed"; not "US" of "US-backed"). Capitalised words
    are read in runs ("Venezuelan President", "National Assembly"). In a run
    whose other words are all nationalities, acronyms or possessive names, the
    words of ``vocabulary`` go to lower case and those keep their capitals:
    "U.S. President" -> "U.S. president", "Venezuelan Foreign Minister" ->
    "Venezuelan foreign minister". Any other run is a name and keeps its
    capitals: "the National Assembly", "the Armed Forces", "the State
    Department". Function words ("The", "of") always go to lower case. An
    all-capital nationality ("VENEZUELAN PRESIDENT") is read as a name.
    """
    parts = _LABEL_PART.findall(label)
    words = [i for i, part in enumerate(parts) if not _SEPARATOR.fullmatch(part)]
    run: list[int] = []
    for i in [*words, None]:
        capital = i is not None and parts[i][:1].isupper() and parts[i].lower() not in (
            _FUNCTION_WORDS)
        if capital:
            run.append(i)
            continue
        if run and all(_bare(parts[j]) in vocabulary or _NAME_MODIFIER.fullmatch(parts[j])
                       for j in run):
            for j in run:
                if _bare(parts[j]) in vocabulary:
                    parts[j] = parts[j].lower()
        run = []
        if i is not None and (parts[i].lower() in _FUNCTION_WORDS
                              or parts[i].lower() in vocabulary):
            parts[i] = parts[i].lower()
    return "".join(parts)


def _bare(word: str) -> str:
    """A word in lower case without a possessive ending."""
    return re.sub(r"'s?$", "", word.lower())
