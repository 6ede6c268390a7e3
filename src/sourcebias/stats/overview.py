"""Per-outlet summary of a batch, and outlet groups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcebias.checks import kept_articles, member, of_kept, require_columns
from sourcebias.stats.rates import voice_words
from sourcebias.tables import VOICES


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
        ``sourcebias.outlet_palette(groups=...)``.

    Examples
    --------
    >>> outlet_groups(articles)["www.foxnews.com"]  # doctest: +SKIP
    'center; right'
    """
    require_columns(articles, "articles", ("outlet", "outlet_group"))
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
    words that it quotes; ``narrator_share = 1 - quote_share`` is its narrator voice
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
        ``quote_share`` and ``n_sentences``, one row per group of ``articles``;
        with a ``language`` column in ``articles``, also ``languages``, the
        articles per language (see :func:`language_counts`).

    Examples
    --------
    >>> outlet_summary(articles, sentences=sentences, voice=voice)
    """
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates)
    words = voice_words(articles, voice=voice)
    words = words[member(words["doc_id"], kept["doc_id"])]
    words[by] = words["doc_id"].map(kept.set_index("doc_id")[by])
    groups = pd.Index(sorted(articles[by].unique()), name=by)
    per_voice = (words.pivot_table(index=by, columns="voice", values="n_words", aggfunc="sum")
                 .reindex(index=groups, columns=list(VOICES)).fillna(0).astype("int64"))
    n_sentences = _sentences_per_group(sentences, articles=articles, kept=kept, by=by)
    n_words = per_voice["narrator"] + per_voice["quote"]
    with np.errstate(invalid="ignore", divide="ignore"):
        quote_share = np.where(n_words > 0, per_voice["quote"] / n_words, np.nan)
    table = pd.DataFrame({by: groups})
    if by == "outlet" and "outlet_group" in articles.columns:
        table["outlet_group"] = groups.map(pd.Series(outlet_groups(articles), dtype="str"))
    if "language" in articles.columns:
        table["languages"] = groups.map(language_counts(kept["language"], kept[by]))
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


def _sentences_per_group(sentences: pd.DataFrame, *, articles: pd.DataFrame,
                         kept: pd.DataFrame, by: str) -> pd.Series:
    """Sentences of the kept articles per group ``by``, counted per article first: the
    sentences' ``doc_id`` is hashed once (by Arrow), and only the articles' ids are looked up."""
    require_columns(sentences, "sentences", ("doc_id",))
    per_article = sentences["doc_id"].value_counts(sort=False)
    if not member(per_article.index.to_series(), articles["doc_id"]).all():
        of_kept(sentences, "sentences", articles=articles, kept=kept)  # raises, naming the row
    per_article = per_article[member(per_article.index.to_series(), kept["doc_id"])]
    groups = per_article.index.map(kept[["doc_id", by]].set_index("doc_id")[by])
    return per_article.groupby(groups.to_numpy()).sum()


def language_counts(languages: pd.Series, groups: pd.Series) -> pd.Series:
    """The articles of each group per language, as ``"en: 12; es: 3"``.

    Languages are ordered by count (most first), then code; ``und``
    (undetermined, ISO 639-2) counts articles whose language is null.

    Parameters
    ----------
    languages : pandas.Series of str
        The ``language`` of each article.
    groups : pandas.Series
        The group of each article, same index.

    Returns
    -------
    pandas.Series of str
        Indexed by group.
    """
    pairs = pd.DataFrame({"group": groups.to_numpy(),
                          "language": languages.fillna("und").astype("str").to_numpy()})
    counts = pairs.value_counts().rename("n").reset_index()
    return _joined_counts(counts)


def merge_language_counts(counts: pd.Series) -> pd.Series:
    """Add up :func:`language_counts` strings of the same groups (the index).

    Parameters
    ----------
    counts : pandas.Series of str
        ``"en: 12; es: 3"`` strings indexed by group (repeats allowed).

    Returns
    -------
    pandas.Series of str
        One string per group.
    """
    items = counts.dropna().str.split("; ").explode().str.split(": ", n=1, expand=True)
    if items.empty:
        return pd.Series(dtype="str")
    pairs = pd.DataFrame({"group": items.index, "language": items[0].to_numpy(),
                          "n": items[1].astype("int64").to_numpy()})
    return _joined_counts(pairs.groupby(["group", "language"], as_index=False)["n"].sum())


def _joined_counts(counts: pd.DataFrame) -> pd.Series:
    """``group``, ``language``, ``n`` rows as one ``"en: 12; es: 3"`` string per group."""
    counts = counts.sort_values(["group", "n", "language"], ascending=[True, False, True])
    text = counts["language"] + ": " + counts["n"].astype("str")
    return text.groupby(counts["group"].to_numpy()).agg("; ".join).astype("str")
