"""The fit of a lexicon pack to a batch (sourcebias.stats.fit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sourcebias.annotate.lexicon import read_pack
from sourcebias.config import SEED_BATCH
from sourcebias.run.analysis import analyze
from sourcebias.stats.fit import fit_summary, pack_fit, wilson_interval


def _tables():
    articles = pd.DataFrame({
        "doc_id": ["a1", "a2", "a3", "a4", "b1", "b2", "b3"],
        "outlet": ["A", "A", "A", "A", "B", "B", "B"],
        "duplicate_of": [None, None, None, "a1", None, None, None],
    })
    hits = pd.DataFrame({"doc_id": ["a1", "a1", "a2", "a4", "b1"],
                         "term": ["coup", "regime", "regime", "coup", "regime"]})
    mentions = pd.DataFrame({
        "doc_id": ["a1", "a1", "a3", "a4", "b1", "b2", "b2", "b2"],
        "actor": ["maduro", "government", "maduro", "maduro", "government", "government",
                  "government", "maduro"],
        "pattern": ["Maduro", "government", "Maduro", "Maduro", "government", "government",
                    "Venezuelan government", "Maduro"],
    })
    return articles, hits, mentions


def test_coverage_per_outlet_counts_each_article_once_without_duplicates():
    fit = pack_fit(*_tables(), focus_terms=["coup"], focus_actors=["maduro"])
    table = fit.outlets.set_index("outlet")
    assert list(table.index) == ["A", "B", "(all)"]
    assert table.loc["A", ["n_articles", "n_term", "n_actor", "n_both", "n_focus_term",
                           "n_focus_actor"]].tolist() == [3, 2, 2, 1, 1, 2]
    assert table.loc["B", ["n_articles", "n_term", "n_actor", "n_both", "n_focus_term",
                           "n_focus_actor"]].tolist() == [3, 1, 2, 1, 0, 1]
    assert table.loc["(all)", "share_both"] == pytest.approx(2 / 6)
    assert fit.covered == pytest.approx(2 / 6) and fit.focus == pytest.approx(1 / 6)
    assert fit.low
    low, high = table.loc["(all)", ["share_both_low", "share_both_high"]]
    assert low < 2 / 6 < high


def test_a_common_word_alias_holding_most_mentions_is_greedy():
    fit = pack_fit(*_tables())
    aliases = fit.aliases.set_index(["actor", "pattern"])
    assert aliases.loc[("government", "government"), "share"] == pytest.approx(3 / 4)
    assert aliases.loc[("government", "government"), "greedy"]
    assert not aliases.loc[("government", "Venezuelan government"), "greedy"]
    assert not aliases.loc[("maduro", "Maduro"), "greedy"]  # a name, not a common word
    assert '"government" 75% of government' in fit_summary(fit)
    named = fit_summary(fit, names={"government": "Venezuelan government"})
    assert '"government" 75% of Venezuelan government' in named


def test_wilson_interval_matches_the_published_worked_case():
    # Newcombe (1998), Statistics in Medicine 17: 857-872, table I: 81/263 -> 0.2553-0.3662.
    low, high = wilson_interval(np.array([81, 0]), np.array([263, 0]))
    assert (round(low[0], 4), round(high[0], 4)) == (0.2553, 0.3662)
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_the_default_pack_covers_the_seed_batch():
    analysis = analyze(SEED_BATCH)
    pack = read_pack()
    fit = pack_fit(analysis.articles, analysis.hits, analysis.mentions,
                   focus_terms=pack.focus_terms, focus_actors=pack.focus_actors,
                   actors=pack.actors)
    assert fit.covered == 1 and fit.focus == 1 and not fit.low
    summary = fit_summary(fit, event=pack.event)
    assert summary.startswith(f"The lexicon pack ({pack.event}) finds") and "suggest" not in summary
