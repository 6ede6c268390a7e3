"""Annotating one chunk of articles: segment, terms, actors, sentiment and the summary part."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from sourcebias.annotate.actors import find_actors
from sourcebias.annotate.attributed import mark_spans, mark_tables, resolve_attributions
from sourcebias.annotate.folding import Corpus, article_languages, prepare_corpus
from sourcebias.annotate.lexicon import Lexicon
from sourcebias.annotate.mention_tone import score_mentions
from sourcebias.annotate.sentiment import LOG, score_sentiment
from sourcebias.annotate.terms import find_terms
from sourcebias.run.cache import (
    Cache,
    digest,
)
from sourcebias.run.sources import _SUMMARY_COLUMNS, _Chunk
from sourcebias.run.store import table_schema, to_arrow
from sourcebias.run.stream import (
    Stats,
)
from sourcebias.segment.attribution import find_attributions
from sourcebias.segment.sentences import segment_articles
from sourcebias.stats.overview import merge_language_counts, outlet_summary
from sourcebias.tables import ATTRIBUTED_COLUMNS, PER_ARTICLE_TABLES, TONE_COLUMNS

_FOLD_EVERY = 64



@dataclass(frozen=True)
class _Settings:
    """What every chunk is annotated with, and which tables to return.

    ``versions`` holds the code version of each cached stage (``segment``,
    ``corpus``, ``sentiment``, ``hits``, ``mentions``, ``attributions``, ``targets``,
    ``summary``),
    lexicon hashes included. The attributions are found from the segmentation alone
    (cached as ``found``), then their sources are resolved to actors from the mentions,
    so the key of the resolved ``attributions`` is made from the mentions' key; the tone
    toward each mention (``targets``) from the keys of the mentions and the sentiment.
    ``partitions`` is the output folder of a run on Dask; ``handover`` the folder where
    local workers leave each chunk's tables for the calling process.
    """

    terms: Lexicon
    actors: Lexicon
    domain: bool
    valence: Path
    cache: Cache
    versions: dict[str, str]
    tables: tuple[str, ...] = PER_ARTICLE_TABLES
    partitions: Path | None = None
    handover: Path | None = None

    def keys(self, digests: bytes) -> dict[str, str]:
        """Cache keys of each stage's result for articles with these digests."""
        segmented = digest(self.versions["segment"], digests)
        keys = {"segment": segmented, "corpus": digest(self.versions["corpus"], digests)} | {
            stage: digest(self.versions[stage], segmented)
            for stage in ("sentiment", "hits", "mentions")}
        return keys | {"found": digest(self.versions["attributions"], segmented),
                       "attributions": digest(self.versions["attributions"], keys["mentions"]),
                       "targets": digest(self.versions["targets"], keys["mentions"],
                                         keys["sentiment"])}


@dataclass(frozen=True)
class _Result:
    """A chunk's tables (Arrow), what each stage cost, and its partial outlet summary
    with the chunk's (outlet, outlet_group) pairs; ``files`` holds the tables that were
    left in files instead (Arrow IPC, by table name)."""

    tables: dict[str, pa.Table]
    stats: Stats
    summary: pd.DataFrame
    groups: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)


def _arrow(table: pd.DataFrame) -> pa.Table:
    return to_arrow(table, table_schema(tuple(table.columns)))


#: The sentence columns that placing hits, mentions and attributions needs (all but the texts).
_SENTENCE_SPANS = ("doc_id", "sent_id", "para_id", "is_title", "start", "end")


@dataclass
class _Segmentation:
    """A chunk's ``sentences`` and ``voice`` (Arrow tables), converted to pandas only as
    far as a stage needs: matching a lexicon never converts the sentence texts."""

    tables: dict[str, pa.Table]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def sentences(self, *, texts: bool = True) -> pd.DataFrame:
        """The sentences, with their texts or only where they are."""
        if "sentences" not in self.frames and ("spans" not in self.frames or texts):
            table = self.tables["sentences"]
            name = "sentences" if texts else "spans"
            self.frames[name] = (table if texts else table.select(list(_SENTENCE_SPANS))
                                 ).to_pandas()
        return self.frames.get("sentences", self.frames.get("spans"))

    def voice(self) -> pd.DataFrame:
        if "voice" not in self.frames:
            self.frames["voice"] = self.tables["voice"].to_pandas()
        return self.frames["voice"]


def _annotate_chunk(chunk: _Chunk, settings: _Settings) -> _Result:
    """The per-article tables of one chunk that ``settings.tables`` names, as Arrow tables,
    each from the cache when it is there."""
    stats = Stats()
    articles = chunk.articles
    size = {"articles": len(articles), "chars": int(articles["text"].str.len().sum())}
    keys = settings.keys(chunk.digests)
    cache = settings.cache
    with stats.stage("segment", **size) as record:
        tables = cache.load("segment", keys["segment"], ("sentences", "voice"))
        if tables is None:
            sentences, voice = segment_articles(articles)
            tables = {"sentences": _arrow(sentences), "voice": _arrow(voice)}
            segmentation = _Segmentation(tables, {"sentences": sentences, "voice": voice})
            cache.store("segment", keys["segment"], tables)
            record.computed = 1
        else:
            segmentation = _Segmentation(tables)
            record.cached = 1
    marked = [name for name in ATTRIBUTED_COLUMNS if name in settings.tables]
    attributions = None
    if marked or "attributions" in settings.tables:
        with stats.stage("attribution", **size):
            attributions = cache.load("attributions", keys["attributions"], ("attributions",))
    wanted = {name for name in ("hits", "mentions") if name in settings.tables}
    if attributions is None and (marked or "attributions" in settings.tables):
        wanted.add("mentions")
    with stats.stage("terms+actors", **size) as record:
        corpus = None
        for name, find, lexicon in (("hits", find_terms, settings.terms),
                                    ("mentions", find_actors, settings.actors)):
            if name not in wanted:
                continue
            found = cache.load(name, keys[name], (name,))
            if found is None:
                corpus = corpus or _corpus(articles, cache, keys["corpus"])
                found = {name: _arrow(find(corpus, sentences=segmentation.sentences(texts=False),
                                           voice=segmentation.voice(), lexicon=lexicon))}
                cache.store(name, keys[name], found)
                record.computed += 1
            else:
                record.cached += 1
            tables |= found
    if marked or "attributions" in settings.tables:
        with stats.stage("attribution", **size) as record:
            if attributions is None:
                found = cache.load("found", keys["found"], ("found",))
                if found is None:
                    found = {"found": _arrow(find_attributions(
                        articles, segmentation.sentences(texts=False), segmentation.voice()))}
                    cache.store("found", keys["found"], found)
                attributions = {"attributions": _arrow(resolve_attributions(
                    found["found"].to_pandas(), sentences=segmentation.sentences(texts=False),
                    mentions=tables["mentions"].to_pandas(), actors=settings.actors))}
                cache.store("attributions", keys["attributions"], attributions)
                record.computed = 1
            else:
                record.cached = 1
            tables |= attributions
            tables |= _marked(tables, segmentation, marked)
    if "sentiment" in settings.tables or "mentions" in settings.tables:
        with stats.stage("sentiment", **size) as record:
            scored = cache.load("sentiment", keys["sentiment"], ("sentiment",))
            if scored is None:
                scored = {"sentiment": _arrow(score_sentiment(
                    segmentation.sentences(), voice=segmentation.voice(), articles=articles,
                    domain=settings.domain, valence=settings.valence, warn_languages=False))}
                cache.store("sentiment", keys["sentiment"], scored)
                record.computed = 1
            else:
                record.cached = 1
        tables |= scored
    if "mentions" in settings.tables:
        with stats.stage("targets", **size) as record:
            tone = cache.load("targets", keys["targets"], ("targets",))
            if tone is None:
                tone = {"targets": pa.Table.from_pandas(score_mentions(
                    tables["mentions"].to_pandas(), segmentation.sentences(),
                    tables["sentiment"].to_pandas()), preserve_index=False)}
                cache.store("targets", keys["targets"], tone)
                record.computed = 1
            else:
                record.cached = 1
            mentions = tables["mentions"]
            for column in TONE_COLUMNS:
                mentions = mentions.append_column(column, tone["targets"][column])
            tables["mentions"] = mentions.cast(table_schema(tuple(mentions.schema.names)))
    with stats.stage("summary", **size) as record:
        counted = articles[list(_SUMMARY_COLUMNS)]
        key = digest(settings.versions["summary"], keys["segment"],
                     pd.util.hash_pandas_object(counted, index=False).to_numpy().tobytes())
        summary = cache.load("summary", key, ("summary", "groups"))
        if summary is None:
            summary = {"summary": outlet_summary(articles, sentences=segmentation.sentences(),
                                                 voice=segmentation.voice()),
                       "groups": counted[["outlet", "outlet_group"]].drop_duplicates()}
            summary = {name: pa.Table.from_pandas(table, preserve_index=False)
                       for name, table in summary.items()}
            cache.store("summary", key, summary)
            record.computed = 1
        else:
            record.cached = 1
    return _Result({name: tables[name] for name in settings.tables}, stats,
                   summary["summary"].to_pandas(), summary["groups"].to_pandas())


def _marked(tables: dict[str, pa.Table], segmentation: _Segmentation,
            names: list[str]) -> dict[str, pa.Table]:
    """The tables ``names`` with ``attributed`` and ``source_actor`` added
    (:func:`sourcebias.annotate.attributed.mark_tables`); the voice spans are cut at content
    boundaries, and the sentence texts are never converted."""
    attributions = tables["attributions"].to_pandas()
    out = {}
    for name in names:
        if name == "voice":
            out[name] = _arrow(mark_tables({"voice": segmentation.voice()}, attributions)["voice"])
            continue
        frame = (segmentation.sentences(texts=False) if name == "sentences"
                 else tables[name].select(["doc_id", "start", "end"]).to_pandas())
        spans = mark_spans(frame[["doc_id", "start", "end"]], attributions, name=name)
        table = tables[name]
        for column in ATTRIBUTED_COLUMNS[name]:
            table = table.append_column(column, pa.array(spans[column].to_numpy(),
                                                         from_pandas=True))
        out[name] = table.cast(table_schema(tuple(table.schema.names)))
    return out


def _corpus(articles: pd.DataFrame, cache: Cache, key: str) -> Corpus:
    """The articles normalised for matching (:func:`sourcebias.annotate.folding.prepare_corpus`),
    from the cache when it holds them: the normalisation does not depend on the lexicons.

    The normalised chunks are cached as they are (pickled, in one Arrow cell), so the
    cache follows whatever :mod:`sourcebias.annotate.lexicon` keeps in them. They are
    written uncompressed: LZ4 shrinks their text by about 40% at three times the CPU
    time of writing it plain, and reading them back is faster too.
    """
    stored = cache.load("corpus", key, ("corpus",))
    if stored is not None:
        chunks = pickle.loads(stored["corpus"]["chunks"][0].as_py())
        return Corpus(doc_ids=pd.Index(articles["doc_id"]),
                      texts=articles["text"].fillna("").astype(str).tolist(), chunks=chunks,
                      languages=article_languages(articles))
    corpus = prepare_corpus(articles)
    cache.store("corpus", key, {"corpus": pa.table({"chunks": pa.array(
        [pickle.dumps(corpus.chunks, protocol=pickle.HIGHEST_PROTOCOL)], pa.large_binary())})},
        compress=False)
    return corpus


def warn_unscored_languages(summary: pd.DataFrame) -> None:
    """Log once for a whole run how many articles are in a language VADER does not score.

    The chunks' sentiment stages do not warn (:func:`sourcebias.score_sentiment`'s
    ``warn_languages``); the outlet summary's ``languages`` counts say the same once.
    """
    if "languages" not in summary.columns:
        return
    counts = merge_language_counts(pd.Series(summary["languages"].to_numpy(),
                                             index=np.zeros(len(summary), dtype=int)))
    if counts.empty:
        return
    other = {code: int(n) for code, n in (item.split(": ") for item in counts.iloc[0].split("; "))
             if code not in ("en", "und")}
    if other:
        LOG.warning(
            f"sentiment: the sentences of {sum(other.values())} article(s) not in English "
            f"({', '.join(f'{code}: {n}' for code, n in other.items())}) are left unscored "
            "(NaN): VADER is English only")


def combine_summaries(parts: list[pd.DataFrame], groups: pd.DataFrame) -> pd.DataFrame:
    """The :func:`sourcebias.outlet_summary` of a batch from those of its parts.

    Counts add up (``languages`` too, per language); ``quote_share = n_words_quote /
    n_words`` (NaN without words) and ``narrator_share = 1 - quote_share`` are
    computed from the sums, and ``outlet_group`` joins the outlet's distinct groups
    in sorted order with ``"; "`` (null when it has none), as ``outlet_summary`` does.

    Parameters
    ----------
    parts : list of pandas.DataFrame
        ``outlet_summary`` of each part of the articles (by outlet).
    groups : pandas.DataFrame
        ``outlet`` and ``outlet_group`` of the articles (repeats allowed).

    Returns
    -------
    pandas.DataFrame
        One row per outlet, sorted by outlet, with the columns of ``outlet_summary``.
    """
    counts = ["n_articles", "n_duplicates", "n_words", "n_words_narrator", "n_words_quote",
              "n_sentences"]
    totals = pd.concat(parts).groupby("outlet", sort=True)[counts].sum()
    joined = groups.groupby("outlet")["outlet_group"].agg(
        lambda g: "; ".join(sorted(g.dropna().astype("str").unique())))
    n_words = totals["n_words"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        quote_share = np.where(n_words > 0, totals["n_words_quote"].to_numpy() / n_words, np.nan)
    table = totals.reset_index().assign(
        outlet_group=totals.index.map(joined.replace("", None)),
        narrator_share=1 - quote_share, quote_share=quote_share)
    if "languages" in parts[0].columns:
        every = pd.concat(parts)
        table["languages"] = totals.index.map(merge_language_counts(
            every["languages"].set_axis(every["outlet"].to_numpy())))
    return table[list(parts[0].columns)].astype(parts[0].dtypes.to_dict())


class _Summaries:
    """The partial outlet summaries of the chunks annotated so far, folded together every
    :data:`_FOLD_EVERY` chunks so that they stay small."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []
        self.groups: list[pd.DataFrame] = []

    def add(self, summary: pd.DataFrame, groups: pd.DataFrame) -> None:
        self.parts.append(summary)
        self.groups.append(groups)
        if len(self.parts) >= _FOLD_EVERY:
            self.groups = [pd.concat(self.groups).drop_duplicates()]
            self.parts = [combine_summaries(self.parts, self.groups[0])]

    def result(self) -> pd.DataFrame:
        """The outlet summary of every chunk added."""
        return combine_summaries(self.parts, pd.concat(self.groups))
