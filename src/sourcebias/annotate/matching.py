"""Every lexicon pattern matched in one Aho-Corasick pass over the folded corpus."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs
import numpy as np
import pandas as pd

from sourcebias.annotate.folding import (
    _APOSTROPHES,
    _BOUNDARIES,
    _HYPHENS,
    Corpus,
    _Chunk,
    _fold,
    _squashed,
)
from sourcebias.annotate.lexicon import Lexicon, Pattern

_ENTRY, _NEGATOR, _IGNORE, _NOT_NEGATING, _COUNTRY = 0, 1, 2, 3, 4


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
    source_language: np.ndarray
    languages: tuple[str, ...]


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
    sources += [(pattern, _COUNTRY, i, -1)
                for i, entry in enumerate(lexicon.entries) for pattern in entry.country]
    languages = tuple(sorted({p.language for p, *_ in sources if p.language is not None}))
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
        source_language=np.array([-1 if p.language is None else languages.index(p.language)
                                  for p, *_ in sources], dtype=np.int64),
        languages=languages,
    )


def _match_chunk(compiled: _Compiled, chunk: _Chunk) -> tuple[np.ndarray, ...]:
    """Article row, start, end (original offsets) and source pattern of each match."""
    matches = compiled.automaton.find_matches_as_indexes(chunk.text, overlapping=True)
    found = np.fromiter(itertools.chain.from_iterable(matches), dtype=np.int64,
                        count=3 * len(matches)).reshape(-1, 3)
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


def _language_fits(compiled: _Compiled, corpus: Corpus, doc: np.ndarray, source: np.ndarray
                   ) -> np.ndarray:
    """Whether each match's pattern is for its article's language: a pattern for
    every language always is, and so is any pattern in an article of unknown language."""
    pattern_language = compiled.source_language[source]
    if corpus.languages is None or not compiled.languages:
        return np.ones(doc.size, dtype=bool)
    known = pd.Series(corpus.languages).notna().to_numpy()
    code = pd.Categorical(corpus.languages, categories=compiled.languages).codes.astype(np.int64)
    code = np.where(known, np.where(code < 0, len(compiled.languages), code), -1)[doc]
    return (pattern_language < 0) | (code < 0) | (pattern_language == code)


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


MATCH_COLUMNS = ("doc_id", "start", "end", "entry", "category", "pattern", "surface", "negator",
                 "country")


def match_lexicon(corpus: Corpus, *, lexicon: Lexicon, negator_surfaces: bool = True
                  ) -> pd.DataFrame:
    """Find every entry and negation word of a lexicon in one pass over the corpus.

    Applies the pattern rules, the languages, the ``ignore`` phrases and the
    overlap rule of :mod:`sourcebias.annotate.lexicon`. :func:`sourcebias.find_terms` and
    :func:`sourcebias.find_actors` build their tables from this one.

    Parameters
    ----------
    corpus : Corpus
        From :func:`prepare_corpus`.
    lexicon : Lexicon
    negator_surfaces : bool, default True
        False leaves ``surface`` null on the negators' rows, which then cost no
        slicing of the texts (:func:`sourcebias.find_terms` never reads them).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``start``, ``end`` (offsets into the article text),
        ``entry`` (entry id, null for negators), ``category`` (category or
        group), ``pattern`` (as written), ``surface`` (the text as written),
        ``negator`` (True for negation words) and ``country`` (True for the
        ``country`` patterns of actors, with the entry they belong to; they
        take no part in the overlap rule), by article, start and end.
    """
    compiled = _compile(lexicon)
    parts = [_match_chunk(compiled, chunk) for chunk in corpus.chunks]
    doc, start, end, source = (np.concatenate([p[i] for p in parts]) if parts
                               else np.zeros(0, dtype=np.int64) for i in range(4))
    sensitive = np.flatnonzero(compiled.source_sensitive[source])
    fits = _language_fits(compiled, corpus, doc, source)
    fits[sensitive] &= _case_fits(_surfaces(corpus, doc[sensitive], start[sensitive],
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
    countries = np.flatnonzero(fits & (role == _COUNTRY))
    take = np.concatenate((np.flatnonzero(entries), negators, countries))
    take = take[np.lexsort((end[take], start[take], doc[take]))]
    entry = compiled.source_entry[source[take]]
    names = [name for name, _ in lexicon.categories]
    category = np.array([names.index(e.category) for e in lexicon.entries] + [-1])[entry]
    pattern_codes, pattern_texts = pd.factorize(np.array([p.text for p in compiled.patterns]))
    surface = np.full(take.size, None, dtype=object)
    written = take if negator_surfaces else take[entry >= 0]
    surface[slice(None) if negator_surfaces else entry >= 0] = _surfaces(
        corpus, doc[written], start[written], end[written])
    return pd.DataFrame({
        "doc_id": corpus.doc_ids.take(doc[take]),
        "start": start[take],
        "end": end[take],
        "entry": _strings(entry, [e.id for e in lexicon.entries]),
        "category": _strings(category, names),
        "pattern": _strings(pattern_codes[source[take]], pattern_texts),
        "surface": pd.Series(surface, dtype="str"),
        "negator": entry < 0,
        "country": role[take] == _COUNTRY,
    })


def _surfaces(corpus: Corpus, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray
              ) -> list[str]:
    """The original text of each match (article row, start, end)."""
    texts = corpus.texts
    return [texts[r][a:b] for r, a, b in zip(rows.tolist(), starts.tolist(), ends.tolist(),
                                              strict=True)]


def _strings(codes: np.ndarray, values: Sequence[str]) -> pd.Series:
    """``values[code]`` for each code (null for -1), as a string column."""
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="str")
                     .take(codes, allow_fill=True))
