"""Per-outlet rates: words per voice, and loaded-term rates with bootstrap intervals.

Every function takes the tidy tables of :mod:`sourcebias.tables` and returns a
tidy :class:`pandas.DataFrame`.  Articles whose ``duplicate_of`` is set are left
out unless ``include_duplicates=True``, so a story syndicated twice by one
outlet counts once.

Intervals come from one percentile bootstrap that resamples whole articles
within each outlet (:mod:`sourcebias.stats.bootstrap`): loaded words and sentences
cluster within articles, so the article is the unit of resampling.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourcebias.checks import (
    as_list,
    check_voices,
    choice,
    first_bad,
    kept_articles,
    member,
    of_kept,
    own_voice,
    require_columns,
)
from sourcebias.stats.bootstrap import (
    RatioIntervals,
    check_bootstrap_options,
    grouped_ratio_intervals,
)
from sourcebias.tables import OWN, VOICES, count_words

#: What each ``voice`` option of :func:`term_rates` reports. ``own`` is the outlet's own voice in
#: the strict sense (:data:`sourcebias.tables.OWN`): narrator text not attributed to a source.
RATE_VOICES: dict[str, tuple[str, ...]] = {
    "both": VOICES,
    "narrator": ("narrator",),
    "quote": ("quote",),
    OWN: (OWN,),
    "all": ("all",),
}

#: The voices :func:`voice_words` can count, and a sequence given as ``voice`` can name.
WORD_VOICES = (*VOICES, OWN)


ONE_ARTICLE = "1 article: no interval"


NO_SPREAD = "no spread across resamples: no interval"


def _interval_columns(low: np.ndarray, high: np.ndarray, reasons: np.ndarray,
                      method: str) -> dict[str, np.ndarray]:
    """ci_low, ci_high, ci_method and note; NaN bounds wherever a reason is given.

    ``reasons`` holds, per row, why no interval can be given, or ``""``.  A
    bootstrap distribution without spread gives a zero-width interval, which
    is reported as no interval rather than as certainty.
    """
    reasons = np.where((reasons == "") & (low == high), NO_SPREAD, reasons)
    none = reasons != ""
    return {
        "ci_low": np.where(none, np.nan, low),
        "ci_high": np.where(none, np.nan, high),
        "ci_method": np.where(none, None, method),
        "note": np.where(none, reasons, None),
    }


def _bootstrap_method(n_boot: int, ci: float, by: str) -> str:
    return f"{ci * 100:g}% percentile bootstrap, articles resampled within {by} (B={n_boot})"


def voice_words(articles: pd.DataFrame, *, voice: pd.DataFrame,
                voices: Iterable[str] = VOICES) -> pd.DataFrame:
    """Words per article in the outlet's narrator voice and in quotation.

    Quoted words are counted with :func:`sourcebias.tables.count_words` over
    the text of every ``quote`` span (quotation marks included, scare quotes
    included), in one vectorised pass.  Narrator words are the rest,
    ``n_words - quoted words``, so the two always add up to ``articles.n_words``.
    Own words in the strict sense (``"own"``) are the narrator words less
    those of the narrator spans that are ``attributed`` (paraphrased speech),
    counted the same way.

    Parameters
    ----------
    articles : pandas.DataFrame
        The ``articles`` table (``doc_id``, ``outlet``, ``text``, ``n_words``).
        Every article is kept, duplicates included: the aggregates filter them.
    voice : pandas.DataFrame
        The ``voice`` spans of the same articles (with ``attributed`` for ``"own"``).
    voices : sequence of {"narrator", "quote", "own"}
        The voices to count, in the order of the rows.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``outlet``, ``voice``, ``n_words``; one row per article and
        voice of ``voices``, in batch order.

    Examples
    --------
    >>> words = voice_words(articles, voice=voice)
    >>> words.pivot(index="doc_id", columns="voice", values="n_words")
    """
    voices = tuple(choice(v, WORD_VOICES, "voices") for v in as_list(voices))
    require_columns(articles, "articles", ("doc_id", "outlet", "text", "n_words"))
    require_columns(voice, "voice", ("doc_id", "start", "end", "voice"))
    check_voices(voice, "voice")
    of_kept(voice, "voice", articles=articles, kept=articles)
    first_bad(articles, ~member(articles["doc_id"], voice["doc_id"]) & (articles["n_words"] > 0),
               "articles", "has words but no voice spans: segment these articles first")
    n_quote = _span_words(articles, voice[voice["voice"] == "quote"])
    n_narrator = articles["n_words"].to_numpy(dtype="int64") - n_quote
    first_bad(articles, n_narrator < 0, "articles",
               "has fewer n_words than quoted words: recompute n_words with tables.count_words")
    counts = {"narrator": n_narrator, "quote": n_quote}
    if OWN in voices:
        paraphrased = ~own_voice(voice, "voice") & (voice["voice"] == "narrator").to_numpy()
        counts[OWN] = n_narrator - _span_words(articles, voice[paraphrased])
    return pd.DataFrame({
        "doc_id": np.repeat(articles["doc_id"].to_numpy(), len(voices)),
        "outlet": np.repeat(articles["outlet"].to_numpy(), len(voices)),
        "voice": np.tile(voices, len(articles)),
        "n_words": np.column_stack([counts[v] for v in voices]).ravel(),
    })


def _span_words(articles: pd.DataFrame, spans: pd.DataFrame) -> np.ndarray:
    """Words (:func:`sourcebias.tables.count_words`) in the spans, summed per article."""
    article = pd.Index(articles["doc_id"]).get_indexer(spans["doc_id"])
    texts = articles["text"].tolist()
    text = pd.Series(
        [texts[i][start:end] for i, start, end in zip(
            article, spans["start"].tolist(), spans["end"].tolist(), strict=True)],
        dtype="str",
    )
    return np.bincount(article, weights=count_words(text).to_numpy(),
                       minlength=len(articles)).astype("int64")


def _words_matrix(kept: pd.DataFrame, words: pd.DataFrame | None,
                  voices: tuple[str, ...]) -> np.ndarray:
    """Words per kept article (rows) and voice (columns)."""
    if voices == ("all",):
        require_columns(kept, "articles", ("n_words",))
        return kept[["n_words"]].to_numpy(dtype=np.float64)
    if words is None:
        raise ValueError(
            "term_rates per voice needs words per voice: pass "
            "words=voice_words(articles, voice=voice_spans), or use voice='all'"
        )
    require_columns(words, "words", ("doc_id", "voice", "n_words"))
    missing = [v for v in voices if not (words["voice"] == v).any()]
    if missing and len(words):
        raise ValueError(
            f"words has no rows for voice(s) {', '.join(map(repr, missing))}: compute words with "
            f"voice_words(articles, voice=voice_spans, voices={voices!r})")
    wide = words.pivot_table(index="doc_id", columns="voice", values="n_words", aggfunc="sum")
    wide = wide.reindex(index=kept["doc_id"], columns=list(voices))
    first_bad(kept, wide.isna().any(axis=1).to_numpy(), "articles",
               "has no row in words: compute words with voice_words on the same articles")
    return wide.to_numpy(dtype=np.float64)


def _entry_keys(hits: pd.DataFrame, level: str,
                entries: Iterable[str] | pd.DataFrame | None) -> tuple[list[str], dict[str, str]]:
    """The terms or categories to report, and each term's category."""
    pairs = hits[["term", "category"]].drop_duplicates("term")
    categories = dict(zip(pairs["term"], pairs["category"], strict=True))
    if entries is None:
        keys = sorted(hits[level].unique())
    elif isinstance(entries, pd.DataFrame):
        require_columns(entries, "entries", (level,))
        keys = entries[level].drop_duplicates().tolist()
        if level == "term" and "category" in entries.columns:
            categories.update(zip(entries["term"], entries["category"], strict=True))
    else:
        keys = list(dict.fromkeys(as_list(entries)))
    return keys, categories


def _rate_intervals(result: RatioIntervals, *, n_hits: np.ndarray, n_words: np.ndarray,
                    n_articles: np.ndarray, n_articles_words: np.ndarray, n_boot: int,
                    ci: float, by: str) -> dict[str, np.ndarray]:
    """Interval columns of :func:`term_rates`, per 1,000 words, with its special cases."""
    no_hits = (n_hits == 0) & (n_words > 0) & (n_articles > 1)
    # Exact (Garwood) upper bound for zero events: chi2.ppf(1 - alpha/2, 2) / 2, and a
    # chi-square with 2 degrees of freedom is exponential with mean 2, so it is -ln(alpha/2).
    poisson_high = -np.log((1 - ci) / 2) / np.where(n_words > 0, n_words, np.nan) * 1000
    low = np.where(no_hits, 0.0, result.low.ravel() * 1000)
    high = np.where(no_hits, poisson_high, result.high.ravel() * 1000)
    reasons = np.select(
        [n_articles == 1, n_words == 0, no_hits, n_articles_words == 1],
        [ONE_ARTICLE, "no words in this voice", "",
         "1 article with words in this voice: no interval"],
        default="",
    )
    interval = _interval_columns(low, high, reasons, _bootstrap_method(n_boot, ci, by))
    interval["ci_method"] = np.where(
        no_hits, f"{ci * 100:g}% exact Poisson upper bound for 0 hits (Garwood 1936)",
        interval["ci_method"])
    dropped = n_boot - result.n_defined.ravel()
    partial = ~no_hits & (dropped > 0) & pd.isna(interval["note"])
    interval["note"] = np.where(
        partial,
        np.char.add(dropped.astype("str"),
                    f" of {n_boot} resamples had no words in this voice and were left out"),
        interval["note"],
    )
    return interval


def term_rates(
    hits: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    words: pd.DataFrame | None = None,
    by: str = "outlet",
    level: str = "category",
    voice: str | Iterable[str] = "both",
    entries: Iterable[str] | pd.DataFrame | None = None,
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Loaded-term rates per 1,000 words for each outlet, with bootstrap intervals.

    The rate is the ratio estimator ``1000 * sum(hits) / sum(words)`` over the
    outlet's articles, in the chosen voice: hits in quotation per 1,000 quoted
    words, hits in the outlet's narrator voice per 1,000 narrator words, and hits
    in its own voice in the strict sense (``"own"``: narrator text that is not
    attributed to a source) per 1,000 such words.

    The interval is the percentile interval (Efron & Tibshirani 1993, *An
    Introduction to the Bootstrap*, ch. 13) of the same ratio over ``n_boot``
    resamples of whole articles drawn with replacement within the outlet
    (case resampling of clusters, Davison & Hinkley 1997, *Bootstrap Methods
    and their Application*, section 3.8), because loaded words cluster within
    articles.  All terms share one matrix of resampling counts per outlet.
    Special cases, each named in ``ci_method`` or ``note``:

    - one article in the outlet: no interval (NaN), note ``"1 article: no interval"``;
    - no words in the voice: rate and interval NaN;
    - no hits: ``ci_low = 0`` and ``ci_high`` is the exact Poisson upper bound
      for a count of 0, ``chi2.ppf(1 - alpha/2, 2) / 2`` per ``n_words``
      (Garwood 1936, *Biometrika* 28), since every resample would give 0;
    - only one article with words in the voice, or a bootstrap distribution
      without spread: no interval (never a zero-width one);
    - resamples whose articles have no words in the voice are left out, and
      the note says how many.

    Parameters
    ----------
    hits : pandas.DataFrame
        The ``hits`` table (``doc_id``, ``term``, ``category``, ``voice``).
    articles : pandas.DataFrame
        The ``articles`` table the hits were found in.
    words : pandas.DataFrame, optional
        Words per article and voice from :func:`voice_words`; required unless
        ``voice="all"``, which divides by ``articles.n_words``.
    by : str
        The articles column that defines the groups (``outlet``, ``outlet_group``).
    level : {"category", "term"}
        Rates per lexicon category or per lexicon entry.
    voice : {"both", "narrator", "quote", "own", "all"} or sequence of them
        ``both`` gives one row for each of ``narrator`` and ``quote``; ``all``
        pools the voices; ``own`` needs the ``attributed`` column of the hits
        and ``own`` rows in ``words``. A sequence of ``narrator``, ``quote``
        and ``own`` gives one row for each, in its order (``own`` hits count
        under ``narrator`` too).
    entries : list of str or pandas.DataFrame, optional
        The terms or categories to report (a table needs a ``level`` column).
        Default: those found in ``hits``.  Every group gets a row for every
        entry, with 0 where it has no hits.
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.
    n_boot : int
        Number of bootstrap resamples.
    ci : float
        Coverage of the interval.
    random_state : int or None
        Seed; each group's resamples depend only on it and the group's name.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``category``, ``term`` (``level="term"`` only), ``voice``,
        ``n_articles``, ``n_articles_hit`` (articles with at least one hit),
        ``n_hits``, ``n_words``, ``rate_per_1000``, ``ci_low``, ``ci_high``,
        ``ci_method`` and ``note``.

    Examples
    --------
    >>> words = voice_words(articles, voice=voice)
    >>> term_rates(hits, articles=articles, words=words, voice="narrator")
    """
    choice(level, ("category", "term"), "level")
    voices = _rate_voices(voice)
    check_bootstrap_options(n_boot, ci)
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates)
    require_columns(hits, "hits", ("doc_id", "term", "category", "voice"))
    first_bad(hits, hits[["term", "category"]].isna().any(axis=1), "hits",
               "has no term or category: find the hits with sourcebias.annotate.terms")
    if voices != ("all",):
        check_voices(hits, "hits")
    hits = of_kept(hits, "hits", articles=articles, kept=kept)
    keys, categories = _entry_keys(hits, level, entries)
    word_counts = _words_matrix(kept, words, voices)

    key = pd.Index(keys).get_indexer(hits[level])
    n_keys, n_cols = len(keys), len(voices) * len(keys)
    doc = pd.Index(kept["doc_id"]).get_indexer(hits["doc_id"])
    in_voice = [_in_voice(hits, v) & (key >= 0) for v in voices]
    row = np.concatenate([doc[counted] for counted in in_voice])
    col = np.concatenate([i * n_keys + key[counted] for i, counted in enumerate(in_voice)])
    hit_counts = sp.csr_array((np.ones(row.size), (row, col)), shape=(len(kept), n_cols))
    den_col = np.repeat(np.arange(len(voices)), n_keys)

    codes, names = pd.factorize(kept[by], sort=True)
    result = grouped_ratio_intervals(
        hit_counts, word_counts, den_col, groups=codes, names=[str(n) for n in names],
        n_boot=n_boot, ci=ci, random_state=random_state,
    )
    member = sp.csr_array((np.ones(len(kept)), (codes, np.arange(len(kept)))),
                          shape=(len(names), len(kept)))
    n_hits = (member @ hit_counts).toarray().ravel()
    n_words = (member @ word_counts)[:, den_col].ravel()
    n_articles = np.repeat(np.bincount(codes, minlength=len(names)), n_cols)
    n_articles_hit = (member @ (hit_counts > 0).astype(np.float64)).toarray().ravel()
    n_articles_words = (member @ (word_counts > 0))[:, den_col].ravel()

    grid = pd.MultiIndex.from_product([names, voices, keys], names=[by, "voice", level])
    table = grid.to_frame(index=False)
    if level == "term":
        table.insert(1, "category", table["term"].map(categories))
    else:
        table = table[[by, "category", "voice"]]
    interval = _rate_intervals(result, n_hits=n_hits, n_words=n_words, n_articles=n_articles,
                               n_articles_words=n_articles_words, n_boot=n_boot, ci=ci, by=by)
    return table.assign(
        n_articles=n_articles,
        n_articles_hit=n_articles_hit.astype("int64"),
        n_hits=n_hits.astype("int64"),
        n_words=n_words.astype("int64"),
        rate_per_1000=result.estimate.ravel() * 1000,
        **interval,
    )


def _rate_voices(voice: str | Iterable[str]) -> tuple[str, ...]:
    """The voices a ``voice`` option of :func:`term_rates` reports."""
    if isinstance(voice, str):
        return RATE_VOICES[choice(voice, RATE_VOICES, "voice")]
    voices = tuple(choice(v, WORD_VOICES, "voice") for v in voice)
    if not voices or len(set(voices)) < len(voices):
        raise ValueError(f"voice={voice!r}: name each of {', '.join(WORD_VOICES)} at most once")
    return voices


def _in_voice(hits: pd.DataFrame, voice: str) -> np.ndarray:
    """Which hits count in a voice of :data:`RATE_VOICES` (``all``: every hit)."""
    if voice == "all":
        return np.ones(len(hits), dtype=bool)
    if voice == OWN:
        return own_voice(hits, "hits")
    return hits["voice"].to_numpy() == voice


def _voice_column(words: pd.DataFrame, voice: str) -> pd.Series:
    """Words per article (indexed by ``doc_id``) in ``voice``; raises when words has none."""
    chosen = words[words["voice"] == voice]
    if chosen.empty and len(words):
        raise ValueError(f"words has no rows for voice {voice!r}: compute words with "
                         f"voice_words(articles, voice=voice_spans, voices=(..., {voice!r}))")
    return chosen.set_index("doc_id")["n_words"]


def term_voice_counts(
    hits: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    terms: Iterable[str] | None = None,
    by: str = "outlet",
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Who uses a term in its narrator voice, and who only quotes it.

    Parameters
    ----------
    hits : pandas.DataFrame
        The ``hits`` table.
    articles : pandas.DataFrame
        The ``articles`` table the hits were found in.
    terms : iterable of str, optional
        Lexicon entry ids to count; default every term with a hit.
    by : str
        The articles column that defines the groups.
    include_duplicates : bool
        Count hits in articles whose ``duplicate_of`` is set.

    Returns
    -------
    pandas.DataFrame
        One row per group and term, zero counts included: ``by``, ``term``,
        ``narrator`` (hits in the group's narrator voice), ``quote`` (hits inside
        quotations, scare quotes included), ``scare`` (of which in scare
        quotes), ``total`` and ``own_voice`` (True when ``narrator > 0``).
    """
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates)
    found = of_kept(hits, "hits", articles=articles, kept=kept)
    chosen = sorted(set(terms) if terms is not None else set(found["term"]))
    found = found[member(found["term"], pd.Series(chosen, dtype="object"))]
    found = found.assign(**{by: found["doc_id"].map(kept.set_index("doc_id")[by])})
    counts = pd.DataFrame({
        by: found[by],
        "term": found["term"],
        "narrator": found["voice"].eq("narrator").astype("int64"),
        "quote": found["voice"].eq("quote").astype("int64"),
        "scare": found["scare"].astype("bool").astype("int64"),
    }).groupby([by, "term"]).sum()
    grid = pd.MultiIndex.from_product([sorted(kept[by].unique()), chosen], names=[by, "term"])
    table = counts.reindex(grid, fill_value=0).reset_index()
    table["total"] = table["narrator"] + table["quote"]
    table["own_voice"] = table["narrator"] > 0
    return table
