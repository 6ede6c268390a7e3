"""Story finding, story tables and within-story comparison, on crafted articles and BASIL."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from sourcebias import read_batch
from sourcebias.stats.stories import (
    find_stories,
    paired_differences,
    story_coverage,
    story_table,
    story_terms,
)

FLOOD = ("Floodwaters swept through Harrisburg after the Susquehanna river burst its levees, "
         "forcing Governor Whitfield to order the evacuation of twelve thousand residents. "
         "Rescue crews in boats searched flooded neighbourhoods near the levees overnight.")
TRADE = ("Japan and Canada signed a tariff agreement on canola and softwood lumber exports, "
         "trade minister Okabe said in Ottawa. The tariff deal cuts duties on lumber and "
         "canola over five years, Okabe told reporters after the signing.")
CHESS = ("The grandmaster Ivanchuk won the Wijk aan Zee chess tournament with a rook endgame "
         "against Carlsen. Ivanchuk sacrificed a bishop early, and the endgame lasted "
         "ninety moves before Carlsen resigned the chess game.")


def _articles(rows: list[tuple[str, str, str | None, str]]) -> pd.DataFrame:
    """Articles from (doc_id, outlet, date, text) rows."""
    table = pd.DataFrame(rows, columns=["doc_id", "outlet", "date", "text"])
    return table.assign(title=table["text"].str.split(".").str[0], duplicate_of=None,
                        n_words=table["text"].str.split().str.len())


def _story_of(stories: pd.DataFrame) -> dict[str, str]:
    return dict(zip(stories["doc_id"], stories["story"], strict=True))


def test_same_story_in_two_outlets_is_one_story() -> None:
    articles = _articles([
        ("a", "Daily", "2020-03-01", FLOOD),
        ("b", "Herald", "2020-03-01", "Residents fled as the Susquehanna burst its levees in "
                                      "Harrisburg; Governor Whitfield ordered an evacuation."),
        ("c", "Herald", "2020-03-01", CHESS),
    ])
    story = _story_of(find_stories(articles))
    assert story["a"] == story["b"]
    assert story["c"] != story["a"]


def test_two_stories_on_one_day_stay_apart() -> None:
    articles = _articles([
        ("f1", "Daily", "2020-03-01", FLOOD),
        ("t1", "Daily", "2020-03-01", TRADE),
        ("f2", "Herald", "2020-03-01", FLOOD.replace("overnight", "all night")),
        ("t2", "Herald", "2020-03-01", TRADE.replace("said in Ottawa", "announced")),
    ])
    story = _story_of(find_stories(articles))
    assert story["f1"] == story["f2"] and story["t1"] == story["t2"]
    assert story["f1"] != story["t1"]


def test_one_story_over_three_days_chains_through_the_middle_day() -> None:
    articles = _articles([
        ("d1", "Daily", "2020-03-01", FLOOD),
        ("d2", "Herald", "2020-03-02", FLOOD + " The Susquehanna crest passed Harrisburg."),
        ("d3", "Post", "2020-03-03", "The Susquehanna levees held on the third day; "
                                     "Governor Whitfield let residents of Harrisburg return. "
                                     + FLOOD),
        ("far", "Post", "2020-06-03", FLOOD),
    ])
    stories = find_stories(articles, window_days=1)
    story = _story_of(stories)
    assert story["d1"] == story["d2"] == story["d3"]
    assert story["far"] != story["d1"], "an article months later is another story"
    table = story_table(articles, stories).set_index("story").loc[story["d1"]]
    assert table["first_date"] == pd.Timestamp("2020-03-01")
    assert table["last_date"] == pd.Timestamp("2020-03-03")
    assert table["n_outlets"] == 3 and table["outlets"] == "Daily; Herald; Post"
    assert "susquehanna" in table["terms"].split("; ")


def test_undated_article_joins_its_story_and_is_counted() -> None:
    articles = _articles([
        ("a", "Daily", "2020-03-01", FLOOD),
        ("b", "Herald", None, FLOOD.replace("twelve", "10,000")),
        ("c", "Herald", "not a date", CHESS),
    ])
    stories = find_stories(articles)
    assert stories["dated"].tolist() == [True, False, False]
    story = _story_of(stories)
    assert story["a"] == story["b"]
    table = story_table(articles, stories).set_index("story")
    assert table.loc[story["a"], "n_undated"] == 1
    assert table.loc[story["c"], "n_undated"] == 1
    assert pd.isna(table.loc[story["c"], "first_date"])
    assert story["c"] == table.index[-1], "undated stories are numbered last"


def test_ids_are_deterministic_and_duplicates_follow_their_original() -> None:
    articles = _articles([
        ("late", "Daily", "2020-03-05", TRADE),
        ("early", "Daily", "2020-03-01", FLOOD),
        ("copy", "Herald", "2020-03-06", CHESS),
    ])
    articles.loc[2, "duplicate_of"] = "late"
    first, second = find_stories(articles), find_stories(articles)
    pd.testing.assert_frame_equal(first, second)
    story = _story_of(first)
    assert story["early"] == "S0001" and story["late"] == "S0002"
    assert story["copy"] == story["late"]


def test_story_coverage_lists_every_outlet_and_story() -> None:
    stories = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Y"],
                            "story": ["S1", "S1", "S2"]})
    coverage = story_coverage(stories).set_index(["story", "outlet"])
    assert coverage.loc[("S2", "X"), "n_articles"] == 0
    assert not coverage.loc[("S2", "X"), "covered"]
    assert coverage.loc[("S1", "X"), "n_outlets"] == 2


def test_story_terms_counts_hits_per_story_and_outlet() -> None:
    articles = _articles([("a", "X", "2020-01-01", "one two three four"),
                          ("b", "Y", "2020-01-01", "one two")])
    stories = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "story": ["S1", "S1"]})
    hits = pd.DataFrame({"doc_id": ["a", "a"], "term": ["coup", "coup"], "voice": "narrator"})
    table = story_terms(hits, stories=stories, articles=articles, voice="all").set_index("outlet")
    assert table.loc["X", "n_hits"] == 2 and table.loc["X", "rate_per_1000"] == 500
    assert table.loc["Y", "n_hits"] == 0 and table.loc["Y", "rate_per_1000"] == 0


def test_paired_differences_use_only_shared_stories() -> None:
    rng = np.random.default_rng(1)
    diffs = rng.normal(2.0, 0.5, 30)
    rows = [(f"S{i:02d}", "A", "coup", 5 + d) for i, d in enumerate(diffs)]
    rows += [(f"S{i:02d}", "B", "coup", 5.0) for i in range(30)]
    rows += [("S99", "A", "coup", 100.0)]  # told by A only: not compared
    table = pd.DataFrame(rows, columns=["story", "outlet", "term", "rate_per_1000"])
    result = paired_differences(table, random_state=0).iloc[0]
    assert result["n_stories"] == 30
    assert result["difference"] == pytest.approx(diffs.mean())
    assert result["ci_low"] < diffs.mean() < result["ci_high"]
    assert result["ci_high"] - result["ci_low"] < 0.6
    again = paired_differences(table, random_state=0).iloc[0]
    assert again["ci_low"] == result["ci_low"]


def test_paired_differences_without_two_shared_stories_give_no_interval() -> None:
    table = pd.DataFrame({"story": ["S1", "S1"], "outlet": ["A", "B"], "term": "coup",
                          "rate_per_1000": [3.0, 1.0]})
    result = paired_differences(table).iloc[0]
    assert result["difference"] == 2.0 and np.isnan(result["ci_low"])
    assert "fewer than 2" in result["note"]


def test_basil_stories_are_found(shared_data) -> None:
    folder = shared_data / "basil-dev"
    if not (folder / "stories.csv").exists():
        pytest.skip(f"{folder} is absent: the BASIL dev set is not in the shared data")
    articles = read_batch(folder / "batch").articles.drop(columns="story")
    key = pd.read_csv(folder / "stories.csv").set_index("doc_id")["story"]
    found = find_stories(articles)
    assert adjusted_rand_score(key.reindex(found["doc_id"]), found["story"]) >= 0.95


def _coverage(stories: dict[str, list[str]]) -> pd.DataFrame:
    """A coverage table from {story: outlets that told it}, every outlet on every story."""
    outlets = sorted({o for told in stories.values() for o in told})
    rows = [{"story": story, "outlet": outlet, "n_articles": int(outlet in told),
             "covered": outlet in told, "n_outlets": len(told)}
            for story, told in stories.items() for outlet in outlets]
    return pd.DataFrame(rows)


def _differences(n_stories: list[int]) -> pd.DataFrame:
    rows = [{"outlet_a": "A", "outlet_b": "B", "category": f"c{i}", "n_stories": n,
             "mean_a": 2.0, "mean_b": 1.0, "difference": 1.0 + i,
             "ci_low": 0.5 + i if n >= 2 else np.nan, "ci_high": 1.5 + i if n >= 2 else np.nan,
             "ci_method": "percentile bootstrap" if n >= 2 else None,
             "note": None if n >= 2 else "fewer than 2 shared stories: no interval"}
            for i, n in enumerate(n_stories)]
    return pd.DataFrame(rows)


def test_one_story_draws_no_coverage_matrix_and_says_why() -> None:
    import matplotlib.pyplot as plt

    from sourcebias.checks import NotComputable
    from sourcebias.figures.time import plot_coverage

    with pytest.raises(NotComputable, match=r"the batch has 1 story, and a coverage matrix"):
        plot_coverage(_coverage({"s1": ["A", "B", "C"]}))
    ax = plot_coverage(_coverage({"s1": ["A", "B"], "s2": ["B"], "s3": ["A"]}))
    assert ax.get_xlabel().startswith("3 stories by first date")
    plt.close(ax.figure)


def test_paired_differences_over_single_stories_are_not_drawn() -> None:
    import matplotlib.pyplot as plt

    from sourcebias.checks import NotComputable
    from sourcebias.figures.time import plot_paired_differences

    with pytest.raises(NotComputable, match=r"each pair shares 1 story\)"):
        plot_paired_differences(_differences([1, 1, 1]), key="category")
    ax = plot_paired_differences(_differences([3, 1]), key="category")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["A − B: c0 (n=3 stories)", "A − B: c1 (n=1 story)"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(legend) == ["95% interval", "fewer than 2 shared stories: no interval"]
    plt.close(ax.figure)
