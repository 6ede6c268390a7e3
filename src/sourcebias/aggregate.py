"""Per-outlet aggregates: voice word counts, term rates with bootstrap intervals,
actor-label tables, keyword-in-context concordances and sentiment toward actors.

Every function takes the tidy tables of :mod:`sourcebias.tables` and returns a
tidy :class:`pandas.DataFrame`.  Articles whose ``duplicate_of`` is set are left
out unless ``include_duplicates=True``, so a story syndicated twice by one
outlet counts once.

Intervals come from one percentile bootstrap that resamples whole articles
within each outlet (:mod:`sourcebias._bootstrap`): loaded words and sentences
cluster within articles, so the article is the unit of resampling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourcebias._bootstrap import (
    RatioIntervals,
    check_bootstrap_options,
    grouped_ratio_intervals,
)
from sourcebias.tables import VOICES, count_words

#: What each ``voice`` option of :func:`term_rates` reports.
RATE_VOICES: dict[str, tuple[str, ...]] = {
    "both": VOICES,
    "narrator": ("narrator",),
    "quote": ("quote",),
    "all": ("all",),
}

ONE_ARTICLE = "1 article: no interval"
NO_SPREAD = "no spread across resamples: no interval"

_WHITESPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- checks


def _require(table: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} table lacks column(s) {', '.join(missing)}")


def _first_bad(table: pd.DataFrame, bad: pd.Series | np.ndarray, name: str, what: str) -> None:
    """Raise naming the first row flagged in ``bad`` (0-based position) and how many there are."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        doc = table["doc_id"].iloc[row] if "doc_id" in table.columns else None
        about = [f"doc_id {doc!r}"] if doc is not None else []
        if bad.sum() > 1:
            about.append(f"{int(bad.sum())} rows like it")
        where = f"{name} row {row}" + (f" ({'; '.join(about)})" if about else "")
        raise ValueError(f"{where} {what}")


def _member(ids: pd.Series, universe: pd.Series) -> np.ndarray:
    """Which of ``ids`` occur in ``universe``, by hash look-up.

    ``Series.isin`` walks a large set of Arrow strings in Python; an index
    look-up does not.
    """
    return pd.Index(pd.unique(universe)).get_indexer(ids) >= 0


def _kept_articles(articles: pd.DataFrame, *, by: str, include_duplicates: bool) -> pd.DataFrame:
    """The articles to aggregate, in batch order, after checking ids and groups."""
    _require(articles, "articles", ("doc_id", by, "duplicate_of"))
    _first_bad(articles, articles["doc_id"].duplicated(), "articles",
               "repeats a doc_id: doc_id must be unique in a batch")
    _first_bad(articles, articles[by].isna(), "articles",
               f"has no {by}: fill it in the manifest or input table")
    kept = articles if include_duplicates else articles[articles["duplicate_of"].isna()]
    return kept.reset_index(drop=True)


def _of_kept(table: pd.DataFrame, name: str, *, articles: pd.DataFrame,
             kept: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``table`` that belong to kept articles; unknown doc_ids raise."""
    _require(table, name, ("doc_id",))
    _first_bad(table, ~_member(table["doc_id"], articles["doc_id"]), name,
               f"has a doc_id that is not in articles: pass the articles that {name} was made from")
    return table[_member(table["doc_id"], kept["doc_id"])].reset_index(drop=True)


def _check_voices(table: pd.DataFrame, name: str) -> None:
    _first_bad(table, ~table["voice"].isin(VOICES), name,
               "has a voice that is neither 'narrator' nor 'quote': locate the spans first "
               "(sourcebias.locate.locate)")


def _choice(value: str, options: Iterable[str], name: str) -> str:
    options = tuple(options)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _collapse(text: pd.Series) -> pd.Series:
    return text.str.replace(_WHITESPACE, " ", regex=True).str.strip()


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


# --------------------------------------------------------------------------- words


def voice_words(articles: pd.DataFrame, *, voice: pd.DataFrame) -> pd.DataFrame:
    """Words per article in the outlet's own voice and in quotation.

    Quoted words are counted with :func:`sourcebias.tables.count_words` over
    the text of every ``quote`` span (quotation marks included, scare quotes
    included), in one vectorised pass.  Narrator words are the rest,
    ``n_words - quoted words``, so the two always add up to ``articles.n_words``.

    Parameters
    ----------
    articles : pandas.DataFrame
        The ``articles`` table (``doc_id``, ``outlet``, ``text``, ``n_words``).
        Every article is kept, duplicates included: the aggregates filter them.
    voice : pandas.DataFrame
        The ``voice`` spans of the same articles.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``outlet``, ``voice`` (``narrator``, ``quote``), ``n_words``;
        two rows per article, in batch order.

    Examples
    --------
    >>> words = voice_words(articles, voice=voice)
    >>> words.pivot(index="doc_id", columns="voice", values="n_words")
    """
    _require(articles, "articles", ("doc_id", "outlet", "text", "n_words"))
    _require(voice, "voice", ("doc_id", "start", "end", "voice"))
    _check_voices(voice, "voice")
    _of_kept(voice, "voice", articles=articles, kept=articles)
    _first_bad(articles, ~_member(articles["doc_id"], voice["doc_id"]) & (articles["n_words"] > 0),
               "articles", "has words but no voice spans: segment these articles first")
    quotes = voice[voice["voice"] == "quote"]
    article = pd.Index(articles["doc_id"]).get_indexer(quotes["doc_id"])
    texts = articles["text"].tolist()
    quoted_text = pd.Series(
        [texts[i][start:end] for i, start, end in zip(
            article, quotes["start"].tolist(), quotes["end"].tolist(), strict=True)],
        dtype="str",
    )
    n_quote = np.bincount(article, weights=count_words(quoted_text).to_numpy(),
                          minlength=len(articles)).astype("int64")
    n_narrator = articles["n_words"].to_numpy(dtype="int64") - n_quote
    _first_bad(articles, n_narrator < 0, "articles",
               "has fewer n_words than quoted words: recompute n_words with tables.count_words")
    return pd.DataFrame({
        "doc_id": np.repeat(articles["doc_id"].to_numpy(), len(VOICES)),
        "outlet": np.repeat(articles["outlet"].to_numpy(), len(VOICES)),
        "voice": np.tile(VOICES, len(articles)),
        "n_words": np.column_stack([n_narrator, n_quote]).ravel(),
    })


def _words_matrix(kept: pd.DataFrame, words: pd.DataFrame | None,
                  voices: tuple[str, ...]) -> np.ndarray:
    """Words per kept article (rows) and voice (columns)."""
    if voices == ("all",):
        _require(kept, "articles", ("n_words",))
        return kept[["n_words"]].to_numpy(dtype=np.float64)
    if words is None:
        raise ValueError(
            "term_rates per voice needs words per voice: pass "
            "words=voice_words(articles, voice=voice_spans), or use voice='all'"
        )
    _require(words, "words", ("doc_id", "voice", "n_words"))
    wide = words.pivot_table(index="doc_id", columns="voice", values="n_words", aggfunc="sum")
    wide = wide.reindex(index=kept["doc_id"], columns=list(voices))
    _first_bad(kept, wide.isna().any(axis=1).to_numpy(), "articles",
               "has no row in words: compute words with voice_words on the same articles")
    return wide.to_numpy(dtype=np.float64)


# --------------------------------------------------------------------------- term rates


def _entry_keys(hits: pd.DataFrame, level: str,
                entries: Iterable[str] | pd.DataFrame | None) -> tuple[list[str], dict[str, str]]:
    """The terms or categories to report, and each term's category."""
    pairs = hits[["term", "category"]].drop_duplicates("term")
    categories = dict(zip(pairs["term"], pairs["category"], strict=True))
    if entries is None:
        keys = sorted(hits[level].unique())
    elif isinstance(entries, pd.DataFrame):
        _require(entries, "entries", (level,))
        keys = entries[level].drop_duplicates().tolist()
        if level == "term" and "category" in entries.columns:
            categories.update(zip(entries["term"], entries["category"], strict=True))
    else:
        keys = list(dict.fromkeys(_as_list(entries)))
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
    voice: str = "both",
    entries: Iterable[str] | pd.DataFrame | None = None,
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Loaded-term rates per 1,000 words for each outlet, with bootstrap intervals.

    The rate is the ratio estimator ``1000 * sum(hits) / sum(words)`` over the
    outlet's articles, in the chosen voice: hits in quotation per 1,000 quoted
    words, hits in the outlet's own voice per 1,000 narrator words.

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
    voice : {"both", "narrator", "quote", "all"}
        ``both`` gives one row for each of ``narrator`` and ``quote``; ``all``
        pools the voices.
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
    _choice(level, ("category", "term"), "level")
    voices = RATE_VOICES[_choice(voice, RATE_VOICES, "voice")]
    check_bootstrap_options(n_boot, ci)
    kept = _kept_articles(articles, by=by, include_duplicates=include_duplicates)
    _require(hits, "hits", ("doc_id", "term", "category", "voice"))
    _first_bad(hits, hits[["term", "category"]].isna().any(axis=1), "hits",
               "has no term or category: find the hits with sourcebias.terms")
    if voice != "all":
        _check_voices(hits, "hits")
    hits = _of_kept(hits, "hits", articles=articles, kept=kept)
    keys, categories = _entry_keys(hits, level, entries)
    word_counts = _words_matrix(kept, words, voices)

    hit_voice = np.zeros(len(hits), dtype=np.intp) if voice == "all" else (
        pd.Index(voices).get_indexer(hits["voice"]))
    key = pd.Index(keys).get_indexer(hits[level])
    counted = (hit_voice >= 0) & (key >= 0)
    n_keys, n_cols = len(keys), len(voices) * len(keys)
    row = pd.Index(kept["doc_id"]).get_indexer(hits["doc_id"])[counted]
    col = hit_voice[counted] * n_keys + key[counted]
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


# --------------------------------------------------------------------------- labels


def term_voice_counts(
    hits: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    terms: Iterable[str] | None = None,
    by: str = "outlet",
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Who uses a term in its own voice, and who only quotes it.

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
        ``narrator`` (hits in the group's own voice), ``quote`` (hits inside
        quotations, scare quotes included), ``scare`` (of which in scare
        quotes), ``total`` and ``own_voice`` (True when ``narrator > 0``).
    """
    kept = _kept_articles(articles, by=by, include_duplicates=include_duplicates)
    found = _of_kept(hits, "hits", articles=articles, kept=kept)
    chosen = sorted(set(terms) if terms is not None else set(found["term"]))
    found = found[_member(found["term"], pd.Series(chosen, dtype="object"))]
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


def label_table(
    mentions: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    voice: str = "narrator",
    actors: Iterable[str] | None = None,
    by: str = "outlet",
    min_count: int = 1,
    examples: int = 1,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """How each outlet labels each actor: counts and shares of label phrases.

    Labels are grouped case-insensitively with whitespace collapsed, and shown
    in their most frequent written form (the earliest on ties).
    ``share = count / n_labelled``, the label's share of the outlet's labelled
    mentions of that actor in the voice.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The ``mentions`` table (``doc_id``, ``sent_id``, ``start``, ``actor``,
        ``voice``, ``label``).
    articles : pandas.DataFrame
        The ``articles`` table the mentions were found in.
    sentences : pandas.DataFrame, optional
        The ``sentences`` table; needed for example sentences (``examples > 0``).
    voice : {"narrator", "quote", "all"}
        Which mentions count: those in the outlet's own voice, in quotation, or all.
    actors : list of str, optional
        Actor ids to keep; default all.
    by : str
        The articles column that defines the groups.
    min_count : int
        Leave out labels used fewer times than this by the outlet.
    examples : int
        Example sentences per row: the earliest in batch order, whitespace
        collapsed, joined by newlines in the ``examples`` column.
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``actor``, ``label``, ``count``, ``share``, ``n_labelled``,
        ``n_mentions`` (all the outlet's mentions of the actor in the voice,
        labelled or not) and ``examples`` (when ``examples > 0``), sorted by
        outlet, actor and falling count.

    Examples
    --------
    >>> label_table(mentions, articles=articles, sentences=sentences, actors=["guaido"])
    """
    _choice(voice, ("narrator", "quote", "all"), "voice")
    if examples > 0 and sentences is None:
        raise ValueError("label_table(examples>0) needs sentences=...; or pass examples=0")
    kept = _kept_articles(articles, by=by, include_duplicates=include_duplicates)
    _require(mentions, "mentions", ("doc_id", "sent_id", "start", "actor", "voice", "label"))
    if voice != "all":
        _check_voices(mentions, "mentions")
    found = _of_kept(mentions, "mentions", articles=articles, kept=kept)
    if voice != "all":
        found = found[found["voice"] == voice]
    if actors is not None:
        found = found[found["actor"].isin(_as_list(actors))]
    order = pd.Series(np.arange(len(kept)), index=kept["doc_id"])
    found = found.assign(**{by: found["doc_id"].map(kept.set_index("doc_id")[by]),
                            "_doc": found["doc_id"].map(order)})
    found = found.sort_values(["_doc", "start"], kind="stable")
    n_mentions = found.groupby([by, "actor"]).size().rename("n_mentions")

    labelled = found[found["label"].notna()]
    form = _collapse(labelled["label"].astype("str"))
    labelled = labelled.assign(_form=form, _key=form.str.casefold(), _pos=np.arange(len(form)))
    keys = [by, "actor", "_key"]
    count = labelled.groupby(keys).size().rename("count")
    written = (labelled.groupby([*keys, "_form"]).agg(n=("_pos", "size"), first=("_pos", "min"))
               .reset_index()
               .sort_values([*keys, "n", "first"], ascending=[True, True, True, False, True])
               .drop_duplicates(keys).set_index(keys)["_form"].rename("label"))
    table = pd.concat([count, written], axis=1).reset_index()
    table = table.merge(n_mentions.reset_index(), on=[by, "actor"])
    table["n_labelled"] = table.groupby([by, "actor"])["count"].transform("sum")
    table["share"] = table["count"] / table["n_labelled"]
    table = table[table["count"] >= min_count]
    columns = [by, "actor", "label", "count", "share", "n_labelled", "n_mentions"]
    if examples > 0:
        table = table.merge(_label_examples(labelled, sentences, keys, examples), on=keys,
                            how="left")
        columns.append("examples")
    table = table.sort_values([by, "actor", "count", "label"],
                              ascending=[True, True, False, True], kind="stable")
    return table[columns].reset_index(drop=True)


def _label_examples(labelled: pd.DataFrame, sentences: pd.DataFrame, keys: list[str],
                    examples: int) -> pd.DataFrame:
    """The first ``examples`` distinct sentences of each label, newline-joined."""
    _require(sentences, "sentences", ("doc_id", "sent_id", "text"))
    first = labelled.drop_duplicates([*keys, "doc_id", "sent_id"]).groupby(keys).head(examples)
    first = first.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"],
                        how="left")
    _first_bad(first, first["text"].isna(), "mentions",
               "points to a sentence that is not in sentences: pass the sentences of the "
               "same articles")
    first["text"] = _collapse(first["text"])
    return first.groupby(keys, sort=False)["text"].agg("\n".join).rename("examples").reset_index()


# --------------------------------------------------------------------------- concordance


def _left_context(text: str, start: int, window: int) -> str:
    begin = max(0, start - window)
    left = text[begin:start]
    if begin > 0 and not text[begin - 1].isspace():
        left = re.sub(r"^\S+", "", left)
    return " ".join(left.split())


def _right_context(text: str, end: int, window: int) -> str:
    stop = end + window
    right = text[end:stop]
    if stop < len(text) and not text[stop].isspace():
        right = re.sub(r"\S+$", "", right)
    return " ".join(right.split())


def kwic(
    spans: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    window: int = 60,
    term: str | Iterable[str] | None = None,
    category: str | Iterable[str] | None = None,
    actor: str | Iterable[str] | None = None,
    voice: str | None = None,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Keyword-in-context concordance of hits or mentions.

    Parameters
    ----------
    spans : pandas.DataFrame
        A ``hits`` or ``mentions`` table (``doc_id``, ``start``, ``end``,
        ``voice``, ``scare``, ``is_title``).
    articles : pandas.DataFrame
        The ``articles`` table the spans were found in.
    window : int
        Characters of context on each side, before clipping: a word cut by
        the window edge is dropped, and whitespace (line breaks included) is
        collapsed to single spaces.
    term, category, actor : str or list of str, optional
        Keep only spans with these values (the column must exist).
    voice : {"narrator", "quote"}, optional
        Keep only spans in this voice.
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``outlet``, ``start``, ``end``, the ``term``, ``category``,
        ``actor`` and ``label`` columns that ``spans`` has, ``voice``,
        ``scare``, ``is_title``, ``left``, ``match`` and ``right``, in batch
        order.

    Examples
    --------
    >>> kwic(hits, articles=articles, category="coup", window=40)
    """
    if window < 0:
        raise ValueError(f"window must be a non-negative number of characters, got {window!r}")
    _require(spans, "spans", ("doc_id", "start", "end", "voice", "scare", "is_title"))
    kept = _kept_articles(articles, by="outlet", include_duplicates=include_duplicates)
    _require(kept, "articles", ("text",))
    found = _of_kept(spans, "spans", articles=articles, kept=kept)
    if voice is not None:
        _choice(voice, VOICES, "voice")
    for column, wanted in (("term", term), ("category", category), ("actor", actor),
                           ("voice", voice)):
        if wanted is not None:
            _require(found, "spans", (column,))
            found = found[found[column].isin(_as_list(wanted))]
    position = pd.Series(np.arange(len(kept)), index=kept["doc_id"])
    found = (found.assign(_doc=found["doc_id"].map(position))
             .sort_values(["_doc", "start"], kind="stable").reset_index(drop=True))
    text = found["_doc"].map(kept["text"]).tolist()
    starts, ends = found["start"].tolist(), found["end"].tolist()
    keys = [c for c in ("term", "category", "actor", "label") if c in found.columns]
    return pd.DataFrame({
        "doc_id": found["doc_id"],
        "outlet": found["_doc"].map(kept["outlet"]),
        "start": found["start"],
        "end": found["end"],
        **{c: found[c] for c in keys},
        "voice": found["voice"],
        "scare": found["scare"],
        "is_title": found["is_title"],
        "left": pd.Series([_left_context(t, s, window) for t, s in zip(text, starts, strict=True)],
                          dtype="str"),
        "match": pd.Series([" ".join(t[s:e].split()) for t, s, e in zip(
            text, starts, ends, strict=True)], dtype="str"),
        "right": pd.Series([_right_context(t, e, window) for t, e in zip(text, ends, strict=True)],
                           dtype="str"),
    })


# --------------------------------------------------------------------------- sentiment


def _sentence_scores(sentiment: pd.DataFrame, *, lexicon: str, scope: str) -> pd.DataFrame:
    """One compound score per sentence (``doc_id``, ``sent_id``, ``compound``, ``scope``).

    With a ``scope`` column, ``scope="narrator"`` takes the score of the
    sentence with its quoted parts removed, and the whole-sentence score for a
    sentence that has no narrator row (nothing quoted: the two are the same).
    Without a ``scope`` column every score is a whole-sentence score and the
    ``scope`` column of the result says ``sentence``.
    """
    _require(sentiment, "sentiment", ("doc_id", "sent_id", "lexicon", "compound"))
    scores = sentiment[sentiment["lexicon"] == lexicon]
    if scores.empty:
        found = ", ".join(map(repr, sorted(sentiment["lexicon"].dropna().unique())))
        raise ValueError(
            f"sentiment has no scores for lexicon {lexicon!r} (it has: {found or 'none'})")
    columns = ["doc_id", "sent_id", "compound"]
    if "scope" not in sentiment.columns:
        scores = scores[columns].assign(scope="sentence")
    else:
        wanted = scores[scores["scope"] == scope][columns].assign(scope=scope)
        whole = scores[scores["scope"] == "sentence"][columns].assign(scope=scope)
        scores = pd.concat([wanted, whole]).drop_duplicates(["doc_id", "sent_id"])
    _first_bad(scores, scores.duplicated(["doc_id", "sent_id"]), "sentiment",
               f"repeats a sentence for lexicon {lexicon!r}: score each sentence once per scope")
    return scores.reset_index(drop=True)


def actor_sentiment(
    sentiment: pd.DataFrame,
    *,
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    voice: str = "narrator",
    lexicon: str = "vader",
    by: str = "outlet",
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Mean sentiment of the sentences that mention each actor, per outlet.

    ``mean_compound = sum(compound) / n_sentences`` over the distinct
    sentences of the outlet that mention the actor (a sentence naming the
    actor twice counts once).  With ``voice="narrator"`` only mentions in the
    outlet's own voice count, and each sentence is scored with its quoted
    parts removed when the sentiment table has ``scope="narrator"`` scores
    (the ``scope`` column of the result says which score was used).

    The interval is the percentile bootstrap (Efron & Tibshirani 1993, ch. 13)
    of this ratio over resamples of the articles that mention the actor, drawn
    with replacement (cluster case resampling, Davison & Hinkley 1997, section
    3.8); with one such article there is no interval (note
    ``"1 article: no interval"``).

    Parameters
    ----------
    sentiment : pandas.DataFrame
        The ``sentiment`` table (``doc_id``, ``sent_id``, ``lexicon``,
        ``compound``, optionally ``scope``).
    mentions : pandas.DataFrame
        The ``mentions`` table (``doc_id``, ``sent_id``, ``actor``, ``voice``).
    articles : pandas.DataFrame
        The ``articles`` table.
    voice : {"narrator", "all"}
        Mentions in the outlet's own voice only, or all mentions.
    lexicon : str
        Which sentiment lexicon's scores to use (``vader``, ``vader+domain``).
    by : str
        The articles column that defines the groups.
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.
    n_boot, ci, random_state
        As in :func:`term_rates`.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``actor``, ``lexicon``, ``scope``, ``n_sentences``,
        ``n_articles``, ``mean_compound``, ``ci_low``, ``ci_high``,
        ``ci_method`` and ``note``.

    Examples
    --------
    >>> actor_sentiment(sentiment, mentions=mentions, articles=articles)
    """
    _choice(voice, ("narrator", "all"), "voice")
    check_bootstrap_options(n_boot, ci)
    kept = _kept_articles(articles, by=by, include_duplicates=include_duplicates)
    _require(mentions, "mentions", ("doc_id", "sent_id", "actor", "voice"))
    scores = _sentence_scores(sentiment, lexicon=lexicon,
                              scope="narrator" if voice == "narrator" else "sentence")
    found = _of_kept(mentions, "mentions", articles=articles, kept=kept)
    if voice == "narrator":
        _check_voices(found, "mentions")
        found = found[found["voice"] == "narrator"]
    found = found.drop_duplicates(["doc_id", "sent_id", "actor"])
    found = found[["doc_id", "sent_id", "actor"]].merge(scores, on=["doc_id", "sent_id"],
                                                         how="left")
    _first_bad(found, found["compound"].isna(), "mentions",
               f"is in a sentence without a {lexicon!r} score: score the same sentences")
    found[by] = found["doc_id"].map(kept.set_index("doc_id")[by])
    per_article = (found.groupby([by, "actor", "doc_id"], sort=True)
                   .agg(total=("compound", "sum"), n=("compound", "size")).reset_index())
    pairs = per_article.groupby([by, "actor"], sort=True)
    table = pairs.agg(n_sentences=("n", "sum"), n_articles=("doc_id", "size")).reset_index()
    result = grouped_ratio_intervals(
        per_article[["total"]].to_numpy(), per_article[["n"]].to_numpy(np.float64), np.array([0]),
        groups=pairs.ngroup().to_numpy(),
        names=(table[by].astype("str") + "\x1f" + table["actor"].astype("str")).tolist(),
        n_boot=n_boot, ci=ci, random_state=random_state,
    )
    reasons = np.where(table["n_articles"].to_numpy() == 1, ONE_ARTICLE, "")
    interval = _interval_columns(result.low[:, 0], result.high[:, 0], reasons,
                                 _bootstrap_method(n_boot, ci, by))
    table.insert(2, "lexicon", lexicon)
    table.insert(3, "scope", scores["scope"].iloc[0])
    return table.assign(mean_compound=result.estimate[:, 0], **interval)


def article_sentiment(
    sentiment: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    lexicon: str = "vader",
    scope: str = "sentence",
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Each article's sentiment as the mean compound score of its sentences.

    ``mean_compound = sum(compound) / n_sentences`` over the article's
    sentences (the title included), never one score of the whole article:
    VADER's compound saturates towards +-1 on long texts (Hutto & Gilbert
    2014, ICWSM, normalisation ``x / sqrt(x^2 + 15)``).

    Parameters
    ----------
    sentiment : pandas.DataFrame
        The ``sentiment`` table.
    articles : pandas.DataFrame
        The ``articles`` table.
    lexicon : str
        Which sentiment lexicon's scores to use.
    scope : {"sentence", "narrator"}
        Whole-sentence scores, or scores with quoted parts removed (needs a
        ``scope`` column in ``sentiment``).
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``outlet``, ``lexicon``, ``scope``, ``n_sentences``,
        ``mean_compound`` (NaN for an article without sentences), in batch order.

    Examples
    --------
    >>> article_sentiment(sentiment, articles=articles).sort_values("mean_compound")
    """
    _choice(scope, ("sentence", "narrator"), "scope")
    if scope == "narrator" and "scope" not in sentiment.columns:
        raise ValueError("sentiment has no scope column, so no narrator-only scores: "
                         "use scope='sentence' or score narrator text with sourcebias.sentiment")
    kept = _kept_articles(articles, by="outlet", include_duplicates=include_duplicates)
    _of_kept(sentiment, "sentiment", articles=articles, kept=kept)
    scores = _sentence_scores(sentiment, lexicon=lexicon, scope=scope)
    per_article = scores.groupby("doc_id")["compound"].agg(["sum", "size"])
    per_article = per_article.reindex(kept["doc_id"])
    n_sentences = per_article["size"].fillna(0).astype("int64").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_sentences > 0, per_article["sum"].to_numpy() / n_sentences, np.nan)
    return pd.DataFrame({
        "doc_id": kept["doc_id"],
        "outlet": kept["outlet"],
        "lexicon": lexicon,
        "scope": scores["scope"].iloc[0],
        "n_sentences": n_sentences,
        "mean_compound": mean,
    })


def outlet_sentiment(
    sentiment: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    lexicon: str = "vader",
    scope: str = "sentence",
    by: str = "outlet",
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Per-outlet summary of article sentiment (:func:`article_sentiment`).

    ``mean_compound`` is the mean of the article scores (each article weighs
    the same, whatever its length), ``sd_compound`` their standard deviation
    (``ddof=1``).  The interval is the percentile bootstrap of that mean over
    articles resampled with replacement within the outlet (Efron & Tibshirani
    1993, ch. 13).  Articles without sentences are left out of the mean.

    Parameters
    ----------
    sentiment, articles, lexicon, scope, include_duplicates
        As in :func:`article_sentiment`.
    by : str
        The articles column that defines the groups.
    n_boot, ci, random_state
        As in :func:`term_rates`.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``lexicon``, ``scope``, ``n_articles`` (with sentences),
        ``n_sentences``, ``mean_compound``, ``sd_compound``, ``ci_low``,
        ``ci_high``, ``ci_method`` and ``note``.

    Examples
    --------
    >>> outlet_sentiment(sentiment, articles=articles, by="outlet_group")
    """
    check_bootstrap_options(n_boot, ci)
    kept = _kept_articles(articles, by=by, include_duplicates=include_duplicates)
    scores = article_sentiment(sentiment, articles=articles, lexicon=lexicon, scope=scope,
                               include_duplicates=include_duplicates)
    scores[by] = kept[by].to_numpy()
    scored = scores["n_sentences"].to_numpy() > 0
    codes, names = pd.factorize(scores[by], sort=True)
    result = grouped_ratio_intervals(
        np.nan_to_num(scores[["mean_compound"]].to_numpy()), scored[:, None].astype(np.float64),
        np.array([0]), groups=codes, names=[str(n) for n in names],
        n_boot=n_boot, ci=ci, random_state=random_state,
    )
    table = (scores[scored].groupby(by).agg(
        n_articles=("doc_id", "size"), n_sentences=("n_sentences", "sum"),
        sd_compound=("mean_compound", "std"))
        .reindex(names).fillna({"n_articles": 0, "n_sentences": 0}))
    n_articles = table["n_articles"].to_numpy()
    reasons = np.select([n_articles == 0, n_articles == 1],
                        ["no article with sentences", ONE_ARTICLE], default="")
    interval = _interval_columns(result.low[:, 0], result.high[:, 0], reasons,
                                 _bootstrap_method(n_boot, ci, by))
    return pd.DataFrame({
        by: names,
        "lexicon": lexicon,
        "scope": scores["scope"].iloc[0],
        "n_articles": n_articles.astype("int64"),
        "n_sentences": table["n_sentences"].to_numpy().astype("int64"),
        "mean_compound": result.estimate[:, 0],
        "sd_compound": table["sd_compound"].to_numpy(),
        **interval,
    })


# --------------------------------------------------------------------------- overview


def outlet_groups(articles: pd.DataFrame) -> dict[str, str | None]:
    """Each outlet's group, from the ``outlet_group`` of its articles.

    An outlet whose articles name several groups gets them sorted and joined
    by ``"; "``; one whose articles name none gets ``None``.

    Parameters
    ----------
    articles : pandas.DataFrame
        The ``articles`` table: ``outlet`` and ``outlet_group``.

    Returns
    -------
    dict of str to str or None
        Outlet name to group, in outlet order, e.g. for
        ``sourcebias.plots.outlet_palette(groups=...)``.

    Examples
    --------
    >>> outlet_groups(articles)["www.foxnews.com"]  # doctest: +SKIP
    'center; right'
    """
    _require(articles, "articles", ("outlet", "outlet_group"))
    pairs = (articles[["outlet", "outlet_group"]].dropna().astype("str").drop_duplicates()
             .sort_values(["outlet", "outlet_group"]))
    joined = pairs.groupby("outlet")["outlet_group"].agg("; ".join)
    return {str(outlet): joined.get(str(outlet))
            for outlet in sorted(articles["outlet"].dropna().astype("str").unique())}


def outlet_summary(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    by: str = "outlet",
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """The corpus at a glance: articles, words and voice per outlet.

    ``quote_share = n_words_quote / n_words`` is the share of the outlet's
    words that it quotes; ``narrator_share = 1 - quote_share`` is its own voice
    (word counts from :func:`voice_words`).

    Parameters
    ----------
    articles : pandas.DataFrame
        The ``articles`` table.
    sentences : pandas.DataFrame
        The ``sentences`` table of the same articles.
    voice : pandas.DataFrame
        The ``voice`` spans of the same articles.
    by : str
        The articles column that defines the groups.
    include_duplicates : bool
        Count articles whose ``duplicate_of`` is set in the word and sentence
        totals; ``n_duplicates`` always counts them.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``outlet_group`` (when ``by="outlet"``; several groups are
        joined by ``"; "``, null when none), ``n_articles``, ``n_duplicates``, ``n_words``,
        ``n_words_narrator``, ``n_words_quote``, ``narrator_share``,
        ``quote_share`` and ``n_sentences``, one row per group of ``articles``.

    Examples
    --------
    >>> outlet_summary(articles, sentences=sentences, voice=voice)
    """
    kept = _kept_articles(articles, by=by, include_duplicates=include_duplicates)
    words = voice_words(articles, voice=voice)
    words = words[_member(words["doc_id"], kept["doc_id"])]
    words[by] = words["doc_id"].map(kept.set_index("doc_id")[by])
    groups = pd.Index(sorted(articles[by].unique()), name=by)
    per_voice = (words.pivot_table(index=by, columns="voice", values="n_words", aggfunc="sum")
                 .reindex(index=groups, columns=list(VOICES)).fillna(0).astype("int64"))
    n_sentences = _of_kept(sentences, "sentences", articles=articles, kept=kept)["doc_id"].map(
        kept.set_index("doc_id")[by]).value_counts()
    n_words = per_voice["narrator"] + per_voice["quote"]
    with np.errstate(invalid="ignore", divide="ignore"):
        quote_share = np.where(n_words > 0, per_voice["quote"] / n_words, np.nan)
    table = pd.DataFrame({by: groups})
    if by == "outlet" and "outlet_group" in articles.columns:
        table["outlet_group"] = groups.map(pd.Series(outlet_groups(articles), dtype="str"))
    return table.assign(
        n_articles=groups.map(kept[by].value_counts()).fillna(0).astype("int64"),
        n_duplicates=groups.map(articles.loc[articles["duplicate_of"].notna(), by].value_counts())
        .fillna(0).astype("int64"),
        n_words=n_words.to_numpy(),
        n_words_narrator=per_voice["narrator"].to_numpy(),
        n_words_quote=per_voice["quote"].to_numpy(),
        narrator_share=1 - quote_share,
        quote_share=quote_share,
        n_sentences=groups.map(n_sentences).fillna(0).astype("int64"),
    )
