"""Figures drawn from tables shaped like the aggregate and compare outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from sourcebias import plots
from sourcebias.plots import (
    figure_style,
    outlet_palette,
    plot_actor_sentiment,
    plot_keyness,
    plot_label_matrix,
    plot_sentiment,
    plot_similarity,
    plot_term_heatmap,
    plot_term_rates,
    plotted_data,
)

SEED = Path(__file__).resolve().parents[1] / "data" / "batches" / "seed"
OUTLETS = ["Aggregator A", "Aggregator B", "Iran Press", "Pro-government blog", "Sputnik"]
TERMS = ["coup", "traitors", "legitimate", "self-proclaimed"]
WHITE = (1.0, 1.0, 1.0, 1.0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rates() -> pd.DataFrame:
    """Rates for every term × outlet × voice; Sputnik has no quote of 'coup' (no CI)."""
    rows = []
    for i, outlet in enumerate(OUTLETS):
        for j, term in enumerate(TERMS):
            for voice in ("narrator", "quote", "all"):
                hits = 1 + (i + j) % 4 if (outlet, term) != ("Sputnik", "coup") else 0
                rate = 1000 * hits / 500
                rows.append({
                    "outlet": outlet, "term": term, "voice": voice, "n_articles": i + 1,
                    "n_hits": hits, "n_words": 500, "rate_per_1000": rate,
                    "ci_low": rate / 2 if hits else np.nan,
                    "ci_high": rate * 2 if hits else np.nan,
                    "ci_method": "exact Poisson 95%",
                    "note": None if hits else "no hits, so no interval",
                })
    return pd.DataFrame(rows)


@pytest.fixture
def articles() -> pd.DataFrame:
    return pd.read_csv(SEED / "manifest.csv")[["doc_id", "outlet"]]


@pytest.fixture
def sentiment(articles) -> pd.DataFrame:
    """VADER on the seed articles' paragraphs, plain and with three domain entries."""
    plain, domain = SentimentIntensityAnalyzer(), SentimentIntensityAnalyzer()
    domain.lexicon.update({"coup": -2.0, "traitors": -2.5, "puppet": -1.5})
    rows = []
    for doc_id in articles["doc_id"]:
        text = (SEED / "articles" / f"{doc_id}.txt").read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        for sent_id, paragraph in enumerate(paragraphs):
            for lexicon, analyzer in (("vader", plain), ("vader+domain", domain)):
                scores = analyzer.polarity_scores(paragraph)
                rows.append({"doc_id": doc_id, "sent_id": sent_id, "lexicon": lexicon, **scores})
    return pd.DataFrame(rows)


@pytest.fixture
def labels() -> pd.DataFrame:
    rows = [
        ("Sputnik", "Guaidó", "self-proclaimed", 3, 12),
        ("Sputnik", "Guaidó", "opposition leader", 1, 12),
        ("Iran Press", "Guaidó", "opposition leader", 2, 8),
        ("Iran Press", "Maduro", "legitimate president", 4, 10),
        ("Aggregator A", "Guaidó", "puppet", 1, 4),
        ("Aggregator A", "Maduro", "president", 5, 9),
    ]
    table = pd.DataFrame(rows, columns=["outlet", "actor", "label", "count", "n_mentions"])
    return table.assign(share=table["count"] / table["n_mentions"], example="...")


@pytest.fixture
def actor_sentiment() -> pd.DataFrame:
    rows = []
    for i, outlet in enumerate(OUTLETS[:3]):
        for actor in ("Guaidó", "Maduro"):
            for lexicon in ("vader", "vader+domain"):
                mean = 0.1 * i - (0.2 if lexicon == "vader+domain" else 0.0)
                few = outlet == "Aggregator B" and actor == "Maduro"
                rows.append({
                    "outlet": outlet, "actor": actor, "lexicon": lexicon, "n_sentences": 2 if few
                    else 9, "n_articles": i + 1, "mean_compound": mean,
                    "ci_low": np.nan if few else mean - 0.1,
                    "ci_high": np.nan if few else mean + 0.1,
                    "note": "fewer than 3 sentences" if few else None,
                })
    return pd.DataFrame(rows)


@pytest.fixture
def keyness() -> pd.DataFrame:
    terms = [f"t{i}" for i in range(12)]
    log_ratio = np.array([3, -2.5, 2, -1.5, 1, -1, 0.5, -0.5, 0.2, -0.2, 0.1, -0.1])
    statistic = np.abs(log_ratio) * 10
    p = np.exp(-statistic / 5)
    return pd.DataFrame({
        "term": terms, "statistic": statistic, "p": p, "p_adjusted": np.minimum(3 * p, 1),
        "n_target": 5, "n_reference": 5, "log_ratio": log_ratio,
        "measure": "G2 log-likelihood (Dunning 1993)", "correction": "Benjamini-Hochberg",
    })


@pytest.fixture
def similarity() -> pd.DataFrame:
    pairs = {
        ("Iran Press", "Sputnik"): 0.95,
        ("Aggregator A", "Aggregator B"): 0.9,
        ("Aggregator A", "Iran Press"): 0.4,
        ("Aggregator A", "Sputnik"): 0.45,
        ("Aggregator B", "Iran Press"): 0.5,
        ("Aggregator B", "Sputnik"): 0.42,
    }
    return pd.DataFrame(
        [(a, b, c) for (a, b), c in pairs.items()], columns=["outlet_a", "outlet_b", "cosine"]
    )


def _ticks(ax: Axes, axis: str = "y") -> list[str]:
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [label.get_text() for label in labels]


def _points(ax: Axes) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def _legend_texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


# --------------------------------------------------------------------------- palette, style


def test_outlet_palette_is_colourblind_in_sorted_order_whatever_the_input_order():
    colours = sns.color_palette("colorblind").as_hex()
    palette = outlet_palette(["Sputnik", "Iran Press", "Sputnik", None, "Aggregator A"])
    assert palette == {"Aggregator A": colours[0], "Iran Press": colours[1], "Sputnik": colours[2]}
    assert outlet_palette(["Aggregator A", "Sputnik", "Iran Press"]) == palette


def test_outlet_palette_warns_when_colours_repeat():
    with pytest.warns(UserWarning, match="colours repeat"):
        palette = outlet_palette([f"outlet {i:02d}" for i in range(12)])
    assert palette["outlet 10"] == palette["outlet 00"]


def test_an_outlet_keeps_its_batch_colour_when_others_are_absent(rates):
    batch = outlet_palette(OUTLETS)
    only_sputnik = rates[rates["outlet"] == "Sputnik"]
    ax = plot_term_rates(only_sputnik, terms=["traitors"], palette=batch)
    edges = {to_hex(c) for col in _points(ax) for c in col.get_edgecolors()}
    assert edges == {batch["Sputnik"]}
    assert batch["Sputnik"] != outlet_palette(["Sputnik"])["Sputnik"]


def test_a_palette_missing_an_outlet_is_refused(rates):
    with pytest.raises(ValueError, match=r"no colour for outlet.*Sputnik"):
        plot_term_rates(rates, palette=outlet_palette(OUTLETS[:4]))


def test_figure_style_applies_inside_the_block_only():
    before = dict(matplotlib.rcParams)
    with figure_style() as style:
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        assert matplotlib.rcParams["font.sans-serif"] == style["font_family"]
        assert not matplotlib.rcParams["axes.spines.top"]
    assert dict(matplotlib.rcParams) == before


def test_importing_the_module_changes_no_rcparams():
    code = (
        "import matplotlib; before = dict(matplotlib.rcParams); import sourcebias.plots; "
        "changed = [k for k, v in matplotlib.rcParams.items() if before[k] != v]; "
        "print(changed); assert not changed"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_style_file_without_a_key_is_named(tmp_path):
    path = tmp_path / "style.yaml"
    path.write_text("palette: colorblind\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"style\.yaml: figure style lacks key\(s\) heatmap_cmap"):
        plots.load_style(path)


# --------------------------------------------------------------------------- term figures


def test_term_heatmap_facets_voices_and_writes_rates_and_n(rates):
    with figure_style():
        fig = plot_term_heatmap(rates)
    assert isinstance(fig, Figure)
    narrator, quote = fig.axes[:2]
    assert [narrator.get_title(), quote.get_title()] == ["narrator voice", "quoted voice"]
    assert _ticks(narrator, "x")[-1] == "Sputnik (n=5)"
    assert narrator.get_xlabel() == "Outlet (n = articles)"
    assert narrator.get_ylabel() == "Term"
    cells = [t.get_text() for t in narrator.texts]
    assert len(cells) == len(TERMS) * len(OUTLETS)
    assert "6.0" in cells and "0" in cells
    assert "Rate per 1,000 words" in fig.axes[-1].get_ylabel()
    drawn = plotted_data(fig)
    assert set(drawn["voice"]) == {"narrator", "quote"}
    assert len(drawn) == 2 * len(TERMS) * len(OUTLETS)


def test_term_heatmap_keeps_the_top_rows(rates):
    fig = plot_term_heatmap(rates, top=2, voice_facets=("all",))
    assert len(fig.axes) == 2
    assert len(_ticks(fig.axes[0])) == 2
    assert set(plotted_data(fig)["term"]) == set(_ticks(fig.axes[0]))


def test_term_heatmap_names_an_absent_voice(rates):
    with pytest.raises(ValueError, match=r"no rows with voice 'scare'.*present: all, narrator"):
        plot_term_heatmap(rates, voice_facets=("narrator", "scare"))


def test_term_heatmap_refuses_duplicate_cells(rates):
    with pytest.raises(ValueError, match="several rows for term='coup'"):
        plot_term_heatmap(pd.concat([rates, rates.head(1)]))


def test_term_rates_draw_hollow_points_and_no_bar_without_interval(rates):
    ax = plot_term_rates(rates, voice="quote")
    drawn = plotted_data(ax.figure)
    no_interval = drawn["ci_low"].isna()
    assert no_interval.sum() == 1
    assert list(drawn.loc[~drawn["has_interval"], "outlet"]) == ["Sputnik"]
    bars = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert len(bars.get_segments()) == (~no_interval).sum()
    assert all(seg[1][0] > seg[0][0] for seg in bars.get_segments())
    faces = np.vstack([c.get_facecolors() for c in _points(ax)])
    assert (faces == WHITE).all(axis=1).sum() == 1
    assert any("no hits, so no interval" in t for t in _legend_texts(ax))
    assert "bars: exact Poisson 95%" in ax.get_xlabel()
    assert "quoted voice" in ax.get_xlabel()
    assert "Iran Press (n=3)" in _ticks(ax)
    assert "n = articles" in ax.get_ylabel()


def test_term_rates_treat_a_zero_width_interval_as_none(rates):
    rates = rates.copy()
    rates.loc[0, ["ci_low", "ci_high"]] = rates.loc[0, "rate_per_1000"]
    ax = plot_term_rates(rates, terms=[rates.loc[0, "term"]], voice=rates.loc[0, "voice"])
    assert not plotted_data(ax.figure)["has_interval"].iloc[0]
    legend = " ".join(" ".join(_legend_texts(ax)).split())
    assert legend == "no hits, so no interval; zero-width interval"


def test_term_rates_keep_the_given_term_order_under_bold_headers(rates):
    ax = plot_term_rates(rates, terms=["traitors", "coup"])
    headers = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert headers == ["traitors", "coup"]
    assert list(plotted_data(ax.figure)["term"].unique()) == ["traitors", "coup"]


def test_term_rates_say_why_a_rate_is_missing_and_drop_the_bars_line(rates):
    quiet = rates[rates["voice"] == "quote"].assign(ci_low=np.nan, ci_high=np.nan,
                                                     note="1 article: no interval")
    quiet.loc[quiet.index[0], ["rate_per_1000", "note"]] = [np.nan, "no words in this voice"]
    ax = plot_term_rates(quiet, voice="quote", terms=[quiet["term"].iloc[0]])
    assert "no words in this voice" in [t.get_text() for t in ax.texts]
    assert _legend_texts(ax) == ["1 article: no interval"]
    assert "bars" not in ax.get_xlabel()


def test_term_rates_by_outlet_group_name_the_group_column(rates):
    grouped = rates.rename(columns={"outlet": "outlet_group"})
    ax = plot_term_rates(grouped, by="outlet_group", terms=["coup"])
    drawn = plotted_data(ax.figure)
    assert "outlet_group" in drawn.columns and "outlet" not in drawn.columns
    assert "outlet group (n = articles)" in ax.get_ylabel()


def test_term_rates_draw_on_a_given_axes_by_category(rates):
    by_category = rates.drop(columns="term").assign(category="label")
    by_category = by_category.drop_duplicates(["outlet", "category", "voice"])
    _, ax = plt.subplots()
    assert plot_term_rates(by_category, ax=ax) is ax
    assert ax.get_ylabel().startswith("Category")


def test_a_missing_column_is_named(rates):
    with pytest.raises(ValueError, match=r"plot_term_rates: the rates table lacks column.*ci_low"):
        plot_term_rates(rates.drop(columns="ci_low"))


# --------------------------------------------------------------------------- labels, sentiment


def test_label_matrix_pools_outlets_per_actor(labels):
    ax = plot_label_matrix(labels)
    assert isinstance(ax, Axes)
    assert _ticks(ax, "x") == ["Guaidó (n=24)", "Maduro (n=19)"]
    drawn = plotted_data(ax.figure)
    leader = drawn[(drawn["label"] == "opposition leader") & (drawn["actor"] == "Guaidó")]
    assert leader["count"].item() == 3
    assert leader["share"].item() == pytest.approx(3 / 24)
    assert "26%" in [t.get_text() for t in ax.texts]
    assert ax.get_xlabel() == "Actor (n = mentions)" and ax.get_ylabel() == "Label"


def test_label_matrix_divides_by_labelled_mentions_when_known(labels):
    labelled = labels.groupby(["outlet", "actor"])["count"].transform("sum")
    ax = plot_label_matrix(labels.assign(n_labelled=labelled), actor="Guaidó")
    drawn = plotted_data(ax.figure).set_index(["label", "outlet"])["share"]
    assert drawn[("self-proclaimed", "Sputnik")] == 0.75
    assert drawn[("opposition leader", "Iran Press")] == 1.0
    assert ax.get_xlabel() == "Outlet (n = labelled mentions of Guaidó)"
    assert _ticks(ax, "x") == ["Aggregator A (n=1)", "Iran Press (n=2)", "Sputnik (n=4)"]


def test_label_matrix_for_one_actor_spreads_outlets_and_keeps_the_top_labels(labels):
    ax = plot_label_matrix(labels, actor="Guaidó", top=2, value="count")
    assert _ticks(ax, "x") == ["Aggregator A (n=4)", "Iran Press (n=8)", "Sputnik (n=12)"]
    assert _ticks(ax) == ["opposition leader", "self-proclaimed"]
    assert ax.get_title() == "Guaidó"
    assert "mentions of Guaidó" in ax.get_xlabel()


def test_sentiment_boxes_per_outlet_on_the_seed_articles(sentiment, articles):
    palette = outlet_palette(articles["outlet"])
    with figure_style():
        ax = plot_sentiment(sentiment, articles=articles, palette=palette)
    stats = plotted_data(ax.figure)
    assert len(stats) == 2 * articles["outlet"].nunique()
    sputnik = sentiment.merge(articles, on="doc_id").query(
        "outlet == 'Sputnik' and lexicon == 'vader'")["compound"]
    row = stats[(stats["outlet"] == "Sputnik") & (stats["lexicon"] == "vader")].iloc[0]
    assert row["median"] == pytest.approx(np.median(sputnik))
    assert row["n_sentences"] == len(sputnik) and row["n_articles"] == 1
    boxes = [p for p in ax.patches if p.get_facecolor() != (0, 0, 0, 0)]
    faces = [to_hex(p.get_facecolor()) for p in boxes]
    assert faces.count("#ffffff") == 5
    assert set(faces) - {"#ffffff"} == set(palette.values())
    assert "Sputnik (n=1)" in _ticks(ax)
    assert "whiskers: 1.5 IQR" in ax.get_xlabel()
    assert _legend_texts(ax) == ["VADER", "VADER + domain lexicon"]


def test_sentiment_refuses_unknown_articles(sentiment, articles):
    with pytest.raises(ValueError, match=r"not in articles.*first: 004_"):
        plot_sentiment(sentiment, articles=articles.head(4))


def test_sentiment_draws_one_scope_of_a_scoped_table(sentiment, articles):
    narrator = sentiment.assign(scope="narrator", compound=-0.5)
    scoped = pd.concat([sentiment.assign(scope="sentence"), narrator])
    whole = plotted_data(plot_sentiment(scoped, articles=articles).figure)
    assert whole["n_sentences"].sum() == len(sentiment)
    assert (whole["median"] != -0.5).any()
    ax = plot_sentiment(scoped, articles=articles, scope="narrator")
    assert (plotted_data(ax.figure)["median"] == -0.5).all()
    assert "narrator part" in ax.get_xlabel()
    with pytest.raises(ValueError, match=r"no rows with scope 'quote'.*narrator, sentence"):
        plot_sentiment(scoped, articles=articles, scope="quote")


def test_sentiment_by_outlet_group(sentiment):
    groups = pd.read_csv(SEED / "manifest.csv")[["doc_id", "outlet", "outlet_group"]]
    ax = plot_sentiment(sentiment, articles=groups, by="outlet_group")
    stats = plotted_data(ax.figure)
    assert sorted(stats["outlet_group"].unique()) == [
        "aggregator", "pro-government blog", "state media"]
    assert "state media (n=2)" in _ticks(ax)
    assert ax.get_ylabel() == "Outlet group (n = articles)"


def test_actor_sentiment_marks_lexicons_and_missing_intervals(actor_sentiment):
    ax = plot_actor_sentiment(actor_sentiment, interval="95% bootstrap CI")
    drawn = plotted_data(ax.figure)
    assert (~drawn["has_interval"]).sum() == 2
    markers = _points(ax)
    assert len(markers) == 2
    assert sum((c.get_facecolors() == WHITE).all(axis=1).sum() for c in markers) == 2
    legend = _legend_texts(ax)
    assert legend[:2] == ["VADER", "VADER + domain lexicon"]
    assert "fewer than 3 sentences" in legend[2]
    assert "bars: 95% bootstrap CI" in ax.get_xlabel()
    assert "Iran Press (n=3)" in _ticks(ax)
    first, second = (y for y in drawn.loc[drawn["outlet"] == "Iran Press", "y"].head(2))
    assert first != second


# --------------------------------------------------------------------------- compare figures


def test_keyness_bars_diverge_by_log_ratio_and_hollow_the_non_significant(keyness):
    ax = plot_keyness(keyness, target="Sputnik", reference="Aggregator A", n_articles=(4, 7),
                      top=4)
    drawn = plotted_data(ax.figure)
    assert list(drawn["term"]) == ["t0", "t2", "t4", "t6", "t7", "t5", "t3", "t1"]
    assert (drawn["signed_statistic"].head(4) > 0).all()
    assert (drawn["signed_statistic"].tail(4) < 0).all()
    hollow = [p.get_facecolor() == WHITE for p in ax.patches]
    assert hollow == list(drawn["p_adjusted"] >= 0.05)
    label = " ".join(ax.get_xlabel().split())
    assert "G2 log-likelihood (Dunning 1993)" in label
    assert "adjusted p ≥ 0.05 (Benjamini-Hochberg)" in label
    assert _legend_texts(ax) == ["Sputnik (n=4)", "Aggregator A (n=7)"]


def test_keyness_refuses_mixed_measures(keyness):
    mixed = keyness.assign(measure=["chi2"] * 6 + ["G2"] * 6)
    with pytest.raises(ValueError, match="expected one measure, found chi2, G2"):
        plot_keyness(mixed, n_articles=(1, 1))


def test_similarity_clusters_the_closest_outlets_together(similarity):
    palette = outlet_palette(OUTLETS)
    grid = plot_similarity(similarity, n_articles={o: 2 for o in OUTLETS[:2] + OUTLETS[2::2]},
                           palette=palette)
    assert isinstance(grid, sns.matrix.ClusterGrid)
    drawn = plotted_data(grid)
    order = list(drawn["outlet_a"].drop_duplicates())
    assert abs(order.index("Iran Press") - order.index("Sputnik")) == 1
    assert abs(order.index("Aggregator A") - order.index("Aggregator B")) == 1
    matrix = drawn.pivot(index="outlet_a", columns="outlet_b", values="cosine")
    assert np.allclose(matrix, matrix.T) and np.allclose(np.diag(matrix), 1.0)
    assert all("(n=2)" in t for t in _ticks(grid.ax_heatmap))
    assert "linkage on 1 − cosine" in grid.ax_heatmap.get_xlabel()


def test_similarity_names_a_missing_pair_and_a_missing_n(similarity):
    with pytest.raises(ValueError, match="no cosine for the pair"):
        plot_similarity(similarity.iloc[1:], n_articles={o: 1 for o in OUTLETS})
    with pytest.raises(ValueError, match=r"n_articles lacks outlet.*Sputnik"):
        plot_similarity(similarity, n_articles={o: 1 for o in OUTLETS[:3]})


def test_plotted_data_needs_a_sourcebias_figure():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="pass data="):
        plotted_data(fig)
