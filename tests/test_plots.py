"""Figures drawn from tables shaped like the aggregate and compare outputs."""

from __future__ import annotations

import gzip
import inspect
import itertools
import json
import subprocess
import sys
import warnings
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
from matplotlib.ticker import PercentFormatter
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from sourcebias.annotate.lexicon import read_actors, read_terms
from sourcebias.config import DEFAULT_PACK
from sourcebias.figures import style as plots
from sourcebias.figures.export import DATA_ATTR, plotted_data
from sourcebias.figures.keyness import plot_keyness
from sourcebias.figures.labels import TooFewMentions, plot_label_matrix
from sourcebias.figures.names import display_names
from sourcebias.figures.palette import outlet_palette
from sourcebias.figures.sentiment import plot_actor_sentiment, plot_sentiment
from sourcebias.figures.similarity import plot_similarity
from sourcebias.figures.style import figure_style
from sourcebias.figures.terms import plot_term_heatmap, plot_term_rates
from sourcebias.figures.voice import plot_voice_share
from sourcebias.stats.overview import outlet_groups
from sourcebias.stats.tone import outlet_sentiment

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
    return pd.read_csv(SEED / "manifest.csv")[["doc_id", "outlet"]].assign(duplicate_of=None)


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
        "measure": "log-likelihood G2, signed", "correction": "Williams (1976)",
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


def _ticks_of(outlets: list[str], n: range) -> list[str]:
    return [f"{outlet} (n={count})" for outlet, count in zip(outlets, n, strict=True)]


def _points(ax: Axes) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def _legend_texts(drawn: Axes | Figure) -> list[str]:
    legend = drawn.legends[0] if isinstance(drawn, Figure) else drawn.get_legend()
    return [" ".join(t.get_text().split()) for t in legend.get_texts()]


def _many_outlet_rates(n_outlets: int, terms: list[str]) -> pd.DataFrame:
    """Narrator rates of ``terms`` in ``n_outlets`` outlets named like web domains."""
    return _outlet_rates([f"www.outlet{i:02d}.com" for i in range(n_outlets)], terms)


def _outlet_rates(outlets: list[str], terms: list[str]) -> pd.DataFrame:
    """Narrator rates of ``terms`` in ``outlets``, without intervals."""
    rows = [
        {"outlet": outlet, "category": term, "voice": "narrator",
         "n_articles": 1 + i % 3, "n_hits": (i * 7 + j) % 11,
         "rate_per_1000": float((i * 7 + j) % 11),
         "ci_low": np.nan, "ci_high": np.nan, "note": "1 article: no interval"}
        for i, outlet in enumerate(outlets) for j, term in enumerate(terms)
    ]
    return pd.DataFrame(rows)


CATEGORIES = [entry for entry, _ in read_terms().categories]

#: The display names of the default pack, as a notebook's ``ws.names`` holds them.
NAMES = display_names()


# --------------------------------------------------------------------------- palette, style


def test_outlet_palette_is_colourblind_in_sorted_order_whatever_the_input_order():
    colours = sns.color_palette("colorblind").as_hex()
    palette = outlet_palette(["Sputnik", "Iran Press", "Sputnik", None, "Aggregator A"])
    assert palette == {"Aggregator A": colours[0], "Iran Press": colours[1], "Sputnik": colours[2]}
    assert outlet_palette(["Aggregator A", "Sputnik", "Iran Press"]) == palette


def test_outlet_palette_draws_every_outlet_in_one_colour_rather_than_repeat_colours():
    with pytest.warns(UserWarning, match=r"every outlet is drawn in one colour.*outlet_group"):
        palette = outlet_palette([f"outlet {i:02d}" for i in range(12)])
    neutral = plots.read_style()["neutral_colors"]["target"]
    assert set(palette.values()) == {neutral} and len(palette) == 12


def test_an_outlet_keeps_its_batch_colour_when_others_are_absent(rates):
    batch = outlet_palette(OUTLETS)
    only_sputnik = rates[rates["outlet"] == "Sputnik"]
    fig = plot_term_rates(only_sputnik, terms=["traitors"], palette=batch)
    edges = {to_hex(c) for col in _points(fig.axes[0]) for c in col.get_edgecolors()}
    assert edges == {batch["Sputnik"]}
    assert batch["Sputnik"] != outlet_palette(["Sputnik"])["Sputnik"]


def test_a_palette_missing_an_outlet_is_refused(rates):
    with pytest.raises(ValueError, match=r"no colour for outlet.*Sputnik"):
        plot_term_rates(rates, palette=outlet_palette(OUTLETS[:4]))


# --------------------------------------------------------------------------- outlet groups

RATINGS = ["center", "left", "right"]
NO_GROUP = "no outlet group"


@pytest.fixture(scope="module")
def allsides(shared_data) -> pd.DataFrame:
    """The first 400 allsides articles: some 70 US outlets, AllSides' rating as their group."""
    with gzip.open(shared_data / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in itertools.islice(f, 400)]
    return pd.DataFrame({"doc_id": [r["ID"] for r in records],
                         "outlet": [r["source_url"] for r in records],
                         "outlet_group": [r["bias_text"] for r in records]})


@pytest.fixture(scope="module")
def grouped(allsides) -> dict[str, str | None]:
    """Fifteen allsides outlets, the first five by name of each rating; the last has no group."""
    groups = outlet_groups(allsides)
    picked = {outlet: rating for rating in RATINGS
              for outlet in sorted(o for o, g in groups.items() if g == rating)[:5]}
    return {**picked, list(picked)[-1]: None}


@pytest.fixture(scope="module")
def neutral() -> str:
    return plots.read_style()["neutral_colors"]["target"]


def _bar_colours(ax: Axes) -> list[str]:
    """The colours of the own-voice bars, in row order."""
    return [to_hex(p.get_facecolor()) for p in ax.patches[:len(plotted_data(ax.figure))]]


def test_outlet_groups_join_the_ratings_an_outlet_was_given(allsides):
    groups = outlet_groups(allsides)
    assert set(groups) == set(allsides["outlet"])
    assert groups["www.cnn.com"] == "left" and groups["www.breitbart.com"] == "right"
    assert groups["www.foxnews.com"] == "center; right"
    unrated = allsides.assign(outlet_group=allsides["outlet_group"].where(
        allsides["outlet"] != "www.cnn.com"))
    assert outlet_groups(unrated)["www.cnn.com"] is None


def test_many_outlets_take_the_colour_of_their_group_in_sorted_group_order(allsides):
    groups = outlet_groups(allsides)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        palette = outlet_palette(allsides["outlet"], groups=groups)
    kinds = sorted(set(groups.values()))
    assert len(palette) == allsides["outlet"].nunique() > 10
    assert palette.groups == dict(zip(kinds, sns.color_palette("colorblind").as_hex(),
                                      strict=False))
    assert len(set(palette.groups.values())) == len(kinds) == 6
    assert {outlet: palette.groups[group] for outlet, group in groups.items()} == palette
    assert palette["www.cnn.com"] == palette["www.nytimes.com"] != palette["www.breitbart.com"]


def test_outlets_that_fit_the_palette_keep_their_own_colours_whatever_their_groups(grouped):
    ten = sorted(grouped)[:10]
    palette = outlet_palette(ten, groups=grouped)
    assert len(set(palette.values())) == 10
    assert palette == outlet_palette(ten) and palette.groups == {}


def test_an_outlet_without_a_group_is_drawn_in_the_neutral_colour(grouped, neutral):
    palette = outlet_palette(grouped, groups=pd.Series(grouped))
    assert list(palette.groups) == RATINGS
    assert neutral not in palette.groups.values()
    assert {palette[o] for o, g in grouped.items() if g is None} == {neutral}
    assert all(palette[o] == palette.groups[g] for o, g in grouped.items() if g is not None)


def test_groups_that_outnumber_the_colours_fall_back_to_one_colour_and_say_so(grouped, neutral):
    with pytest.warns(UserWarning, match=r"15 outlets in 15 outlet groups .*outlet_group"):
        palette = outlet_palette(grouped, groups={o: o for o in grouped})
    assert set(palette.values()) == {neutral} and palette.groups == {}
    with pytest.warns(UserWarning, match=r"15 outlets but .*outlet_group"):
        assert set(outlet_palette(grouped, groups=dict.fromkeys(grouped)).values()) == {neutral}


def test_a_series_repeating_outlets_is_refused(allsides):
    with pytest.raises(ValueError, match=r"repeats outlets.*outlet_groups"):
        outlet_palette(allsides["outlet"], groups=allsides.set_index("outlet")["outlet_group"])


def test_term_rates_in_group_colours_name_the_groups(grouped, neutral):
    palette = outlet_palette(grouped, groups=grouped)
    fig = plot_term_rates(_outlet_rates(list(grouped), ["democracy"]), palette=palette)
    assert _legend_texts(fig)[-4:] == [*RATINGS, NO_GROUP]
    edges = {to_hex(c) for col in _points(fig.axes[0]) for c in col.get_edgecolors()}
    assert edges == {*palette.groups.values(), neutral}


def test_a_figure_names_only_the_groups_it_draws(grouped):
    palette = outlet_palette(grouped, groups=grouped)
    left = [o for o, g in grouped.items() if g == "left"]
    fig = plot_term_rates(_outlet_rates(left, ["democracy"]), palette=palette)
    assert [t for t in _legend_texts(fig) if t in (*RATINGS, NO_GROUP)] == ["left"]


def test_voice_share_in_group_colours_names_the_groups(grouped):
    palette = outlet_palette(grouped, groups=grouped)
    summary = pd.DataFrame({"outlet": list(grouped), "n_articles": 2, "narrator_share": 0.75,
                            "quote_share": 0.25})
    ax = plot_voice_share(summary, palette=palette)
    assert _legend_texts(ax) == ["narrator voice", "quoted", *RATINGS, NO_GROUP]
    assert _bar_colours(ax) == [palette[o] for o in plotted_data(ax.figure)["outlet"]]
    assert _ticks(ax)[0] == f"{min(o.removeprefix('www.') for o in grouped)} (n=2)"


def test_rows_of_groups_take_the_group_colours_of_the_batch_palette(grouped):
    palette = outlet_palette(grouped, groups=grouped)
    summary = pd.DataFrame({"outlet_group": RATINGS, "n_articles": 5, "narrator_share": 0.75,
                            "quote_share": 0.25})
    ax = plot_voice_share(summary, by="outlet_group", palette=palette)
    drawn = plotted_data(ax.figure)
    assert _bar_colours(ax) == [palette.groups[g] for g in drawn[drawn.columns[0]]]
    assert _legend_texts(ax) == ["narrator voice", "quoted"]
    with pytest.raises(ValueError, match="no colour for outlet"):
        plot_voice_share(summary.assign(outlet_group=["center", "left", "unknown"]),
                         by="outlet_group", palette=palette)


def test_sentiment_in_group_colours_names_the_groups(grouped):
    palette = outlet_palette(grouped, groups=grouped)
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(grouped))],
                             "outlet": list(grouped), "duplicate_of": None})
    sentiment = pd.DataFrame([
        {"doc_id": doc_id, "sent_id": k, "lexicon": lexicon, "compound": (k - 2) / 4}
        for doc_id in articles["doc_id"] for k in range(5) for lexicon in ("vader", "vader+domain")
    ])
    ax = plot_sentiment(sentiment, articles=articles, palette=palette)
    assert _legend_texts(ax) == ["VADER", "VADER + domain lexicon", *RATINGS, NO_GROUP]


def test_actor_sentiment_in_group_colours_names_the_groups(grouped):
    palette = outlet_palette(grouped, groups=grouped)
    table = pd.DataFrame([
        {"outlet": outlet, "actor": "maduro", "lexicon": lexicon, "n_articles": 3,
         "mean_compound": -0.2, "ci_low": -0.4, "ci_high": 0.0}
        for outlet in grouped for lexicon in ("vader", "vader+domain")
    ])
    fig = plot_actor_sentiment(table, palette=palette)
    assert _legend_texts(fig) == ["VADER", "VADER + domain lexicon", *RATINGS, NO_GROUP]


def test_similarity_in_group_colours_keeps_the_strip_and_names_the_groups(grouped):
    palette = outlet_palette(grouped, groups=grouped)
    outlets = sorted(grouped)
    table = pd.DataFrame([(a, b, 0.3 + 0.01 * ((i * 7 + j) % 40))
                          for i, a in enumerate(outlets) for j, b in enumerate(outlets) if i < j],
                         columns=["outlet_a", "outlet_b", "cosine"])
    fig = plot_similarity(table, n_articles=dict.fromkeys(outlets, 2), palette=palette)
    order = list(plotted_data(fig)["outlet_a"].drop_duplicates())
    strip = [to_hex(p.get_facecolor()) for ax in fig.axes for p in ax.patches]
    assert strip == [palette[o] for o in order]
    assert len(set(strip)) == 4
    assert _legend_texts(fig) == [*RATINGS, NO_GROUP]


def test_figure_style_applies_inside_the_block_only():
    before = dict(matplotlib.rcParams)
    with figure_style() as style:
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        assert matplotlib.rcParams["font.sans-serif"] == style["font_family"]
        assert not matplotlib.rcParams["axes.spines.top"]
    assert dict(matplotlib.rcParams) == before


def test_importing_the_module_changes_no_rcparams():
    code = (
        "import matplotlib; before = dict(matplotlib.rcParams); "
        "import sourcebias.figures.style, sourcebias.figures.terms, sourcebias.figures.export; "
        "changed = [k for k, v in matplotlib.rcParams.items() if before[k] != v]; "
        "print(changed); assert not changed"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_style_file_without_a_key_is_named(tmp_path):
    path = tmp_path / "style.yaml"
    path.write_text("palette: colorblind\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"style\.yaml: figure style lacks key\(s\) heatmap_cmap"):
        plots.read_style(path)


# --------------------------------------------------------------------------- display names


def test_display_names_come_from_the_lexicons_and_the_style():
    names = display_names()
    assert names["us_government"] == "US government"
    assert names["armed_forces"] == "Venezuelan armed forces"
    assert names["self_proclaimed"] == "self-proclaimed"
    assert names["coup_detat"] == "coup d'état"
    assert names["operation_freedom"] == "Operation Freedom"
    assert names["foreign_backed"] == "foreign-backed"
    assert names["pseudo_leaders"] == "pseudo leaders"
    assert names["loyalty_betrayal"] == "loyalty and betrayal"
    assert names["vader+domain"] == "VADER + domain lexicon"
    every_id = [e.id for e in read_terms().entries] + [e.id for e in read_actors().entries]
    assert not [name for i, name in names.items() if i in every_id and "_" in name]


def test_every_term_category_names_itself_in_the_lexicon_not_the_style():
    named = dict(read_terms().category_names)
    assert [c for c in CATEGORIES if c not in named] == []
    assert not set(CATEGORIES) & set(plots.read_style()["labels"])


def test_an_actor_name_wins_over_a_group_name_of_the_same_id(tmp_path):
    actors = tmp_path / "actors.yaml"
    text = (DEFAULT_PACK / "actors.yaml").read_text(encoding="utf-8")
    actors.write_text(text.replace(
        "  opposition: Guaidó, his allies and the opposition",
        "  opposition: {name: opposition camp, description: Guaidó and his allies}"),
        encoding="utf-8")
    lexicon = read_actors(actors)
    assert dict(lexicon.category_names) == {"opposition": "opposition camp"}
    actor = next(entry for entry in lexicon.entries if entry.id == "opposition")
    assert display_names(actors=lexicon)["opposition"] == actor.name


def test_a_category_name_in_the_terms_lexicon_reaches_the_figures(tmp_path):
    terms = tmp_path / "terms.yaml"
    text = (DEFAULT_PACK / "terms.yaml").read_text(encoding="utf-8")
    terms.write_text(text.replace("name: foreign hand", "name: foreign interference"),
                     encoding="utf-8")
    assert display_names(terms=read_terms(terms))["foreign_hand"] == "foreign interference"


def test_display_names_read_the_lexicons_they_are_given(tmp_path):
    actors = tmp_path / "actors.yaml"
    text = (DEFAULT_PACK / "actors.yaml").read_text(encoding="utf-8")
    actors.write_text(text.replace("name: US government", "name: United States government"),
                      encoding="utf-8")
    assert display_names(actors=read_actors(actors))["us_government"] == (
        "United States government")


def test_figures_show_names_not_ids(rates):
    ids = rates.assign(term=rates["term"].map({"coup": "coup_detat", "traitors": "traitor",
                                               "legitimate": "legitimate",
                                               "self-proclaimed": "self_proclaimed"}))
    fig = plot_term_heatmap(ids, names={**NAMES, "Sputnik": "Sputnik News"})
    ticks = _ticks(fig.axes[0], "x")
    assert "self-proclaimed" in ticks and "coup d'état" in ticks
    assert "Sputnik News (n=5)" in _ticks(fig.axes[0])
    assert set(plotted_data(fig)["term"]) == set(ids["term"])


def test_outlet_domains_lose_their_www_but_keep_their_order_by_shown_name():
    rates = _many_outlet_rates(3, ["democracy"]).replace(
        {"www.outlet00.com": "www1.zeta.com", "www.outlet01.com": "www.alpha.co.uk",
         "www.outlet02.com": "www.mu.org"})
    fig = plot_term_rates(rates)
    assert _ticks(fig.axes[0]) == ["alpha.co.uk (n=2)", "mu.org (n=3)", "zeta.com (n=1)"]
    assert fig.axes[0].get_title() == "democracy"


# --------------------------------------------------------------------------- term figures


def test_term_heatmap_facets_voices_and_writes_rates_and_n(rates):
    with figure_style():
        fig = plot_term_heatmap(rates)
    assert isinstance(fig, Figure)
    narrator, quote = fig.axes[:2]
    assert [narrator.get_title(), quote.get_title()] == ["narrator voice", "quoted voice"]
    assert _ticks(narrator)[-1] == "Sputnik (n=5)"
    assert narrator.get_ylabel() == "Outlet (n = articles)"
    assert narrator.get_xlabel() == "Term"
    cells = [t.get_text() for t in narrator.texts]
    assert len(cells) == len(TERMS) * len(OUTLETS)
    assert "6.0\n3 hits\n3.0–12" in cells and "2.0\n1 hit\n1.0–4.0" in cells
    assert len(fig.axes) == 3, "one colour bar for both panels"
    assert " ".join(fig.axes[2].get_ylabel().split()) == "Rate per 1,000 words of that voice"
    hatched = [p for p in narrator.patches if p.get_hatch()]
    hits = rates[rates["voice"] == "narrator"]["n_hits"]
    assert len(hatched) == ((hits > 0) & (hits < 5)).sum()
    caption = " ".join(fig.get_supxlabel().split())
    assert "Cell text: rate per 1,000 words of that voice; hits; interval." in caption
    assert "Intervals: exact Poisson 95%." in caption
    assert "Hatched: 1–4 hits" in caption and "One colour scale for all panels." in caption
    drawn = plotted_data(fig)
    assert set(drawn["voice"]) == {"narrator", "quote"}
    assert len(drawn) == 2 * len(TERMS) * len(OUTLETS)


def test_term_heatmap_shares_one_colour_scale_unless_asked_and_says_which(rates):
    louder = rates.assign(rate_per_1000=rates["rate_per_1000"].where(
        rates["voice"] != "quote", rates["rate_per_1000"] * 10))
    fig = plot_term_heatmap(louder)
    narrator, quote = (ax.collections[0] for ax in fig.axes[:2])
    assert quote.norm.vmax == narrator.norm.vmax == louder["rate_per_1000"].max()
    fig = plot_term_heatmap(louder, shared_scale=False)
    narrator, quote = (ax.collections[0] for ax in fig.axes[:2])
    assert quote.norm.vmax == pytest.approx(10 * narrator.norm.vmax)
    assert len(fig.axes) == 4
    assert "Each panel has its own colour scale." in " ".join(fig.get_supxlabel().split())


def test_term_heatmap_runs_the_longer_list_down_the_page(rates):
    few_outlets = plot_term_heatmap(rates[rates["outlet"].isin(OUTLETS[:2])])
    assert sorted(_ticks(few_outlets.axes[0])) == sorted(TERMS)
    assert few_outlets.axes[0].get_ylabel() == "Term"
    many = plot_term_heatmap(_many_outlet_rates(16, CATEGORIES), voice_facets=("narrator",),
                             names=NAMES)
    assert len(_ticks(many.axes[0])) == 16
    assert many.axes[0].get_xlabel() == "Category"
    assert "loyalty and betrayal" in _ticks(many.axes[0], "x")
    assert many.get_figheight() < 9


def test_term_heatmap_turns_crowded_labels_upright_so_they_stay_under_their_panel():
    narrator = _many_outlet_rates(16, CATEGORIES)
    with figure_style():
        fig = plot_term_heatmap(pd.concat([narrator, narrator.assign(voice="quote")]))
    assert {label.get_rotation() for label in fig.axes[1].get_xticklabels()} == {90.0}
    fig.canvas.draw()
    left_edge = fig.axes[1].get_window_extent().x0
    assert fig.axes[0].get_window_extent().x1 <= left_edge
    assert all(label.get_window_extent().x0 >= left_edge
               for label in fig.axes[1].get_xticklabels())


def test_term_heatmap_leaves_out_numbers_that_would_not_fit(rates):
    many = plot_term_heatmap(_many_outlet_rates(40, [f"t{i}" for i in range(30)]),
                             voice_facets=("narrator",))
    assert len(many.axes[0].texts) == 0
    assert len(plotted_data(many)) == 40 * 30


def test_term_heatmap_keeps_the_top_terms(rates):
    fig = plot_term_heatmap(rates, top=2, voice_facets=("all",))
    assert len(fig.axes) == 2
    assert len(_ticks(fig.axes[0], "x")) == 2
    assert set(plotted_data(fig)["term"]) == set(_ticks(fig.axes[0], "x"))


def test_term_heatmap_names_an_absent_voice(rates):
    with pytest.raises(ValueError, match=r"no rows with voice 'scare'.*present: all, narrator"):
        plot_term_heatmap(rates, voice_facets=("narrator", "scare"))


def test_term_heatmap_refuses_duplicate_cells(rates):
    with pytest.raises(ValueError, match="several rows for term='coup'"):
        plot_term_heatmap(pd.concat([rates, rates.head(1)]))


def test_term_rates_draw_one_panel_per_term_sharing_the_outlet_rows(rates):
    fig = plot_term_rates(rates, voice="quote")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert sorted(ax.get_title() for ax in panels) == sorted(TERMS)
    assert _ticks(panels[0]) == _ticks_of(OUTLETS, range(1, 6))
    assert all(ax.get_shared_y_axes().joined(ax, panels[0]) for ax in panels)
    assert all(ax.get_ylim() == panels[0].get_ylim() for ax in panels)
    assert fig.get_supylabel() == "Outlet (n = articles)"


def test_term_rate_panels_of_different_scales_say_so(rates):
    coup = rates["term"] == "coup"
    rates = rates.assign(**{column: rates[column].where(~coup, rates[column] * 10)
                            for column in ("rate_per_1000", "ci_low", "ci_high")})
    fig = plot_term_rates(rates, voice="quote")
    panels = [ax for ax in fig.axes if ax.get_title()]
    ranges = {ax.get_xlim() for ax in panels}
    label = " ".join(fig.get_supxlabel().split())
    assert len(ranges) > 1 and "x scales differ by panel" in label
    one = plot_term_rates(rates, voice="quote", terms=["coup"])
    assert "differ" not in one.get_supxlabel()


def test_term_rates_draw_hollow_points_and_no_bar_without_interval(rates):
    fig = plot_term_rates(rates, voice="quote", terms=["coup"])
    ax = fig.axes[0]
    drawn = plotted_data(fig)
    no_interval = drawn["ci_low"].isna()
    assert no_interval.sum() == 1
    assert list(drawn.loc[~drawn["has_interval"], "outlet"]) == ["Sputnik"]
    bars = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert len(bars.get_segments()) == (~no_interval).sum()
    assert all(seg[1][0] > seg[0][0] for seg in bars.get_segments())
    faces = np.vstack([c.get_facecolors() for c in _points(ax)])
    assert (faces == WHITE).all(axis=1).sum() == 1
    assert any("no hits, so no interval" in t for t in _legend_texts(fig))
    assert "bars: exact Poisson 95%" in fig.get_supxlabel()
    assert "quoted voice" in fig.get_supxlabel()


def test_term_rates_treat_a_zero_width_interval_as_none(rates):
    rates = rates.copy()
    rates.loc[0, ["ci_low", "ci_high"]] = rates.loc[0, "rate_per_1000"]
    fig = plot_term_rates(rates, terms=[rates.loc[0, "term"]], voice=rates.loc[0, "voice"])
    assert not plotted_data(fig)["has_interval"].iloc[0]
    assert _legend_texts(fig) == ["no hits, so no interval; zero-width interval"]


def test_term_rates_keep_the_given_term_order(rates):
    fig = plot_term_rates(rates, terms=["traitors", "coup"])
    assert [ax.get_title() for ax in fig.axes] == ["traitors", "coup"]
    assert list(plotted_data(fig)["term"].unique()) == ["traitors", "coup"]


def test_term_rates_dash_a_missing_rate_and_an_absent_outlet_and_say_why(rates):
    quiet = rates[rates["voice"] == "quote"].assign(ci_low=np.nan, ci_high=np.nan,
                                                     note="1 article: no interval")
    quiet.loc[quiet.index[0], ["rate_per_1000", "note"]] = [np.nan, "no words in this voice"]
    term = quiet["term"].iloc[0]
    shown = quiet[(quiet["term"] == term) & (quiet["outlet"] != "Sputnik")]
    shown = pd.concat([shown, quiet[(quiet["term"] == "traitors")]])
    fig = plot_term_rates(shown, voice="quote", terms=[term, "traitors"])
    dashes = [t for t in fig.axes[0].texts if t.get_text() == "–"]
    assert len(dashes) == 2
    assert not [t for t in fig.axes[1].texts if t.get_text() == "–"]
    legend = _legend_texts(fig)
    assert legend[0] == "1 article: no interval"
    assert legend[1] == "no quote rate in the table; no words in this voice"
    assert "bars" not in fig.get_supxlabel()


def test_term_rates_by_outlet_group_name_the_group_column(rates):
    grouped = rates.rename(columns={"outlet": "outlet_group"})
    fig = plot_term_rates(grouped, by="outlet_group", terms=["coup"])
    drawn = plotted_data(fig)
    assert "outlet_group" in drawn.columns and "outlet" not in drawn.columns
    assert fig.get_supylabel() == "Outlet group (n = articles)"


def test_term_rates_of_many_outlets_and_categories_fit_a_page():
    with figure_style(), pytest.warns(UserWarning, match="16 outlets"):
        fig = plot_term_rates(_many_outlet_rates(16, CATEGORIES))
    assert fig.get_figwidth() == pytest.approx(7.2)
    assert fig.get_figheight() < 9
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    assert 1 < len(rows) <= 3
    fig.canvas.draw()
    titles = [ax.title.get_window_extent() for ax in fig.axes]
    assert not any(a.overlaps(b) for i, a in enumerate(titles) for b in titles[i + 1:])


def test_term_rates_fit_a_single_column_in_more_rows(rates):
    fig = plot_term_rates(rates, width="single")
    assert fig.get_figwidth() == pytest.approx(3.5)
    columns = {round(ax.get_position().x0, 3) for ax in fig.axes}
    assert len(columns) < len(TERMS)


def test_a_missing_column_is_named(rates):
    with pytest.raises(ValueError, match=r"plot_term_rates: the rates table lacks column.*ci_low"):
        plot_term_rates(rates.drop(columns="ci_low"))


# --------------------------------------------------------------------------- voice, sentiment


def test_voice_share_writes_each_share_in_a_colour_that_reads_on_its_bar():
    summary = pd.DataFrame({"outlet": ["Light", "Dark"], "n_articles": [2, 3],
                            "narrator_share": [0.7, 0.6], "quote_share": [0.3, 0.4]})
    ax = plot_voice_share(summary, palette={"Light": "#ece133", "Dark": "#0173b2"})
    assert _ticks(ax) == ["Dark (n=3)", "Light (n=2)"]
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours == {"60%": "white", "70%": "black"}


def test_label_matrix_pools_outlets_per_actor(labels):
    ax = plot_label_matrix(labels)
    assert isinstance(ax, Axes)
    assert [t.replace("\n", " ") for t in _ticks(ax, "x")] == ["Guaidó (n=24)", "Maduro (n=19)"]
    drawn = plotted_data(ax.figure)
    leader = drawn[(drawn["label"] == "opposition leader") & (drawn["actor"] == "Guaidó")]
    assert leader["count"].item() == 3
    assert leader["share"].item() == pytest.approx(3 / 24)
    assert "26%\n(5)" in [t.get_text() for t in ax.texts]
    assert ax.get_xlabel().split("\n")[0] == "Actor (n = mentions)"
    assert ax.get_ylabel() == "Label"
    assert isinstance(ax.figure.axes[-1].yaxis.get_major_formatter(), PercentFormatter)


def test_label_matrix_divides_by_labelled_mentions_when_known(labels):
    labelled = labels.groupby(["outlet", "actor"])["count"].transform("sum")
    ax = plot_label_matrix(labels.assign(n_labelled=labelled), actor="Guaidó")
    drawn = plotted_data(ax.figure).set_index(["label", "outlet"])["share"]
    assert drawn[("self-proclaimed", "Sputnik")] == 0.75
    assert drawn[("opposition leader", "Iran Press")] == 1.0
    assert " ".join(ax.get_xlabel().split()) == (
        "Outlet (n = labelled mentions of Guaidó) "
        "Cell: share of the outlet's labelled mentions (count).")
    assert [t.replace("\n", " ") for t in _ticks(ax, "x")] == [
        "Aggregator A (n=1)", "Iran Press (n=2)", "Sputnik (n=4)"]


def test_label_matrix_keeps_every_outlet_as_a_column(labels):
    ax = plot_label_matrix(labels, actor="Maduro", outlets=OUTLETS)
    assert [t.replace("\n", " ") for t in _ticks(ax, "x")] == [
        "Aggregator A (n=9)", "Aggregator B (n=0)", "Iran Press (n=10)",
        "Pro-government blog (n=0)", "Sputnik (n=0)"]
    cells = np.ma.masked_invalid(ax.collections[0].get_array()).reshape(2, 5)
    assert np.ma.getmaskarray(cells)[:, [1, 3, 4]].all()
    assert not np.ma.getmaskarray(cells)[:, [0, 2]].any()
    assert "Blank column: no mention of the actor." in " ".join(ax.get_xlabel().split())
    assert sorted(set(plotted_data(ax.figure)["outlet"])) == OUTLETS


def test_label_matrix_refuses_too_few_mentions_with_a_sentence(labels):
    one = labels[(labels["actor"] == "Guaidó") & (labels["outlet"] == "Aggregator A")]
    with pytest.raises(TooFewMentions, match=r"^Juan Guaidó: 4 mentions in the batch, fewer "
                       r"than 5, so no label matrix is drawn\.$"):
        plot_label_matrix(one.replace({"Guaidó": "guaido"}), actor="guaido", names=NAMES)
    assert plot_label_matrix(one, actor="Guaidó", min_n=4)


def test_label_matrix_for_one_actor_spreads_outlets_and_keeps_the_top_labels(labels):
    actors = labels.replace({"Guaidó": "guaido"})
    ax = plot_label_matrix(actors, actor="guaido", top=2, value="count", names=NAMES)
    assert [t.replace("\n", " ") for t in _ticks(ax, "x")] == [
        "Aggregator A (n=4)", "Iran Press (n=8)", "Sputnik (n=12)"]
    assert _ticks(ax) == ["opposition leader", "self-proclaimed"]
    assert ax.get_title() == "Juan Guaidó"
    assert "mentions of Juan Guaidó" in " ".join(ax.get_xlabel().split())


def test_label_matrix_turns_column_labels_that_do_not_fit(labels):
    crowded = pd.concat([labels.assign(outlet=f"www.a-rather-long-outlet-name-{i}.com")
                         for i in range(12)])
    ax = plot_label_matrix(crowded, actor="Guaidó")
    angles = {label.get_rotation() for label in ax.get_xticklabels()}
    assert len(angles) == 1 and angles != {0.0}
    assert all("\n" not in t and not t.startswith("www.") for t in _ticks(ax, "x"))


@pytest.fixture
def tones() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three outlets of eight articles, three sentences each; one article of
    outlet B lies far beyond the others."""
    articles, rows = [], []
    for outlet, centre in (("A", -0.2), ("B", 0.0), ("C", 0.3)):
        for k in range(8):
            doc = f"{outlet}{k}"
            articles.append({"doc_id": doc, "outlet": outlet, "duplicate_of": None})
            base = 0.95 if (outlet, k) == ("B", 7) else centre + 0.02 * (k - 3.5)
            for sent in range(3):
                for lexicon, shift in (("vader", 0.0), ("vader+domain", -0.05)):
                    rows.append({"doc_id": doc, "sent_id": sent, "lexicon": lexicon,
                                 "compound": base + shift + 0.01 * sent})
    return pd.DataFrame(rows), pd.DataFrame(articles)


def test_sentiment_draws_the_tables_mean_and_interval_over_articles(tones):
    sentiment, articles = tones
    palette = outlet_palette(articles["outlet"])
    with figure_style():
        ax = plot_sentiment(sentiment, articles=articles, palette=palette)
    stats = plotted_data(ax.figure).set_index(["outlet", "lexicon"])
    table = pd.concat([outlet_sentiment(sentiment, articles=articles, lexicon=lexicon)
                       for lexicon in ("vader", "vader+domain")]).set_index(
        ["outlet", "lexicon"])
    for column in ("mean_compound", "ci_low", "ci_high", "n_articles", "n_sentences"):
        np.testing.assert_allclose(stats[column], table.loc[stats.index, column])
    diamonds = [c for c in _points(ax) if c.get_paths() and len(c.get_offsets()) == 3]
    assert len(diamonds) == 2, "one set of means per lexicon"
    np.testing.assert_allclose(
        sorted(np.concatenate([d.get_offsets()[:, 0] for d in diamonds])),
        sorted(table["mean_compound"]))
    faces = [to_hex(d.get_facecolor()[0]) for d in diamonds]
    assert faces == ["#ffffff", "#000000"], "hollow plain, filled domain, as the boxes"
    assert (stats["box_of"] == "article").all()
    intervals = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert len(intervals.get_segments()) == 6
    assert stats.loc[("B", "vader"), "n_beyond_whiskers"] == 1
    fliers = [line for line in ax.lines if line.get_marker() == "o" and len(line.get_xdata())]
    assert len(fliers) == 2 and all(line.get_xdata()[0] > 0.9 for line in fliers)
    assert "A (n=8; 24)" in _ticks(ax)
    label = " ".join(ax.get_xlabel().split())
    assert "quartiles of the outlet's article scores" in label
    assert "○ the 2 articles beyond the whiskers" in label
    assert "hollow for VADER, filled for VADER + domain lexicon; black bar: 95% percentile " \
        "bootstrap" in label
    assert "n = articles; sentences." in label
    boxes = [p for p in ax.patches if p.get_facecolor() != (0, 0, 0, 0)]
    faces = [to_hex(p.get_facecolor()) for p in boxes]
    assert faces.count("#ffffff") == 3
    assert set(faces) - {"#ffffff"} == set(palette.values())
    assert _legend_texts(ax) == ["VADER", "VADER + domain lexicon"]


def test_sentiment_medians_stay_visible_on_dark_filled_boxes(tones):
    sentiment, articles = tones
    grey = dict.fromkeys(articles["outlet"], "#4d4d4d")
    ax = plot_sentiment(sentiment, articles=articles, palette=grey)
    stats = plotted_data(ax.figure)
    medians = [line for line in ax.lines if len(line.get_xdata()) == 2
               and line.get_xdata()[0] == line.get_xdata()[1]
               and abs(line.get_ydata()[1] - line.get_ydata()[0]) < 0.5
               and line.get_xdata()[0] in set(stats["median"])]
    colours = {to_hex(line.get_color()) for line in medians}
    assert colours == {"#4d4d4d", "#ffffff"}


def test_sentiment_on_the_seed_articles_says_there_is_no_interval(sentiment, articles):
    ax = plot_sentiment(sentiment, articles=articles)
    stats = plotted_data(ax.figure)
    assert len(stats) == 2 * articles["outlet"].nunique()
    assert stats["ci_low"].isna().all() and (stats["n_articles"] == 1).all()
    assert "Sputnik (n=1; 18)" in _ticks(ax) or any(t.startswith("Sputnik (n=1; ")
                                                     for t in _ticks(ax))
    label = " ".join(ax.get_xlabel().split())
    assert "no interval (one article per outlet)" in label and "black bar" not in label
    # one article per outlet: the boxes summarise its sentences, and are drawn
    assert (stats["box_of"] == "sentence").all()
    assert (stats["q3"] > stats["q1"]).all()
    assert "quartiles of the outlet's sentence scores" in label
    box_widths = [p.get_path().get_extents().width for p in ax.patches]
    assert len(box_widths) == len(stats) and min(box_widths) > 0.1
    intervals = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert all(len(c.get_segments()) == 0 for c in intervals)
    diamonds = [c for c in _points(ax) if len(c.get_offsets()) == articles["outlet"].nunique()]
    assert {to_hex(d.get_facecolor()[0]) for d in diamonds} == {"#ffffff", "#000000"}


def test_sentiment_refuses_unknown_articles(sentiment, articles):
    with pytest.raises(ValueError, match=r"doc_id that is not in articles"):
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
    ax = plot_sentiment(sentiment, articles=groups.assign(duplicate_of=None), by="outlet_group")
    stats = plotted_data(ax.figure)
    assert sorted(stats["outlet_group"].unique()) == [
        "aggregator", "pro-government blog", "state media"]
    assert any(t.startswith("state media (n=2; ") for t in _ticks(ax))
    assert ax.get_ylabel() == "Outlet group"


def test_actor_sentiment_marks_lexicons_and_missing_intervals(actor_sentiment):
    fig = plot_actor_sentiment(actor_sentiment, interval="95% bootstrap CI")
    drawn = plotted_data(fig)
    assert (~drawn["has_interval"]).sum() == 2
    assert [ax.get_title() for ax in fig.axes] == ["Guaidó", "Maduro"]
    markers = _points(fig.axes[1])
    assert len(markers) == 2
    assert sum((c.get_facecolors() == WHITE).all(axis=1).sum() for c in markers) == 2
    legend = _legend_texts(fig)
    assert legend[:2] == ["VADER", "VADER + domain lexicon"]
    assert "fewer than 3 sentences" in legend[2]
    assert "bars: 95% bootstrap CI" in fig.get_supxlabel()
    first, second = (y for y in drawn.loc[drawn["outlet"] == "Iran Press", "y"].head(2))
    assert abs(first - second) >= 0.25


def test_actor_sentiment_shows_n_per_panel_and_dashes_outlets_that_never_name_the_actor(
        actor_sentiment):
    table = actor_sentiment.replace({"Guaidó": "guaido", "Maduro": "us_government"})
    table = table[~((table["outlet"] == "Iran Press") & (table["actor"] == "guaido"))]
    fig = plot_actor_sentiment(table, actors=["guaido", "us_government"], names=NAMES)
    guaido, us = fig.axes
    assert [guaido.get_title(), us.get_title()] == ["Juan Guaidó", "US government"]
    assert [t.get_text() for t in guaido.texts] == ["–", "1; 9", "2; 9", "n"]
    assert [t.get_text() for t in us.texts] == ["1; 9", "2; 2", "3; 9", "n"]
    assert "n = articles; sentences" in " ".join(fig.get_supxlabel().split())
    no_sentences = plot_actor_sentiment(table.drop(columns="n_sentences"), names=NAMES)
    assert [t.get_text() for t in no_sentences.axes[1].texts] == ["1", "2", "3", "n"]
    assert _legend_texts(fig)[-1] == "no sentence names the actor"
    assert guaido.get_xlim() == us.get_xlim()


# --------------------------------------------------------------------------- compare figures


def test_keyness_draws_only_significant_terms_and_names_the_measure_in_the_caption(keyness):
    ax = plot_keyness(keyness, target="Sputnik", reference="Aggregator A", n_articles=(4, 7),
                      top=4)
    drawn = plotted_data(ax.figure)
    significant = keyness[keyness["p_adjusted"] < 0.05]
    assert 0 < len(significant) < len(keyness)
    assert list(drawn["term"]) == list(
        significant.assign(s=np.sign(significant["log_ratio"]) * significant["statistic"])
        .sort_values("s", ascending=False)["term"])
    assert (drawn["p_adjusted"] < 0.05).all()
    assert not any(p.get_facecolor() == WHITE for p in ax.patches)
    label = " ".join(ax.get_xlabel().split())
    assert label.startswith("log-likelihood G2, signed: > 0 more in Sputnik, < 0 more in "
                            "Aggregator A")
    assert "Drawn: Benjamini–Hochberg adjusted p < 0.05, at most 4 a side." in label
    assert "Correction: Williams (1976)." in label
    assert _legend_texts(ax) == ["Sputnik (n=4)", "Aggregator A (n=7)"]


def test_keyness_says_when_nothing_is_significant(keyness):
    ax = plot_keyness(keyness.assign(p_adjusted=0.5), target="Sputnik", n_articles=(1, 4))
    assert not ax.patches
    assert [t.get_text() for t in ax.texts] == [
        "nothing significant at q < 0.05\n(Benjamini–Hochberg)"]
    assert plotted_data(ax.figure).empty


def test_keyness_without_p_values_draws_the_top_terms_and_says_untested(keyness):
    pmi = keyness.assign(p=np.nan, p_adjusted=np.nan, measure="PMI ln(a/E) (quanteda)",
                         correction="none")
    ax = plot_keyness(pmi, target="www.sputniknews.com", n_articles=(1, 4), top=3)
    assert len(ax.patches) == 6
    label = " ".join(ax.get_xlabel().split())
    assert "untested" in label and "Correction" not in label
    assert _legend_texts(ax)[0] == "sputniknews.com (n=1)"


def test_keyness_refuses_mixed_measures(keyness):
    mixed = keyness.assign(measure=["chi2"] * 6 + ["G2"] * 6)
    with pytest.raises(ValueError, match="expected one measure, found chi2, G2"):
        plot_keyness(mixed, n_articles=(1, 1))


def _heat(fig: Figure) -> Axes:
    return next(ax for ax in fig.axes if hasattr(ax, DATA_ATTR))


def test_similarity_clusters_the_closest_outlets_together(similarity):
    palette = outlet_palette(OUTLETS)
    fig = plot_similarity(similarity, n_articles={o: 2 for o in OUTLETS[:2] + OUTLETS[2::2]},
                          palette=palette)
    assert isinstance(fig, Figure)
    drawn = plotted_data(fig)
    order = list(drawn["outlet_a"].drop_duplicates())
    assert abs(order.index("Iran Press") - order.index("Sputnik")) == 1
    assert abs(order.index("Aggregator A") - order.index("Aggregator B")) == 1
    matrix = drawn.pivot(index="outlet_a", columns="outlet_b", values="cosine")
    assert np.allclose(matrix, matrix.T) and np.allclose(np.diag(matrix), 1.0)
    heat = _heat(fig)
    assert all("(n=2)" in t for t in _ticks(heat))
    assert [t.replace(" (n=2)", "") for t in _ticks(heat)] == order
    assert any("linkage on 1 − cosine" in ax.get_title(loc="left") for ax in fig.axes)
    strip = [p.get_facecolor() for ax in fig.axes for p in ax.patches]
    assert [to_hex(c) for c in strip] == [palette[o] for o in order]


def test_similarity_anchors_colour_at_0_and_1_and_leaves_the_diagonal_blank(similarity):
    fig = plot_similarity(similarity, n_articles=dict.fromkeys(OUTLETS, 1))
    mesh = _heat(fig).collections[0]
    assert (mesh.norm.vmin, mesh.norm.vmax) == (0.0, 1.0)
    bar = next(ax for ax in fig.axes if "full scale 0 to 1" in ax.get_xlabel())
    assert "diagonal left blank" in bar.get_xlabel()
    tree = next(ax for ax in fig.axes if "linkage" in ax.get_title(loc="left"))
    assert tree.axison and "1 − cosine" in tree.get_ylabel()
    assert len(tree.get_yticks()) >= 2 and tree.get_ylim()[0] == 0
    cells = np.ma.masked_invalid(mesh.get_array()).reshape(4, 4)
    assert np.ma.getmaskarray(cells).diagonal().all()
    assert "1.00" not in [t.get_text() for t in _heat(fig).texts]


def test_similarity_of_many_outlets_drops_the_colour_strip_and_widens():
    outlets = [f"www.outlet{i:02d}.com" for i in range(16)]
    pairs = [(a, b, 0.3 + 0.01 * ((i * 7 + j) % 40)) for i, a in enumerate(outlets)
             for j, b in enumerate(outlets) if i < j]
    table = pd.DataFrame(pairs, columns=["outlet_a", "outlet_b", "cosine"])
    with pytest.warns(UserWarning, match="one colour"):
        fig = plot_similarity(table, n_articles=dict.fromkeys(outlets, 3))
    assert not [p for ax in fig.axes for p in ax.patches]
    assert fig.get_figwidth() == pytest.approx(7.2)
    assert _ticks(_heat(fig))[0].startswith("outlet")
    assert len(_heat(fig).texts) in (0, 16 * 15)


def test_similarity_names_a_missing_pair_and_a_missing_n(similarity):
    with pytest.raises(ValueError, match="no cosine for the pair"):
        plot_similarity(similarity.iloc[1:], n_articles={o: 1 for o in OUTLETS})
    with pytest.raises(ValueError, match=r"n_articles lacks outlet.*Sputnik"):
        plot_similarity(similarity, n_articles={o: 1 for o in OUTLETS[:3]})


def test_plotted_data_needs_a_sourcebias_figure():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="pass data="):
        plotted_data(fig)


def test_label_matrix_stands_short_column_labels_upright_over_their_n(labels):
    short = labels.replace({"Aggregator A": "AFP", "Iran Press": "IRNA", "Sputnik": "RIA"})
    with figure_style():
        ax = plot_label_matrix(short, actor="Guaidó")
    assert _ticks(ax, "x") == ["AFP\n(n=4)", "IRNA\n(n=8)", "RIA\n(n=12)"]
    assert {label.get_rotation() for label in ax.get_xticklabels()} == {0.0}


# --------------------------------------------------------------------------- one signature


PLOTS = (plot_voice_share, plot_term_heatmap, plot_term_rates, plot_label_matrix,
         plot_sentiment, plot_actor_sentiment, plot_keyness, plot_similarity)


def test_every_plot_takes_data_first_then_keywords_names_and_ax_or_fig():
    for plot in PLOTS:
        parameters = list(inspect.signature(plot).parameters.values())
        assert parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, plot.__name__
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[1:]), plot
        keywords = {p.name: p for p in parameters[1:]}
        assert "names" in keywords and keywords["names"].default is None, plot.__name__
        returned = inspect.signature(plot).return_annotation
        if "ax" in keywords:
            assert returned in (Axes, "Axes") and "fig" not in keywords, plot.__name__
        else:
            assert returned in (Figure, "Figure") and keywords["fig"].default is None, plot


def test_multi_panel_plots_draw_into_an_empty_figure_they_are_given(rates, similarity):
    given = plt.figure(figsize=(5.0, 1.0))
    assert plot_term_rates(rates, fig=given) is given
    assert given.get_figwidth() == 5.0 and given.get_figheight() > 1.0
    assert len(given.axes) == len(TERMS)
    assert plot_similarity(similarity, n_articles=dict.fromkeys(OUTLETS, 1),
                           fig=plt.figure()).get_figwidth() == plt.rcParams["figure.figsize"][0]
    with pytest.raises(ValueError, match="fig= must be an empty Figure"):
        plot_term_heatmap(rates, fig=given)


def test_plots_never_read_lexicons_and_read_the_default_style_once(
        monkeypatch, rates, labels, keyness, similarity, tones, actor_sentiment):
    def refuse(*args, **kwargs):
        raise AssertionError("a plot function read a lexicon")

    import sourcebias.annotate.lexicon as lexicon
    import sourcebias.figures.names as names
    for module in (lexicon, names):
        monkeypatch.setattr(module, "read_terms", refuse)
        monkeypatch.setattr(module, "read_actors", refuse)
    reads = []
    original = plots.read_style
    monkeypatch.setattr(plots, "read_style", lambda path=None: reads.append(path) or original(path))
    plots._default_style.cache_clear()
    sentiment, articles = tones
    plot_voice_share(pd.DataFrame({"outlet": OUTLETS, "n_articles": 2, "narrator_share": 0.7,
                                   "quote_share": 0.3}))
    plot_term_heatmap(rates)
    plot_term_rates(rates)
    plot_label_matrix(labels, actor="Guaidó")
    plot_sentiment(sentiment, articles=articles)
    plot_actor_sentiment(actor_sentiment)
    plot_keyness(keyness, n_articles=(1, 1))
    plot_similarity(similarity, n_articles=dict.fromkeys(OUTLETS, 1))
    with figure_style():
        plot_term_rates(rates)
    assert reads == [None]
    plots._default_style.cache_clear()
