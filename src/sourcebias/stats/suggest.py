"""Suggestions for a new lexicon pack: loaded terms, actors and the labels they carry.

A researcher who starts on a new event needs a first list of the words outlets
use in their own voice, the people and bodies they name, and how they name
them. Nothing here is added to a pack silently: each function returns a ranked
table that says where every candidate came from, and
:func:`sourcebias.run.draft_pack.write_draft_pack` turns the tables into a draft
the researcher edits.

Terms (:func:`suggest_terms`)
    Unigrams and bigrams of the target's narrator text (its own voice, quotations
    cut out), tokenised by :class:`sourcebias.stats.tokens.Tokenizer` (abbreviations
    whole, accents and apostrophes folded, house style left out), compared with
    every other outlet's narrator text by the signed log-likelihood ratio G2
    (Dunning 1993, "Accurate methods for the statistics of surprise and
    coincidence", *Computational Linguistics* 19(1); quanteda's conditional
    0.5 cell shift, see :func:`sourcebias.keyness`), with
    Benjamini-Hochberg adjusted p values (``p_adjusted``) over every term
    compared. Only content words are kept: no word of scikit-learn's English
    stop list, of :data:`LIGHT_WORDS`, no contraction, no proper noun (a word
    written with a capital in more than half of its uses: those are actors),
    and no term that the pack already matches as a whole. The ``score`` that
    ranks them is G2, times :data:`NEGATIVE_WEIGHT` when a word of the term has
    a negative valence in VADER's lexicon (Hutto & Gilbert, ICWSM 2014): a
    loaded term mostly condemns, where a topic word only names. (Weighting
    every rated word, positive ones too, ranked worse on the dev data.)
Actors (:func:`suggest_actors`)
    Runs of capitalised words in every sentence, cut after their last title word
    ("Venezuelan President Nicolás Maduro" -> "Nicolás Maduro", title
    ``president``) and without leading or trailing stop words or words mostly
    written in lower case inside sentences ("The", "But", "Seven").
    Spellings are grouped when they fold to the same letters (Guaidó =
    Guaido), when a full name's first name is close to another's with the same
    surname (Nicolas/Nicholas Maduro), or when a one-word name is that surname
    or close to it (Gaido -> Guaidó). "Close" is a similarity ratio of at least
    :data:`NAME_SIMILARITY` (:class:`difflib.SequenceMatcher`, twice the matched
    characters over the characters of both).
Labels (:func:`suggest_labels`)
    The suggested actors as a lexicon, read by the label extractor
    (:func:`sourcebias.find_actors`) with the pack's label words: the
    words before, after or in apposition to each actor, counted per outlet.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from sourcebias.annotate.actors import find_actors
from sourcebias.annotate.folding import prepare_corpus
from sourcebias.annotate.lexicon import Entry, Lexicon, Pattern, read_actors, read_terms
from sourcebias.annotate.matching import match_lexicon
from sourcebias.stats.counts import term_counts
from sourcebias.stats.keyness import keyness
from sourcebias.stats.tokens import HONORIFICS, fold_texts, normalise

__all__ = ["Suggestions", "suggest", "suggest_actors", "suggest_labels", "suggest_terms"]

#: Words with no stance of their own that scikit-learn's stop list lacks: verbs of
#: saying, knowing and trying, and discourse nouns. Chosen by reading the top of the
#: ranking on the BABE dev file (benchmarks/validate_suggest.py), which it was tuned on.
LIGHT_WORDS = frozenset("""
    like know knew think thought believe want wants wanted try trying tried way far example
    addition moment sense thing things going got getting make makes making said says say told
    asked called including according just really also people time year years new use used
    come comes went goes look looking
""".split())
#: Factor on G2 for a term holding a word that VADER rates negative (tuned on BABE dev).
NEGATIVE_WEIGHT = 2.0
#: Share of capitalised uses above which a word is a name.
PROPER_SHARE = 0.5
#: Similarity ratio from which two spellings are one name.
NAME_SIMILARITY = 0.8
#: Calendar words that are capitalised but name no one.
CALENDAR = frozenset("""
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
""".split())
#: Short titles of house style, besides the pack's titles.
SHORT_TITLES = (*HONORIFICS, "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "prof",
                             "senator", "governor", "representative", "congressman",
                             "congresswoman", "mayor", "judge", "justice", "pope", "king",
                             "queen", "prince", "sheikh", "ayatollah", "general", "colonel")

#: Every upper-case letter of the Basic Multilingual Plane, as a regex class.
_UPPER = "[" + "".join(re.escape(chr(c)) for c in range(0x10000) if chr(c).isupper()) + "]"
_NAME_WORD = rf"{_UPPER}[\w'’\-]*"
_NAME_RUN = re.compile(rf"(?:(?<=\s)|^)({_NAME_WORD}(?:\s+{_NAME_WORD})*)")
_OPENING_WORD = re.compile(r"^\W*\w+")
_PREVIOUS = re.compile(r"[^\W\d_][\w\-]*")


@dataclass(frozen=True)
class Suggestions:
    """What :func:`suggest` found, ready for :func:`sourcebias.run.draft_pack.write_draft_pack`.

    Attributes
    ----------
    terms, actors, labels : pandas.DataFrame
        The tables of :func:`suggest_terms`, :func:`suggest_actors` and
        :func:`suggest_labels`.
    target : str or None
        The outlet or group whose voice the terms describe (None: every outlet).
    by : str
        The articles column that holds ``target``.
    batch : str
        Where the articles came from, for the draft's comments.
    label_words : sourcebias.annotate.lexicon.LabelWords
        The label words used (copied into the draft ``actors.yaml``).
    """

    terms: pd.DataFrame
    actors: pd.DataFrame
    labels: pd.DataFrame
    target: str | None
    by: str
    batch: str
    label_words: object


def target_column(articles: pd.DataFrame, target: str) -> str:
    """``outlet`` when ``target`` is an outlet, else ``outlet_group`` when it is a group."""
    for column in ("outlet", "outlet_group"):
        if column in articles and (articles[column] == target).any():
            return column
    outlets = ", ".join(map(str, sorted(articles["outlet"].dropna().unique())[:10]))
    raise ValueError(f"target {target!r} is neither an outlet nor an outlet group of the batch "
                     f"(outlets: {outlets}, ...)")


# --------------------------------------------------------------------------- terms


def suggest_terms(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    target: str,
    terms: Lexicon | None = None,
    n: int = 100,
    min_count: int = 3,
    ngram_range: tuple[int, int] = (1, 2),
) -> pd.DataFrame:
    """Candidate loaded terms: words and phrases of the target's own voice.

    Parameters
    ----------
    articles, sentences, voice : pandas.DataFrame
        The batch's tables (:func:`sourcebias.segment_articles`).
    target : str
        An outlet or outlet group (:func:`target_column`), compared with all others.
    terms : Lexicon, optional
        The pack's terms; a candidate it matches as a whole is left out.
        The default pack's by default.
    n : int
        How many candidates to return.
    min_count : int
        Fewest uses in the target's narrator text.
    ngram_range : (int, int)
        Word n-grams counted.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``term``, ``score`` (the ranking value, see the module),
        ``statistic`` (signed G2), ``p_adjusted`` (Benjamini-Hochberg),
        ``significant`` (``p_adjusted < 0.05``), ``log_ratio`` (Hardie's, log2),
        ``negative`` (holds a word VADER rates negative), ``n_target``,
        ``n_reference``, ``count_<group>`` for each outlet or group,
        ``example_1``, ``example_2`` (sentences of the target that use it) and
        ``source``.
    """
    by = target_column(articles, target)
    counts = term_counts(articles, sentences=sentences, voice=voice, by=by,
                         ngram_range=ngram_range)
    table = keyness(counts, target=target, measure="lr")
    table = table[(table["statistic"] > 0) & (table["n_target"] >= min_count)]
    proper = _proper_words(sentences["text"])
    table = table[[_is_content(term, proper) for term in table["term"]]]
    table = table[~_in_pack(table["term"], terms if terms is not None else read_terms())]
    negative = _negative_words()
    table = table.assign(negative=[any(w in negative for w in t.split())
                                   for t in table["term"]])
    table = table.assign(score=table["statistic"] * np.where(table["negative"],
                                                              NEGATIVE_WEIGHT, 1.0))
    table = table.sort_values(["score", "term"], ascending=[False, True]).head(n)
    per_group = (counts[counts["term"].isin(table["term"])]
                 .pivot(index="term", columns="group", values="count")
                 .reindex(table["term"]).fillna(0).astype("int64"))
    per_group.columns = [f"count_{g}" for g in per_group.columns]
    examples = _examples(articles, sentences, by, target, table["term"].tolist())
    result = pd.DataFrame({
        "rank": np.arange(1, len(table) + 1),
        "term": table["term"].to_numpy(),
        "score": table["score"].round(3).to_numpy(),
        "statistic": table["statistic"].round(3).to_numpy(),
        "p_adjusted": table["p_adjusted"].to_numpy(),
        "significant": (table["p_adjusted"] < 0.05).to_numpy(),
        "log_ratio": table["log_ratio"].round(3).to_numpy(),
        "negative": table["negative"].to_numpy(),
        "n_target": table["n_target"].to_numpy(),
        "n_reference": table["n_reference"].to_numpy(),
    })
    result = pd.concat([result, per_group.reset_index(drop=True), examples], axis=1)
    result["source"] = (f"keyness (G2) of {by} {target!r} narrator text against the rest"
                        + np.where(result["negative"], ", negative word (VADER)", ""))
    return result


def _is_content(term: str, proper: frozenset[str]) -> bool:
    return not any(word in ENGLISH_STOP_WORDS or word in LIGHT_WORDS or word in proper
                   or "'" in word for word in term.split())


def _proper_words(texts: pd.Series) -> frozenset[str]:
    """Folded lower-case words written with a capital in more than :data:`PROPER_SHARE`
    of their uses inside sentences (a sentence's first word, capitalised anyway, is not read)."""
    shares = _capital_shares(texts)
    return frozenset(shares.index[shares > PROPER_SHARE])


def _lower_case_words(texts: pd.Series) -> frozenset[str]:
    """Words written in lower case in most of their uses inside sentences, and stop words."""
    shares = _capital_shares(texts)
    return frozenset(shares.index[shares <= PROPER_SHARE]) | ENGLISH_STOP_WORDS


def _capital_shares(texts: pd.Series) -> pd.Series:
    """Share of capitalised uses of each folded lower-case word inside sentences."""
    vectorizer = CountVectorizer(lowercase=False, token_pattern=r"(?u)\b[^\W\d_]\w+\b",
                                 dtype=np.int64)
    inside = pd.Series(fold_texts(texts.tolist())).str.replace(_OPENING_WORD, "", regex=True)
    counts = np.asarray(vectorizer.fit_transform(inside).sum(axis=0)).ravel()
    forms = pd.Series(vectorizer.get_feature_names_out())
    capital = forms.str[0].str.isupper().to_numpy()
    lower = forms.str.lower()
    total = pd.Series(counts).groupby(lower).sum()
    capitalised = pd.Series(counts * capital).groupby(lower).sum()
    return capitalised / total


def _in_pack(candidates: pd.Series, lexicon: Lexicon) -> np.ndarray:
    """Whether the pack matches each candidate as a whole (its patterns, its folding)."""
    texts = pd.DataFrame({"doc_id": np.arange(len(candidates)).astype(str),
                          "text": candidates.to_numpy()})
    hits = match_lexicon(prepare_corpus(texts), lexicon=lexicon)
    hits = hits[~hits["country"]]
    whole = hits["start"].eq(0) & hits["end"].eq(texts["text"].str.len().to_numpy()[
        hits["doc_id"].astype(int).to_numpy()])
    covered = np.zeros(len(candidates), dtype=bool)
    covered[hits.loc[whole, "doc_id"].astype(int).to_numpy()] = True
    return covered


def _negative_words() -> frozenset[str]:
    """The words VADER's lexicon rates below 0."""
    return frozenset(w for w, v in SentimentIntensityAnalyzer().lexicon.items() if v < 0)


def _examples(articles: pd.DataFrame, sentences: pd.DataFrame, by: str, target: str,
              terms: list[str], per_term: int = 2) -> pd.DataFrame:
    """The first ``per_term`` sentences of the target (from different articles when it can)
    that hold each term as whole words, found in one Aho-Corasick pass."""
    columns = [f"example_{i + 1}" for i in range(per_term)]
    ids = articles.loc[articles[by] == target, "doc_id"]
    pool = sentences[sentences["doc_id"].isin(ids)]
    if not terms or pool.empty:
        return pd.DataFrame(index=range(len(terms)), columns=columns, dtype=object)
    folded = [" ".join(normalise(t).split()) for t in fold_texts(pool["text"].tolist())]
    starts = np.cumsum([0] + [len(t) + 1 for t in folded])
    text = "\n".join(folded)
    matcher = ahocorasick_rs.AhoCorasick(terms)
    found: dict[int, list[int]] = {i: [] for i in range(len(terms))}
    for index, start, end in matcher.find_matches_as_indexes(text, overlapping=True):
        row = int(np.searchsorted(starts, start, side="right") - 1)
        if len(found[index]) >= per_term or (found[index] and found[index][-1] == row):
            continue
        if (start == 0 or not text[start - 1].isalnum()) and (
                end == len(text) or not (text[end].isalnum() or text[end] == "-")):
            found[index].append(row)
    originals = pool["text"].to_numpy(dtype=object)
    return pd.DataFrame([[" ".join(str(originals[r]).split()) for r in found[i]]
                         + [None] * (per_term - len(found[i])) for i in range(len(terms))],
                        columns=columns)


# --------------------------------------------------------------------------- actors


def suggest_actors(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    actors: Lexicon | None = None,
    by: str = "outlet",
    n: int = 30,
    min_count: int = 3,
) -> pd.DataFrame:
    """Candidate actors: frequent capitalised names, their spellings grouped.

    Parameters
    ----------
    articles, sentences : pandas.DataFrame
    actors : Lexicon, optional
        The pack's actors, whose label titles are cut off names and counted.
        The default pack's by default.
    by : str
        The articles column whose groups are counted.
    n : int
        How many actors to return.
    min_count : int
        Fewest mentions.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``actor`` (an id), ``name`` (the commonest full spelling),
        ``variants`` (every spelling, commonest first, ``"; "``-separated),
        ``count``, ``count_<group>`` for each group, ``titles`` (the titles
        seen before it, with counts), ``in_pack`` (a spelling is already a
        pattern of the pack) and ``source``.
    """
    lexicon = actors if actors is not None else read_actors()
    titles = frozenset(w for t in lexicon.labels.titles + SHORT_TITLES for w in t.lower().split()
                       if w not in ENGLISH_STOP_WORDS)
    names = _names(sentences, _lower_case_words(sentences["text"]), titles, lexicon)
    if names.empty:
        return pd.DataFrame(columns=["rank", "actor", "name", "variants", "count", "titles",
                                     "source"])
    group = articles.set_index("doc_id")[by]
    names["group"] = group.reindex(names["doc_id"]).to_numpy()
    names["key"] = [" ".join(k.lower().split()) for k in fold_texts(names["name"].tolist())]
    canonical = _group_spellings(names["key"].value_counts())
    names["actor_key"] = names["key"].map(canonical)
    rows = []
    for key, mentions in names.groupby("actor_key", sort=False):
        if len(mentions) < min_count or mentions["opening"].all():
            continue  # too rare, or only ever a capitalised first word
        spellings = mentions["name"].value_counts()
        full = [s for s in spellings.index if " " in s] or list(spellings.index)
        title_counts = mentions["title"].dropna().value_counts()
        surname = key.split()[-1]
        named = surname if (mentions["key"] == surname).any() else key
        row = {"actor": re.sub(r"\W+", "_", named).strip("_") or "actor",
               "name": full[0], "variants": "; ".join(spellings.index), "count": len(mentions),
               "in_pack": bool(mentions["in_pack"].any()),
               "titles": "; ".join(f"{t} ({c})" for t, c in title_counts.head(5).items())}
        row.update({f"count_{g}": int(c) for g, c in mentions["group"].value_counts().items()})
        rows.append(row)
    table = pd.DataFrame(rows).sort_values(["count", "name"], ascending=[False, True]).head(n)
    table["actor"] = _unique_ids(table["actor"])
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    counts = sorted(c for c in table.columns if c.startswith("count_"))
    table[counts] = table[counts].fillna(0).astype("int64")
    table["source"] = "capitalised names in all sentences, spellings grouped"
    return table[["rank", "actor", "name", "variants", "count", *counts, "titles", "in_pack",
                  "source"]
                 ].reset_index(drop=True)


def _names(sentences: pd.DataFrame, lower_case: frozenset[str], titles: frozenset[str],
           lexicon: Lexicon) -> pd.DataFrame:
    """Every name in the sentences: ``doc_id``, ``name``, the ``title`` before it,
    ``in_pack`` and ``opening`` (a one-word name that opens its sentence)."""
    rows = []
    known = {" ".join(p.lower().split())
             for p in fold_texts([p.text for e in lexicon.entries for p in e.patterns])}
    for doc_id, text in zip(sentences["doc_id"].to_numpy(), sentences["text"].to_numpy(),
                            strict=True):
        text = str(text)
        for match in _NAME_RUN.finditer(text):
            words = match.group(1).split()
            bare = [_bare(w) for w in words]
            last_title = max((i for i, b in enumerate(bare) if b in titles), default=-1)
            first_title = last_title
            while first_title > 0 and bare[first_title - 1] in titles:
                first_title -= 1
            title = " ".join(bare[first_title:last_title + 1]) or None
            words = words[last_title + 1:]
            opening = last_title < 0 and match.start() == len(text) - len(text.lstrip())
            while words and _bare(words[0]) in lower_case:
                words, opening = words[1:], False
            while words and _bare(words[-1]) in lower_case:
                words = words[:-1]
            words = [w[:-2] if re.search(r"['’]s$", w) else w for w in words]
            if not words or any(_bare(w) in CALENDAR for w in words):
                continue
            if title is None:
                before = [_bare(w) for w in _PREVIOUS.findall(text[max(0, match.start() - 60):
                                                                  match.start()])]
                kept = list(itertools.takewhile(lambda w: w in titles, reversed(before)))
                title = " ".join(reversed(kept)) or None
            name = " ".join(words)
            rows.append((doc_id, name, title, " ".join(_bare(w) for w in words) in known,
                         opening and len(words) == 1))
    return pd.DataFrame(rows, columns=["doc_id", "name", "title", "in_pack", "opening"])


@functools.lru_cache(maxsize=65536)
def _bare(word: str) -> str:
    folded = fold_texts([word])[0].lower()
    return re.sub(r"['\-]s$|[^\w\-]", "", folded)


def _group_spellings(keys: pd.Series) -> dict[str, str]:
    """Map each folded spelling to the commonest spelling of its name.

    Full names with the same surname and close first names are one name; a
    one-word name equal or close to the surname of a full name joins the
    commonest such full name; other one-word names join a commoner close one.
    """
    canonical = {key: key for key in keys.index}
    order = list(keys.index)  # commonest first
    full = [k for k in order if " " in k]
    for i, key in enumerate(full):
        for earlier in full[:i]:
            if canonical[earlier] != earlier:
                continue
            a, b = key.split(), earlier.split()
            if a[-1] == b[-1] and len(a) == len(b) and _close(" ".join(a[:-1]), " ".join(b[:-1])):
                canonical[key] = earlier
                break
    heads = [k for k in full if canonical[k] == k]
    singles = [k for k in order if " " not in k]
    for i, key in enumerate(singles):
        surname = next((h for h in heads if h.split()[-1] == key), None) or next(
            (h for h in heads if _close(h.split()[-1], key)), None)
        if surname is None:
            surname = next((s for s in singles[:i] if canonical[s] == s and _close(s, key)), None)
        if surname is not None:
            canonical[key] = canonical[surname]
    return canonical


def _close(a: str, b: str) -> bool:
    if min(len(a), len(b)) < 4:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def _unique_ids(ids: pd.Series) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for value in ids:
        seen[value] = seen.get(value, 0) + 1
        unique.append(value if seen[value] == 1 else f"{value}_{seen[value]}")
    return unique


def distinct_spellings(variants: str) -> list[str]:
    """The ``"; "``-separated spellings that differ once folded (the first of each), as
    lexicon patterns must, without a trailing apostrophe ("Republicans'" is "Republicans")."""
    spellings = [spelling.rstrip("'’") for spelling in str(variants).split("; ")]
    keys = [" ".join(k.lower().split()) for k in fold_texts(spellings)]
    first: dict[str, str] = {}
    for key, spelling in zip(keys, spellings, strict=True):
        first.setdefault(key, spelling)
    return list(first.values())


# --------------------------------------------------------------------------- labels


def actors_lexicon(actors: pd.DataFrame, *, label_words: object,
                   path: str | Path = "suggested actors") -> Lexicon:
    """The suggested actors as an actors :class:`~sourcebias.annotate.lexicon.Lexicon` (one
    case-insensitive pattern per spelling), with the given label words."""
    entries = tuple(
        Entry(id=row.actor, category="suggested", name=row.name, note=None, line=0,
              patterns=tuple(Pattern(text=v, case_sensitive=False, line=0)
                             for v in distinct_spellings(row.variants)))
        for row in actors.itertuples(index=False))
    return Lexicon(kind="actors", path=Path(path), sha256="", version="draft", entries=entries,
                   categories=(("suggested", "suggested actors"),), labels=label_words)


def suggest_labels(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    actors: pd.DataFrame,
    label_words: object | None = None,
    by: str = "outlet",
) -> pd.DataFrame:
    """The labels the label extractor finds around each suggested actor.

    Parameters
    ----------
    articles, sentences, voice : pandas.DataFrame
    actors : pandas.DataFrame
        The table of :func:`suggest_actors`.
    label_words : sourcebias.annotate.lexicon.LabelWords, optional
        Titles, modifiers and heads; the default pack's by default.
    by : str
        The articles column whose groups are counted.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``actor``, ``label``, ``label_kind`` (premodifier, appositive,
        possessive or compound: before, in apposition to, or after the name),
        ``count``, ``count_<group>`` and ``source``; ranked by count within the
        order of ``actors``.
    """
    columns = ["rank", "actor", "label", "label_kind", "count", "source"]
    if actors.empty:
        return pd.DataFrame(columns=columns)
    words = label_words if label_words is not None else read_actors().labels
    mentions = find_actors(articles, sentences=sentences, voice=voice,
                           lexicon=actors_lexicon(actors, label_words=words))
    mentions = mentions[mentions["label"].notna()]
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    mentions = mentions.assign(group=articles.set_index("doc_id")[by]
                               .reindex(mentions["doc_id"]).to_numpy())
    counts = (mentions.groupby(["actor", "label", "label_kind"]).size().rename("count")
              .reset_index())
    per_group = (mentions.groupby(["actor", "label", "label_kind", "group"]).size()
                 .unstack("group", fill_value=0).add_prefix("count_").reset_index())
    table = counts.merge(per_group, on=["actor", "label", "label_kind"])
    order = {actor: i for i, actor in enumerate(actors["actor"])}
    table = table.sort_values(["actor", "count", "label"], ascending=[True, False, True],
                              key=lambda s: s.map(order) if s.name == "actor" else s)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["source"] = "label extractor (sourcebias.annotate.actors) around the suggested actor"
    return table.reset_index(drop=True)


# --------------------------------------------------------------------------- all three


def suggest(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    target: str | None = None,
    terms: Lexicon | None = None,
    actors: Lexicon | None = None,
    batch: str = "",
    n_terms: int = 100,
    n_actors: int = 30,
) -> Suggestions:
    """Terms, actors and labels for a draft pack, in one call.

    Parameters
    ----------
    articles, sentences, voice : pandas.DataFrame
    target : str, optional
        The outlet or group whose terms are suggested (:func:`suggest_terms`);
        by default every outlet in turn against the rest, the ``n_terms`` best
        scores of all kept (a ``target`` column says whose voice each is).
    terms, actors : Lexicon, optional
        The pack the suggestions extend; the default pack by default.
    batch : str
        Where the articles came from, for the draft's comments.
    n_terms, n_actors : int

    Returns
    -------
    Suggestions
    """
    by = target_column(articles, target) if target is not None else "outlet"
    actors_lexicon_ = actors if actors is not None else read_actors()
    targets = [target] if target is not None else sorted(articles["outlet"].dropna().unique())
    term_table = pd.concat([
        suggest_terms(articles, sentences=sentences, voice=voice, target=t, terms=terms,
                      n=n_terms).assign(target=t)
        for t in targets], ignore_index=True)
    count_columns = [c for c in term_table.columns if c.startswith("count_")]
    term_table = (term_table.sort_values(["score", "term"], ascending=[False, True])
                  .drop_duplicates("term").head(n_terms).reset_index(drop=True))
    term_table[count_columns] = term_table[count_columns].fillna(0).astype("int64")
    term_table["rank"] = np.arange(1, len(term_table) + 1)
    actor_table = suggest_actors(articles, sentences=sentences, actors=actors_lexicon_, by=by,
                                 n=n_actors)
    labels = suggest_labels(articles, sentences=sentences, voice=voice, actors=actor_table,
                            label_words=actors_lexicon_.labels, by=by)
    return Suggestions(terms=term_table, actors=actor_table, labels=labels, target=target,
                       by=by, batch=batch, label_words=actors_lexicon_.labels)
