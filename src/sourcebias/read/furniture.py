"""Site furniture, repeated paragraphs and headlines (helpers of :mod:`sourcebias.read.batch`).

Articles are cut into lines once, thousands at a time: one table with a row per
line. The furniture rules of ``data/furniture.yaml`` mark the
lines (or line endings) to take out, paragraphs are rebuilt from the lines that
remain, and repeated paragraphs are dropped. Everything taken out becomes a row
of the ``removed`` table with its rule and 1-based line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from sourcebias.read.decode import HTML_BOILERPLATE
from sourcebias.tables import count_words

#: How far a rule reaches: the whole line; a match at the end of a line (only
#: the match goes); the line and the headline lines after it; or, at the end of
#: an article, a run of at least ``min_lines`` headline lines that each match.
SCOPES = ("line", "line-end", "line-and-headlines", "trailing-list")


REPEATED = "repeated-paragraph"


_SENTENCE_END = r"[.!?…:;][\"'”’)\]]*"


_UNUSUAL_SPACE = "[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"


_INVISIBLE = "[\u00ad\u200b-\u200d\u2060\ufeff]"


_CONTROL = "[\x00-\x08\x0e-\x1f\x7f-\x9f]"


#: Articles cleaned at a time.
CHUNK = 20_000


_MIN_TRUNCATED_WORDS = 5


_SAME_START = 10


_TRUNCATION_MARKS = " .…"


@dataclass(frozen=True)
class Rule:
    """One furniture pattern of ``data/furniture.yaml``."""

    id: str
    pattern: str
    scope: str
    description: str
    sets_date: bool = False
    min_lines: int = 3


@dataclass(frozen=True)
class Furniture:
    """The furniture rules and the shape of a headline line.

    Attributes
    ----------
    rules : tuple of Rule
    headline_max_words : int
        A line is headline-like when it has at most this many words and does
        not end like a sentence (``.``, ``!``, ``?``, ``…``, ``:`` or ``;``,
        possibly followed by closing quotes or brackets).
    max_line_chars : int
        Whole-line rules only look at lines this long or shorter.
    repeated_min_words : int
        Repeated paragraphs with fewer words are kept (speaker names in a
        transcript repeat on purpose).
    path : str
        Where the rules were read from.
    """

    rules: tuple[Rule, ...]
    headline_max_words: int
    max_line_chars: int
    repeated_min_words: int
    path: str


def load_furniture(path: str | Path) -> Furniture:
    """Read and check furniture rules from a YAML file.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Furniture

    Raises
    ------
    ValueError
        Naming the file, the rule and what to fix when a rule is malformed.
    """
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    rules = tuple(_rule(entry, number, path) for number, entry in
                  enumerate(spec.get("rules") or [], start=1))
    ids = [rule.id for rule in rules]
    repeated = sorted({i for i in ids if ids.count(i) > 1}
                      | ({REPEATED, HTML_BOILERPLATE} & set(ids)))
    if repeated:
        raise ValueError(f"{path}: rule id(s) {', '.join(repeated)} used twice or reserved; "
                         "give every rule its own id")
    return Furniture(rules, int(spec.get("headline_max_words", 20)),
                     int(spec.get("max_line_chars", 300)),
                     int(spec.get("repeated_min_words", 3)), str(path))


def _rule(entry: dict, number: int, path: str | Path) -> Rule:
    if not isinstance(entry, dict) or not {"id", "pattern", "scope"} <= entry.keys():
        raise ValueError(f"{path}, rule {number}: needs an id, a pattern and a scope")
    where = f"{path}, rule {number} ({entry['id']})"
    if entry["scope"] not in SCOPES:
        raise ValueError(f"{where}: unknown scope {entry['scope']!r}; "
                         f"use one of {', '.join(SCOPES)}")
    try:
        re.compile(entry["pattern"])
    except re.error as error:
        raise ValueError(f"{where}: the pattern is not a valid regular expression "
                         f"({error}); correct it") from None
    return Rule(
        id=str(entry["id"]), pattern=entry["pattern"], scope=entry["scope"],
        description=str(entry.get("description", "")).strip(),
        sets_date=bool(entry.get("sets_date", False)),
        min_lines=int(entry.get("min_lines", 3)),
    )


@dataclass(frozen=True)
class Cleaned:
    """What :func:`clean_texts` returns; every Series is indexed like its input."""

    text: pd.Series
    title: pd.Series
    dateline: pd.Series
    removed: pd.DataFrame
    notes: pd.DataFrame


def clean_texts(texts: pd.Series, furniture: Furniture) -> Cleaned:
    """Take site furniture and repeated paragraphs out of every text.

    Texts are cleaned ``CHUNK`` at a time, so that memory stays bounded however
    large the batch.

    Parameters
    ----------
    texts : pandas.Series of str
        Decoded article texts, indexed by a unique article key.
    furniture : Furniture

    Returns
    -------
    Cleaned
        ``text`` (paragraphs joined by blank lines), ``title`` (the first
        paragraph when it is headline-like, else null), ``dateline`` (the text
        of the first line removed by a ``sets_date`` rule, else null),
        ``removed`` (key, line, text, rule) and ``notes`` (key, note).
    """
    parts = [_clean_chunk(texts.iloc[start:start + CHUNK], furniture)
             for start in range(0, len(texts), CHUNK)] or [_clean_chunk(texts, furniture)]
    return Cleaned(*(pd.concat([getattr(part, field) for part in parts],
                               ignore_index=field in ("removed", "notes"))
                     for field in ("text", "title", "dateline", "removed", "notes")))


def _clean_chunk(texts: pd.Series, furniture: Furniture) -> Cleaned:
    texts, notes = _normalise(texts)
    lines = _split_lines(texts)
    cuts = _apply_rules(lines, furniture)
    paragraphs = _paragraphs(lines)
    paragraphs["repeat"] = _repeated(paragraphs, furniture.repeated_min_words)
    kept = paragraphs[~paragraphs["repeat"]]
    removed = pd.concat([
        lines.loc[lines["rule"].notna(), ["key", "line", "text", "rule"]],
        cuts,
        paragraphs.loc[paragraphs["repeat"], ["key", "line", "text"]].assign(rule=REPEATED),
    ], ignore_index=True).sort_values(["key", "line"], kind="stable", ignore_index=True)
    starts, text = join_runs(kept["text"], kept["key"].to_numpy(), "\n\n")
    first = kept["text"].iloc[starts].set_axis(kept["key"].iloc[starts])
    headline = first[~first.str.contains("\n") & _is_headline(first, furniture.headline_max_words)]
    date_rules = [rule.id for rule in furniture.rules if rule.sets_date]
    datelines = removed[removed["rule"].isin(date_rules)].groupby("key", sort=False)["text"].first()
    return Cleaned(
        text=text.set_axis(kept["key"].iloc[starts]).reindex(texts.index),
        title=headline.reindex(texts.index),
        dateline=datelines.reindex(texts.index),
        removed=removed.reset_index(drop=True),
        notes=pd.concat([notes, _removal_notes(removed)], ignore_index=True),
    )


def _normalise(texts: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Unify line endings and spaces; drop invisible and control characters."""
    odd = texts[texts.str.contains(f"[\r\t\v\f]|  |{_UNUSUAL_SPACE}|{_INVISIBLE}|{_CONTROL}")]
    counts = {
        "replaced {} unusual spaces (such as no-break spaces)": odd.str.count(_UNUSUAL_SPACE),
        "removed {} invisible characters": odd.str.count(_INVISIBLE),
        "removed {} control characters": odd.str.count(_CONTROL),
    }
    texts = texts.copy()
    texts[odd.index] = (
        odd.str.replace("\r\n?", "\n", regex=True)
        .str.replace(f"{_UNUSUAL_SPACE}|[\t\v\f]", " ", regex=True)
        .str.replace(f"{_INVISIBLE}|{_CONTROL}", "", regex=True)
        .str.replace(" {2,}", " ", regex=True)
    )
    notes = [
        pd.DataFrame({"key": count.index[count > 0],
                      "note": [template.format(n) for n in count[count > 0]]})
        for template, count in counts.items()
    ]
    return texts, pd.concat(notes, ignore_index=True)


def _split_lines(texts: pd.Series) -> pd.DataFrame:
    """One row per line: key, 1-based line number, stripped text, removing rule."""
    pieces = pc.split_pattern(as_arrow(texts), "\n")
    parent = pc.list_parent_indices(pieces).to_numpy()
    starts = pieces.offsets.to_numpy()[:-1] - pieces.offsets[0].as_py()
    text = pc.utf8_trim_whitespace(pieces.flatten())
    return pd.DataFrame({
        "key": texts.index.to_numpy()[parent],
        "line": np.arange(len(parent)) - starts[parent] + 1,
        "text": text.to_pandas(),
        "rule": pd.Series(np.nan, index=range(len(parent)), dtype="str"),
    })


def as_arrow(text: pd.Series) -> pa.Array:
    """The strings as one pyarrow array (nulls kept, no copy for Arrow-backed text)."""
    strings = pa.array(text, type=pa.large_string())
    return strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings


def _matches(text: pd.Series, pattern: str, *, whole: bool = True) -> pd.Series:
    """Whether each string matches ``pattern``, ignoring case: as a whole, or at its end.

    RE2 (through pyarrow) runs the patterns it can; Python's ``re`` the others
    (look-arounds, back-references).
    """
    anchored = f"^(?:{pattern})$" if whole else f"(?:{pattern})$"
    try:
        found = pc.match_substring_regex(as_arrow(text), anchored, ignore_case=True)
        return pd.Series(found.to_numpy(zero_copy_only=False), index=text.index, dtype=bool)
    except pa.ArrowInvalid:
        return text.str.contains(re.compile(anchored, re.IGNORECASE)).astype(bool)


def _apply_rules(lines: pd.DataFrame, furniture: Furniture) -> pd.DataFrame:
    """Mark whole lines in ``lines["rule"]``; return the line endings cut off."""
    by_scope = {scope: [r for r in furniture.rules if r.scope == scope] for scope in SCOPES}
    _mark_whole_lines(lines, by_scope["line"] + by_scope["line-and-headlines"],
                      furniture.max_line_chars)
    cuts = _cut_line_ends(lines, by_scope["line-end"])
    # the lines' texts are final from here on: which are headline-like is found once
    headline = _is_headline(lines["text"], furniture.headline_max_words)
    _follow_headlines(lines, by_scope["line-and-headlines"], headline)
    for rule in by_scope["trailing-list"]:
        _drop_trailing_list(lines, rule, headline)
    return cuts


def _mark_whole_lines(lines: pd.DataFrame, rules: list[Rule], max_chars: int) -> None:
    """One pass of one combined expression over every short non-blank line."""
    if not rules:
        return
    named = "|".join(f"(?P<r{n}>{rule.pattern})" for n, rule in enumerate(rules))
    short = lines.loc[(lines["text"] != "") & (lines["text"].str.len() <= max_chars), "text"]
    hits = short[_matches(short, "|".join(f"(?:{rule.pattern})" for rule in rules))]
    combined = re.compile(named, re.IGNORECASE)
    # a rule's own group closes last, so it is the match's ``lastgroup``
    names = pd.Series([combined.fullmatch(text).lastgroup for text in hits], index=hits.index,
                      dtype="str")
    lines.loc[names.index, "rule"] = names.map({f"r{n}": r.id for n, r in enumerate(rules)})


def _cut_line_ends(lines: pd.DataFrame, rules: list[Rule]) -> pd.DataFrame:
    """Cut matches at line ends (from the group named ``cut`` on, if the pattern
    has one); a line left empty is removed as a whole."""
    cuts = [pd.DataFrame(columns=["key", "line", "text", "rule"])]
    for rule in rules:
        live = lines.loc[lines["rule"].isna() & (lines["text"] != ""), "text"]
        hits = live[_matches(live, rule.pattern, whole=False)]
        ending = re.compile(f"(?:{rule.pattern})$", re.IGNORECASE)
        starts = [_cut_start(ending.search(text), ending) for text in hits]
        kept = pd.Series([t[:i].rstrip() for t, i in zip(hits, starts, strict=True)],
                         index=hits.index, dtype="str")
        cut = pd.Series([t[i:].strip() for t, i in zip(hits, starts, strict=True)],
                        index=hits.index, dtype="str")
        lines.loc[kept.index[kept == ""], "rule"] = rule.id
        partial = kept.index[kept != ""]
        lines.loc[partial, "text"] = kept[partial]
        cuts.append(lines.loc[partial, ["key", "line"]].assign(text=cut[partial], rule=rule.id))
    return pd.concat(cuts, ignore_index=True)


def _cut_start(match: re.Match[str], pattern: re.Pattern[str]) -> int:
    return match.start("cut") if "cut" in pattern.groupindex else match.start()


def _is_headline(text: pd.Series, max_words: int) -> pd.Series:
    """Short, and not ending like a sentence."""
    unended = text[(text != "") & ~_matches(text, _SENTENCE_END, whole=False)]
    words = count_words(unended)
    headline = pd.Series(False, index=text.index)
    headline[words.index] = (words > 0) & (words <= max_words)
    return headline


def _follow_headlines(lines: pd.DataFrame, rules: list[Rule], headline: pd.Series) -> None:
    """Remove the headline lines (``headline``, by line) that follow a line-and-headlines
    rule's line."""
    anchor = lines["rule"].isin([rule.id for rule in rules])
    live = lines[(lines["text"] != "") & (lines["rule"].isna() | anchor)]
    starts = (anchor[live.index] | ~headline[live.index]
              | (live["key"] != live["key"].shift()))
    run = starts.cumsum()
    run_rule = lines.loc[live.index, "rule"].where(anchor[live.index]).groupby(run).transform(
        "first")
    followers = run_rule.notna() & ~anchor[live.index]
    lines.loc[followers[followers].index, "rule"] = run_rule[followers]


def _drop_trailing_list(lines: pd.DataFrame, rule: Rule, headline: pd.Series) -> None:
    """Remove the last lines of an article when enough of them are headline-like
    (``headline``, by line) and match ``rule``."""
    live = lines.loc[(lines["text"] != "") & lines["rule"].isna(), ["key", "text"]]
    fits = headline[live.index]
    fits[fits] = _matches(live.loc[fits, "text"], rule.pattern)
    misfits = ~fits
    later_misfits = misfits[::-1].groupby(live["key"][::-1], sort=False).cumsum()[::-1]
    in_tail = later_misfits == 0
    tail_length = in_tail.groupby(live["key"], sort=False).transform("sum")
    dropped = in_tail & (tail_length >= rule.min_lines)
    lines.loc[dropped[dropped].index, "rule"] = rule.id


def _paragraphs(lines: pd.DataFrame) -> pd.DataFrame:
    """Join the remaining lines into paragraphs: key, line (of the first), text.

    Blank and removed lines end a paragraph. In a text without any blank line,
    every line is a paragraph of its own.
    """
    blank = lines["text"] == ""
    spaced = blank.groupby(lines["key"], sort=False).transform("any")
    breaks = blank | lines["rule"].notna()
    starts = ~breaks & (breaks.shift(fill_value=True) | ~spaced
                        | (lines["key"] != lines["key"].shift()))
    body = lines[~breaks]
    first, text = join_runs(body["text"], starts.cumsum()[~breaks].to_numpy(), "\n")
    return pd.DataFrame({"key": body["key"].to_numpy()[first],
                         "line": body["line"].to_numpy()[first], "text": text})


def join_runs(text: pd.Series, runs: np.ndarray, separator: str) -> tuple[np.ndarray, pd.Series]:
    """Join the strings of each run of equal consecutive ``runs`` values.

    Returns the position of each run's first string, and the joined strings.
    """
    first = np.flatnonzero(np.r_[True, runs[1:] != runs[:-1]]) if len(runs) else np.empty(0, int)
    lists = pa.LargeListArray.from_arrays(pa.array(np.r_[first, len(runs)], pa.int64()),
                                          as_arrow(text))
    joined = pc.binary_join(lists, pa.scalar(separator, pa.large_string()))
    return first, pd.Series(joined.to_pandas(), dtype="str")


def _repeated(paragraphs: pd.DataFrame, min_words: int) -> pd.Series:
    """Paragraphs that repeat an earlier one, or are a truncated copy of the next.

    Paragraphs compare ignoring case and line breaks; a repeat needs at least
    ``min_words`` words. A truncated copy has at least five words and, once a
    trailing ellipsis is removed, begins the next paragraph.
    """
    norm = paragraphs["text"].str.lower().str.replace("\n", " ", regex=False)
    repeat = pd.DataFrame({"key": paragraphs["key"], "norm": norm}).duplicated()
    repeat[repeat] = count_words(norm[repeat]) >= min_words
    rest = norm[~repeat]
    following = rest.groupby(paragraphs.loc[rest.index, "key"], sort=False).shift(-1)
    pairs = rest.index[following.notna()]
    pairs = pairs[rest[pairs].str[:_SAME_START] == following[pairs].str[:_SAME_START]]
    truncated = pd.Series([
        len(text) < len(after) and after.startswith(stem := text.rstrip(_TRUNCATION_MARKS))
        and len(stem.split()) >= _MIN_TRUNCATED_WORDS
        for text, after in zip(rest[pairs].to_numpy(dtype=object),
                               following[pairs].to_numpy(dtype=object), strict=True)
    ], index=pairs, dtype=bool)
    return repeat | truncated.reindex(repeat.index, fill_value=False)


def _removal_notes(removed: pd.DataFrame) -> pd.DataFrame:
    """One note per article and kind of removal, e.g. "removed 3 lines of site furniture"
    (``removed`` is sorted by key: each article's rows are together)."""
    furniture = removed[removed["rule"] != REPEATED]
    repeats = removed[removed["rule"] == REPEATED].groupby("key", sort=False).size()
    counts = furniture.groupby("key", sort=False).size()
    distinct = furniture.drop_duplicates(["key", "rule"])  # each rule once, as first used
    rules = join_runs(distinct["rule"], distinct["key"].to_numpy(), ", ")[1].set_axis(
        counts.index)
    return pd.concat([
        pd.DataFrame({"key": counts.index, "note": "removed " + counts.astype(str)
                      + " piece(s) of site furniture (" + rules + ")"}),
        pd.DataFrame({"key": repeats.index,
                      "note": "removed " + repeats.astype(str) + " repeated paragraph(s)"}),
    ], ignore_index=True)
