"""Run every per-article layer on a batch and keep the tables together.

``analyze`` is what ``sourcebias analyze`` and the notebooks call: read the
batch once, segment and annotate it in chunks of articles, and return (or
write as Parquet) the tidy tables documented in :mod:`sourcebias.tables`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .actors import find_actors
from .batch import Batch, read_batch
from .export import atomic_path
from .lexicon import Lexicon, load_actors, load_terms, prepare_corpus
from .segment import segment
from .sentiment import score_sentiment
from .tables import COLUMNS
from .terms import find_terms

#: The tables ``analyze`` writes, in order, as ``<name>.parquet``.
TABLE_NAMES = (
    "articles", "excluded", "removed", "sentences", "voice", "hits", "mentions", "sentiment",
)
PER_ARTICLE_TABLES = ("sentences", "voice", "hits", "mentions", "sentiment")


@dataclass(frozen=True)
class Analysis:
    """The annotated tables of one batch.

    Attributes
    ----------
    name : str
        The batch's name (its folder or file stem).
    tables : dict of str to pandas.DataFrame
        One entry per name in :data:`TABLE_NAMES`.
    lexicons : dict
        For each lexicon used, its path, version and sha256.
    """

    name: str
    tables: dict[str, pd.DataFrame]
    lexicons: dict[str, dict[str, str]] = field(default_factory=dict)

    def __getattr__(self, item: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if item in tables:
            return tables[item]
        raise AttributeError(item)


def annotate(
    articles: pd.DataFrame,
    *,
    terms: Lexicon,
    actors: Lexicon,
    domain: bool = True,
) -> dict[str, pd.DataFrame]:
    """Segment and annotate a set of articles.

    Every step works one article at a time, so any partition of the
    articles gives the same rows.

    Parameters
    ----------
    articles : pandas.DataFrame
        An ``articles`` table (see :mod:`sourcebias.tables`).
    terms, actors : Lexicon
        The loaded-terms and actors lexicons.
    domain : bool, default True
        Also score sentiment with the domain valence entries, beside plain VADER.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sentences``, ``voice``, ``hits``, ``mentions`` and ``sentiment``.
    """
    sentences, voice = segment(articles)
    corpus = prepare_corpus(articles)
    return {
        "sentences": sentences,
        "voice": voice,
        "hits": find_terms(corpus, sentences=sentences, voice=voice, lexicon=terms),
        "mentions": find_actors(corpus, sentences=sentences, voice=voice, lexicon=actors),
        "sentiment": score_sentiment(sentences, voice=voice, articles=articles, domain=domain),
    }


def analyze(
    batch: str | Path | Batch,
    *,
    out: str | Path | None = None,
    terms: str | Path | Lexicon | None = None,
    actors: str | Path | Lexicon | None = None,
    domain: bool = True,
    read_options: dict | None = None,
) -> Analysis:
    """Read a batch and build every per-article table.

    Parameters
    ----------
    batch : str, Path or Batch
        A batch folder or table file (see :func:`sourcebias.batch.read_batch`),
        or a batch already read.
    out : str or Path, optional
        When given, write each table as ``<out>/<name>.parquet`` plus
        ``lexicons.json``. The folder is created if needed.
    terms, actors : str, Path or Lexicon, optional
        Lexicon files; the project's ``data/lexicons`` files by default.
    domain : bool, default True
        Score sentiment with and without the domain valence entries.
    read_options : dict, optional
        Keyword arguments for :func:`sourcebias.batch.read_batch`
        (for example ``{"text_column": "content"}``).

    Returns
    -------
    Analysis
    """
    if not isinstance(batch, Batch):
        batch = read_batch(batch, **(read_options or {}))
    terms = terms if isinstance(terms, Lexicon) else load_terms(terms)
    actors = actors if isinstance(actors, Lexicon) else load_actors(actors)
    tables = {"articles": batch.articles, "excluded": batch.excluded, "removed": batch.removed}
    tables |= annotate(batch.articles, terms=terms, actors=actors, domain=domain)
    analysis = Analysis(
        name=batch.name,
        tables=tables,
        lexicons={"terms": terms.describe(), "actors": actors.describe()},
    )
    if out is not None:
        write_tables(analysis, out)
    return analysis


def write_tables(analysis: Analysis, out: str | Path) -> Path:
    """Write an analysis as one Parquet file per table, byte-for-byte reproducibly.

    Parameters
    ----------
    analysis : Analysis
    out : str or Path
        Destination folder, created if needed.

    Returns
    -------
    Path
        The folder written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLE_NAMES:
        table = analysis.tables[name].reset_index(drop=True)
        with atomic_path(out / f"{name}.parquet") as tmp:
            table.to_parquet(tmp, index=False, compression="zstd")
    meta = {"batch": analysis.name, "lexicons": analysis.lexicons, "version": __version__}
    with atomic_path(out / "analysis.json") as tmp:
        tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return out


def load_tables(out: str | Path) -> Analysis:
    """Read the tables that :func:`write_tables` wrote.

    Parameters
    ----------
    out : str or Path
        A folder written by :func:`analyze` or ``sourcebias analyze``.

    Returns
    -------
    Analysis
    """
    out = Path(out)
    meta_file = out / "analysis.json"
    if not meta_file.exists():
        raise FileNotFoundError(
            f"{out}: no analysis.json here; run `sourcebias analyze BATCH --out {out}` first"
        )
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLE_NAMES}
    for name, table in tables.items():
        if name in COLUMNS:
            missing = set(COLUMNS[name]) - set(table.columns)
            if missing:
                raise ValueError(f"{out / (name + '.parquet')}: lacks column(s) {sorted(missing)}")
    return Analysis(name=meta["batch"], tables=tables, lexicons=meta["lexicons"])
