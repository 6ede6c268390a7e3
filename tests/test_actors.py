"""Actor mentions and their labels (sourcebias.annotate.actors)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sourcebias.annotate.actors import find_actors
from sourcebias.annotate.folding import prepare_corpus
from sourcebias.annotate.lexicon import read_terms
from sourcebias.segment.sentences import segment_articles
from sourcebias.tables import COLUMNS, EXTRA_COLUMNS

MENTION_COLUMNS = [*COLUMNS["mentions"], *EXTRA_COLUMNS["mentions"]]


def tables(*texts: str):
    """Articles d0, d1 ..., their sentences (split after . ! ? and at blank lines)
    and voice spans (double-quoted text is quote; three words or fewer is scare)."""
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    sentences, voice = [], []
    for doc, text in zip(articles["doc_id"], texts, strict=True):
        starts = [0, *(m.end() for m in re.finditer(r"(?<=[.!?])\s+|\n\n+", text))]
        ends = [*(m.start() for m in re.finditer(r"(?<=[.!?])\s+|\n\n+", text)), len(text)]
        sentences += [(doc, i, 0, False, a, b, text[a:b], 0, 0.0)
                      for i, (a, b) in enumerate(zip(starts, ends, strict=True))]
        cursor = 0
        for quote in re.finditer(r'"[^"]*"|“[^”]*”', text):
            voice.append((doc, cursor, quote.start(), "narrator", False))
            voice.append((doc, quote.start(), quote.end(), "quote",
                          len(quote[0].split()) <= 3))
            cursor = quote.end()
        voice.append((doc, cursor, len(text), "narrator", False))
    return (articles, pd.DataFrame(sentences, columns=list(COLUMNS["sentences"])),
            pd.DataFrame(voice, columns=list(COLUMNS["voice"])))


def mentions_of(*texts: str) -> pd.DataFrame:
    articles, sentences, voice = tables(*texts)
    return find_actors(articles, sentences=sentences, voice=voice)


# --------------------------------------------------------------------------- aliases


def test_aliases_with_misspellings_and_diacritics():
    text = ("Guido said. Gaido said. @jguaido tweeted. Guaidó and Guaido met Nicholas Maduro, "
            "Nicolás Maduro and Nicolas Maduro.")
    mentions = mentions_of(text)
    assert mentions[["actor", "surface"]].values.tolist() == [
        ["guaido", "Guido"], ["guaido", "Gaido"], ["guaido", "@jguaido"], ["guaido", "Guaidó"],
        ["guaido", "Guaido"], ["maduro", "Nicholas Maduro"], ["maduro", "Nicolás Maduro"],
        ["maduro", "Nicolas Maduro"]]


def test_case_sensitive_aliases():
    mentions = mentions_of("The US said: let us talk. USA! The U.S. and Us. Thus.")
    assert mentions["surface"].tolist() == ["US", "USA", "U.S."]
    assert set(mentions["actor"]) == {"us_government"}


def test_the_longest_alias_wins_across_actors():
    mentions = mentions_of("Vladimir Padrino López spoke. López did too.")
    assert mentions[["actor", "surface"]].values.tolist() == [
        ["padrino", "Vladimir Padrino López"], ["lopez", "López"]]


def test_ignored_phrases_are_not_mentions():
    mentions = mentions_of("The Washington Post said Washington had acted. Iran Press agreed.")
    assert mentions[["actor", "surface"]].values.tolist() == [["us_government", "Washington"]]


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(("text", "actor", "label", "kind"), [
    ("President Nicolas Maduro spoke.", "maduro", "president", "premodifier"),
    ("Opposition leader Juan Guaido spoke.", "guaido", "opposition leader", "premodifier"),
    ("The self-proclaimed interim president Juan Guaidó spoke.", "guaido",
     "self-proclaimed interim president", "premodifier"),
    ("Venezuelan President Nicolas Maduro spoke.", "maduro", "Venezuelan president",
     "premodifier"),
    ("Venezuela's opposition leader Guaido spoke.", "guaido", "Venezuela's opposition leader",
     "premodifier"),
    ("US President Donald Trump spoke.", "us_government", "US president", "premodifier"),
    ("Former Vice President Mike Pence spoke.", "us_government", "former vice president",
     "premodifier"),
    ("A senior U.S. official said so.", "us_government", None, None),
    ("Top Maduro aides left.", "maduro", None, None),
    ("Several former Maduro officials spoke.", "maduro", None, None),
    ("Voters in the former Maduro stronghold stayed home.", "maduro", None, None),
    ("The socialist Maduro regime held on.", "maduro", "regime", "compound"),
    ("Voters elected Maduro in 2013.", "maduro", None, None),
    ("Voters re-elected Maduro in 2018.", "maduro", None, None),
    ("President Nicolás Maduro heads to Havana.", "maduro", "president", "premodifier"),
    ("Supporters of embattled Maduro rallied.", "maduro", "embattled", "premodifier"),
    ("The army backed embattled Maduro.", "maduro", "embattled", "premodifier"),
    ("Vladimir Padrino, the commander of the Armed Forces, spoke.", "padrino",
     "the commander of the Armed Forces", "appositive"),
    ("Russian Foreign Minister Sergei Lavrov spoke to Venezuelan Foreign Minister Jorge "
     "Arreaza.", "arreaza", "Venezuelan foreign minister", "premodifier"),
    ("The ousted Maduro fled.", "maduro", "ousted", "premodifier"),
    ("Elected Maduro spoke.", "maduro", "elected", "premodifier"),
    ("The army stayed loyal to the democratically elected president, Maduro, who won.",
     "maduro", "democratically elected president", "appositive"),
    ("The self-proclaimed, Juan Guaido, led it.", "guaido", "self-proclaimed", "appositive"),
    ("Venezuela’s chancellor, Jorge Arreaza, spoke.", "arreaza", "Venezuela's chancellor",
     "appositive"),
    ("Maduro, a former bus driver and union leader, calls him a puppet.", "maduro",
     "a former bus driver and union leader", "appositive"),
    ("Guaido, the head of the opposition-run National Assembly, has been recognized.", "guaido",
     "the head of the opposition-run National Assembly", "appositive"),
    ("Sanctions hit Maduro's regime.", "maduro", "regime", "possessive"),
    ("Sanctions hit Maduro’s socialist regime.", "maduro", "socialist regime", "possessive"),
    ("Sanctions hit the Maduro regime.", "maduro", "regime", "compound"),
    ("He reached out to Maduro loyalists.", "maduro", None, None),
    ("Guaidó traitors launch military coup against Maduro", "guaido", None, None),
    ("Guaidó supporters marched.", "guaido", None, None),
    ("Maduro henchmen fled.", "maduro", None, None),
    ("Maduro forces fired.", "maduro", None, None),
    ("Sanctions hit Maduro's top allies.", "maduro", None, None),
    ("He met a Maduro loyalist in Caracas.", "maduro", None, None),
    ("She is Guaidó's ally.", "guaido", None, None),
    ("A senior Maduro loyalist defected.", "maduro", None, None),
    ("Guaidó’s supporters marched.", "guaido", None, None),
    ("The Guaidó camp spoke.", "guaido", "camp", "compound"),
    ("They met Maduro.", "maduro", None, None),
    ("He is the president. Maduro spoke.", "maduro", None, None),
    ("Despite the efforts of the opposition, Maduro stayed.", "maduro", None, None),
    ("Maduro, the military and the police met.", "maduro", None, None),
])
def test_labels(text, actor, label, kind):
    mentions = mentions_of(text)
    row = mentions[mentions["actor"] == actor].iloc[0]
    assert (row["label"] if pd.notna(row["label"]) else None) == label
    assert (row["label_kind"] if pd.notna(row["label_kind"]) else None) == kind


def test_label_surface_keeps_quotes_and_offsets_point_at_it():
    text = 'Led by self-proclaimed "interim president" Juan Guaido, they marched.'
    row = mentions_of(text).iloc[0]
    assert row["label"] == "self-proclaimed interim president"
    assert row["label_surface"] == 'self-proclaimed "interim president"'
    assert text[row["label_start"]:row["label_end"]] == row["label_surface"]
    assert (row["voice"], row["label_voice"], row["label_scare"]) == (
        "narrator", "narrator", False)


def test_a_label_in_scare_quotes_has_its_own_voice():
    text = "They defend the “legitimate” government of President Nicolas Maduro."
    mentions = mentions_of(text).set_index("actor")
    government = mentions.loc["maduro_government"]
    assert government["label"] == "legitimate" and government["label_surface"] == "“legitimate”"
    assert (government["voice"], government["label_voice"], government["label_scare"]) == (
        "narrator", "quote", True)
    assert mentions.loc["maduro", "label_voice"] == "narrator"


def test_mentions_inside_another_mentions_label_are_not_counted():
    mentions = mentions_of("Opposition leader Juan Guaido spoke. The opposition marched. "
                           "The Maduro government and Maduro's government replied.")
    assert mentions[["actor", "surface", "label"]].fillna("-").values.tolist() == [
        ["guaido", "Juan Guaido", "opposition leader"], ["opposition", "opposition", "-"],
        ["maduro", "Maduro", "government"], ["maduro", "Maduro", "government"]]


def test_mentions_table_columns_and_unlabelled_rows():
    mentions = mentions_of("They met Maduro and the Russians.")
    assert list(mentions.columns) == MENTION_COLUMNS
    assert mentions["group"].tolist() == ["venezuelan_government", "foreign"]
    assert mentions[["label", "label_kind", "label_start", "label_voice"]].isna().all().all()


def test_no_articles_give_an_empty_table():
    articles, sentences, voice = tables("Nothing here.")
    for table in (articles, articles.iloc[:0]):
        mentions = find_actors(table, sentences=sentences, voice=voice)
        assert mentions.empty and list(mentions.columns) == MENTION_COLUMNS


def test_a_terms_lexicon_is_refused():
    articles, sentences, voice = tables("Maduro.")
    with pytest.raises(ValueError, match="pass an actors lexicon"):
        find_actors(prepare_corpus(articles), sentences=sentences, voice=voice,
                    lexicon=read_terms())


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_mentions(seed_batch):
    articles = seed_batch.articles
    sentences, voice = segment_articles(articles)
    mentions = find_actors(prepare_corpus(articles), sentences=sentences, voice=voice)
    return mentions.assign(seed=mentions["doc_id"].str[:3])


def labels_of(mentions: pd.DataFrame, actor: str, seed: str) -> list[list]:
    found = mentions[(mentions["actor"] == actor) & (mentions["seed"] == seed)
                     & mentions["label"].notna()]
    return found[["label", "label_voice"]].values.tolist()


def test_seed_guaido_is_called_self_proclaimed(seed_mentions):
    sputnik = labels_of(seed_mentions, "guaido", "003")
    assert ["self-proclaimed interim president", "narrator"] in sputnik
    blog = labels_of(seed_mentions, "guaido", "004")
    assert ["self-proclaimed interim president", "narrator"] in blog
    aggregator = labels_of(seed_mentions, "guaido", "002")
    proclaimed = [voice for label, voice in aggregator if "self-proclaimed" in label]
    assert proclaimed == ["quote"]  # only inside Maduro's words
    assert ["opposition leader", "narrator"] in labels_of(seed_mentions, "guaido", "000")


def test_seed_legitimate_government(seed_mentions):
    blog = labels_of(seed_mentions, "maduro_government", "004")
    assert blog.count(["legitimate", "narrator"]) == 2
    iran = seed_mentions[(seed_mentions["seed"] == "000")
                         & (seed_mentions["label"] == "legitimate")]
    assert iran[["actor", "label_voice", "label_scare"]].values.tolist() == [
        ["maduro_government", "quote", True]]


def test_seed_maduro_labels(seed_mentions):
    labels = set(seed_mentions.loc[seed_mentions["actor"] == "maduro", "label"].dropna())
    assert {"president", "Venezuelan president", "democratically elected president",
            "a former bus driver and union leader", "regime",
            "elected president"} <= labels
    assert {"Nicholas Maduro", "Nicolás Maduro"} <= set(seed_mentions["surface"])
    assert {"Guido", "Gaido", "@jguaido"} <= set(
        seed_mentions.loc[seed_mentions["actor"] == "guaido", "surface"])


def test_seed_followers_are_not_labels(seed_mentions):
    # "reach out to Maduro loyalists" (002) and the headline "Guaidó traitors launch
    # military coup against Maduro" (004): the name modifies a plural noun naming
    # the actor's followers, so neither noun is a label of the actor.
    loyalists = seed_mentions[seed_mentions["actor"] == "maduro"]
    assert not loyalists["label"].isin(["loyalists", "Maduro loyalists"]).any()
    traitors = seed_mentions[(seed_mentions["actor"] == "guaido")
                             & (seed_mentions["seed"] == "004")]
    assert "Guaidó" in set(traitors["surface"])
    assert not traitors["label"].isin(["traitors"]).any()
