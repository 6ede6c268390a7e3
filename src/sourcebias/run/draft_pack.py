"""A draft lexicon pack from suggestions, for a researcher to edit.

A pack is a folder with ``terms.yaml`` and ``actors.yaml`` (the schemas of
:mod:`sourcebias.annotate.lexicon`), an optional ``valence.yaml``, and ``pack.yaml``::

    event: Venezuela 2019          # a short name
    description: >                 # one paragraph for the notebooks' prose
      ...
    focus_terms: [coup, traitor]   # term ids of the headline figures
    focus_actors: [maduro]         # actor ids of the headline figures
    markers:                       # dated events for time series
      - {date: 2019-04-30, label: uprising}

:func:`write_draft_pack` writes every suggested term and actor as an entry
with a YAML comment saying where it came from, the label words of the pack it
extends, and ``suggested_terms.csv``, ``suggested_actors.csv`` and
``suggested_labels.csv`` with the full tables. The draft loads as it is
(:func:`sourcebias.annotate.lexicon.read_terms`), so a researcher can run it before
editing it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from sourcebias.stats.suggest import Suggestions, distinct_spellings

__all__ = ["write_draft_pack"]

#: Focus entries proposed in ``pack.yaml``.
FOCUS_TERMS = 6
FOCUS_ACTORS = 4


def write_draft_pack(suggestions: Suggestions, out_dir: str | Path) -> Path:
    """Write a draft pack and the suggestion tables into ``out_dir``.

    Parameters
    ----------
    suggestions : Suggestions
        From :func:`sourcebias.stats.suggest.suggest`.
    out_dir : str or Path
        Created if needed; ``terms.yaml``, ``actors.yaml``, ``pack.yaml`` and the
        ``suggested_*.csv`` files in it are replaced.

    Returns
    -------
    pathlib.Path
        ``out_dir``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    terms, actors = suggestions.terms, suggestions.actors
    term_ids = _ids(terms["term"])
    (out / "terms.yaml").write_text(_terms_yaml(suggestions, term_ids), encoding="utf-8")
    (out / "actors.yaml").write_text(_actors_yaml(suggestions), encoding="utf-8")
    (out / "pack.yaml").write_text(_pack_yaml(suggestions, term_ids), encoding="utf-8")
    terms.to_csv(out / "suggested_terms.csv", index=False)
    actors.to_csv(out / "suggested_actors.csv", index=False)
    suggestions.labels.to_csv(out / "suggested_labels.csv", index=False)
    return out


def _ids(values: pd.Series) -> list[str]:
    """Lexicon ids (letters, digits, ``_``) for each value, made unique in order."""
    seen: set[str] = set()
    ids = []
    for value in values:
        base = re.sub(r"[^A-Za-z0-9]+", "_", str(value)).strip("_") or "term"
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}_{n}"
        seen.add(candidate)
        ids.append(candidate)
    return ids


def _quoted(text: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def _whose(suggestions: Suggestions) -> str:
    if suggestions.target is None:
        return "each outlet"
    return f"{suggestions.by} {suggestions.target}"


def _header(suggestions: Suggestions, what: str) -> list[str]:
    return [
        f"# DRAFT {what}, suggested by `sourcebias suggest` from {suggestions.batch or 'a batch'}",
        f"# ({_whose(suggestions)} against the rest). Nothing here was checked",
        "# by a person: keep, merge, rename or delete entries, then bump `version`.",
        "",
        'version: "draft"',
    ]


def _terms_yaml(suggestions: Suggestions, ids: list[str]) -> str:
    lines = _header(suggestions, "loaded terms")
    lines += [
        "description: >",
        f"  Words and phrases distinctive of {_whose(suggestions)}'s own voice, as suggested.",
        "",
        "categories:",
        "  suggested:",
        "    name: suggested",
        "    description: suggested terms not yet sorted into categories",
        "",
        "terms:",
    ]
    count_columns = [c for c in suggestions.terms.columns if c.startswith("count_")]
    for term_id, row in zip(ids, suggestions.terms.to_dict("records"), strict=True):
        counts = ", ".join(f"{c[len('count_'):]} {int(row[c])}" for c in count_columns)
        lines += [
            f"  # rank {row['rank']}: score {row['score']}, G2 {row['statistic']}, "
            f"q {row['p_adjusted']:.3g}; counts: {counts}",
            f"  # from: {row['source']}",
            f"  - id: {term_id}",
            "    category: suggested",
            f"    patterns: [{_quoted(row['term'])}]",
        ]
    if suggestions.terms.empty:
        lines[-1] = "terms: []"
    return "\n".join(lines) + "\n"


def _actors_yaml(suggestions: Suggestions) -> str:
    words = suggestions.label_words
    lines = _header(suggestions, "actors")
    lines += [
        "description: >",
        "  Names frequent in the batch, spellings grouped, as suggested.",
        "",
        "groups:",
        "  suggested: suggested actors not yet sorted into groups",
        "",
        "# Label words copied from the pack the suggestions extend.",
        "labels:",
    ]
    for kind in ("titles", "modifiers", "qualifiers", "heads", "followers"):
        values = getattr(words, kind)
        lines.append(f"  {kind}: [{', '.join(_quoted(v) for v in values)}]")
    lines += ["", "actors:"]
    for row in suggestions.actors.itertuples(index=False):
        labels = suggestions.labels[suggestions.labels["actor"] == row.actor]
        seen = "; ".join(f"{label} ({count})" for label, count in
                         zip(labels["label"].head(5), labels["count"].head(5), strict=True))
        lines += [
            f"  # rank {row.rank}: {row.count} mentions; titles: {row.titles or 'none'}; "
            f"labels: {seen or 'none'}" + ("; already in the pack" if row.in_pack else ""),
            f"  # from: {row.source}",
            f"  - id: {row.actor}",
            f"    name: {_quoted(row.name)}",
            "    group: suggested",
            f"    patterns: [{', '.join(_quoted(v) for v in distinct_spellings(row.variants))}]",
        ]
    if suggestions.actors.empty:
        lines[-1] = "actors: []"
    return "\n".join(lines) + "\n"


def _pack_yaml(suggestions: Suggestions, term_ids: list[str]) -> str:
    focus_terms = ", ".join(term_ids[:FOCUS_TERMS])
    focus_actors = ", ".join(suggestions.actors["actor"].head(FOCUS_ACTORS))
    description = (f"Draft pack for {suggestions.batch or 'a batch'}: terms distinctive of "
                   f"{_whose(suggestions)}'s own voice and the names the coverage uses. "
                   "Replace this paragraph with what the event is and what the pack covers.")
    return "\n".join([
        "# DRAFT pack description, suggested by `sourcebias suggest`: edit every field.",
        f"event: {_quoted('draft: ' + (suggestions.batch or _whose(suggestions)))}",
        f"description: {_quoted(description)}",
        "# The first suggested terms and actors; choose the ones the headline figures show.",
        f"focus_terms: [{focus_terms}]",
        f"focus_actors: [{focus_actors}]",
        "# Dated events for time series, e.g. - {date: 2019-04-30, label: uprising}",
        "markers: []",
        "",
    ])
