"""Sentence tone per article, per outlet and toward each actor, with bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcebias.annotate.mention_tone import score_mentions
from sourcebias.checks import (
    check_voices,
    choice,
    first_bad,
    kept_articles,
    of_kept,
    own_voice,
    require_columns,
)
from sourcebias.stats.bootstrap import (
    check_bootstrap_options,
    grouped_ratio_intervals,
)
from sourcebias.stats.rates import ONE_ARTICLE, _bootstrap_method, _interval_columns
from sourcebias.tables import OWN, TONE_COLUMNS


def _sentence_scores(sentiment: pd.DataFrame, *, lexicon: str, scope: str) -> pd.DataFrame:
    """One compound score per sentence (``doc_id``, ``sent_id``, ``compound``, ``scope``).

    With a ``scope`` column, ``scope="narrator"`` takes the score of the
    sentence with its quoted parts removed, and the whole-sentence score for a
    sentence that has no narrator row (nothing quoted: the two are the same).
    Without a ``scope`` column every score is a whole-sentence score and the
    ``scope`` column of the result says ``sentence``.
    """
    require_columns(sentiment, "sentiment", ("doc_id", "sent_id", "lexicon", "compound"))
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
    first_bad(scores, scores.duplicated(["doc_id", "sent_id"]), "sentiment",
               f"repeats a sentence for lexicon {lexicon!r}: score each sentence once per scope")
    return scores.reset_index(drop=True)


def actor_sentiment(
    sentiment: pd.DataFrame,
    *,
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
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
    outlet's narrator voice count, and each sentence is scored with its quoted
    parts removed when the sentiment table has ``scope="narrator"`` scores
    (the ``scope`` column of the result says which score was used).  With
    ``voice="own"`` only mentions in the outlet's own voice in the strict
    sense count (narrator text not attributed to a source: not "Maduro" in
    "Padrino said Maduro had won"), scored the same way.

    The interval is the percentile bootstrap (Efron & Tibshirani 1993, ch. 13)
    of this ratio over resamples of the articles that mention the actor, drawn
    with replacement (cluster case resampling, Davison & Hinkley 1997, section
    3.8); with one such article there is no interval (note
    ``"1 article: no interval"``).

    With ``sentences``, every mention of the chosen voice is also scored by
    the target-dependent model (:func:`sourcebias.annotate.targets.score_targets`,
    trained on NewsMTSC; figures in ``docs/validation.md``), which reads the
    tone toward the actor from the words around the mention rather than the
    sentence as a whole: ``mean_tone = sum(p_positive - p_negative) /
    n_mentions`` over the mentions (a sentence naming the actor twice counts
    twice), with its interval from the same article resamples
    (``tone_ci_low``, ``tone_ci_high``).

    Parameters
    ----------
    sentiment : pandas.DataFrame
        The ``sentiment`` table (``doc_id``, ``sent_id``, ``lexicon``,
        ``compound``, optionally ``scope``).
    mentions : pandas.DataFrame
        The ``mentions`` table (``doc_id``, ``sent_id``, ``actor``, ``voice``).
    articles : pandas.DataFrame
        The ``articles`` table.
    sentences : pandas.DataFrame, optional
        The ``sentences`` table; when given, the target model's columns are
        added (see Returns), from the mentions' own tone columns when they
        carry them (as ``analyze`` writes them), else scored here
        (:func:`sourcebias.annotate.mention_tone.score_mentions`). Mentions in
        sentences not in English are not scored.
    voice : {"narrator", "own", "quote", "all"}
        Mentions in the outlet's narrator voice only, in its own voice in the strict
        sense (needs the ``attributed`` column), inside quotations only, or all
        mentions. Quoted mentions are scored with whole-sentence scores.
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
        ``ci_method`` and ``note``; with ``sentences`` also ``voice``,
        ``n_mentions`` (mentions scored by the target model), ``mean_tone``,
        ``tone_ci_low``, ``tone_ci_high`` and ``tone_note``.

    Examples
    --------
    >>> actor_sentiment(sentiment, mentions=mentions, articles=articles)
    >>> actor_sentiment(sentiment, mentions=mentions, articles=articles,
    ...                 sentences=sentences, voice="quote")
    """
    choice(voice, ("narrator", OWN, "quote", "all"), "voice")
    check_bootstrap_options(n_boot, ci)
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates)
    require_columns(mentions, "mentions", ("doc_id", "sent_id", "actor", "voice"))
    scores = _sentence_scores(sentiment, lexicon=lexicon,
                              scope="narrator" if voice in ("narrator", OWN) else "sentence")
    found = of_kept(mentions, "mentions", articles=articles, kept=kept)
    if voice == OWN:
        found = found[own_voice(found, "mentions")]
    elif voice != "all":
        check_voices(found, "mentions")
        found = found[found["voice"] == voice]
    sentence_rows = found.drop_duplicates(["doc_id", "sent_id", "actor"])
    sentence_rows = sentence_rows[["doc_id", "sent_id", "actor"]].merge(
        scores, on=["doc_id", "sent_id"], how="left", indicator=True)
    first_bad(sentence_rows, sentence_rows["_merge"] == "left_only", "mentions",
               f"is in a sentence without a {lexicon!r} score: score the same sentences")
    # a sentence scored NaN (not in English) says nothing about the actor
    sentence_rows = sentence_rows[sentence_rows["compound"].notna()].drop(columns="_merge")
    if sentence_rows.empty:
        columns = [by, "actor", "lexicon", "scope", "n_sentences", "n_articles",
                   "mean_compound", "ci_low", "ci_high", "ci_method", "note"]
        if sentences is not None:
            columns[2:2] = ["voice"]
            columns[columns.index("n_articles"):columns.index("n_articles")] = ["n_mentions"]
            columns += ["mean_tone", "tone_ci_low", "tone_ci_high", "tone_note"]
        return pd.DataFrame(columns=columns)
    per_article = (sentence_rows.groupby(["actor", "doc_id"], sort=True)
                   .agg(total=("compound", "sum"), n=("compound", "size")).reset_index())
    if sentences is not None:
        tone = found if set(TONE_COLUMNS) <= set(found.columns) else found.join(
            score_mentions(found, sentences, sentiment))
        tone = tone[tone["polarity"].notna()]
        tone = (tone.assign(tone=tone["p_positive"] - tone["p_negative"])
                .groupby(["actor", "doc_id"], sort=True)
                .agg(tone_total=("tone", "sum"), n_mentions=("tone", "size")).reset_index())
        per_article = per_article.merge(tone, on=["actor", "doc_id"], how="outer")
    per_article[by] = per_article["doc_id"].map(kept.set_index("doc_id")[by])
    per_article = per_article.sort_values([by, "actor", "doc_id"], ignore_index=True)
    pairs = per_article.groupby([by, "actor"], sort=True)
    table = pairs.agg(n_sentences=("n", "sum"), n_articles=("doc_id", "size")).reset_index()
    table["n_sentences"] = table["n_sentences"].astype("int64")
    columns = ["total", "tone_total"] if sentences is not None else ["total"]
    denominators = ["n", "n_mentions"] if sentences is not None else ["n"]
    result = grouped_ratio_intervals(
        per_article[columns].fillna(0).to_numpy(),
        per_article[denominators].fillna(0).to_numpy(np.float64),
        np.arange(len(columns)), groups=pairs.ngroup().to_numpy(),
        names=(table[by].astype("str") + "\x1f" + table["actor"].astype("str")).tolist(),
        n_boot=n_boot, ci=ci, random_state=random_state,
    )
    reasons = np.where(table["n_articles"].to_numpy() == 1, ONE_ARTICLE, "")
    method = _bootstrap_method(n_boot, ci, by)
    interval = _interval_columns(result.low[:, 0], result.high[:, 0], reasons, method)
    table.insert(2, "lexicon", lexicon)
    table.insert(3, "scope", scores["scope"].iloc[0])
    table = table.assign(mean_compound=result.estimate[:, 0], **interval)
    if sentences is None:
        return table
    tone_interval = _interval_columns(result.low[:, 1], result.high[:, 1], reasons, method)
    table.insert(2, "voice", voice)
    table.insert(table.columns.get_loc("n_articles"), "n_mentions",
                 pairs["n_mentions"].sum().to_numpy().astype("int64"))
    return table.assign(mean_tone=result.estimate[:, 1], tone_ci_low=tone_interval["ci_low"],
                        tone_ci_high=tone_interval["ci_high"], tone_note=tone_interval["note"])


def actor_tone(
    sentiment: pd.DataFrame,
    *,
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    by: str = "outlet",
    voices: tuple[str, ...] = ("narrator", "quote"),
    include_duplicates: bool = False,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Tone toward each actor per group and voice: VADER and the target model side by side.

    For each voice, :func:`actor_sentiment` with ``sentences`` (plain
    ``vader`` scores), one row per method: ``VADER`` is the mean compound of
    the sentences that mention the actor (narrator-only scores in the
    narrator's voice), ``target model`` the mean of ``p_positive -
    p_negative`` over the mentions. Both lie in [-1, 1], with percentile
    bootstrap intervals over the same article resamples.

    Parameters
    ----------
    sentiment, mentions, sentences, articles, by, include_duplicates, n_boot, ci, random_state
        As in :func:`actor_sentiment`.
    voices : tuple of str
        The voices, each one of ``narrator``, ``quote`` and ``all``.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``actor``, ``voice``, ``method``, ``n`` (sentences for VADER,
        mentions for the target model), ``n_articles``, ``mean``, ``ci_low``,
        ``ci_high``, ``ci_method``, ``note``.

    Examples
    --------
    >>> actor_tone(sentiment, mentions=mentions, sentences=sentences, articles=articles)
    """
    parts = []
    for voice in voices:
        table = actor_sentiment(sentiment, mentions=mentions, articles=articles,
                                sentences=sentences, voice=voice, by=by,
                                include_duplicates=include_duplicates, n_boot=n_boot, ci=ci,
                                random_state=random_state)
        common = table[[by, "actor", "voice", "n_articles", "ci_method"]]
        parts += [
            common.assign(method="VADER", n=table["n_sentences"], mean=table["mean_compound"],
                          ci_low=table["ci_low"], ci_high=table["ci_high"], note=table["note"]),
            common.assign(method="target model", n=table["n_mentions"], mean=table["mean_tone"],
                          ci_low=table["tone_ci_low"], ci_high=table["tone_ci_high"],
                          note=table["tone_note"]),
        ]
    columns = [by, "actor", "voice", "method", "n", "n_articles", "mean", "ci_low", "ci_high",
               "ci_method", "note"]
    return pd.concat(parts, ignore_index=True)[columns]


def article_sentiment(
    sentiment: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    lexicon: str = "vader",
    scope: str = "sentence",
    sentences: pd.DataFrame | None = None,
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
    scope : {"sentence", "narrator", "own"}
        Whole-sentence scores, or scores with quoted parts removed (needs a
        ``scope`` column in ``sentiment``), or those of the sentences in the
        outlet's own voice in the strict sense (``own``: the scores with
        quoted parts removed, of the sentences that are not ``attributed`` to
        a source, so "Padrino said the coup had failed" is left out).
    sentences : pandas.DataFrame, optional
        The ``sentences`` table with its ``attributed`` column; needed for
        ``scope="own"``.
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
    choice(scope, ("sentence", "narrator", OWN), "scope")
    if scope != "sentence" and "scope" not in sentiment.columns:
        raise ValueError("sentiment has no scope column, so no narrator-only scores: "
                         "use scope='sentence' or score narrator text with "
                         "sourcebias.score_sentiment")
    kept = kept_articles(articles, by="outlet", include_duplicates=include_duplicates)
    of_kept(sentiment, "sentiment", articles=articles, kept=kept)
    scores = _sentence_scores(sentiment, lexicon=lexicon,
                              scope="narrator" if scope == OWN else scope)
    if scope == OWN:
        scores = _unattributed(scores, sentences)
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


def _unattributed(scores: pd.DataFrame, sentences: pd.DataFrame | None) -> pd.DataFrame:
    """The sentence scores of the sentences that are not attributed, with ``scope="own"``."""
    if sentences is None:
        raise ValueError("scope='own' needs sentences=... (the sentences table of "
                         "sourcebias.analyze, with its attributed column)")
    require_columns(sentences, "sentences", ("doc_id", "sent_id", "attributed"))
    attributed = sentences.loc[sentences["attributed"].astype(bool), ["doc_id", "sent_id"]]
    keys = pd.MultiIndex.from_frame(scores[["doc_id", "sent_id"]])
    left_out = keys.isin(pd.MultiIndex.from_frame(attributed))
    return scores[~left_out].assign(scope=OWN).reset_index(drop=True)


def outlet_sentiment(
    sentiment: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    lexicon: str = "vader",
    scope: str = "sentence",
    sentences: pd.DataFrame | None = None,
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
    sentiment, articles, lexicon, scope, sentences, include_duplicates
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
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates)
    scores = article_sentiment(sentiment, articles=articles, lexicon=lexicon, scope=scope,
                               sentences=sentences, include_duplicates=include_duplicates)
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
