"""Each article's language: detected from its start, listed per outlet, and no VADER score
for a sentence that is not English."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from sourcebias.annotate.sentiment import score_sentiment
from sourcebias.cli import main
from sourcebias.config import SEED_BATCH
from sourcebias.read.batch import read_batch
from sourcebias.read.language import detect_languages
from sourcebias.run.chunks import combine_summaries
from sourcebias.segment.sentences import segment_articles
from sourcebias.stats.overview import language_counts, merge_language_counts, outlet_summary
from sourcebias.tables import COLUMNS, DTYPES

SPANISH = ("El presidente Nicolás Maduro dijo el martes que las fuerzas armadas siguen leales "
           "al gobierno.\n\nLa oposición pidió a los militares que se unan a las protestas "
           "contra el régimen, y el ejército respondió con gases lacrimógenos.")
RUSSIAN = ("Президент Венесуэлы Николас Мадуро заявил, что армия остаётся верной "
           "правительству.\n\nОппозиция призвала военных перейти на её сторону.")
FRENCH = ("Le président vénézuélien a affirmé mardi que l'armée restait fidèle au "
          "gouvernement.\n\nL'opposition a appelé les militaires à la rejoindre.")
ENGLISH = ("Soldiers gathered near the air base on Tuesday as the opposition leader called "
           "on the army to join the protests.\n\nThe government said the uprising had "
           "failed and that the armed forces remained loyal.")


@pytest.fixture(scope="module")
def identifier():
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_languages_of_crafted_and_seed_texts_equal_py3langid(identifier):
    seeds = read_batch(SEED_BATCH).articles["text"].tolist()
    texts = pd.Series([SPANISH, RUSSIAN, FRENCH, ENGLISH, ENGLISH.upper(), "OK", *seeds],
                      index=np.arange(100, 111))
    found = detect_languages(texts)
    assert found.index.tolist() == texts.index.tolist()
    assert found.iloc[:4].tolist() == ["es", "ru", "fr", "en"]
    theirs = [identifier.classify(text[:500])[0] for text in texts]
    assert found.drop(105).tolist() == theirs[:5] + theirs[6:]
    assert pd.isna(found[105])  # "OK": no n-gram the model knows (py3langid guesses "sr")
    assert found.iloc[6:].eq("en").all()


def test_a_text_without_letters_has_no_language():
    found = detect_languages(pd.Series(["", "12 345 ...", ENGLISH]))
    assert found.isna().tolist() == [True, False, False] or found.isna().tolist() == [
        True, True, False]
    assert found.iloc[2] == "en"


def test_read_batch_names_each_articles_language(tmp_path):
    folder = tmp_path / "b"
    for outlet, name, text in [("voa", "a.txt", ENGLISH), ("telesur", "b.txt", SPANISH),
                               ("telesur", "c.txt", ENGLISH), ("rt", "d.txt", RUSSIAN)]:
        (folder / outlet).mkdir(parents=True, exist_ok=True)
        (folder / outlet / name).write_text(text, encoding="utf-8")
    articles = read_batch(folder).articles
    assert "language" in COLUMNS["articles"] and DTYPES["language"] == "str"
    assert articles.set_index("doc_id")["language"].to_dict() == {
        "a": "en", "b": "es", "c": "en", "d": "ru"}


def test_the_outlet_summary_lists_languages_and_chunks_add_them_up(tmp_path):
    articles = pd.DataFrame({
        "doc_id": list("abcde"), "outlet": ["T", "T", "T", "V", "V"],
        "outlet_group": None, "title": None, "duplicate_of": None,
        "text": [SPANISH, ENGLISH, SPANISH, ENGLISH, "1 2 3"],
    })
    articles["n_words"] = articles["text"].str.split().str.len()
    articles["language"] = detect_languages(articles["text"])
    sentences, voice = segment_articles(articles)
    summary = outlet_summary(articles, sentences=sentences, voice=voice)
    languages = summary.set_index("outlet")["languages"]
    assert languages["T"] == "es: 2; en: 1"
    assert languages["V"].startswith("en: 1; ")
    parts = [outlet_summary(part, **dict(zip(("sentences", "voice"), segment_articles(part),
                                             strict=True)))
             for part in (articles.iloc[:2], articles.iloc[2:])]
    combined = combine_summaries(parts, articles[["outlet", "outlet_group"]])
    assert combined.set_index("outlet")["languages"].to_dict() == languages.to_dict()
    assert language_counts(pd.Series(["en", None]), pd.Series(["X", "X"])).to_dict() == {
        "X": "en: 1; und: 1"}
    assert merge_language_counts(pd.Series(["en: 2; es: 1", "es: 3"], index=["X", "X"])
                                 ).to_dict() == {"X": "es: 4; en: 2"}


def test_vader_leaves_sentences_not_in_english_unscored(caplog):
    caplog.set_level(logging.WARNING, logger="sourcebias")
    articles = pd.DataFrame({"doc_id": ["en", "es"], "title": None,
                             "text": [ENGLISH, SPANISH]})
    articles["language"] = detect_languages(articles["text"])
    sentences, voice = segment_articles(articles)
    scored = score_sentiment(sentences, voice=voice, articles=articles)
    spanish = scored["doc_id"] == "es"
    assert scored.loc[spanish, ["neg", "neu", "pos", "compound"]].isna().all().all()
    assert scored.loc[~spanish, "compound"].notna().all()
    assert scored.attrs["not_english"] == int((sentences["doc_id"] == "es").sum())
    assert any("not in English (es: 1)" in message for message in caplog.messages)
    unknown = articles.assign(language=None)
    assert score_sentiment(sentences, voice=voice, articles=unknown)["compound"].notna().all()


def test_analyze_writes_the_language_column_and_leaves_spanish_unscored(tmp_path, capsys):
    folder = tmp_path / "b"
    for outlet, name, text in [("voa", "a.txt", ENGLISH), ("telesur", "b.txt", SPANISH),
                               ("telesur", "c.txt", SPANISH.replace(".", ", según la agencia.")),
                               ]:
        (folder / outlet).mkdir(parents=True, exist_ok=True)
        (folder / outlet / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["analyze", str(folder), "--out", str(out), "--no-cache", "--jobs", "1",
                 "--chunk-size", "1"]) == 0
    articles = pd.read_parquet(out / "articles.parquet").set_index("doc_id")
    assert articles["language"].to_dict() == {"a": "en", "b": "es", "c": "es"}
    sentiment = pd.read_parquet(out / "sentiment.parquet")
    assert sentiment.loc[sentiment["doc_id"] == "b", "compound"].isna().all()
    assert sentiment.loc[sentiment["doc_id"] == "a", "compound"].notna().all()
    printed = capsys.readouterr()
    assert "languages" in printed.out and "es: 2" in printed.out
    # one warning for the run, not one per chunk
    assert printed.err.count("VADER is English only") == 1
    assert "2 article(s) not in English (es: 2)" in printed.err


def test_a_batch_made_without_read_batch_gets_its_languages_in_analyze(tmp_path):
    import dataclasses

    from sourcebias.run.analysis import analyze

    folder = tmp_path / "b" / "telesur"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(SPANISH, encoding="utf-8")
    batch = read_batch(folder.parent)
    own = dataclasses.replace(batch, articles=batch.articles.drop(columns="language"))
    analysis = analyze(own, jobs=1, cache=False)
    assert analysis.articles["language"].tolist() == ["es"]
    assert analysis.summary["languages"].tolist() == ["es: 1"]
