"""Run every per-article layer on a batch and keep the tables together.

``analyze`` is what ``sourcebias analyze`` and the notebooks call: read the
batch once, segment and annotate it in chunks of articles, and return (or
write as Parquet) the tidy tables documented in :mod:`sourcebias.tables`.

How a batch goes through
------------------------
1. *Read*: the batch is read in parts (:class:`sourcebias.read.batch.BatchReader`),
   cleaned in ``jobs`` worker processes, and kept as Parquet in the cache (or a
   temporary folder); duplicates are flagged once every part is read, from a
   compact fingerprint per article. The result is the same as
   :func:`sourcebias.read_batch`'s.
2. *Annotate*: the articles go in chunks of ``chunk_size`` to the workers (or
   to the tasks of a Dask cluster). Each chunk is segmented, matched against
   the lexicons and scored for sentiment on its own, since every step works one
   article at a time; each worker returns compact Arrow tables of its chunk and
   its part of the outlet summary, never a corpus-wide matrix.
3. *Write*: the tables are written in input order as Parquet row groups of a
   fixed number of rows (:data:`ROW_GROUP_ROWS`), so the files are the same,
   byte for byte, whatever ``jobs`` and ``chunk_size`` are, and memory does not
   grow with the size of the batch.

Caching
-------
Each stage's result is cached under a key made of what it depends on: the
content (the batch's bytes for reading; for the rest each article's
``doc_id``, title and the sha256 of its text) and the code version (package
version, the source of the modules of the stage, and the hashes of
``data/furniture.yaml``, ``data/segment.yaml``, the valence file and the
lexicon the stage uses). Segmentation and sentiment do not depend on the
lexicons, so a rerun after a lexicon edit takes them from the cache and
recomputes the ``hits`` (after an edit of the terms lexicon) or the
``mentions`` (actors lexicon). The ``attributions`` are resolved to actors
from the mentions, and the ``attributed`` and ``source_actor`` columns of
sentences, voice, hits and mentions come from them, so an edit of the actors
lexicon rewrites those tables too (from cached segmentation); output tables
whose key is unchanged (recorded in ``analysis.json``) are not even
rewritten. The cache is the ``.cache`` folder beside the output folder unless
``cache=`` names another; it is never put inside the batch folder. Entries are
never stale, only unused: delete the folder to reclaim the space.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Future
from contextlib import ExitStack
from functools import partial
from pathlib import Path

import pandas as pd

from sourcebias.annotate.actors import find_actors
from sourcebias.annotate.attributed import attribute
from sourcebias.annotate.folding import prepare_corpus
from sourcebias.annotate.lexicon import Lexicon, read_actors, read_terms
from sourcebias.annotate.mention_tone import score_mentions
from sourcebias.annotate.sentiment import score_sentiment
from sourcebias.annotate.terms import find_terms
from sourcebias.config import (
    ATTRIBUTION_MODEL,
    DEFAULT_SEGMENT_RULES,
    TARGET_CUES,
    TARGET_MODEL,
    pack_file,
    pack_valence,
)
from sourcebias.files import clear_stale
from sourcebias.read.batch import (
    Batch,
)
from sourcebias.run.cache import (
    Cache,
    code_version,
)
from sourcebias.run.chunks import _Settings
from sourcebias.run.dask import _dask_client, _run_dask
from sourcebias.run.local import _parent, _run_local, _warm_up
from sourcebias.run.sources import _cache_folder, _prepare_read, _read_source, _reads_in_parallel
from sourcebias.run.store import (
    Analysis,
)
from sourcebias.run.stream import (
    DEFAULT_CHUNK_SIZE,
    Stats,
    cores,
    prepare_workers,
    run_chunks,
    run_on_dask,
)
from sourcebias.segment.sentences import segment_articles


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
        ``sentences``, ``voice``, ``hits``, ``mentions``, ``sentiment`` and
        ``attributions``; the first four carry ``attributed`` and ``source_actor``
        (:func:`sourcebias.annotate.attributed.attribute`), and the mentions the
        tone toward their actor (:func:`sourcebias.annotate.mention_tone.score_mentions`).
    """
    sentences, voice = segment_articles(articles)
    corpus = prepare_corpus(articles)
    hits = find_terms(corpus, sentences=sentences, voice=voice, lexicon=terms)
    mentions = find_actors(corpus, sentences=sentences, voice=voice, lexicon=actors)
    sentiment = score_sentiment(sentences, voice=voice, articles=articles, domain=domain)
    tables = attribute(articles, sentences=sentences, voice=voice, hits=hits,
                       mentions=mentions, actors=actors)
    tables["mentions"] = tables["mentions"].join(
        score_mentions(tables["mentions"], sentences, sentiment))
    return {name: tables[name] for name in ("sentences", "voice", "hits", "mentions")} | {
        "sentiment": sentiment, "attributions": tables["attributions"]}


def analyze(
    batch: str | Path | Batch,
    *,
    out: str | Path | None = None,
    lexicons: str | Path | None = None,
    terms: str | Path | Lexicon | None = None,
    actors: str | Path | Lexicon | None = None,
    domain: bool = True,
    read_options: dict | None = None,
    jobs: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    cache: str | Path | bool = True,
    dask: str | object | None = None,
) -> Analysis:
    """Read a batch and build every per-article table.

    Parameters
    ----------
    batch : str, Path or Batch
        A batch folder or table file (see :func:`sourcebias.read_batch`),
        or a batch already read.
    out : str or Path, optional
        When given, write each table as ``<out>/<name>.parquet`` plus
        ``analysis.json``, chunk by chunk, so that memory stays flat however
        large the batch; the tables of the returned analysis are then read
        from these files when first used. The folder is created if needed.
        Without ``out`` every table is kept in memory.
    lexicons : str or Path, optional
        A lexicon pack folder (``terms.yaml``, ``actors.yaml`` and optionally
        ``valence.yaml``); the package's default pack when not given.
    terms, actors : str, Path or Lexicon, optional
        A lexicon file or a lexicon read already, in place of the pack's.
    domain : bool, default True
        Score sentiment with and without the domain valence entries (the
        pack's ``valence.yaml``, or the default pack's when it has none).
    read_options : dict, optional
        Keyword arguments for :func:`sourcebias.read_batch`
        (for example ``{"text_column": "content"}``).
    jobs : int, optional
        Worker processes; every core by default. The tables do not depend on it.
    chunk_size : int, default 2000
        Articles per chunk of work. The tables do not depend on it.
    cache : str, Path or bool, default True
        Where to cache the batch as read and each chunk's segmentation and
        sentiment: ``True`` for ``.cache`` beside ``out`` (no cache without
        ``out``), a folder, or ``False`` for no cache.
    dask : str or distributed.Client, optional
        The address of a Dask scheduler (or a client): the chunks run as tasks
        on that cluster, which read their articles from and write their tables
        to ``<out>/<name>/part-NNNNN.parquet``, so ``out`` must be on a file
        system that the workers share. The tables equal those of a local run.

    Returns
    -------
    Analysis

    Examples
    --------
    >>> analysis = analyze("data/batches/seed", out="reports/seed/data")  # doctest: +SKIP
    >>> analysis.stats.as_dict()["segment"]["cached"]  # doctest: +SKIP
    """
    jobs = cores() if jobs is None else jobs
    for name, value in (("jobs", jobs), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}={value!r}: give a whole number of at least 1")
    if dask is not None and out is None:
        raise ValueError("dask= needs out=: the workers write their tables there")
    if dask is None and jobs > 1 and _reads_in_parallel(batch):
        # the workers start, import the reading code and load the language model
        # while this process loads the lexicons and opens the batch
        prepare_workers(_prepare_read, jobs=jobs)
    terms = terms if isinstance(terms, Lexicon) else read_terms(
        terms if terms is not None else pack_file(lexicons, "terms"))
    actors = actors if isinstance(actors, Lexicon) else read_actors(
        actors if actors is not None else pack_file(lexicons, "actors"))
    valence = pack_valence(lexicons)
    store = Cache(_cache_folder(cache, out=out, batch=batch))
    store.clear_stale()
    if out is not None and Path(out).is_dir():
        clear_stale(out)
    stats = Stats()
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(
            prefix=".sourcebias-", dir=None if out is None else _parent(out))))
        if dask is None:
            run = partial(run_chunks, jobs=jobs)
        else:
            client = stack.enter_context(_dask_client(dask))
            run = partial(run_on_dask, client=client)
        settings = _Settings(
            terms=terms, actors=actors, domain=domain, valence=valence, cache=store,
            versions={
                "segment": code_version("segment", str(DEFAULT_SEGMENT_RULES)),
                "sentiment": code_version("sentiment", *(
                    [str(valence)] if domain else [])) + f"-domain={domain}",
                "hits": code_version("hits") + terms.sha256,
                "mentions": code_version("mentions") + actors.sha256,
                "attributions": code_version("attributions", str(ATTRIBUTION_MODEL)),
                "targets": code_version("targets", *map(str, TARGET_MODEL), str(TARGET_CUES)),
                "summary": code_version("summary"),
                "corpus": code_version("corpus"),
            },
        )
        warming: list[Future] = []

        def warm(first: pd.DataFrame, articles: int) -> None:
            if dask is None and min(jobs, -(-articles // chunk_size)) > 1:
                warming.extend(prepare_workers(_warm_up, first, settings, jobs=jobs))

        source = _read_source(batch, read_options=read_options or {}, cache=store,
                              scratch=scratch, stats=stats, run=run, warm=warm)
        lexicons = {"terms": terms.describe(), "actors": actors.describe()}
        if dask is not None:
            return _run_dask(source, settings, out=Path(out), lexicons=lexicons,
                             client=client, chunk_size=chunk_size, stats=stats)
        return _run_local(source, settings, out=None if out is None else Path(out),
                          lexicons=lexicons, jobs=jobs, chunk_size=chunk_size, stats=stats,
                          scratch=scratch, warming=warming)




