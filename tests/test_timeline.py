"""Timelines: periods, bands, smoothing, event markers, before/after and undated articles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sourcebias.stats.timeline import (
    before_after,
    choose_frequency,
    event_markers,
    smooth,
    timeline,
    undated_articles,
)


def _batch(dates: list[str | None], outlets: list[str], words: int = 100) -> pd.DataFrame:
    n = len(dates)
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": outlets,
                         "date": dates, "n_words": words, "duplicate_of": None})


def _hits(counts: dict[str, int]) -> pd.DataFrame:
    rows = [(doc, "coup", "event_naming", "narrator") for doc, k in counts.items()
            for _ in range(k)]
    return pd.DataFrame(rows, columns=["doc_id", "term", "category", "voice"])


def test_frequency_follows_the_span() -> None:
    days = pd.Series(pd.to_datetime(["2019-04-30", "2019-05-20"]))
    assert choose_frequency(days) == "day"
    assert choose_frequency(pd.Series(pd.to_datetime(["2019-01-01", "2019-09-01"]))) == "week"
    assert choose_frequency(pd.Series(pd.to_datetime(["2010-01-01", "2014-01-01"]))) == "month"


def test_weekly_rates_include_empty_weeks_and_bands_only_where_estimable() -> None:
    dates = ["2019-01-07", "2019-01-08", "2019-01-09", "2019-01-22", "2019-05-01"]
    articles = _batch(dates, ["X"] * 5)
    hits = _hits({"d0": 1, "d1": 3, "d3": 2})
    table = timeline(articles, hits=hits, measure="terms", frequency="week", random_state=0)
    assert table["period"].min() == pd.Timestamp("2019-01-07")
    weeks = table.set_index("period")
    first = weeks.loc[pd.Timestamp("2019-01-07")]
    assert first["n_articles"] == 3 and first["numerator"] == 4
    assert first["value"] == pytest.approx(1000 * 4 / 300)
    assert first["ci_low"] < first["value"] < first["ci_high"]
    single = weeks.loc[pd.Timestamp("2019-01-21")]
    assert single["n_articles"] == 1 and np.isnan(single["ci_low"])
    empty = weeks.loc[pd.Timestamp("2019-01-14")]
    assert empty["n_articles"] == 0 and np.isnan(empty["value"])
    assert len(table) == 17, "every week from the first to the last dated article"


def test_attention_is_the_share_of_articles_mentioning_the_actor() -> None:
    articles = _batch(["2019-04-30"] * 4, ["X"] * 4)
    mentions = pd.DataFrame({"doc_id": ["d0", "d0", "d1"], "actor": "guaido", "label": None})
    row = timeline(articles, mentions=mentions, measure="attention").iloc[0]
    assert row["value"] == 0.5 and row["numerator"] == 2 and row["unit"] == "share of articles"


def test_undated_articles_are_counted_and_named() -> None:
    articles = _batch(["2019-04-30", None, "someday"], ["X", "X", "Y"])
    hits = _hits({"d0": 1})
    table = timeline(articles, hits=hits)
    assert table.groupby("outlet")["n_undated"].first().to_dict() == {"X": 1, "Y": 1}
    named = undated_articles(articles)
    assert named["doc_id"].tolist() == ["d1", "d2"]
    assert named["reason"].tolist() == ["no date", "date not readable"]


def test_a_batch_without_dates_gives_one_row_per_outlet() -> None:
    table = timeline(_batch([None, None], ["X", "Y"]), hits=_hits({"d0": 1}))
    assert table["period"].isna().all() and table["n_undated"].tolist() == [1, 1]


def test_smoothing_is_a_named_centred_rolling_mean() -> None:
    articles = _batch(["2019-04-29", "2019-04-30", "2019-05-01"], ["X"] * 3)
    table = smooth(timeline(articles, hits=_hits({"d0": 3, "d2": 6}), frequency="day"),
                   window=3)
    assert table["smoothed"].tolist() == pytest.approx([15.0, 30.0, 30.0])
    assert table["smoothing"].iloc[0] == "centred rolling mean over 3 days"


def test_markers_are_checked_and_sorted() -> None:
    markers = event_markers([{"date": "2019-04-30", "label": "uprising"},
                             {"date": "2019-01-23", "label": "Guaidó sworn in"}])
    assert markers["label"].tolist() == ["Guaidó sworn in", "uprising"]
    with pytest.raises(ValueError, match="event marker 0"):
        event_markers([{"date": "soon", "label": "x"}])
    assert event_markers(None).empty


def test_before_after_measures_the_change_with_an_interval() -> None:
    dates = [f"2019-04-{d:02d}" for d in range(10, 30)] + [f"2019-05-{d:02d}" for d in range(1, 21)]
    articles = _batch(dates, ["X"] * 40)
    hits = _hits({f"d{i}": (4 if i >= 20 else 1) for i in range(40)})
    row = before_after(articles, marker="2019-04-30", hits=hits, random_state=0).iloc[0]
    assert (row["n_before"], row["n_after"]) == (20, 20)
    assert row["before"] == pytest.approx(10.0) and row["after"] == pytest.approx(40.0)
    assert row["difference"] == pytest.approx(30.0)
    assert np.isnan(row["ci_low"]), "no spread: every article on a side has the same rate"
    hits = _hits({f"d{i}": (i % 3 + (3 if i >= 20 else 0)) for i in range(40)})
    row = before_after(articles, marker="2019-04-30", hits=hits, random_state=0).iloc[0]
    assert 0 < row["ci_low"] < row["difference"] < row["ci_high"]
    near = before_after(articles, marker="2019-04-30", hits=hits, days=5).iloc[0]
    assert (near["n_before"], near["n_after"]) == (5, 4), "04-25..29 before; 05-01..04 after"


def test_smoothing_leaves_empty_periods_empty() -> None:
    articles = _batch(["2019-04-29", "2019-05-01"], ["X"] * 2)
    table = smooth(timeline(articles, hits=_hits({"d0": 3}), frequency="day"), window=3)
    assert np.isnan(table["smoothed"].iloc[1]), "30 April has no article"


def _seed_like_timeline() -> pd.DataFrame:
    """Four dated articles from 30 April to 4 May 2019 and one undated, as the seed batch."""
    articles = _batch(["2019-04-30", "2019-04-30", "2019-05-02", "2019-05-04", None],
                      ["A", "B", "C", "D", "E"])
    mentions = pd.DataFrame({"doc_id": ["d0", "d1", "d2", "d3"], "actor": "armed_forces",
                             "label": None})
    return timeline(articles, mentions=mentions, measure="attention")


def test_timeline_figure_spans_the_data_and_lists_markers_outside_it() -> None:
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from sourcebias.figures.time import plot_timeline

    markers = event_markers([
        {"date": "2019-01-23", "label": "Guaidó declares himself interim president"},
        {"date": "2019-04-30", "label": "uprising"},
        {"date": "2019-05-01", "label": "May Day marches"}])
    names = {"armed_forces": "Venezuelan armed forces"}
    ax = plot_timeline(_seed_like_timeline(), key="armed_forces", markers=markers, names=names)
    fig = ax.figure
    fig.canvas.draw()
    low, high = (mdates.num2date(x).replace(tzinfo=None) for x in ax.get_xlim())
    assert pd.Timestamp("2019-04-29") <= low < pd.Timestamp("2019-04-30")
    assert pd.Timestamp("2019-05-04") < high <= pd.Timestamp("2019-05-05")
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert 3 <= len(ticks) <= 8
    caption = ax.get_xlabel().replace("\n", " ")
    assert caption.count("(") == caption.count(")")
    assert "Guaidó declares himself interim president (23 Jan 2019)" in caption
    assert "1 undated article left out" in caption
    labels = [t for t in ax.texts if t.get_text() in ("uprising", "May Day marches")]
    assert len(labels) == 2 and not any("Guaidó" in t.get_text() for t in ax.texts)
    first, second = (t.get_window_extent() for t in labels)
    assert not first.overlaps(second)
    inside = fig.bbox
    label = ax.yaxis.label.get_window_extent()
    assert inside.x0 <= label.x0 and label.y0 >= inside.y0 and label.y1 <= inside.y1
    assert ax.get_ylabel().replace("\n", " ") == "Venezuelan armed forces, share of articles"
    plt.close(fig)


def test_close_event_markers_go_on_rows_of_their_own() -> None:
    import matplotlib.pyplot as plt

    from sourcebias.figures.time import plot_timeline

    long_labels = ["a long first event label", "a long second event label",
                   "a long third event label"]
    markers = event_markers([{"date": f"2019-05-0{i + 1}", "label": label}
                             for i, label in enumerate(long_labels)])
    ax = plot_timeline(_seed_like_timeline(), key="armed_forces", markers=markers)
    ax.figure.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts if t.get_text() in long_labels]
    assert len(boxes) == 3
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close(ax.figure)
