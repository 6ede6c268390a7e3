"""Framing over time: term and label rates and actor attention per outlet and period.

Each article falls in the period (day, week or month) of its date; within an
outlet and a period the measures are ratio estimators over its articles, with
the percentile bootstrap of :mod:`sourcebias.stats.bootstrap` (articles resampled
within the outlet and period), so a band is the interval of that period alone:

* ``terms``: ``1000 * hits / words``, loaded terms per 1,000 words;
* ``attention``: the share of the outlet's articles that mention the actor;
* ``labels``: the share of an actor's mentions that carry the label.

Articles without a readable date cannot be placed in time: every function
counts them in ``n_undated`` and :func:`undated_articles` names them.
:func:`before_after` compares the periods before and after an event marker
(a ``{"date", "label"}`` of the lexicon pack) with a bootstrap interval of the
difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourcebias.stats.bootstrap import (
    check_bootstrap_options,
    group_rng,
    grouped_ratio_intervals,
    percentile_interval,
    resampled_sums,
    seed_entropy,
)
from sourcebias.stats.rates import _in_voice, _voice_column
from sourcebias.stats.stories import article_days
from sourcebias.tables import OWN

#: Period names, their pandas frequency (weeks run Monday to Sunday), and the longest
#: batch span (days) each is chosen for.
FREQUENCIES = {"day": ("D", 45), "week": ("W-SUN", 365), "month": ("M", None)}
MEASURES = ("terms", "attention", "labels")
_UNITS = {"terms": "per 1,000 words", "attention": "share of articles",
          "labels": "share of the actor's mentions"}


@dataclass(frozen=True)
class _PerArticle:
    """A measure as numerators and denominators per article (rows) and key (columns)."""

    keys: list[str]
    num: sp.csr_array
    den: np.ndarray
    den_col: np.ndarray
    scale: float


def choose_frequency(days: pd.Series) -> str:
    """``day`` for a batch spanning at most 45 days, ``week`` up to a year, else ``month``."""
    dated = days.dropna()
    if dated.empty:
        return "day"
    span = (dated.max() - dated.min()).days
    return next(name for name, (_, longest) in FREQUENCIES.items()
                if longest is None or span <= longest)


def undated_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """The articles that cannot be placed in time, and why.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``outlet``, ``date`` (as written) and ``reason`` (``no
        date`` or ``date not readable``).
    """
    days = article_days(articles["date"])
    missing = days.isna()
    table = articles.loc[missing, ["doc_id", "outlet", "date"]].reset_index(drop=True)
    table["reason"] = np.where(articles.loc[missing, "date"].isna(), "no date",
                               "date not readable")
    return table


def event_markers(markers: Iterable[Mapping[str, str]] | pd.DataFrame | None) -> pd.DataFrame:
    """Check event markers and return them as a table ``date`` (day), ``label``, sorted."""
    table = pd.DataFrame(list(markers) if not isinstance(markers, pd.DataFrame)
                         else markers, columns=["date", "label"]) if markers is not None else (
        pd.DataFrame(columns=["date", "label"]))
    days = article_days(table["date"].astype("object"))
    bad = days.isna() | table["label"].isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"event marker {row} has no readable date or no label: "
                         f"{table.iloc[row].to_dict()}")
    return table.assign(date=days).sort_values("date", kind="stable").reset_index(drop=True)


def timeline(
    articles: pd.DataFrame,
    *,
    measure: str = "terms",
    hits: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    words: pd.DataFrame | None = None,
    level: str = "category",
    voice: str = "all",
    keys: Sequence[str] | None = None,
    actor: str | None = None,
    frequency: str | None = None,
    include_duplicates: bool = False,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """A measure per outlet and period, with bootstrap bands over the period's articles.

    Parameters
    ----------
    articles : pandas.DataFrame
        The ``articles`` table.
    measure : {"terms", "attention", "labels"}
        See the module description. ``terms`` needs ``hits``; ``attention``
        and ``labels`` need ``mentions``; ``labels`` also ``actor``.
    hits, mentions : pandas.DataFrame, optional
    words : pandas.DataFrame, optional
        :func:`sourcebias.aggregate.voice_words`, for ``voice`` other than ``all``.
    level : {"category", "term"}
        For ``terms``: rates per lexicon category or entry.
    voice : {"all", "narrator", "quote", "own"}
        For ``terms``: the voice counted (words of the same voice divide);
        ``own`` is narrator text not attributed to a source.
    keys : list of str, optional
        The categories, terms, actors or labels to report; default all found.
    actor : str, optional
        For ``labels``: the actor whose labels are counted.
    frequency : {"day", "week", "month"}, optional
        Default from the batch's span (:func:`choose_frequency`).
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.
    n_boot, ci, random_state :
        The bootstrap (articles resampled within outlet and period; percentile
        interval, Efron & Tibshirani 1993, ch. 13).

    Returns
    -------
    pandas.DataFrame
        One row per outlet, period (every period from the first to the last
        dated article, empty ones included) and key: ``outlet``, ``period``
        (its first day), ``frequency``, ``key``, ``measure``, ``unit``,
        ``n_articles``, ``numerator``, ``denominator``, ``value``, ``ci_low``,
        ``ci_high`` (NaN with fewer than two articles or no spread) and
        ``n_undated`` (the outlet's articles left out for want of a date).
    """
    check_bootstrap_options(n_boot, ci)
    kept = _kept(articles, include_duplicates)
    days = article_days(kept["date"])
    frequency = frequency or choose_frequency(days)
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}, got {frequency!r}")
    per_article = _per_article(kept, measure=measure, hits=hits, mentions=mentions, words=words,
                               level=level, voice=voice, keys=keys, actor=actor)
    pandas_freq = FREQUENCIES[frequency][0]
    dated = days.notna().to_numpy()
    periods = days[dated].dt.to_period(pandas_freq).dt.start_time.to_numpy()
    outlets = kept["outlet"].to_numpy()[dated].astype("str")
    undated = pd.Series(kept["outlet"].to_numpy()[~dated]).value_counts()
    if not dated.any():
        return _empty_timeline(undated, frequency, measure)
    cells = pd.DataFrame({"outlet": outlets, "period": periods})
    codes, groups = pd.factorize(pd.MultiIndex.from_frame(cells), sort=True)
    result = grouped_ratio_intervals(
        per_article.num[dated], per_article.den[dated], per_article.den_col, groups=codes,
        names=[f"{o}\n{p}" for o, p in groups], n_boot=n_boot, ci=ci, random_state=random_state)
    member = sp.csr_array((np.ones(codes.size), (codes, np.arange(codes.size))),
                          shape=(len(groups), codes.size))
    numerator = member @ per_article.num[dated]
    denominator = (member @ per_article.den[dated])[:, per_article.den_col]
    found = pd.DataFrame({
        "outlet": np.repeat(groups.get_level_values(0), len(per_article.keys)),
        "period": np.repeat(groups.get_level_values(1), len(per_article.keys)),
        "key": np.tile(per_article.keys, len(groups)),
        "n_articles": np.repeat(np.bincount(codes, minlength=len(groups)),
                                len(per_article.keys)),
        "numerator": np.asarray(numerator.toarray()).ravel(),
        "denominator": np.asarray(denominator).ravel(),
        "value": result.estimate.ravel() * per_article.scale,
        "ci_low": result.low.ravel() * per_article.scale,
        "ci_high": result.high.ravel() * per_article.scale,
    })
    spread = found["ci_low"] < found["ci_high"]
    found.loc[~spread, ["ci_low", "ci_high"]] = np.nan
    every = pd.period_range(periods.min(), periods.max(), freq=pandas_freq).start_time
    grid = pd.MultiIndex.from_product(
        [sorted(set(kept["outlet"].astype("str"))), every, per_article.keys],
        names=["outlet", "period", "key"])
    table = found.set_index(["outlet", "period", "key"]).reindex(grid).reset_index()
    table[["n_articles", "numerator", "denominator"]] = (
        table[["n_articles", "numerator", "denominator"]].fillna(0))
    table["n_articles"] = table["n_articles"].astype("int64")
    table.insert(2, "frequency", frequency)
    table.insert(4, "measure", measure)
    table.insert(5, "unit", _UNITS[measure])
    table["n_undated"] = table["outlet"].map(undated).fillna(0).astype("int64")
    return table


def smooth(table: pd.DataFrame, *, window: int = 3) -> pd.DataFrame:
    """Add ``smoothed``: the centred rolling mean of ``value`` over ``window`` periods.

    The mean runs over each outlet's and key's consecutive periods (empty
    periods are skipped, not counted as 0, and stay empty), with at least one value; the
    ``smoothing`` column names it, e.g. ``"centred rolling mean over 3 weeks"``.
    """
    if int(window) != window or window < 1:
        raise ValueError(f"window must be a whole number of periods >= 1, got {window!r}")
    ordered = table.sort_values(["outlet", "key", "period"], kind="stable")
    smoothed = (ordered.groupby(["outlet", "key"], sort=False)["value"]
                .transform(lambda v: v.rolling(window, center=True, min_periods=1).mean()))
    frequency = table["frequency"].iloc[0] if len(table) else "period"
    smoothed = smoothed.reindex(table.index).where(table["n_articles"] > 0)
    return table.assign(smoothed=smoothed,
                        smoothing=f"centred rolling mean over {window} {frequency}s")


def before_after(
    articles: pd.DataFrame,
    *,
    marker: str | pd.Timestamp,
    measure: str = "terms",
    hits: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    words: pd.DataFrame | None = None,
    level: str = "category",
    voice: str = "all",
    keys: Sequence[str] | None = None,
    actor: str | None = None,
    days: int | None = None,
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """A measure before and after an event marker, per outlet, with an interval of the change.

    Articles dated before ``marker`` form the before period, those on or after
    it the after period (each at most ``days`` days from it, when given). Each
    side is a ratio estimator over its articles; the interval of ``after -
    before`` is the percentile interval over ``n_boot`` resamples, articles
    drawn with replacement within each side and outlet independently.

    Parameters are those of :func:`timeline`, plus ``marker`` (a date) and ``days``.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``key``, ``measure``, ``unit``, ``n_before``, ``n_after``
        (articles), ``before``, ``after``, ``difference``, ``ci_low``,
        ``ci_high``, ``note`` (why there is no interval) and ``n_undated``.
    """
    check_bootstrap_options(n_boot, ci)
    when = event_markers([{"date": marker, "label": "marker"}])["date"].iloc[0]
    kept = _kept(articles, include_duplicates)
    day = article_days(kept["date"])
    per_article = _per_article(kept, measure=measure, hits=hits, mentions=mentions, words=words,
                               level=level, voice=voice, keys=keys, actor=actor)
    limit = pd.Timedelta(days=days) if days is not None else None
    after = (day >= when) & (True if limit is None else day - when < limit)
    before = (day < when) & (True if limit is None else when - day <= limit)
    seed = seed_entropy(random_state)
    rows = []
    outlets = kept["outlet"].astype("str")
    for outlet in sorted(set(outlets)):
        mine = (outlets == outlet).to_numpy()
        sides = [np.flatnonzero(mine & before.to_numpy()), np.flatnonzero(mine & after.to_numpy())]
        estimates, replicates = [], []
        for name, rows_of in zip(("before", "after"), sides, strict=True):
            num, den = per_article.num[rows_of], per_article.den[rows_of]
            total = den.sum(axis=0)[per_article.den_col]
            with np.errstate(divide="ignore", invalid="ignore"):
                estimates.append(np.where(total > 0, np.asarray(num.sum(axis=0)).ravel() / total,
                                          np.nan))
            if rows_of.size >= 2:
                boot_num, boot_den = resampled_sums(num, den, n_boot=n_boot,
                                                    rng=group_rng(seed, f"{outlet}\n{name}"))
                with np.errstate(divide="ignore", invalid="ignore"):
                    replicates.append(boot_num / boot_den[:, per_article.den_col])
        difference = (estimates[1] - estimates[0]) * per_article.scale
        if len(replicates) == 2:
            low, high = percentile_interval(replicates[1] - replicates[0], ci=ci)
        else:
            low = high = np.full(len(per_article.keys), np.nan)
        for k, key in enumerate(per_article.keys):
            note = None
            if min(sides[0].size, sides[1].size) < 2:
                note = "fewer than 2 articles on a side: no interval"
            elif not np.isfinite(low[k]) or low[k] == high[k]:
                note = "no spread across resamples or no denominator: no interval"
            rows.append({
                "outlet": outlet, "key": key, "measure": measure, "unit": _UNITS[measure],
                "n_before": sides[0].size, "n_after": sides[1].size,
                "before": estimates[0][k] * per_article.scale,
                "after": estimates[1][k] * per_article.scale,
                "difference": difference[k],
                "ci_low": np.nan if note else low[k] * per_article.scale,
                "ci_high": np.nan if note else high[k] * per_article.scale,
                "note": note,
                "n_undated": int((mine & day.isna().to_numpy()).sum()),
            })
    return pd.DataFrame(rows)


def around_markers(articles: pd.DataFrame, *, markers: pd.DataFrame, **options: object
                   ) -> pd.DataFrame:
    """:func:`before_after` around each event marker, stacked with ``marker`` and ``date``.

    With no marker the table is empty (with the columns of :func:`before_after`).
    """
    parts = [before_after(articles, marker=date, **options).assign(marker=label, date=date)
             for date, label in zip(markers["date"], markers["label"], strict=True)]
    columns = ["marker", "date", "outlet", "key", "measure", "unit", "n_before", "n_after",
               "before", "after", "difference", "ci_low", "ci_high", "note", "n_undated"]
    # a marker with no dated article on either side gives an empty part without columns
    return pd.concat(parts, ignore_index=True).reindex(columns=columns) if parts else (
        pd.DataFrame(columns=columns))


def top_keys(table: pd.DataFrame, n: int = 1) -> list[str]:
    """The ``n`` keys of a timeline with the largest numerator summed over outlets and periods."""
    totals = table.dropna(subset=["key"]).groupby("key")["numerator"].sum()
    return totals.sort_values(ascending=False, kind="stable").index[:n].tolist()


def date_summary(articles: pd.DataFrame) -> str:
    """One sentence on the batch's dates: their span and the period chosen, or that there
    are none, and how many articles have no readable date."""
    days = article_days(articles["date"])
    undated = int(days.isna().sum())
    left_out = (f" {undated} of {len(days)} article(s) have no readable date and are left out "
                "of the time figures (listed below)." if undated else "")
    if days.notna().sum() == 0:
        return (f"No article of this batch has a readable date, so nothing can be shown over "
                f"time.{left_out}")
    first, last = days.min(), days.max()
    if first == last:
        return (f"Every dated article appeared on {first:%d %B %Y}: one day, so the time "
                f"figures show a single point per outlet.{left_out}")
    return (f"Dated articles run from {first:%d %B %Y} to {last:%d %B %Y}; the figures count "
            f"per {choose_frequency(days)}.{left_out}")


# --------------------------------------------------------------------------- helpers


def _kept(articles: pd.DataFrame, include_duplicates: bool) -> pd.DataFrame:
    missing = [c for c in ("doc_id", "outlet", "date", "n_words", "duplicate_of")
               if c not in articles.columns]
    if missing:
        raise ValueError(f"articles table lacks column(s) {', '.join(missing)}")
    kept = articles if include_duplicates else articles[articles["duplicate_of"].isna()]
    return kept.reset_index(drop=True)


def _per_article(kept: pd.DataFrame, *, measure: str, hits: pd.DataFrame | None,
                 mentions: pd.DataFrame | None, words: pd.DataFrame | None, level: str,
                 voice: str, keys: Sequence[str] | None, actor: str | None) -> _PerArticle:
    """Numerators and denominators per article for the measure."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}")
    row_of = pd.Index(kept["doc_id"])
    if measure == "terms":
        if hits is None:
            raise ValueError("measure='terms' needs hits=")
        if voice not in ("all", "narrator", "quote", OWN):
            raise ValueError(f"voice must be 'all', 'narrator', 'quote' or 'own', got {voice!r}")
        table = hits[_in_voice(hits, voice)]
        column, found = level, hits[level]
        den = _words(kept, words, voice)
        scale = 1000.0
    else:
        if mentions is None:
            raise ValueError(f"measure={measure!r} needs mentions=")
        if measure == "attention":
            table, column, found = mentions, "actor", mentions["actor"]
            den = np.ones((len(kept), 1))
        else:
            if actor is None:
                raise ValueError("measure='labels' needs actor=")
            table = mentions[(mentions["actor"] == actor) & mentions["label"].notna()]
            table = table.assign(label=table["label"].str.lower())
            column, found = "label", table["label"]
            counts = mentions.loc[mentions["actor"] == actor, "doc_id"].value_counts()
            den = counts.reindex(kept["doc_id"]).fillna(0).to_numpy()[:, None]
        scale = 1.0
    names = list(dict.fromkeys(keys)) if keys is not None else sorted(found.dropna().unique())
    rows = row_of.get_indexer(table["doc_id"])
    cols = pd.Index(names).get_indexer(table[column])
    ok = (rows >= 0) & (cols >= 0)
    num = sp.csr_array((np.ones(int(ok.sum())), (rows[ok], cols[ok])),
                       shape=(len(kept), len(names)))
    num.sum_duplicates()
    if measure == "attention":
        num = (num > 0).astype(np.float64)
    return _PerArticle(keys=names, num=sp.csr_array(num), den=den,
                       den_col=np.zeros(len(names), dtype=np.intp), scale=scale)


def _words(kept: pd.DataFrame, words: pd.DataFrame | None, voice: str) -> np.ndarray:
    """Words per article in the voice, as a column."""
    if voice == "all":
        return kept["n_words"].to_numpy(dtype=np.float64)[:, None]
    if words is None:
        raise ValueError(f"voice={voice!r} needs words= (sourcebias.voice_words)")
    in_voice = _voice_column(words, voice)
    return in_voice.reindex(kept["doc_id"]).fillna(0).to_numpy(dtype=np.float64)[:, None]


def _empty_timeline(undated: pd.Series, frequency: str, measure: str) -> pd.DataFrame:
    """The timeline of a batch without a dated article: one row per outlet, counting them."""
    return pd.DataFrame({
        "outlet": undated.index.astype("str"), "period": pd.NaT, "frequency": frequency,
        "key": None, "measure": measure, "unit": _UNITS[measure], "n_articles": 0,
        "numerator": 0.0, "denominator": 0.0, "value": np.nan, "ci_low": np.nan,
        "ci_high": np.nan, "n_undated": undated.to_numpy(),
    })
