"""Attribution through the suite: the attributions table, strict own voice, who is quoted."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import sourcebias as sb
from sourcebias.annotate.attributed import split_voice
from sourcebias.annotate.lexicon import read_actors, read_terms
from sourcebias.config import NOTEBOOK_DIR, SEED_BATCH
from sourcebias.run.analysis import analyze, annotate
from sourcebias.run.report import run_notebook
from sourcebias.segment import attribution
from sourcebias.stats.sources import NO_SOURCE, OTHER_SOURCE
from sourcebias.tables import ATTRIBUTED_COLUMNS, COLUMNS, TABLE_NAMES, TONE_COLUMNS, count_words


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> sb.Analysis:
    return analyze(SEED_BATCH, out=tmp_path_factory.mktemp("seed") / "data", jobs=1,
                   cache=False)


def _content(analysis: sb.Analysis) -> pd.Series:
    texts = analysis.articles.set_index("doc_id")["text"]
    found = analysis.attributions
    return pd.Series([texts[d][s:e] for d, s, e in zip(
        found["doc_id"], found["content_start"], found["content_end"], strict=True)],
        index=found.index)


def _articles(texts: list[str], outlets: list[str]) -> pd.DataFrame:
    text = pd.Series(texts)
    return pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(len(texts))], "outlet": outlets,
        "outlet_group": outlets, "title": None, "text": text,
        "n_words": count_words(text), "duplicate_of": None,
    })


def test_the_attributions_table_is_written_and_documented(seed: sb.Analysis):
    out = Path(seed.tables.folder)
    assert "attributions" in TABLE_NAMES
    assert COLUMNS["attributions"] == attribution.COLUMNS
    assert pq.read_schema(out / "attributions.parquet").names == list(COLUMNS["attributions"])
    found = seed.attributions
    assert len(found) > 30
    assert found["content_start"].dtype == "int64" and found["cue_end"].dtype == "int64"
    assert found["kind"].isin(["direct", "indirect", "mixed"]).all()
    # an unresolved source is null, never an empty string
    assert not (found["source_actor"] == "").any() and found["source_actor"].isna().any()
    names = dict(zip(found["source_actor"], found["source_name"], strict=True))
    assert names["maduro"] == "Nicolás Maduro"
    for name in ATTRIBUTED_COLUMNS:
        last = TONE_COLUMNS if name == "mentions" else ()
        columns = list(seed.tables[name].columns)
        assert columns[len(columns) - len(last) - 2:] == ["attributed", "source_actor", *last]
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "attributions.parquet" in readme


def test_padrinos_tweets_are_the_armed_forces_and_maduros_words_are_his(seed: sb.Analysis):
    found = seed.attributions.assign(content=_content(seed))
    tweets = found[found["doc_id"].str.startswith("000")
                   & found["content"].str.contains("Ever loyal, never traitors")]
    assert set(tweets["kind"]) == {"direct"} and set(tweets["source_actor"]) == {"armed_forces"}
    for prefix, words in (("001", "a handful of traitors"), ("003", "capture him immediately")):
        said = found[found["doc_id"].str.startswith(prefix) & found["content"].str.contains(words)]
        assert set(said["source_actor"]) == {"maduro"}, prefix
    hits = seed.hits
    traitors = hits[hits["doc_id"].str.startswith("000") & (hits["surface"] == "traitors")
                    & hits["attributed"]]
    assert set(traitors["source_actor"]) == {"armed_forces"}


def test_voice_spans_are_cut_at_content_and_still_tile_the_text(seed: sb.Analysis):
    voice = seed.voice
    lengths = seed.articles.set_index("doc_id")["text"].str.len()
    for doc_id, spans in voice.groupby("doc_id"):
        assert spans["start"].iloc[0] == 0 and spans["end"].iloc[-1] == lengths[doc_id]
        assert (spans["start"].to_numpy()[1:] == spans["end"].to_numpy()[:-1]).all()
    # every content boundary inside the text is a span boundary
    bounds = set(zip(voice["doc_id"], voice["start"], strict=True))
    found = seed.attributions
    for doc_id, start in zip(found["doc_id"], found["content_start"], strict=True):
        assert (doc_id, start) in bounds
    unsplit = seed.summary
    assert unsplit.equals(sb.outlet_summary(seed.articles, sentences=seed.sentences,
                                            voice=voice))


def test_split_voice_on_a_crafted_case():
    voice = pd.DataFrame({"doc_id": ["a", "a", "b"], "start": [0, 10, 0], "end": [10, 20, 8],
                          "voice": ["narrator", "quote", "narrator"], "scare": False})
    pieces = pd.DataFrame({"doc_id": ["a", "a"], "content_start": [4, 10],
                           "content_end": [15, 20]})
    split = split_voice(voice, pieces)
    assert split[["doc_id", "start", "end", "voice"]].values.tolist() == [
        ["a", 0, 4, "narrator"], ["a", 4, 10, "narrator"], ["a", 10, 15, "quote"],
        ["a", 15, 20, "quote"], ["b", 0, 8, "narrator"]]


@pytest.fixture(scope="module")
def padrino() -> dict[str, pd.DataFrame]:
    articles = _articles(["Padrino said the coup had failed. The coup was over by noon.",
                          "Analysts called it a coup. The coup failed, the minister said."],
                         ["Outlet A", "Outlet A"])
    return {"articles": articles} | annotate(articles, terms=read_terms(), actors=read_actors())


def test_strict_own_voice_leaves_out_a_term_that_a_source_is_said_to_use(padrino):
    hits, articles = padrino["hits"], padrino["articles"]
    coup = hits[(hits["doc_id"] == "d0") & (hits["term"] == "coup")]
    assert coup["voice"].tolist() == ["narrator", "narrator"]
    assert coup["attributed"].tolist() == [True, False]
    words = sb.voice_words(articles, voice=padrino["voice"], voices=("own", "narrator", "quote"))
    d0 = words[words["doc_id"] == "d0"].set_index("voice")["n_words"]
    assert d0["narrator"] == 12 and d0["own"] == 12 - 4  # "the coup had failed"
    rates = sb.term_rates(hits, articles=articles, words=words, level="term",
                          voice=("own", "narrator"), entries=["coup"], n_boot=200)
    n_hits = rates.set_index("voice")["n_hits"]
    # the analysts' "coup" and the minister's are theirs, not the outlet's
    assert n_hits["narrator"] == 4 and n_hits["own"] == 1
    own_rate = rates.set_index("voice").loc["own", "rate_per_1000"]
    assert own_rate == pytest.approx(1000 * 1 / words.query("voice == 'own'")["n_words"].sum())
    with pytest.raises(ValueError, match="no rows for voice"):
        sb.term_rates(hits, articles=articles, words=sb.voice_words(articles,
                      voice=padrino["voice"]), voice="own")
    with pytest.raises(ValueError, match="no attributed column"):
        sb.term_rates(hits.drop(columns="attributed"), articles=articles, words=words,
                      voice="own")


def test_strict_own_voice_in_labels_sentiment_and_counts(padrino):
    articles, mentions, sentences = padrino["articles"], padrino["mentions"], padrino["sentences"]
    assert sentences["attributed"].tolist() == [True, False, True, True]
    own = sb.outlet_sentiment(padrino["sentiment"], articles=articles, scope="own",
                              sentences=sentences, n_boot=100)
    narrator = sb.outlet_sentiment(padrino["sentiment"], articles=articles, scope="narrator",
                                   n_boot=100)
    assert own["n_sentences"].item() == 1 and narrator["n_sentences"].item() == 4
    assert own["scope"].item() == "own"
    with pytest.raises(ValueError, match="needs sentences"):
        sb.outlet_sentiment(padrino["sentiment"], articles=articles, scope="own")
    labels = sb.label_table(mentions, articles=articles, voice="own", examples=0)
    kept = mentions[(mentions["voice"] == "narrator") & ~mentions["attributed"]]
    assert labels["n_mentions"].sum() <= len(kept)
    counts = sb.term_counts(articles, sentences=sentences, voice=padrino["voice"],
                            voice_filter="own")
    vocabulary = set(counts["term"])
    assert "noon" in vocabulary and "failed" not in vocabulary


def test_source_shares_add_up_and_have_intervals_over_articles():
    articles = _articles([
        'Maduro said the coup had failed. "We are loyal," Padrino said.',
        'Guaidó said the army would join him. "The army is with us," Guaidó said.',
        "Maduro said the United States was behind it.",
        "Nobody spoke.",
    ], ["Outlet A", "Outlet A", "Outlet A", "Outlet B"])
    tables = annotate(articles, terms=read_terms(), actors=read_actors())
    found = tables["attributions"]
    assert {"maduro", "guaido", "padrino"} <= set(found["source_actor"].dropna())
    shares = sb.source_shares(found, articles, n_boot=500)
    a = shares[shares["outlet"] == "Outlet A"]
    spoken = a[a["n_words_kind"] > 0]
    assert set(spoken["kind"]) == {"all", "direct", "indirect"}
    assert spoken.groupby("kind")["share"].sum().to_numpy() == pytest.approx(1.0)
    assert a.loc[a["kind"] == "mixed", "share"].isna().all()
    every = a[a["kind"] == "all"].set_index("source_actor")
    total = every["n_words_kind"].iloc[0]
    assert every["n_words"].sum() == total
    assert every.loc["maduro", "share"] == pytest.approx(every.loc["maduro", "n_words"] / total)
    assert every.loc["maduro", "n_articles_source"] == 2
    maduro = every.loc["maduro"]
    assert maduro["ci_low"] <= maduro["share"] <= maduro["ci_high"]
    assert maduro["ci_low"] < maduro["ci_high"] and maduro["ci_high"] <= 1
    assert every.loc["guaido", "ci_low"] == pytest.approx(0.0)  # resamples without article 2
    b = shares[(shares["outlet"] == "Outlet B") & (shares["kind"] == "all")]
    assert b["share"].isna().all() and (b["n_words_kind"] == 0).all()
    again = sb.source_shares(found, articles, n_boot=500)
    pd.testing.assert_frame_equal(shares, again)
    assert not set(shares["source_actor"]) & {""} and (
        set(shares["source_actor"]) - {NO_SOURCE, OTHER_SOURCE} <= set(found["source_actor"]))
    terms = sb.source_terms(tables["hits"], attributions=found, articles=articles, level="term")
    said = terms[(terms["outlet"] == "Outlet A") & (terms["source_actor"] == "maduro")
                  & (terms["term"] == "coup")]
    assert said["n_hits"].item() == 1
    assert said["rate_per_1000"].item() == pytest.approx(
        1000 / every.loc["maduro", "n_words"])


def test_source_terms_credit_a_hit_only_to_a_source_with_words(seed: sb.Analysis):
    """On the seed batch a paraphrase of the armed forces lies inside a longer attribution:
    its hit goes with the words, to the longer one's source, never to a source of 0 words."""
    terms = sb.source_terms(seed.hits, attributions=seed.attributions, articles=seed.articles,
                            level="term", n_boot=200)
    hit = terms[terms["n_hits"] > 0]
    assert len(hit) > 5
    assert (hit["n_words"] > 0).all(), hit[hit["n_words"] == 0]


def test_source_terms_follow_the_counted_pieces_on_a_crafted_case():
    text = "The coup failed, officials said, the coup was over, and the coup is gone now."
    articles = _articles([text, text], ["Outlet A", "Outlet A"])
    coups = [m.start() for m in re.finditer("coup", text)]
    # an unresolved piece over the first 50 characters holds a Maduro piece; Padrino says the end
    attributions = pd.DataFrame({
        "doc_id": ["d0", "d0", "d0", "d1"], "attribution_id": [0, 1, 2, 0],
        "kind": ["indirect", "indirect", "direct", "indirect"],
        "content_start": [0, 33, 51, 51], "content_end": [50, 50, len(text), len(text)],
        "source_start": [-1, 10, 10, 10], "source_actor": [None, "maduro", "padrino", "padrino"],
        "source_name": [None, "Nicolás Maduro", "Vladimir Padrino", "Vladimir Padrino"]})
    hits = pd.DataFrame({"doc_id": ["d0"] * 3 + ["d1"] * 3, "start": coups * 2,
                         "term": "coup", "category": "event"})
    terms = sb.source_terms(hits, attributions=attributions, articles=articles, level="term",
                            n_boot=200).set_index("source_actor")
    assert set(terms.index) == {"padrino"}  # Maduro's piece is inside the unresolved one
    assert terms.loc["padrino", "n_hits"] == 2
    assert terms.loc["padrino", "n_words"] == 2 * count_words(pd.Series([text[51:]])).item()


def test_the_attribution_figures_ship_with_the_package(shared_data: Path, monkeypatch,
                                                        capsys):
    """The shipped dev figures are what the validation script scores with the shipped model
    (rerun ``validate_attribution.py --write`` after a change of the layer)."""
    import importlib.util

    if not (shared_data / "polnear" / "dev").is_dir():
        pytest.skip("PolNeAR dev is absent")
    benchmarks = SEED_BATCH.parents[2] / "benchmarks"
    monkeypatch.syspath_prepend(str(benchmarks))
    spec = importlib.util.spec_from_file_location("validate_attribution",
                                                  benchmarks / "validate_attribution.py")
    validate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(validate)
    shipped = sb.attribution_validation().set_index("split")
    scored = validate.score("dev")
    capsys.readouterr()
    for column in shipped.columns:
        assert shipped.loc["dev", column] == scored[column], column
    assert set(shipped.index) == {"dev", "train"}
    dev = shipped.loc["dev"]
    f1 = 2 * dev["content_precision"] * dev["content_recall"] / (
        dev["content_precision"] + dev["content_recall"])
    assert f1 == pytest.approx(dev["content_f1"], abs=0.002)


def test_the_shipped_cue_model_is_what_its_build_script_makes(shared_data: Path, tmp_path):
    """The model file inside the package rebuilds to the same bytes from PolNeAR train
    (rerun ``build_attribution_model.py`` after a change that alters its features)."""
    import subprocess
    import sys

    if not (shared_data / "polnear" / "train").is_dir():
        pytest.skip("PolNeAR train is absent")
    root = SEED_BATCH.parents[2]
    built = tmp_path / "attribution.json"
    subprocess.run([sys.executable, str(root / "benchmarks" / "build_attribution_model.py"),
                    "--out", str(built)], check=True, capture_output=True)
    shipped = root / "src" / "sourcebias" / "resources" / "models" / "attribution.json"
    assert built.read_bytes() == shipped.read_bytes()


def test_a_source_keeps_its_colour_in_every_kind_and_the_rest_is_one_grey(seed: sb.Analysis):
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from sourcebias.figures.names import display_names
    from sourcebias.figures.sources import REST

    shares = sb.source_shares(seed.attributions, seed.articles, n_boot=200)
    colours = sb.source_palette(shares)
    assert OTHER_SOURCE not in colours and list(colours)[-1] == REST
    names = display_names(actors=read_actors())
    validation = sb.attribution_validation()
    dev = validation.set_index("split").loc["dev"]
    speaker = (f"speaker right for {dev['speaker']:.0%} "
               f"[{dev['speaker_ci_low']:.0%}, {dev['speaker_ci_high']:.0%}]")
    seen: dict[str, tuple] = {}
    for kind in ("all", "direct", "indirect", "mixed"):
        ax = sb.plot_source_shares(shares, kind=kind, palette=colours, validation=validation,
                                   names=names)
        legend = {t.get_text(): to_rgba(h.get_facecolor()) for t, h in zip(
            ax.get_legend().get_texts(), ax.get_legend().legend_handles, strict=True)}
        assert names.get(OTHER_SOURCE, OTHER_SOURCE) not in legend
        greys = [label for label, colour in legend.items() if colour == to_rgba("0.8")]
        shown = shares[(shares["kind"] == kind) & (shares["n_words"] > 0)]
        has_rest = (~shown["source_actor"].isin(list(colours))).any()
        assert greys == ([REST] if has_rest else []), (kind, legend)
        for label, colour in legend.items():
            assert seen.setdefault(label, colour) == colour, (kind, label)
        assert speaker in ax.get_xlabel().replace("\n", " ")
        plt.close(ax.figure)
    assert len(seen) > 4 and names["maduro"] in seen


def test_one_source_across_outlets_shows_mixed_attributions(seed: sb.Analysis):
    import matplotlib.pyplot as plt

    from sourcebias.figures.export import plotted_data

    shares = sb.source_shares(seed.attributions, seed.articles, n_boot=200)
    mixed = shares[(shares["kind"] == "mixed") & (shares["source_actor"] == "guaido")]
    assert (mixed["share"] > 0.5).any()  # Aggregator B: most of its mixed words are Guaidó's
    ax = sb.plot_source_share(shares, source="guaido")
    drawn = plotted_data(ax)
    assert set(drawn["kind"]) == {"direct", "indirect", "mixed"}
    plt.close(ax.figure)


@pytest.mark.notebooks
def test_notebook_07_runs_on_the_seed_batch(seed: sb.Analysis, tmp_path: Path):
    parameters = {"batch": str(SEED_BATCH), "out_dir": str(tmp_path),
                  "data_dir": str(seed.tables.folder)}
    executed = run_notebook(NOTEBOOK_DIR / "07_sources.ipynb", out=tmp_path,
                            parameters=parameters)
    for name in ("voice_rates", "source_shares_all", "source_shares_mixed",
                 "source_share_maduro"):
        assert len(pd.read_csv(tmp_path / "figures" / f"{name}.csv")) > 0
    assert set(pd.read_csv(tmp_path / "figures" / "source_share_maduro.csv")["kind"]) == {
        "direct", "indirect", "mixed"}
    validation = pd.read_csv(tmp_path / "tables" / "attribution_validation.csv")
    assert validation.set_index("split").loc["dev", "content_f1"] == 0.839
    # the figures come from the package's file, never typed into the notebook
    assert "0.839" not in (NOTEBOOK_DIR / "07_sources.ipynb").read_text(encoding="utf-8")
    printed = executed.read_text(encoding="utf-8")
    assert "attribution_validation" in printed and "armed_forces:" not in printed
    rates = pd.read_csv(tmp_path / "tables" / "voice_rates.csv")
    assert set(rates["voice"]) == {"own", "narrator", "quote"}
    wide = rates.pivot(index="outlet", columns="voice", values="n_words")
    assert (wide["own"] <= wide["narrator"]).all() and (wide["own"] < wide["narrator"]).any()
    assert np.isfinite(rates["rate_per_1000"]).all()


def test_resolve_sources_rules_on_a_crafted_case():
    """Named, pronoun (chained, too far, other article) and description (before, after,
    none) sources, checked against what each rule says by hand."""
    from sourcebias.annotate.sources import resolve_sources

    sentences = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"], "start": [0, 100, 200, 300, 0]})
    mentions = pd.DataFrame({
        "doc_id": ["a", "a", "a"], "start": [10, 30, 310], "end": [20, 40, 320],
        "actor": ["maduro", "padrino", "guaido"],
        "label": [None, "Defense Minister", "opposition leader"]})
    rows = [("a", 30, 40, "Padrino"),        # named: the mention inside the span
            ("a", 50, 52, "he"),             # pronoun: the source just resolved
            ("a", 250, 253, "she"),          # two sentences on: the subject of sentence 0
            ("a", 255, 267, "the minister"),  # description: the nearest label before
            ("a", 270, 280, "the leader's"),  # description: the first label after
            ("a", 350, 363, "the spokesman"),  # no label holds it
            ("a", -1, -1, ""),               # no source
            ("b", 5, 7, "he")]               # another article: nothing to refer to
    attributions = pd.DataFrame(rows, columns=["doc_id", "source_start", "source_end",
                                               "source_text"])
    out = resolve_sources(attributions, mentions, sentences, lexicon=read_actors())
    assert out["source_actor"].tolist() == ["padrino", "padrino", "maduro", "padrino",
                                            "guaido", "", "", ""]
    assert (out[["doc_id", "source_text"]] == attributions[["doc_id", "source_text"]]).all().all()


def test_a_pronoun_after_a_source_of_no_actor_stays_unresolved():
    """'he' after 'Information Minister Jorge Rodríguez said' (no actor of the lexicon)
    refers to Rodríguez, not to Maduro, whom the paraphrase between them names."""
    text = ("Information Minister Jorge Rodríguez said the legitimate government of "
            "President Nicolás Maduro was in full control. \"This was a failed coup by a "
            "handful of traitors,\" he told state television.")
    tables = annotate(_articles([text], ["State wire"]), terms=read_terms(),
                      actors=read_actors())
    found = tables["attributions"].sort_values("content_start")
    assert found["source_text"].tolist() == ["Information Minister Jorge Rodríguez", "he"]
    assert found["source_actor"].fillna("").tolist() == ["", ""]
    assert "maduro_government" in set(tables["mentions"]["actor"])
