"""Suggested terms, actors and labels, and the draft packs made of them."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
import yaml

from sourcebias.annotate.lexicon import read_actors, read_terms
from sourcebias.cli import main
from sourcebias.config import DEFAULT_PACK, SEED_BATCH
from sourcebias.read.batch import read_batch
from sourcebias.run.draft_pack import write_draft_pack
from sourcebias.segment.sentences import segment_articles
from sourcebias.stats.suggest import (
    _group_spellings,
    suggest,
    suggest_actors,
    suggest_labels,
    suggest_terms,
    target_column,
)


def _tables(texts: dict[str, tuple[str, str]]):
    articles = pd.DataFrame({"doc_id": list(texts), "outlet": [o for o, _ in texts.values()],
                             "text": [t for _, t in texts.values()], "duplicate_of": None,
                             "title": None})
    sentences, voice = segment_articles(articles)
    return articles, sentences, voice


#: The Herald calls the government a brutal junta in its own voice; the Gazette only
#: quotes the word. Both name Guaidó and Maduro in several spellings.
CRAFTED = {
    "h1": ("Herald", "The brutal junta jailed students. The brutal junta lied again. "
                     "President Nicolás Maduro spoke. Opposition leader Juan Guaidó replied."),
    "h2": ("Herald", "The brutal junta fired on crowds. Guaido spoke to reporters. "
                     "The brutal junta closed a newspaper. Nicholas Maduro was silent."),
    "h3": ("Herald", "A brutal junta rules. Gaido, the opposition leader, met Pence. "
                     "The coup plotters hid. Nicolas Maduro spoke on television."),
    "g1": ("Gazette", 'Officials met in the capital. "It is a brutal junta," one student '
                      "said. President Maduro addressed the nation. Guaidó spoke too."),
    "g2": ("Gazette", "Officials met again in the capital. Ministers discussed the budget. "
                      "Juan Guaidó held a rally. Mr. Maduro was not there."),
    "g3": ("Gazette", "Officials said the capital was calm. Ministers met the press. "
                      "Guaido met students. Maduro said nothing."),
}


@pytest.fixture(scope="module")
def crafted():
    return _tables(CRAFTED)


def test_terms_come_from_the_targets_own_voice(crafted):
    articles, sentences, voice = crafted
    herald = suggest_terms(articles, sentences=sentences, voice=voice, target="Herald", n=20)
    top = herald.set_index("term")
    assert {"brutal", "brutal junta"} <= set(top.index)
    assert "junta" not in top.index  # already a term of the pack
    assert "coup plotters" not in top.index  # only twice, below min_count
    row = top.loc["brutal junta"]
    assert row["count_Herald"] == 5 and row["count_Gazette"] == 0  # the quote is not counted
    assert row["n_target"] == 5 and row["n_reference"] == 0 and row["statistic"] > 0
    assert row["example_1"].startswith("The brutal junta") and row["example_2"] != row["example_1"]
    assert not herald["term"].str.contains("maduro|guaido|nicolas").any()  # names are actors
    assert herald["rank"].tolist() == list(range(1, len(herald) + 1))
    assert herald["score"].is_monotonic_decreasing
    gazette = suggest_terms(articles, sentences=sentences, voice=voice, target="Gazette", n=20)
    assert "officials" in set(gazette["term"]) and "brutal" not in set(gazette["term"])


def test_negative_words_weigh_double(crafted):
    articles, sentences, voice = crafted
    herald = suggest_terms(articles, sentences=sentences, voice=voice, target="Herald", n=20)
    brutal = herald.set_index("term").loc["brutal"]
    assert brutal["negative"] and brutal["score"] == pytest.approx(2 * brutal["statistic"], 1e-3)


def test_actor_spellings_are_grouped_with_their_titles(crafted):
    articles, sentences, _ = crafted
    actors = suggest_actors(articles, sentences=sentences).set_index("actor")
    guaido = actors.loc["guaido"]
    assert set(guaido["variants"].split("; ")) == {"Guaidó", "Juan Guaidó", "Guaido", "Gaido"}
    assert guaido["count"] == 6 and guaido["in_pack"]
    assert "opposition leader (1)" in guaido["titles"]
    maduro = actors.loc["maduro"]
    assert set(maduro["variants"].split("; ")) == {
        "Maduro", "Nicolás Maduro", "Nicholas Maduro", "Nicolas Maduro"}
    assert maduro["count"] == 6 and maduro["count_Herald"] == 3 and maduro["count_Gazette"] == 3
    assert "president (2)" in maduro["titles"] and "mr (1)" in maduro["titles"]
    assert "Officials" not in " ".join(actors["variants"])  # written lower case inside sentences


def test_spellings_group_by_surname_and_similarity():
    keys = pd.Series([9, 5, 4, 3, 2, 2], index=["nicolas maduro", "maduro", "guaido",
                                                 "nicholas maduro", "gaido", "maria maduro"])
    canonical = _group_spellings(keys)
    assert canonical["nicholas maduro"] == canonical["maduro"] == "nicolas maduro"
    assert canonical["gaido"] == "guaido"
    assert canonical["maria maduro"] == "maria maduro"  # another first name, another person


def test_labels_are_read_around_suggested_actors(crafted):
    articles, sentences, voice = crafted
    actors = suggest_actors(articles, sentences=sentences)
    labels = suggest_labels(articles, sentences=sentences, voice=voice, actors=actors)
    guaido = labels[labels["actor"] == "guaido"].set_index("label")
    assert guaido.loc["opposition leader", "label_kind"] == "premodifier"
    assert guaido.loc["the opposition leader", "label_kind"] == "appositive"  # "Gaido, the ..."
    assert guaido["count"].sum() == 2 and guaido["count_Herald"].sum() == 2
    assert labels.loc[labels["actor"] == "maduro", "label"].eq("president").any()


def test_target_is_an_outlet_or_a_group():
    articles = pd.DataFrame({"outlet": ["A", "B"], "outlet_group": ["state", "wire"]})
    assert target_column(articles, "A") == "outlet"
    assert target_column(articles, "wire") == "outlet_group"
    with pytest.raises(ValueError, match="neither an outlet nor an outlet group"):
        target_column(articles, "C")


def test_draft_pack_loads_and_says_where_entries_came_from(crafted, tmp_path):
    articles, sentences, voice = crafted
    suggestions = suggest(articles, sentences=sentences, voice=voice, target="Herald",
                          batch="crafted")
    out = write_draft_pack(suggestions, tmp_path / "pack")
    terms, actors = read_terms(out / "terms.yaml"), read_actors(out / "actors.yaml")
    assert [e.id for e in terms.entries][:2] == suggestions.terms["term"].str.replace(
        " ", "_").head(2).tolist()
    assert {"guaido", "maduro"} <= {e.id for e in actors.entries}
    assert actors.labels == read_actors().labels
    text = (out / "terms.yaml").read_text(encoding="utf-8")
    assert "# from: keyness (G2) of outlet 'Herald' narrator text against the rest" in text
    pack = yaml.safe_load((out / "pack.yaml").read_text(encoding="utf-8"))
    assert set(pack) == {"event", "description", "focus_terms", "focus_actors", "markers"}
    assert set(pack["focus_terms"]) <= {e.id for e in terms.entries}
    assert set(pack["focus_actors"]) <= {e.id for e in actors.entries}
    table = pd.read_csv(out / "suggested_terms.csv")
    assert table.columns[:3].tolist() == ["rank", "term", "score"]
    assert {"count_Herald", "count_Gazette", "example_1", "example_2"} <= set(table.columns)


def test_the_default_pack_names_ids_of_its_lexicons():
    pack = yaml.safe_load((DEFAULT_PACK / "pack.yaml").read_text(encoding="utf-8"))
    assert pack["event"] == "Venezuela 2019"
    assert set(pack["focus_terms"]) <= {
        e.id for e in read_terms(DEFAULT_PACK / "terms.yaml").entries}
    assert set(pack["focus_actors"]) <= {
        e.id for e in read_actors(DEFAULT_PACK / "actors.yaml").entries}
    assert all(len(str(m["date"])) == 10 and m["label"] for m in pack["markers"])


def test_suggest_command_on_the_seeds(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["sourcebias"])
    assert main(["suggest", str(SEED_BATCH), "--out", str(tmp_path), "--target", "Sputnik"]) == 0
    assert "draft pack written" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "suggested_terms.csv")
    assert (table["count_Sputnik"] >= 3).all()
    actors = pd.read_csv(tmp_path / "suggested_actors.csv")
    assert {"maduro", "guaido"} <= set(actors["actor"].head(3))
    assert read_actors(tmp_path / "actors.yaml").entries
    assert main(["suggest", str(SEED_BATCH), "--out", str(tmp_path), "--target", "Nobody"]) == 2


def test_a_semicolon_csv_reads_as_a_table_batch(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('text;label\n"One; two";Biased\nThree;Non-biased\n', encoding="utf-8")
    articles = read_batch(path, outlet_column="label").articles
    assert articles["text"].tolist() == ["One; two", "Three"]
    assert articles["outlet"].tolist() == ["Biased", "Non-biased"]


def test_babe_suggestions_beat_plain_keyness(shared_data):
    import importlib.util

    path = shared_data / "babe" / "babe_dev.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    spec = importlib.util.spec_from_file_location(
        "validate_suggest", SEED_BATCH.parents[2] / "benchmarks" / "validate_suggest.py")
    validate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(validate)
    articles = read_batch(path, outlet_column="label_bias").articles
    sentences, voice = segment_articles(articles)
    marked = validate.marked_words(articles["biased_words"])
    terms = suggest_terms(articles, sentences=sentences, voice=voice, target="Biased", n=50)
    precision = sum(validate.is_hit(t, marked) for t in terms["term"]) / 50
    assert precision >= 0.76
