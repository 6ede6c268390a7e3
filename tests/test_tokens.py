"""Tokens for keyness and suggested terms (sourcebias.stats.tokens)."""

from __future__ import annotations

import pytest

from sourcebias.segment.sentences import segment_articles
from sourcebias.stats.counts import term_counts
from sourcebias.stats.tokens import HONORIFICS, Tokenizer, fold_texts, house_style, self_names


def tokens(text: str, **options) -> list[str]:
    tokenizer = Tokenizer(**options)
    return tokenizer(tokenizer.prepare([text])[0])


def test_abbreviations_stay_whole():
    assert tokens("The U.S. and the U.N. met the F.B.I. and the C.I.A.") == [
        "the", "u.s.", "and", "the", "u.n.", "met", "the", "fbi", "and", "the", "cia"]
    assert tokens("US officials told us") == ["u.s.", "officials", "told", "us"]
    assert tokens("sanctions by the U.S.") == ["sanctions", "by", "the", "u.s."]


def test_accents_and_apostrophes_fold_as_in_the_lexicons():
    assert tokens("Guaidó") == tokens("Guaido") == ["guaido"]
    assert tokens("Nicolás Maduro's government") == ["nicolas", "maduro", "government"]
    assert tokens("don’t") == tokens("don't") == tokens("donʼt") == ["don't"]
    assert tokens("Guaidó’s allies") == tokens("Guaido's allies") == ["guaido", "allies"]
    assert tokens("self‑proclaimed") == tokens("self-proclaimed") == ["self-proclaimed"]


def test_numbers_and_single_letters_drop():
    assert tokens("In 2019, 3 of 40 soldiers (a third) left on 30th April in the 1990s") == [
        "in", "of", "soldiers", "third", "left", "on", "april", "in", "the"]
    assert tokens("J. Smith wrote a note") == ["smith", "wrote", "note"]


def test_honorifics_are_dropped_by_default_and_kept_when_asked():
    text = "Mr. Maduro met Mrs Flores, Ms. Rodríguez and Dr Smith."
    assert tokens(text) == ["maduro", "met", "flores", "rodriguez", "and", "smith"]
    assert tokens(text, stop_words=())[:2] == ["mr", "maduro"]
    assert set(HONORIFICS) == {"mr", "mrs", "ms", "dr"}


def test_titles_before_a_name_are_written_out():
    assert tokens("Sen. Warren, Rep. Pelosi and Gen. Padrino met Gov. Cuomo.") == [
        "senator", "warren", "representative", "pelosi", "and", "general", "padrino", "met",
        "governor", "cuomo"]
    assert tokens("Senator Warren") == tokens("Sen. Warren") == tokens("Sen Warren")
    assert tokens("Gen Z voters") == ["gen", "voters"]
    # not before a name, or inside a word: left as written
    assert tokens("the Sen. was closed") == ["the", "sen", "was", "closed"]
    assert tokens("ASen. Warren") == ["asen", "warren"]


def test_ngrams_break_at_punctuation_and_dropped_words():
    bigrams = Tokenizer(ngram_range=(2, 2))
    assert bigrams(bigrams.prepare(["The coup failed. Troops left, Mr Maduro stayed."])[0]) == [
        "the coup", "coup failed", "troops left", "maduro stayed"]  # no "left maduro"
    assert bigrams(bigrams.prepare(['the self-proclaimed "interim president"'])[0]) == [
        "the self-proclaimed", "self-proclaimed interim", "interim president"]


def test_outlets_own_names_are_cut_as_phrases():
    names = self_names(["Fox News", "www.breitbart.com", "The New York Times"])
    assert {"fox news", "breitbart", "breitbart.com", "new york times"} <= set(names)
    drop = Tokenizer(drop_phrases=names)
    assert drop(drop.prepare(["Fox News reported, as The New York Times said, via Breitbart"])[0]
                ) == ["reported", "as", "said", "via"]
    assert drop(drop.prepare(["the news from fox hunters"])[0]) == [
        "the", "news", "from", "fox", "hunters"]  # the words alone stay


def test_house_style_names_what_it_leaves_out():
    import pandas as pd

    tokenizer = house_style(pd.DataFrame({"outlet": ["Sputnik", "Iran Press"]}),
                            stop_words=["Crisis"])
    assert tokenizer.stop_words == ("mr", "mrs", "ms", "dr", "crisis")
    caption = tokenizer.caption()
    assert "honorifics mr, mrs, ms, dr" in caption and "iran press, sputnik" in caption
    assert house_style(pd.DataFrame({"outlet": ["A"]}), on=False).stop_words == ()
    with pytest.raises(ValueError, match="stop_words must be"):
        house_style(pd.DataFrame({"outlet": ["A"]}), stop_words="french")


def test_fold_texts_keeps_each_text_apart():
    assert fold_texts(["Guaidó\x1e", "", "a—b"]) == ["Guaido\n", "", "a\x1ab"]
    assert fold_texts([]) == []


def test_keyness_counts_of_the_seeds_hold_no_single_letters_or_honorifics(seed_batch):
    articles = seed_batch.articles
    sentences, voice = segment_articles(articles)
    counts = term_counts(articles, sentences=sentences, voice=voice, voice_filter=None)
    terms = set(counts["term"])
    assert not any(len(t) == 1 or t[0].isdigit() for t in terms)
    assert not terms & {"mr", "mrs", "ms", "dr", "u", "s"}
    assert "guaido" in terms and "guaidó" not in terms
    assert "u.s." in terms
    assert not any("’" in t for t in terms)


def test_basil_keyness_has_no_house_style(shared_data):
    from sourcebias.read.batch import read_batch

    batch = shared_data / "basil-dev" / "batch"
    if not batch.is_dir():
        pytest.skip(f"{batch} is absent")
    articles = read_batch(batch).articles
    sentences, voice = segment_articles(articles)
    counts = term_counts(articles, sentences=sentences, voice=voice)
    terms = set(counts["term"])
    assert not terms & {"mr", "mrs", "ms", "dr", "u", "s", "f", "b", "i"}
    assert "u.s." in terms
    assert not terms & {"sen", "rep", "gov"} and {"senator", "representative"} <= terms
    names = self_names(articles["outlet"].unique())
    assert not terms & set(names)
