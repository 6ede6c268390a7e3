"""Stories: which articles tell the same event, across outlets, within a time window.

:func:`find_stories` gives every article a story id; :func:`story_table`
describes each story. Within a story, :func:`story_coverage` says which outlet
told it, :func:`story_terms` and :func:`story_labels` count the loaded terms and
actor labels each outlet used in it, and :func:`paired_differences` compares two
outlets over the stories both told, with intervals from a bootstrap over
stories.

The method of :func:`find_stories`, in four steps:

1. **Vectors.** Each article's lead (its first ``lead_chars`` characters, the
   headline first; with a ``voice`` table only the narrator's words, so that a
   quotation every outlet repeats does not make two stories one) is split into
   words of letters and digits with pyarrow. English stop words (scikit-learn's
   list), single characters and numbers are dropped; a word written with a
   capital letter (a name) counts ``name_weight`` times. The counts become
   sublinear TF-IDF vectors (scikit-learn's ``TfidfTransformer``: ``1 +
   log(tf)`` times the smoothed ``idf``, Salton & Buckley 1988), words that occur
   in one article only are dropped, and each vector keeps its ``n_terms``
   heaviest words and is scaled to unit length.
2. **Neighbours.** Articles are sorted by date and compared by cosine
   similarity only with articles at most ``window_days`` days apart, block by
   block (a sparse product of the block with the rows of its window, i.e. an
   inverted-index join on shared words), never all pairs of a batch. An article
   without a date is compared with every article by the same sparse join, and
   the articles without a date are counted in :func:`story_table`.
3. **Components.** Pairs with cosine ``>= threshold`` are the edges of a sparse
   graph; its connected components (``scipy.sparse.csgraph``) are the candidate
   stories.
4. **Splitting chains.** A component of three or more articles is cut by
   average-linkage clustering (``scipy.cluster.hierarchy``, UPGMA: Sokal &
   Michener 1958) of its cosine distances at ``1 - threshold``, pairs more than
   ``window_days`` apart counting as dissimilar; a chain of single links from
   one event to the next therefore does not join them.

Story ids (``S0001``, ``S0002``, ...) are numbered by each story's first date
(undated stories last), then by the first article's position in the batch, so
the same batch gives the same ids. An article whose ``duplicate_of`` is set
takes the story of the article it repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import scipy.sparse as sp
from scipy.cluster import hierarchy
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer
from sklearn.preprocessing import normalize

from sourcebias.read.furniture import as_arrow
from sourcebias.stats.bootstrap import (
    check_bootstrap_options,
    group_rng,
    percentile_interval,
    resample_counts,
    seed_entropy,
)
from sourcebias.stats.rates import _in_voice, _voice_column
from sourcebias.tables import OWN

#: Rows of the sorted vectors compared at once with their date window.
_BLOCK_ROWS = 2048
_NO_DAY = np.iinfo(np.int64).min


@dataclass(frozen=True)
class _Vectors:
    """Unit-length TF-IDF vectors of the articles and the words of their columns."""

    matrix: sp.csr_matrix
    words: np.ndarray


def article_days(dates: pd.Series) -> pd.Series:
    """Each date as a day (``datetime64[s]`` at midnight), or NaT when missing or unreadable.

    Dates are read with :func:`pandas.to_datetime` (ISO 8601 first, then any
    format pandas recognises); a time of day and a time zone are dropped.
    """
    parsed = pd.to_datetime(dates, format="ISO8601", errors="coerce", utc=True)
    retry = parsed.isna() & dates.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(dates[retry], format="mixed", errors="coerce", utc=True)
    return parsed.dt.tz_localize(None).dt.floor("D").astype("datetime64[s]")


def find_stories(
    articles: pd.DataFrame,
    *,
    voice: pd.DataFrame | None = None,
    window_days: int = 3,
    threshold: float = 0.2,
    lead_chars: int = 1000,
    n_terms: int = 40,
    name_weight: float = 1.0,
) -> pd.DataFrame:
    """Give every article a story id: the articles that tell the same event.

    See the module's description for the method (TF-IDF vectors of each
    article's lead, cosine neighbours within a date window, connected
    components cut by average linkage).

    Parameters
    ----------
    articles : pandas.DataFrame
        The ``articles`` table (``doc_id``, ``outlet``, ``date``, ``text``,
        ``duplicate_of``).
    voice : pandas.DataFrame, optional
        The ``voice`` table; when given, only the narrator's words count.
    window_days : int
        Two articles are compared only when their dates are at most this many
        days apart; a story can last longer through articles in between.
    threshold : float
        Cosine similarity from which two articles are linked, and the average
        similarity from which two groups of articles stay one story.
    lead_chars : int
        Characters of each article read, from the start (the headline first).
    n_terms : int
        Words kept in each article's vector (the heaviest by TF-IDF).
    name_weight : float
        How many times a word written with a capital letter counts.

    Returns
    -------
    pandas.DataFrame
        One row per article, in batch order: ``doc_id``, ``outlet``, ``date``
        (the day, or NaT), ``dated`` (whether the date could be read) and
        ``story``.

    Examples
    --------
    >>> stories = find_stories(analysis.articles, voice=analysis.voice)  # doctest: +SKIP
    >>> story_table(analysis.articles, stories)  # doctest: +SKIP
    """
    _require(articles, "articles", ("doc_id", "outlet", "date", "text", "duplicate_of"))
    if window_days < 0 or int(window_days) != window_days:
        raise ValueError(f"window_days must be a whole number of days >= 0, got {window_days!r}")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a cosine similarity in (0, 1], got {threshold!r}")
    if articles["doc_id"].duplicated().any():
        raise ValueError("articles repeat a doc_id: doc_id must be unique in a batch")
    days = article_days(articles["date"])
    original = articles["duplicate_of"].isna().to_numpy() | ~articles["duplicate_of"].isin(
        articles["doc_id"]).to_numpy()
    kept = np.flatnonzero(original)
    vectors = _vectors(_leads(articles.iloc[kept], voice, lead_chars),
                       n_terms=n_terms, name_weight=name_weight)
    day_number = _day_numbers(days.iloc[kept])
    labels = _cluster(vectors.matrix, day_number, window_days=window_days, threshold=threshold)
    story_of = np.full(len(articles), -1, dtype=np.int64)
    story_of[kept] = labels
    repeats = np.flatnonzero(~original)
    if repeats.size:
        position = pd.Index(articles["doc_id"]).get_indexer(articles["duplicate_of"].iloc[repeats])
        story_of[repeats] = story_of[position]
    return pd.DataFrame({
        "doc_id": articles["doc_id"].to_numpy(),
        "outlet": articles["outlet"].to_numpy(),
        "date": days.to_numpy(),
        "dated": days.notna().to_numpy(),
        "story": _story_ids(story_of, days),
    })


def story_table(articles: pd.DataFrame, stories: pd.DataFrame, *, n_top: int = 6,
                lead_chars: int = 1000) -> pd.DataFrame:
    """One row per story: its dates, outlets, headlines and characterising words.

    The characterising words are the ``n_top`` heaviest words of the sum of
    the story's article vectors (the TF-IDF vectors of :func:`find_stories`,
    built here over the whole batch), i.e. the words its articles share and
    the rest of the batch rarely uses.

    Parameters
    ----------
    articles : pandas.DataFrame
        The ``articles`` table (``doc_id``, ``title``, ``text``).
    stories : pandas.DataFrame
        What :func:`find_stories` returned for these articles.
    n_top : int
        Words listed per story.
    lead_chars : int
        Characters of each article read, as in :func:`find_stories`.

    Returns
    -------
    pandas.DataFrame
        ``story``, ``first_date``, ``last_date`` (NaT when no article is dated),
        ``n_articles``, ``n_undated`` (articles without a readable date),
        ``n_outlets``, ``outlets`` (sorted, ``"; "``-separated), ``headline``
        (of the earliest article), ``headlines`` (every distinct headline,
        ``" | "``-separated) and ``terms`` (``"; "``-separated), ordered by story id.
    """
    _require(stories, "stories", ("doc_id", "outlet", "date", "dated", "story"))
    _require(articles, "articles", ("doc_id", "text"))
    joined = stories.merge(articles[["doc_id", "text", *(["title"] if "title" in articles
                                                         else [])]],
                           on="doc_id", how="left", validate="one_to_one")
    if joined["text"].isna().any():
        raise ValueError("stories has a doc_id that is not in articles: pass the articles "
                         "the stories were found in")
    if "title" not in joined:
        joined["title"] = None
    vectors = _vectors(_leads(joined, None, lead_chars), n_terms=None, name_weight=1.0)
    codes, ids = pd.factorize(joined["story"], sort=True)
    member = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                           shape=(len(ids), len(codes)))
    weights = (member @ vectors.matrix).tocsr()
    terms = [
        "; ".join(vectors.words[weights.indices[lo:hi][np.argsort(-weights.data[lo:hi],
                                                                   kind="stable")[:n_top]]])
        for lo, hi in zip(weights.indptr[:-1], weights.indptr[1:], strict=True)
    ]
    ordered = joined.assign(_code=codes).sort_values(["_code", "date", "doc_id"],
                                                     na_position="last")
    grouped = ordered.groupby("_code", sort=True)
    table = pd.DataFrame({
        "story": ids,
        "first_date": grouped["date"].min().to_numpy(),
        "last_date": grouped["date"].max().to_numpy(),
        "n_articles": grouped.size().to_numpy(),
        "n_undated": grouped["dated"].agg(lambda d: int((~d).sum())).to_numpy(),
        "n_outlets": grouped["outlet"].nunique().to_numpy(),
        "outlets": grouped["outlet"].agg(lambda o: "; ".join(sorted(set(map(str, o)))))
        .to_numpy(),
        "headline": grouped["title"].first().to_numpy(),
        "headlines": grouped["title"].agg(lambda t: " | ".join(dict.fromkeys(t.dropna())))
        .to_numpy(),
        "terms": terms,
    })
    return table


def story_summary(table: pd.DataFrame) -> str:
    """One sentence on what :func:`story_table` found, saying plainly when the batch is one
    story (so within-story comparison is the whole batch) or none is told by two outlets."""
    shared = int((table["n_outlets"] >= 2).sum())
    if len(table) == 1:
        return (f"The batch tells one story ({table['n_articles'].iloc[0]} articles, "
                f"{table['n_outlets'].iloc[0]} outlets): comparing within stories is comparing "
                "the whole batch, and paired differences rest on that one story (no interval).")
    return (f"{len(table)} stories; {shared} told by at least two outlets, which the paired "
            f"comparison uses; {int(table['n_undated'].sum())} article(s) without a date were "
            "placed by their text alone.")


# --------------------------------------------------------------------------- within stories


def story_coverage(stories: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Which outlet told which story: the agenda, apart from how it was told.

    Parameters
    ----------
    stories : pandas.DataFrame
        What :func:`find_stories` returned.
    by : str
        The column naming the groups (``outlet``, or ``outlet_group`` after a merge).

    Returns
    -------
    pandas.DataFrame
        One row per story and outlet, every pair included: ``story``, ``by``,
        ``n_articles`` (0 where the outlet did not tell the story),
        ``covered`` and ``n_outlets`` (outlets that told the story), ordered by
        story then outlet.
    """
    _require(stories, "stories", ("story", by))
    counts = stories.groupby(["story", by]).size()
    grid = pd.MultiIndex.from_product([sorted(stories["story"].unique()),
                                       sorted(stories[by].astype("str").unique())],
                                      names=["story", by])
    table = counts.reindex(grid, fill_value=0).rename("n_articles").reset_index()
    table["covered"] = table["n_articles"] > 0
    table["n_outlets"] = table.groupby("story")["covered"].transform("sum").astype("int64")
    return table


def story_terms(
    hits: pd.DataFrame,
    *,
    stories: pd.DataFrame,
    articles: pd.DataFrame,
    words: pd.DataFrame | None = None,
    level: str = "term",
    voice: str = "narrator",
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Loaded terms each outlet used in each story it told, per 1,000 words.

    The rate of an outlet in a story is ``1000 * hits / words`` over the
    outlet's articles of that story, in the chosen voice.

    Parameters
    ----------
    hits : pandas.DataFrame
        The ``hits`` table.
    stories : pandas.DataFrame
        What :func:`find_stories` returned.
    articles : pandas.DataFrame
        The ``articles`` table (``doc_id``, ``n_words``, ``duplicate_of``).
    words : pandas.DataFrame, optional
        :func:`sourcebias.aggregate.voice_words`; required unless ``voice="all"``.
    level : {"term", "category"}
    voice : {"narrator", "quote", "own", "all"}
        ``own``: narrator text not attributed to a source (needs the hits'
        ``attributed`` column and ``own`` rows in ``words``).
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.

    Returns
    -------
    pandas.DataFrame
        ``story``, ``outlet``, ``level``, ``n_articles``, ``n_hits``, ``n_words``
        and ``rate_per_1000``: one row per entry and per story an outlet told
        (0 hits included), for every entry found in ``hits``.
    """
    if level not in ("term", "category"):
        raise ValueError(f"level must be 'term' or 'category', got {level!r}")
    if voice not in ("narrator", "quote", OWN, "all"):
        raise ValueError(f"voice must be 'narrator', 'quote', 'own' or 'all', got {voice!r}")
    _require(hits, "hits", ("doc_id", level, "voice"))
    units = _story_units(stories, articles, words, voice=voice,
                         include_duplicates=include_duplicates)
    chosen = hits[_in_voice(hits, voice)]
    counted = chosen.merge(units[["doc_id", "story", "outlet"]], on="doc_id")
    n_hits = counted.groupby(["story", "outlet", level]).size().rename("n_hits")
    cells = units.groupby(["story", "outlet"]).agg(n_articles=("doc_id", "size"),
                                                   n_words=("n_words", "sum"))
    keys = sorted(hits[level].dropna().unique())
    grid = pd.MultiIndex.from_tuples(
        [(*cell, key) for cell in cells.index for key in keys], names=["story", "outlet", level])
    table = n_hits.reindex(grid, fill_value=0).reset_index()
    table = table.join(cells, on=["story", "outlet"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(table["n_words"] > 0, 1000 * table["n_hits"] / table["n_words"], np.nan)
    return table[["story", "outlet", level, "n_articles", "n_hits", "n_words"]].assign(
        rate_per_1000=rate)


def story_labels(
    mentions: pd.DataFrame,
    *,
    stories: pd.DataFrame,
    articles: pd.DataFrame,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """The labels each outlet gave each actor in each story it told.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The ``mentions`` table (``doc_id``, ``actor``, ``label``).
    stories : pandas.DataFrame
        What :func:`find_stories` returned.
    articles : pandas.DataFrame
        The ``articles`` table.
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.

    Returns
    -------
    pandas.DataFrame
        ``story``, ``outlet``, ``actor``, ``label`` (lower-cased), ``n_mentions``
        (mentions of the actor with this label), ``n_actor_mentions`` (all
        mentions of the actor by the outlet in the story) and ``share``
        (their ratio). Only labelled mentions give rows.
    """
    _require(mentions, "mentions", ("doc_id", "actor", "label"))
    units = _story_units(stories, articles, None, voice="all",
                         include_duplicates=include_duplicates)
    joined = mentions.merge(units[["doc_id", "story", "outlet"]], on="doc_id")
    total = joined.groupby(["story", "outlet", "actor"]).size().rename("n_actor_mentions")
    labelled = joined[joined["label"].notna()].assign(label=lambda m: m["label"].str.lower())
    table = (labelled.groupby(["story", "outlet", "actor", "label"]).size()
             .rename("n_mentions").reset_index().join(total, on=["story", "outlet", "actor"]))
    return table.assign(share=table["n_mentions"] / table["n_actor_mentions"])


def paired_differences(
    table: pd.DataFrame,
    *,
    value: str = "rate_per_1000",
    key: str = "term",
    outlets: list[str] | None = None,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Differences between two outlets over the stories both told, with bootstrap intervals.

    For outlets ``a`` and ``b`` and each ``key`` (a term, a category, a label),
    the difference is the mean over the stories both told of
    ``value_a - value_b`` (each story weighs the same: a paired design, so
    what each outlet chose to cover drops out). Its interval is the percentile
    interval (Efron & Tibshirani 1993, ch. 13) over ``n_boot`` resamples of
    the shared stories, drawn with replacement: the story is the unit.
    A pair with fewer than two shared stories has no interval.

    Parameters
    ----------
    table : pandas.DataFrame
        Per story, outlet and key: :func:`story_terms` or :func:`story_labels`
        (``key="label"``, ``value="share"``; a story where an outlet used the
        actor but not the label has no row and counts as 0 when the other
        outlet's row exists).
    value : str
        The column compared.
    key : str
        The column naming what is compared.
    outlets : list of str, optional
        The outlets to pair (every pair, in sorted order); default all.
    n_boot, ci, random_state :
        Resamples, coverage and seed (:mod:`sourcebias.stats.bootstrap`).

    Returns
    -------
    pandas.DataFrame
        ``outlet_a``, ``outlet_b``, ``key``, ``n_stories`` (told by both),
        ``mean_a``, ``mean_b``, ``difference`` (``mean_a - mean_b``),
        ``ci_low``, ``ci_high``, ``ci_method`` and ``note``.
    """
    check_bootstrap_options(n_boot, ci)
    _require(table, "table", ("story", "outlet", key, value))
    wide = table.pivot_table(index=["story", key], columns="outlet", values=value,
                             aggfunc="first")
    names = sorted(wide.columns) if outlets is None else sorted(outlets)
    seed = seed_entropy(random_state)
    method = f"{ci * 100:g}% percentile bootstrap over shared stories (B={n_boot})"
    rows = []
    for a_pos, outlet_a in enumerate(names):
        for outlet_b in names[a_pos + 1:]:
            pair = wide.reindex(columns=[outlet_a, outlet_b])
            told = _told(table, outlet_a, outlet_b)
            pair = pair[pair.index.get_level_values("story").isin(told)].fillna(0.0)
            diffs = (pair[outlet_a] - pair[outlet_b]).unstack(key, fill_value=0.0)
            means = pair.groupby(level=key).mean()
            rng = group_rng(seed, f"{outlet_a}\n{outlet_b}")
            low, high = _story_interval(diffs.to_numpy(), n_boot=n_boot, ci=ci, rng=rng)
            for k, column in enumerate(diffs.columns):
                note = None if len(diffs) >= 2 and low[k] < high[k] else (
                    "fewer than 2 shared stories: no interval" if len(diffs) < 2
                    else "no spread across resamples: no interval")
                rows.append({
                    "outlet_a": outlet_a, "outlet_b": outlet_b, key: column,
                    "n_stories": len(diffs),
                    "mean_a": means.loc[column, outlet_a], "mean_b": means.loc[column, outlet_b],
                    "difference": diffs[column].mean(),
                    "ci_low": low[k] if note is None else np.nan,
                    "ci_high": high[k] if note is None else np.nan,
                    "ci_method": method if note is None else None, "note": note,
                })
    columns = ["outlet_a", "outlet_b", key, "n_stories", "mean_a", "mean_b", "difference",
               "ci_low", "ci_high", "ci_method", "note"]
    return pd.DataFrame(rows, columns=columns)


def _told(table: pd.DataFrame, outlet_a: str, outlet_b: str) -> list[str]:
    """The stories both outlets told (a row of either in ``table`` means it told it)."""
    by_outlet = table.groupby("outlet")["story"].agg(set)
    return sorted(by_outlet.get(outlet_a, set()) & by_outlet.get(outlet_b, set()))


def _story_interval(diffs: np.ndarray, *, n_boot: int, ci: float,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of column means over resamples of the rows (stories)."""
    n = diffs.shape[0]
    if n < 2:
        nan = np.full(diffs.shape[1], np.nan)
        return nan, nan.copy()
    means = np.vstack([counts @ diffs / n for counts in
                       resample_counts(n, n_boot=n_boot, rng=rng)])
    return percentile_interval(means, ci=ci)


def _story_units(stories: pd.DataFrame, articles: pd.DataFrame, words: pd.DataFrame | None,
                 *, voice: str, include_duplicates: bool) -> pd.DataFrame:
    """The kept articles with their story, outlet and word count in the voice."""
    _require(stories, "stories", ("doc_id", "story", "outlet"))
    _require(articles, "articles", ("doc_id", "n_words", "duplicate_of"))
    kept = articles if include_duplicates else articles[articles["duplicate_of"].isna()]
    units = stories[["doc_id", "story", "outlet"]].merge(kept[["doc_id", "n_words"]],
                                                         on="doc_id")
    if voice != "all":
        if words is None:
            raise ValueError(f"voice={voice!r} needs words= (sourcebias.voice_words), "
                             "or use voice='all'")
        _require(words, "words", ("doc_id", "voice", "n_words"))
        in_voice = _voice_column(words, voice)
        units["n_words"] = in_voice.reindex(units["doc_id"]).fillna(0).to_numpy()
    return units


# --------------------------------------------------------------------------- vectors


def _leads(articles: pd.DataFrame, voice: pd.DataFrame | None, lead_chars: int) -> pd.Series:
    """Each article's first ``lead_chars`` characters, narrator spans only when ``voice``
    is given (quotations become a space)."""
    text = articles["text"].fillna("").astype("str")
    if voice is None:
        lead = pc.utf8_slice_codeunits(as_arrow(text), 0, lead_chars)
        return pd.Series(lead.to_numpy(zero_copy_only=False), index=articles.index, dtype="str")
    _require(voice, "voice", ("doc_id", "start", "end", "voice"))
    spans = voice[(voice["voice"] == "narrator") & (voice["start"] < lead_chars)]
    spans = spans[spans["doc_id"].isin(articles["doc_id"])]
    position = pd.Index(articles["doc_id"]).get_indexer(spans["doc_id"])
    texts = text.tolist()
    pieces = [texts[p][s:min(e, lead_chars)] for p, s, e in
              zip(position.tolist(), spans["start"].tolist(), spans["end"].tolist(), strict=True)]
    joined = pd.Series(pieces, dtype="object").groupby(position).agg(" ".join)
    lead = pd.Series("", index=range(len(texts)), dtype="object")
    lead[joined.index] = joined.to_numpy()
    return pd.Series(lead.to_numpy(), index=articles.index, dtype="str")


def _vectors(leads: pd.Series, *, n_terms: int | None, name_weight: float) -> _Vectors:
    """Sublinear TF-IDF vectors of the leads' content words (see the module description)."""
    n = len(leads)
    words = pc.split_pattern_regex(as_arrow(leads.fillna("")), r"[^\pL\pN]+")
    codes = pc.dictionary_encode(words.flatten())
    spelled = pd.Series(codes.dictionary.to_pandas(), dtype="str")
    lowered = spelled.str.lower()
    content = ((lowered.str.len() > 1) & ~lowered.isin(ENGLISH_STOP_WORDS)
               & ~lowered.str.fullmatch(r"\d+")).to_numpy()
    weight = np.where(spelled.str[0].str.isupper().to_numpy(), name_weight, 1.0)
    word_id, vocabulary = pd.factorize(lowered)
    token = codes.indices.to_numpy()
    row = np.repeat(np.arange(n), np.diff(words.offsets.to_numpy()))
    keep = content[token]
    counts = sp.csr_matrix((weight[token[keep]], (row[keep], word_id[token[keep]])),
                           shape=(n, len(vocabulary)))
    counts.sum_duplicates()
    if counts.nnz == 0:
        return _Vectors(sp.csr_matrix((n, 0)), np.asarray(vocabulary, dtype=object))
    tfidf = TfidfTransformer(sublinear_tf=True, norm=None).fit_transform(counts).tocsr()
    if n_terms is not None:
        tfidf = _top_per_row(_without_singletons(tfidf), n_terms)
    return _Vectors(normalize(tfidf).tocsr(), np.asarray(vocabulary, dtype=object))


def _without_singletons(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """The matrix without the columns of words found in one row only (they link nothing)."""
    shared = np.bincount(matrix.indices, minlength=matrix.shape[1]) > 1
    kept = (matrix @ sp.diags(shared.astype(np.float64))).tocsr()
    kept.eliminate_zeros()
    return kept


def _top_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Each row's ``k`` largest entries (ties by column), the rest set to 0."""
    lengths = np.diff(matrix.indptr)
    row = np.repeat(np.arange(matrix.shape[0]), lengths)
    peak = np.zeros(matrix.shape[0])
    np.maximum.at(peak, row, matrix.data)
    # One sort key: the row, then the entry's shortfall from its row's peak in [0, 1).
    key = row + 0.5 * (1.0 - matrix.data / peak[row])
    order = np.argsort(key, kind="stable")
    rank = np.arange(order.size) - matrix.indptr[row[order]]
    chosen = np.sort(order[rank < k])
    return sp.csr_matrix((matrix.data[chosen], matrix.indices[chosen],
                          np.concatenate([[0], np.cumsum(np.minimum(lengths, k))])),
                         shape=matrix.shape)


# --------------------------------------------------------------------------- neighbours


def _day_numbers(days: pd.Series) -> np.ndarray:
    """Days since 1970 as integers, :data:`_NO_DAY` for undated articles."""
    number = np.full(len(days), _NO_DAY, dtype=np.int64)
    dated = days.notna().to_numpy()
    number[dated] = days[dated].to_numpy().astype("datetime64[D]").astype(np.int64)
    return number


def _cluster(matrix: sp.csr_matrix, day: np.ndarray, *, window_days: int,
             threshold: float) -> np.ndarray:
    """A cluster number for each row (see the module description, steps 2 to 4)."""
    labels = np.full(matrix.shape[0], -1, dtype=np.int64)
    dated = np.flatnonzero(day != _NO_DAY)
    dated = dated[np.argsort(day[dated], kind="stable")]
    undated = np.flatnonzero(day == _NO_DAY)
    rows, days = matrix[dated], day[dated]
    labels[dated] = _components(rows, days, _window_pairs(rows, days, window_days, threshold),
                                window_days=window_days, threshold=threshold)
    if undated.size:
        best = _best_neighbours(matrix[undated], rows, threshold)
        attached = best >= 0
        labels[undated[attached]] = labels[dated[best[attached]]]
        alone = undated[~attached]
        rows = matrix[alone]
        pairs = _window_pairs(rows, np.zeros(alone.size, np.int64), 0, threshold)
        labels[alone] = labels.max() + 1 + _components(
            rows, np.full(alone.size, _NO_DAY), pairs, window_days=window_days,
            threshold=threshold)
    return labels


def _window_pairs(rows: sp.csr_matrix, days: np.ndarray, window_days: int,
                  threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of rows sorted by day, at most ``window_days`` apart, with cosine
    >= ``threshold``: each block of rows is multiplied with the rows of its window."""
    found = [(np.empty(0, np.int64), np.empty(0, np.int64))]
    for lo in range(0, rows.shape[0], _BLOCK_ROWS):
        hi = min(lo + _BLOCK_ROWS, rows.shape[0])
        stop = int(np.searchsorted(days, days[hi - 1] + window_days, side="right"))
        product = (rows[lo:hi] @ rows[lo:stop].T).tocoo()
        i, j = product.row.astype(np.int64) + lo, product.col.astype(np.int64) + lo
        keep = (j > i) & (product.data >= threshold) & (days[j] - days[i] <= window_days)
        found.append((i[keep], j[keep]))
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))


def _best_neighbours(rows: sp.csr_matrix, others: sp.csr_matrix, threshold: float
                     ) -> np.ndarray:
    """For each row, the most similar of ``others`` with cosine >= ``threshold`` (the
    first on ties), or -1."""
    best = np.full(rows.shape[0], -1, dtype=np.int64)
    for lo in range(0, rows.shape[0], _BLOCK_ROWS):
        product = (rows[lo:lo + _BLOCK_ROWS] @ others.T).tocoo()
        keep = product.data >= threshold
        i, j, value = product.row[keep], product.col[keep], product.data[keep]
        order = np.lexsort((j, -value, i))
        first = order[np.r_[True, i[order][1:] != i[order][:-1]]] if order.size else order
        best[lo + i[first]] = j[first]
    return best


def _components(rows: sp.csr_matrix, day: np.ndarray, pairs: tuple[np.ndarray, np.ndarray],
                *, window_days: int, threshold: float) -> np.ndarray:
    """Connected components of the linked pairs, each of three or more rows cut by
    :func:`_split`; numbered from 0."""
    n = rows.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    graph = sp.csr_matrix((np.ones(pairs[0].size), pairs), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)
    next_label = int(labels.max()) + 1 if n else 0
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(next_label + 1))
    sizes = np.diff(bounds)
    edges = np.bincount(labels[pairs[0]], minlength=sizes.size)
    # A component whose rows are all linked pairwise stays whole under average linkage.
    for c in np.flatnonzero((sizes > 2) & (edges < sizes * (sizes - 1) // 2)).tolist():
        members = order[bounds[c]:bounds[c + 1]]
        parts = _split(rows[members], day[members], window_days=window_days,
                       threshold=threshold)
        extra = parts > 0
        labels[members[extra]] = next_label + parts[extra] - 1
        next_label += int(parts.max())
    return labels


def _split(rows: sp.csr_matrix, day: np.ndarray, *, window_days: int,
           threshold: float) -> np.ndarray:
    """Average-linkage clusters (0-based) of one component's rows, cut at ``1 - threshold``."""
    similarity = (rows @ rows.T).toarray()
    both = (day[:, None] != _NO_DAY) & (day[None, :] != _NO_DAY)
    similarity[both & (np.abs(day[:, None] - day[None, :]) > window_days)] = 0.0
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = hierarchy.linkage(_condensed(distance), method="average")
    return hierarchy.fcluster(tree, t=1.0 - threshold, criterion="distance") - 1


def _condensed(square: np.ndarray) -> np.ndarray:
    """The upper triangle of a symmetric matrix, row by row (scipy's condensed form)."""
    return square[np.triu_indices(square.shape[0], k=1)]


def _story_ids(labels: np.ndarray, days: pd.Series) -> np.ndarray:
    """``S0001``, ``S0002``, ... by each cluster's first date (undated last), then position."""
    frame = pd.DataFrame({"label": labels, "day": days.to_numpy(),
                          "position": np.arange(len(labels))})
    first = frame.groupby("label").agg(day=("day", "min"), position=("position", "min"))
    first = first.sort_values(["day", "position"], na_position="last")
    width = max(4, len(str(len(first))))
    names = pd.Series([f"S{k:0{width}d}" for k in range(1, len(first) + 1)], index=first.index)
    return names.reindex(labels).to_numpy()


def _require(table: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} table lacks column(s) {', '.join(missing)}")
