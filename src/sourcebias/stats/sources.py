"""Who is quoted: each outlet's attributed words by source, and the loaded terms they carry.

Sourcing is a framing choice: one outlet lets officials speak, another the
opposition. :func:`source_shares` measures it as the share of an outlet's
attributed words (direct quotation, paraphrase, or both in one attribution)
that each source actor says; :func:`source_terms` counts the loaded terms in
each source's words. Both take the ``attributions`` table that ``analyze``
writes and give percentile bootstrap intervals over whole articles
(:mod:`sourcebias.stats.bootstrap`).

Words are counted with :func:`sourcebias.tables.count_words` over each content
piece; where pieces overlap (a quotation inside a longer paraphrase), the
overlap counts once, for the piece that starts first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourcebias.checks import as_list, choice, kept_articles, of_kept, require_columns
from sourcebias.stats.bootstrap import check_bootstrap_options, grouped_ratio_intervals
from sourcebias.stats.rates import ONE_ARTICLE, _bootstrap_method, _interval_columns, term_rates
from sourcebias.tables import OWN, count_words

#: The attribution kinds, and ``all`` for every attributed word whatever its kind.
KINDS = ("all", "direct", "indirect", "mixed")

#: The ``source_actor`` of attributed words whose text names no source.
NO_SOURCE = "(no source)"

#: The ``source_actor`` of attributed words whose source is no actor of the lexicons.
OTHER_SOURCE = "(other source)"

#: The one category of :func:`voice_rates`.
ALL_TERMS = "all loaded terms"

#: The attribution layer's figures on PolNeAR, written by ``benchmarks/validate_attribution.py``.
VALIDATION_FILE = "resources/models/attribution_validation.json"

_STRIDE = np.int64(1) << 40


def attributed_words(attributions: pd.DataFrame, *, articles: pd.DataFrame) -> pd.DataFrame:
    """Words of each content piece, overlaps counted once.

    Pieces of an article are taken in order of ``content_start``; a piece
    starting inside one before it keeps only its part after the furthest end
    reached so far. ``source_actor`` is the resolved actor, or
    :data:`NO_SOURCE` when the text names no source (``source_start == -1``),
    or :data:`OTHER_SOURCE` when the source is no actor of the lexicons.

    Parameters
    ----------
    attributions : pandas.DataFrame
        The ``attributions`` table.
    articles : pandas.DataFrame
        The ``articles`` table the attributions were found in (``doc_id``, ``text``).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``attribution_id``, ``kind``, ``source_actor``,
        ``source_name``, ``start``, ``end`` (the piece as counted) and
        ``n_words``; pieces wholly inside earlier ones are left out.
    """
    require_columns(attributions, "attributions", (
        "doc_id", "attribution_id", "kind", "content_start", "content_end", "source_start",
        "source_actor", "source_name"))
    require_columns(articles, "articles", ("doc_id", "text"))
    found = of_kept(attributions, "attributions", articles=articles, kept=articles)
    doc = pd.Index(articles["doc_id"]).get_indexer(found["doc_id"]).astype(np.int64)
    start = doc * _STRIDE + found["content_start"].to_numpy(np.int64)
    end = doc * _STRIDE + found["content_end"].to_numpy(np.int64)
    order = np.lexsort((end, start))
    start, end, doc, found = start[order], end[order], doc[order], found.iloc[order]
    reach = np.maximum.accumulate(np.concatenate([[np.int64(-1)], end]))[:-1]
    start = np.maximum(start, reach)
    kept = start < end
    base = doc[kept] * _STRIDE
    start, end, found = start[kept] - base, end[kept] - base, found[kept]
    texts = articles["text"].fillna("").tolist()
    pieces = pd.Series([texts[d][a:b] for d, a, b in zip(doc[kept], start, end, strict=True)],
                       dtype="str")
    named = found["source_start"].to_numpy(np.int64) >= 0
    actor = found["source_actor"].to_numpy(object)
    resolved = pd.notna(actor) & (actor != "")
    return pd.DataFrame({
        "doc_id": found["doc_id"].to_numpy(),
        "attribution_id": found["attribution_id"].to_numpy(np.int64),
        "kind": found["kind"].to_numpy(),
        "source_actor": np.where(resolved, actor, np.where(named, OTHER_SOURCE, NO_SOURCE)),
        "source_name": found["source_name"].to_numpy(object),
        "start": start,
        "end": end,
        "n_words": count_words(pieces).to_numpy(),
    })


def source_shares(
    attributions: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    kinds: Iterable[str] = KINDS,
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Each outlet's attributed words by source actor: who the outlet lets speak.

    ``share = n_words / n_words_kind``: the words of the outlet's attributed
    content of that ``kind`` whose source is the actor, over all its
    attributed words of that kind (a ratio estimator over the outlet's
    articles; words from :func:`attributed_words`). The shares of an outlet
    and kind add up to 1 over the actors, :data:`NO_SOURCE` and
    :data:`OTHER_SOURCE` included.

    The interval is the percentile interval (Efron & Tibshirani 1993, ch. 13)
    of the same ratio over ``n_boot`` resamples of whole articles drawn with
    replacement within the outlet (cluster case resampling, Davison & Hinkley
    1997, section 3.8): an outlet that quotes one minister at length in one
    article gets a wide interval. One article: no interval; an outlet without
    attributed words of the kind: share NaN.

    Parameters
    ----------
    attributions : pandas.DataFrame
        The ``attributions`` table (``analyze`` writes it as ``attributions.parquet``).
    articles : pandas.DataFrame
        The ``articles`` table.
    by : str
        The articles column that defines the groups (``outlet``, ``outlet_group``).
    kinds : sequence of {"all", "direct", "indirect", "mixed"}
        The kinds of attribution to report: ``direct`` (inside quotation
        marks), ``indirect`` (paraphrase), ``mixed`` (both in one
        attribution), ``all`` (every attributed word).
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.
    n_boot, ci, random_state
        As in :func:`sourcebias.term_rates`.

    Returns
    -------
    pandas.DataFrame
        One row per group, kind and source actor seen in any group: ``by``,
        ``kind``, ``source_actor``, ``source_name``, ``n_articles`` (in the
        group), ``n_articles_source`` (with words of this source and kind),
        ``n_words``, ``n_words_kind``, ``share``, ``ci_low``, ``ci_high``,
        ``ci_method`` and ``note``; sorted by group, kind and falling share.

    Examples
    --------
    >>> shares = source_shares(analysis.attributions, analysis.articles)  # doctest: +SKIP
    >>> shares.query("kind == 'direct'").head()  # doctest: +SKIP
    """
    kinds = [choice(k, KINDS, "kinds") for k in dict.fromkeys(as_list(kinds))]
    check_bootstrap_options(n_boot, ci)
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates, need_text=True)
    words = attributed_words(of_kept(attributions, "attributions", articles=articles, kept=kept),
                             articles=kept)
    actors = sorted(words["source_actor"].unique())
    names = words.dropna(subset="source_name").drop_duplicates("source_actor").set_index(
        "source_actor")["source_name"]
    row = pd.Index(kept["doc_id"]).get_indexer(words["doc_id"])
    actor = pd.Index(actors).get_indexer(words["source_actor"])
    n_actors, n_docs = len(actors), len(kept)
    n_piece = words["n_words"].to_numpy(np.float64)
    cells: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    den = np.zeros((n_docs, len(kinds)))
    for k, kind in enumerate(kinds):
        chosen = np.ones(len(words), bool) if kind == "all" else (words["kind"] == kind).to_numpy()
        cells.append((n_piece[chosen], row[chosen], k * n_actors + actor[chosen]))
        den[:, k] = np.bincount(row[chosen], weights=n_piece[chosen], minlength=n_docs)
    weights, rows, cols = (np.concatenate(part) for part in zip(*cells, strict=True))
    num = sp.csr_array((weights, (rows, cols)), shape=(n_docs, len(kinds) * n_actors))
    den_col = np.repeat(np.arange(len(kinds)), n_actors)
    groups, result, member, (n_words, n_words_kind, n_articles) = _per_group(
        kept[by], num, den, den_col, n_boot=n_boot, ci=ci, random_state=random_state)
    n_articles_source = (member @ (num > 0).astype(np.float64)).toarray().ravel()
    reasons = np.select([n_words_kind == 0, n_articles == 1],
                        ["no attributed words of this kind", ONE_ARTICLE], default="")
    interval = _interval_columns(result.low.ravel(), result.high.ravel(), reasons,
                                 _bootstrap_method(n_boot, ci, by))
    grid = pd.MultiIndex.from_product([groups, kinds, actors],
                                      names=[by, "kind", "source_actor"]).to_frame(index=False)
    table = grid.assign(
        source_name=grid["source_actor"].map(names),
        n_articles=n_articles.astype("int64"),
        n_articles_source=n_articles_source.astype("int64"),
        n_words=n_words.astype("int64"),
        n_words_kind=n_words_kind.astype("int64"),
        share=result.estimate.ravel(),
        **interval,
    )
    table["kind"] = pd.Categorical(table["kind"], categories=kinds)
    table = table.sort_values([by, "kind", "share", "source_actor"],
                              ascending=[True, True, False, True], kind="stable")
    return table.assign(kind=table["kind"].astype("str")).reset_index(drop=True)


def source_terms(
    hits: pd.DataFrame,
    *,
    attributions: pd.DataFrame,
    articles: pd.DataFrame,
    by: str = "outlet",
    level: str = "category",
    sources: Iterable[str] | None = None,
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Which loaded terms each source's words carry, per outlet.

    ``rate_per_1000 = 1000 * n_hits / n_words``: the hits that start inside
    a content piece of :func:`attributed_words` whose source is the actor,
    per 1,000 of the words of those same pieces in the outlet (all kinds).
    Hits and words are credited through the same pieces, so a source with a
    hit always has words: a hit inside a piece nested in an earlier one (a
    paraphrase inside a longer quotation) counts for the earlier piece's
    source, as its words do. A
    ratio estimator with a percentile bootstrap interval over articles
    resampled within the outlet, as :func:`sourcebias.term_rates` computes
    it; one article: no interval.

    Parameters
    ----------
    hits : pandas.DataFrame
        The ``hits`` table (``doc_id``, ``start``, ``term``, ``category``).
    attributions : pandas.DataFrame
        The ``attributions`` table of the same articles.
    articles : pandas.DataFrame
        The ``articles`` table.
    by : str
        The articles column that defines the groups.
    level : {"category", "term"}
        Count per lexicon category or per lexicon entry.
    sources : list of str, optional
        Source actors to report; default every resolved actor with attributed words.
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.
    n_boot, ci, random_state
        As in :func:`sourcebias.term_rates`.

    Returns
    -------
    pandas.DataFrame
        One row per group, source and category (or term) with at least one
        hit in some group: ``by``, ``source_actor``, ``source_name``,
        ``category``, ``term`` (``level="term"`` only), ``n_articles``,
        ``n_hits``, ``n_words`` (the source's attributed words in the group),
        ``rate_per_1000``, ``ci_low``, ``ci_high``, ``ci_method`` and ``note``.

    Examples
    --------
    >>> source_terms(analysis.hits, attributions=analysis.attributions,
    ...              articles=analysis.articles, level="term")  # doctest: +SKIP
    """
    choice(level, ("category", "term"), "level")
    check_bootstrap_options(n_boot, ci)
    require_columns(hits, "hits", ("doc_id", "start", "term", "category"))
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates, need_text=True)
    words = attributed_words(of_kept(attributions, "attributions", articles=articles, kept=kept),
                             articles=kept)
    found = _credited(of_kept(hits, "hits", articles=articles, kept=kept), words,
                      pd.Index(kept["doc_id"]))
    named = words[~words["source_actor"].isin((NO_SOURCE, OTHER_SOURCE))]
    actors = sorted(named["source_actor"].unique()) if sources is None else as_list(sources)
    found = found[found["source_actor"].isin(actors)]
    keys = sorted(found[level].unique())
    categories = found.drop_duplicates("term").set_index("term")["category"]
    names = named.dropna(subset="source_name").drop_duplicates("source_actor").set_index(
        "source_actor")["source_name"]
    doc_index = pd.Index(kept["doc_id"])
    actor_index = pd.Index(actors)
    n_docs, n_keys = len(kept), len(keys)
    a_words = named[named["source_actor"].isin(actors)]
    den = np.zeros((n_docs, len(actors)))
    np.add.at(den, (doc_index.get_indexer(a_words["doc_id"]),
                    actor_index.get_indexer(a_words["source_actor"])), a_words["n_words"])
    col = actor_index.get_indexer(found["source_actor"]) * n_keys \
        + pd.Index(keys).get_indexer(found[level])
    num = sp.csr_array((np.ones(len(found)), (doc_index.get_indexer(found["doc_id"]), col)),
                       shape=(n_docs, len(actors) * n_keys))
    den_col = np.repeat(np.arange(len(actors)), n_keys)
    groups, result, _, (n_hits, n_words, n_articles) = _per_group(
        kept[by], num, den, den_col, n_boot=n_boot, ci=ci, random_state=random_state)
    reasons = np.select([n_words == 0, n_articles == 1],
                        ["no words of this source", ONE_ARTICLE], default="")
    interval = _interval_columns(result.low.ravel() * 1000, result.high.ravel() * 1000,
                                 reasons, _bootstrap_method(n_boot, ci, by))
    table = pd.MultiIndex.from_product([groups, actors, keys],
                                       names=[by, "source_actor", level]).to_frame(index=False)
    table.insert(2, "source_name", table["source_actor"].map(names))
    if level == "term":
        table.insert(3, "category", table["term"].map(categories))
    table = table.assign(
        n_articles=n_articles.astype("int64"),
        n_hits=n_hits.astype("int64"),
        n_words=n_words.astype("int64"),
        rate_per_1000=result.estimate.ravel() * 1000,
        **interval,
    )
    return table.reset_index(drop=True)


def voice_rates(
    hits: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    words: pd.DataFrame,
    voices: Iterable[str] = (OWN, "narrator", "quote"),
    by: str = "outlet",
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """All loaded terms together, per 1,000 words of each voice: own, narrator and quoted.

    :func:`sourcebias.term_rates` with every hit in one category,
    ``all loaded terms``, so the rate is ``1000 * hits / words`` of the voice
    with the same bootstrap interval over articles. Side by side, the voices
    show how much of an outlet's loaded language is its own assertion
    (``own``: narrator text not attributed to a source), how much is
    paraphrase (the rest of ``narrator``) and how much verbatim quotation
    (``quote``).

    Parameters
    ----------
    hits : pandas.DataFrame
        The ``hits`` table (with ``attributed`` for ``own``).
    articles : pandas.DataFrame
        The ``articles`` table.
    words : pandas.DataFrame
        From :func:`sourcebias.voice_words` with ``voices`` counted.
    voices : sequence of {"own", "narrator", "quote"}
        The voices, in the order of the rows.
    by, include_duplicates, n_boot, ci, random_state
        As in :func:`sourcebias.term_rates`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`sourcebias.term_rates` (``level="category"``),
        one row per group and voice, ``category`` being ``all loaded terms``.
    """
    pooled = hits.assign(category=ALL_TERMS, term=ALL_TERMS)
    return term_rates(pooled, articles=articles, words=words, by=by, level="category",
                      voice=tuple(voices), entries=[ALL_TERMS],
                      include_duplicates=include_duplicates, n_boot=n_boot, ci=ci,
                      random_state=random_state)


def attribution_validation() -> pd.DataFrame:
    """How well the attribution layer finds who says what, on PolNeAR's dev and train splits.

    Written with the package by ``benchmarks/validate_attribution.py --write``,
    which scores :func:`sourcebias.find_attributions` against the expert
    annotation of PolNeAR (Newell, Margolin and Ruths, LREC 2018):
    ``content_f1`` is the character-level F1 (harmonic mean of precision and
    recall over non-space characters) of the attributed content; ``speaker``
    the share of the gold attributions with a source that are found with that
    source (the predicted content covers the gold content's midpoint and the
    predicted source overlaps the gold one), with its Wilson 95% interval
    (Wilson, JASA 1927); ``quoted_covered`` the share of the characters of
    quoted gold content that lie in predicted content.

    Returns
    -------
    pandas.DataFrame
        One row per split: ``split``, ``articles``, ``attributions_with_source``,
        ``content_precision``, ``content_recall``, ``content_f1``, ``speaker``,
        ``speaker_ci_low``, ``speaker_ci_high``, ``quoted_covered``,
        ``quoted_covered_no_apostrophes``.
    """
    with resources.files("sourcebias").joinpath(VALIDATION_FILE).open(encoding="utf-8") as handle:
        rows = json.load(handle)["validation"]
    columns = ["split", "articles", "attributions_with_source", "content_precision",
               "content_recall", "content_f1", "speaker", "speaker_ci_low", "speaker_ci_high",
               "quoted_covered", "quoted_covered_no_apostrophes"]
    return pd.DataFrame(rows)[columns]


def _credited(hits: pd.DataFrame, words: pd.DataFrame, docs: pd.Index) -> pd.DataFrame:
    """The hits that start inside a piece of ``words``, with that piece's ``source_actor``.

    The pieces of :func:`attributed_words` do not overlap, so each position
    lies in at most one: the last piece starting at or before it, if it ends
    after it.
    """
    piece_doc = docs.get_indexer(words["doc_id"]).astype(np.int64)
    starts = piece_doc * _STRIDE + words["start"].to_numpy(np.int64)
    ends = piece_doc * _STRIDE + words["end"].to_numpy(np.int64)
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    at = docs.get_indexer(hits["doc_id"]).astype(np.int64) * _STRIDE \
        + hits["start"].to_numpy(np.int64)
    piece = np.searchsorted(starts, at, side="right") - 1
    inside = piece >= 0
    inside[inside] = at[inside] < ends[piece[inside]]
    actors = words["source_actor"].to_numpy(object)[order]
    return hits[inside].assign(source_actor=actors[piece[inside]])


def _per_group(group: pd.Series, num: sp.csr_array, den: np.ndarray, den_col: np.ndarray, *,
               n_boot: int, ci: float, random_state: int | None):
    """Ratios of article sums per group with their bootstrap intervals, and the sums.

    ``num`` (articles x cells) over ``den[:, den_col]`` (articles x denominators),
    resampling articles within each group (:func:`grouped_ratio_intervals`).
    Returns the groups, the intervals, the group-by-article membership matrix,
    and per group and cell the numerator, the denominator and the articles.
    """
    codes, groups = pd.factorize(group, sort=True)
    result = grouped_ratio_intervals(num, den, den_col, groups=codes,
                                     names=[str(g) for g in groups], n_boot=n_boot, ci=ci,
                                     random_state=random_state)
    member = sp.csr_array((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                          shape=(len(groups), len(codes)))
    sums = ((member @ num).toarray().ravel(), (member @ den)[:, den_col].ravel(),
            np.repeat(np.bincount(codes, minlength=len(groups)), len(den_col)))
    return groups, result, member, sums
