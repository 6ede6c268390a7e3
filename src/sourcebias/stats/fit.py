"""How well a lexicon pack fits a batch: coverage per outlet and each alias's share.

A pack written for one event finds little in a batch about another. Before
reading any figure, :func:`pack_fit` says per outlet what share of the articles
the pack reaches at all (at least one term hit and at least one actor mention)
and what share hold one of the focus terms the headline figures show, and per
actor which aliases its mentions come from, so that an alias that matches too
much (a common word such as "government") stands out. :func:`fit_summary` turns
that into the sentence the report prints first.

Generic words reach any batch: on the BASIL dev batch (US politics, 2010-2014)
the Venezuela 2019 pack finds a term and an actor in 63% of the articles
("democracy", "violence", "White House", "Trump"), but a focus term in 4%; a
US-politics pack drafted with ``sourcebias suggest`` finds 61% and 39%. Both
shares are therefore checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from sourcebias.annotate.lexicon import Lexicon, Pattern
from sourcebias.checks import kept_articles, of_kept, require_columns

#: Below this share of articles reached (term and actor), the pack covers the batch poorly.
LOW_COVERAGE = 0.5


#: Below this share of articles with a focus term, the headline figures describe little
#: of the batch.
LOW_FOCUS = 0.25


#: An alias holding at least this share of its actor's mentions is greedy when it is a
#: common word (written in lower case in ``actors.yaml``).
GREEDY_SHARE = 0.5


@dataclass(frozen=True)
class PackFit:
    """The fit of a pack to a batch (see :func:`pack_fit`).

    Attributes
    ----------
    outlets : pandas.DataFrame
        One row per outlet, then a row ``outlet == "(all)"`` for the batch:
        ``n_articles``; ``n_term``, ``n_actor``, ``n_both``, ``n_focus_term``
        and ``n_focus_actor`` (articles with at least one term hit, at least one
        actor mention, both, at least one focus term, at least one focus
        actor); ``share_*`` for each, and ``share_both_low``/``share_both_high``
        and ``share_focus_term_low``/``share_focus_term_high``, 95% Wilson intervals.
    aliases : pandas.DataFrame
        One row per actor and alias matched: ``actor``, ``pattern``,
        ``common_word``, ``n_mentions``, ``actor_mentions``, ``share`` (of the
        actor's mentions) and ``greedy``; actors by mentions, aliases by share.
    covered : float
        ``share_both`` of the whole batch (NaN without articles).
    focus : float
        ``share_focus_term`` of the whole batch (NaN without articles).
    low : bool
        Whether ``covered`` is below ``threshold`` or ``focus`` below ``focus_threshold``.
    threshold, focus_threshold : float
    """

    outlets: pd.DataFrame
    aliases: pd.DataFrame
    covered: float
    focus: float
    low: bool
    threshold: float
    focus_threshold: float


def wilson_interval(successes: np.ndarray, n: np.ndarray, *, ci: float = 0.95
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion.

    ``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)`` with ``p = successes / n``
    and ``z`` the normal quantile of ``(1 + ci) / 2`` (Wilson, 1927, "Probable
    inference, the law of succession, and statistical inference", *Journal of
    the American Statistical Association* 22(158): 209-212). NaN where ``n == 0``.

    Parameters
    ----------
    successes, n : numpy.ndarray
        Counts, element by element.
    ci : float, default 0.95

    Returns
    -------
    low, high : numpy.ndarray
    """
    successes = np.asarray(successes, dtype="float64")
    n = np.asarray(n, dtype="float64")
    z = norm.ppf((1 + ci) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = successes / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def pack_fit(
    articles: pd.DataFrame,
    hits: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    focus_terms: Iterable[str] = (),
    focus_actors: Iterable[str] = (),
    actors: Lexicon | None = None,
    threshold: float = LOW_COVERAGE,
    focus_threshold: float = LOW_FOCUS,
    include_duplicates: bool = False,
) -> PackFit:
    """How much of a batch a lexicon pack reaches, per outlet, and where actor mentions come from.

    Parameters
    ----------
    articles : pandas.DataFrame
        The ``articles`` table (``doc_id``, ``outlet``, ``duplicate_of``).
    hits, mentions : pandas.DataFrame
        The ``hits`` (``doc_id``, ``term``) and ``mentions`` (``doc_id``,
        ``actor``, ``pattern``) tables made with the pack.
    focus_terms, focus_actors : iterable of str
        The pack's focus ids (:attr:`sourcebias.annotate.lexicon.Pack.focus_terms`).
    actors : Lexicon, optional
        The actors lexicon, to tell common-word aliases by how they are written
        (case-sensitive patterns are never common words); without it an alias
        is a common word when it is all lower case as matched in ``pattern``.
    threshold : float, default :data:`LOW_COVERAGE`
        Below this share of the batch's articles with both a term hit and an
        actor mention, :attr:`PackFit.low` is True.
    focus_threshold : float, default :data:`LOW_FOCUS`
        Below this share of the batch's articles with a focus term,
        :attr:`PackFit.low` is True.
    include_duplicates : bool, default False
        Count near-duplicate articles too (they are left out of every aggregate).

    Returns
    -------
    PackFit

    Examples
    --------
    >>> fit = pack_fit(a.articles, a.hits, a.mentions,
    ...                focus_terms=ws.pack.focus_terms)  # doctest: +SKIP
    >>> print(fit_summary(fit))  # doctest: +SKIP
    """
    require_columns(hits, "hits", ("doc_id", "term"))
    require_columns(mentions, "mentions", ("doc_id", "actor", "pattern"))
    kept = kept_articles(articles, by="outlet", include_duplicates=include_duplicates)
    hits = of_kept(hits, "hits", articles=articles, kept=kept)
    mentions = of_kept(mentions, "mentions", articles=articles, kept=kept)
    doc = kept["doc_id"]
    flags = pd.DataFrame({
        "outlet": kept["outlet"].astype("str"),
        "term": doc.isin(hits["doc_id"]),
        "actor": doc.isin(mentions["doc_id"]),
        "focus_term": doc.isin(hits.loc[hits["term"].isin(list(focus_terms)), "doc_id"]),
        "focus_actor": doc.isin(mentions.loc[mentions["actor"].isin(list(focus_actors)),
                                             "doc_id"]),
    })
    flags["both"] = flags["term"] & flags["actor"]
    names = ["term", "actor", "both", "focus_term", "focus_actor"]
    counts = flags.groupby("outlet", sort=True)[names].agg(["size", "sum"])
    outlets = pd.DataFrame({"outlet": counts.index,
                            "n_articles": counts[("term", "size")].to_numpy()})
    for name in names:
        outlets[f"n_{name}"] = counts[(name, "sum")].to_numpy()
    total = outlets.drop(columns="outlet").sum().to_frame().T.assign(outlet="(all)")
    outlets = pd.concat([outlets, total[outlets.columns]], ignore_index=True)
    n = outlets["n_articles"].to_numpy("float64")
    for name in names:
        with np.errstate(divide="ignore", invalid="ignore"):
            outlets[f"share_{name}"] = outlets[f"n_{name}"].to_numpy("float64") / n
    for name in ("both", "focus_term"):
        outlets[f"share_{name}_low"], outlets[f"share_{name}_high"] = wilson_interval(
            outlets[f"n_{name}"].to_numpy(), n)
    covered = float(outlets["share_both"].iloc[-1])
    focus = float(outlets["share_focus_term"].iloc[-1])
    return PackFit(outlets=outlets, aliases=_alias_shares(mentions, actors), covered=covered,
                   focus=focus, low=bool(covered < threshold or focus < focus_threshold),
                   threshold=threshold, focus_threshold=focus_threshold)


def _alias_shares(mentions: pd.DataFrame, actors: Lexicon | None) -> pd.DataFrame:
    """Each alias's mentions and share of its actor's mentions."""
    table = (mentions.groupby(["actor", "pattern"], sort=False).size()
             .rename("n_mentions").reset_index())
    table["actor_mentions"] = table.groupby("actor")["n_mentions"].transform("sum")
    table["share"] = table["n_mentions"] / table["actor_mentions"]
    if actors is not None:
        common = {(entry.id, pattern.text) for entry in actors.entries
                  for pattern in entry.patterns if pattern.common_word}
        table["common_word"] = [(a, p) in common for a, p in zip(
            table["actor"], table["pattern"], strict=True)]
    else:
        table["common_word"] = [Pattern(text, False, 0).common_word
                                for text in table["pattern"]]
    table["greedy"] = table["common_word"] & (table["share"] >= GREEDY_SHARE)
    table = table.sort_values(["actor_mentions", "actor", "share", "pattern"],
                              ascending=[False, True, False, True], ignore_index=True)
    return table[["actor", "pattern", "common_word", "n_mentions", "actor_mentions", "share",
                  "greedy"]]


def fit_summary(fit: PackFit, *, event: str | None = None,
                names: Mapping[str, str] | None = None) -> str:
    """The sentence the report prints first: how much of the batch the pack reaches.

    Parameters
    ----------
    fit : PackFit
    event : str, optional
        The pack's event (:attr:`sourcebias.annotate.lexicon.Pack.event`), named
        in the sentence.
    names : mapping of str to str, optional
        Display names of the actor ids (``ws.names``, :func:`sourcebias.display_names`).

    Returns
    -------
    str
        The share of articles with a term hit and an actor mention (with its
        95% Wilson interval) and with a focus entry; when the share is low, a
        warning that the figures describe little of the batch and how to draft
        a pack for it (``sourcebias suggest``); and the greedy aliases.
    """
    batch = fit.outlets.iloc[-1]
    pack = f"The lexicon pack ({event})" if event else "The lexicon pack"
    if not batch["n_articles"]:
        return f"{pack} has no articles to cover."
    text = (f"{pack} finds a loaded term and an actor in {batch['share_both']:.0%} of the "
            f"{batch['n_articles']} articles (95% interval {batch['share_both_low']:.0%}-"
            f"{batch['share_both_high']:.0%}), and one of its focus terms in "
            f"{batch['share_focus_term']:.0%} ({batch['share_focus_term_low']:.0%}-"
            f"{batch['share_focus_term_high']:.0%}).")
    if fit.low:
        text += (f" That is little (below {fit.threshold:.0%}, or below {fit.focus_threshold:.0%}"
                 " for focus terms): the pack was likely written for another event, and the "
                 "figures below describe little of this batch. Draft a pack for it with "
                 "`sourcebias suggest BATCH --out DIR`, edit it, and rerun with "
                 "`--lexicons DIR`.")
    greedy = fit.aliases[fit.aliases["greedy"]]
    if len(greedy):
        shown = names or {}
        listed = "; ".join(f'"{row.pattern}" {row.share:.0%} of {shown.get(row.actor, row.actor)}'
                           for row in greedy.itertuples())
        text += (f" Common-word aliases that make up most of an actor's mentions: {listed}; "
                 "check them in the table of aliases.")
    return text
