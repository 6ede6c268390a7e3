"""Sentences and voice spans: the seed articles at the places each rule is about,
crafted cases for what the seeds lack, and a sample of the AllSides corpus."""

from __future__ import annotations

import importlib
import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sourcebias.config import DEFAULT_SEGMENT_RULES, PROJECT_ROOT, SEED_BATCH
from sourcebias.read.batch import read_batch
from sourcebias.segment.quotes import words_before
from sourcebias.segment.sentences import segment_articles
from sourcebias.tables import COLUMNS, count_words

ALLSIDES = PROJECT_ROOT.parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"


class Segmented:
    """Articles with their segmentation, and look-ups by phrase."""

    def __init__(self, articles: pd.DataFrame):
        self.articles = articles
        self.sentences, self.voice = segment_articles(articles)
        self.texts = dict(zip(articles["doc_id"], articles["text"], strict=True))

    def doc(self, prefix: str) -> str:
        (doc_id,) = [d for d in self.texts if d.startswith(prefix)]
        return doc_id

    def find(self, prefix: str, phrase: str, word: str | None = None) -> tuple[str, int, int]:
        """Doc id and offsets of ``word`` (default: all of ``phrase``) in the one ``phrase``."""
        doc_id = self.doc(prefix)
        text = self.texts[doc_id]
        assert text.count(phrase) == 1, f"{phrase!r} occurs {text.count(phrase)} times"
        start = text.index(phrase) + (phrase.index(word) if word else 0)
        return doc_id, start, start + len(word or phrase)

    def span(self, prefix: str, phrase: str, word: str | None = None) -> pd.Series:
        """The voice span that holds all of ``word`` inside ``phrase``."""
        doc_id, start, end = self.find(prefix, phrase, word)
        v = self.voice
        row = v[(v["doc_id"] == doc_id) & (v["start"] <= start) & (v["end"] > start)]
        assert len(row) == 1
        assert row["end"].item() >= end, f"{word or phrase!r} crosses a voice boundary"
        return row.iloc[0]

    def voice_of(self, prefix: str, phrase: str, word: str | None = None) -> tuple[str, bool]:
        row = self.span(prefix, phrase, word)
        return row["voice"], bool(row["scare"])

    def sentence(self, prefix: str, phrase: str) -> pd.Series:
        doc_id, start, end = self.find(prefix, phrase)
        s = self.sentences
        row = s[(s["doc_id"] == doc_id) & (s["start"] <= start) & (s["end"] >= end)]
        assert len(row) == 1, f"{phrase!r} is not inside one sentence"
        return row.iloc[0]


@pytest.fixture(scope="module")
def seed() -> Segmented:
    return Segmented(read_batch(SEED_BATCH).articles)


def one(text: str, title: str | None = None) -> Segmented:
    return Segmented(pd.DataFrame({"doc_id": ["a"], "title": [title], "text": [text]}))


def sentence_texts(text: str) -> list[str]:
    return one(text).sentences["text"].tolist()


def quotes(text: str) -> list[tuple[str, bool]]:
    seg = one(text)
    q = seg.voice[seg.voice["voice"] == "quote"]
    return [(text[a:b], bool(s)) for a, b, s in zip(q["start"], q["end"], q["scare"], strict=True)]


# --- table contract -----------------------------------------------------------------


def test_tables_have_the_contract_columns_and_types(seed):
    assert tuple(seed.sentences.columns) == COLUMNS["sentences"]
    assert tuple(seed.voice.columns) == COLUMNS["voice"]
    assert seed.sentences[["sent_id", "para_id", "start", "end", "n_words"]].dtypes.eq(
        "int64").all()
    assert seed.sentences["is_title"].dtype == bool and seed.voice["scare"].dtype == bool
    assert set(seed.voice["voice"]) == {"narrator", "quote"}


def test_voice_spans_tile_every_article(seed):
    for doc_id, text in seed.texts.items():
        v = seed.voice[seed.voice["doc_id"] == doc_id]
        assert v["start"].iloc[0] == 0 and v["end"].iloc[-1] == len(text)
        assert (v["start"].to_numpy()[1:] == v["end"].to_numpy()[:-1]).all()
        assert (v["end"] > v["start"]).all()
        assert (v["voice"].to_numpy()[1:] != v["voice"].to_numpy()[:-1]).all()


def test_sentences_are_stripped_slices_within_paragraphs(seed):
    for doc_id, text in seed.texts.items():
        s = seed.sentences[seed.sentences["doc_id"] == doc_id]
        assert s["text"].tolist() == [text[a:b] for a, b in zip(s["start"], s["end"], strict=True)]
        assert (s["text"] == s["text"].str.strip()).all()
        assert s["sent_id"].tolist() == list(range(len(s)))
        paragraphs = text.split("\n\n")
        assert s["para_id"].max() == len(paragraphs) - 1
        for para_id, group in s.groupby("para_id"):
            assert " ".join(group["text"]) == " ".join(paragraphs[para_id].split())


def test_n_words_is_count_words(seed):
    assert seed.sentences["n_words"].tolist() == count_words(seed.sentences["text"]).tolist()


def test_is_title_marks_the_headline_paragraph_only_when_a_title_is_known(seed):
    title = seed.sentences[seed.sentences["is_title"]]
    headlines = seed.articles.dropna(subset=["title"]).set_index("doc_id")["title"]
    assert sorted(title["doc_id"]) == sorted(headlines.index)
    assert (title["text"] == title["doc_id"].map(headlines)).all()
    assert not seed.sentences.loc[seed.sentences["doc_id"] == seed.doc("000"), "is_title"].any()
    plain = one("Headline here\n\nBody text.", title=None).sentences
    assert not plain["is_title"].any()
    other = one("Not the title\n\nBody text.", title="Headline").sentences
    assert not other["is_title"].any()


def test_quote_share_is_the_quoted_fraction_of_the_sentence(seed):
    assert seed.sentence("000", "You’re a bunch of cowards!")["quote_share"] == 1.0
    assert seed.sentence("000", "The Trump administration is trying")["quote_share"] == 0.0
    said = seed.sentence("002", "Maduro said.")
    quoted = len('"The self-proclaimed, Juan Guaido, and Leopoldo López personally led the '
                 "coup d'état\"")
    assert said["quote_share"] == pytest.approx(quoted / (said["end"] - said["start"]))


# --- sentences ----------------------------------------------------------------------


def test_sentence_ends_before_an_opening_quotation_mark(seed):
    first = seed.sentence("001", "against a US military offensive.")
    assert first["text"].endswith("offensive.")
    assert seed.sentence("001", '"I trust you')["text"].endswith("the president said.")


def test_reporting_clause_after_a_quotation_stays_in_its_sentence(seed):
    lower = seed.sentence("003", 'Peace will be our victory!" he tweeted in')
    assert lower["text"] == 'Peace will be our victory!" he tweeted in Spanish.'
    named = seed.sentence("003", 'capture him immediately!" Maduro said.')
    assert named["text"].startswith('"If a traitor emerges')
    assert sentence_texts('"Stop!" General Padrino said. Then he left.') == [
        '"Stop!" General Padrino said.', "Then he left."]


def test_abbreviations_in_the_seeds_do_not_end_sentences(seed):
    row = seed.sentence("002", "The U.S. has been urging Russian Federation")
    assert row["text"].endswith("and the Monroe Doctrine.")
    assert "longstanding U.S. policy" in row["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Gen. Padrino at 9 a.m. on Monday. Then he left.",
         ["Mr. Smith met Gen. Padrino at 9 a.m. on Monday.", "Then he left."]),
        ("Juan F. Guaido spoke. Dr. Lee agreed.", ["Juan F. Guaido spoke.", "Dr. Lee agreed."]),
        ("Troops left the U.S. The president stayed.",
         ["Troops left the U.S.", "The president stayed."]),
        ("The U.S. Army moved. It was 5 p.m. Eastern.",
         ["The U.S. Army moved.", "It was 5 p.m. Eastern."]),
        ("He lives in Calif. and works in Ore. But not now.",
         ["He lives in Calif. and works in Ore.", "But not now."]),
        ("It ranks No. 12 this year. No. The answer was no.",
         ["It ranks No. 12 this year.", "No.", "The answer was no."]),
        ("We waited . . . and waited. . . . Then it came.",
         ["We waited . . . and waited. . . .", "Then it came."]),
        ("Prices rose 3.5 percent in 2019. 25,000 people left.",
         ["Prices rose 3.5 percent in 2019.", "25,000 people left."]),
        ("Is it over? yes, he said.", ["Is it over? yes, he said."]),
    ],
)
def test_crafted_sentence_ends(text, expected):
    assert sentence_texts(text) == expected


def test_list_numbers_and_line_breaks():
    assert sentence_texts("Do three things:\n\n1. Cut spending now.\n\n2. Raise taxes.") == [
        "Do three things:", "1. Cut spending now.", "2. Raise taxes."]
    lines = "Maduro Proposes Early Elections\nICG Mission Met With Maduro\ninvasion, armed forces"
    assert sentence_texts(lines) == [
        "Maduro Proposes Early Elections", "ICG Mission Met With Maduro\ninvasion, armed forces"]


def test_paragraph_ids_and_offsets_of_crafted_text():
    seg = one("  First one. Second one.\n\n\n  Next paragraph here  ")
    s = seg.sentences
    assert s["text"].tolist() == ["First one.", "Second one.", "Next paragraph here"]
    assert s["para_id"].tolist() == [0, 0, 1]
    assert s["start"].tolist() == [2, 13, 29]


# --- voice: the seed spot checks ----------------------------------------------------


def test_scare_quotes_of_iran_press(seed):
    assert seed.voice_of("000", "“legitimate”") == ("quote", True)
    assert seed.voice_of("000", "“normality”") == ("quote", True)
    assert seed.voice_of("000", "“cowards”") == ("quote", True)
    assert seed.voice_of("000", "“traitors” behind the coup", "traitors") == ("quote", True)
    assert seed.voice_of("000", "behind the coup. He tweeted:", "coup") == ("narrator", False)


def test_apostrophes_are_not_quotation_marks(seed):
    assert seed.voice_of("000", "He’s also hitting out") == ("narrator", False)
    assert seed.voice_of("000", "the military’s support", "military’s") == ("narrator", False)
    assert seed.voice_of("000", "to Venezuela's left-leaning", "Venezuela's") == (
        "narrator", False)
    assert seed.voice_of("001", "Guaido's plan remains") == ("narrator", False)
    assert seed.voice_of("001", "the armed forces' support.") == ("narrator", False)
    assert seed.voice_of("003", "Guaido's envoy") == ("narrator", False)
    assert seed.voice_of("004", "Venezuela’s chancellor") == ("narrator", False)
    # inside quotations an apostrophe neither closes nor opens anything
    assert seed.voice_of("002", "led the coup d'état\"", "coup d'état\"") == ("quote", False)
    assert seed.voice_of("003", "it's an order: capture") == ("quote", False)
    assert seed.voice_of("003", "stopping our people's suffering") == ("quote", False)
    assert seed.voice_of("004", "opts for the coup d’état”") == ("quote", False)


def test_statement_after_he_tweeted_runs_through_unmarked_paragraphs(seed):
    assert seed.voice_of("000", "He tweeted:") == ("narrator", False)
    tweets = seed.span("000", '"The armed forces remain firm')
    assert tweets["voice"] == "quote" and not tweets["scare"]
    for phrase in ("We reject this coup movement", "You’re a bunch of cowards!"):
        assert seed.span("000", phrase).equals(tweets)
    assert seed.voice_of("000", "Ever loyal, never traitors!", "traitors") == ("quote", False)
    assert seed.voice_of("000", "The Trump administration is trying") == ("narrator", False)


def test_quotations_spanning_sentences_and_clauses(seed):
    span = seed.span("001", '"I trust you, but keep your eyes open; a handful of traitors can '
                            "not tarnish the honor")
    assert span["voice"] == "quote" and not span["scare"]
    assert seed.voice_of("001", "a handful of traitors can not", "traitors") == ("quote", False)
    assert seed.voice_of("001", '", the president said.', "the president said") == (
        "narrator", False)
    every = seed.span("004", "“Every action will have a strong response")
    assert seed.span("004", "We will be absolutely inflexible").equals(every)
    assert seed.voice_of("004", "the ANC president told") == ("narrator", False)


def test_reported_speech_is_not_a_scare_quote(seed):
    phrase = ("\"The self-proclaimed, Juan Guaido, and Leopoldo López personally led the "
              "coup d'état\"")
    assert seed.voice_of("002", phrase) == ("quote", False)
    assert seed.voice_of("002", "Maduro said.") == ("narrator", False)
    assert seed.voice_of("002", '"legitimate commander in chief of armed forces"') == (
        "quote", False)
    assert seed.voice_of("002", '"All agreed that Maduro had to go"') == ("quote", False)


def test_scare_quotes_of_the_aggregator(seed):
    assert seed.voice_of("002", '"Operation Freedom"') == ("quote", True)
    assert seed.voice_of("002", 'appeared "weak"', '"weak"') == ("quote", True)


def test_sputnik_labels_and_narrator_words(seed):
    assert seed.voice_of("003", "in search of “traitors”", "“traitors”") == ("quote", True)
    assert seed.voice_of("003", 'self-proclaimed "interim president"', "self-proclaimed") == (
        "narrator", False)
    assert seed.voice_of("003", '"interim president"') == ("quote", True)
    assert seed.voice_of("003", "democratically elected president") == ("narrator", False)
    assert seed.voice_of("003", '"all options"') == ("quote", True)
    assert seed.voice_of("003", "systems [in order] to", "[in order]") == ("quote", False)
    assert seed.voice_of("003", '", El Nacional reports.', "El Nacional") == ("narrator", False)


def test_uncertain_fragments_are_documented_as_scare(seed):
    # One-word fragments of Maduro's own speech: scare by the rule (see the module docs).
    assert seed.voice_of("001", 'to be "ready" against', '"ready"') == ("quote", True)
    assert seed.voice_of("003", 'to "activate" the', '"activate"') == ("quote", True)


def test_pro_government_blog(seed):
    assert seed.voice_of("004", "against the legitimate Government did") == ("narrator", False)
    assert seed.voice_of("004", "He concluded with the phrase:") == ("narrator", False)
    assert seed.voice_of("004", "“Guaidó is making them easier than we expected.”") == (
        "quote", False)
    assert seed.voice_of("004", "“Let the whole town come to Miraflores") == ("quote", False)
    assert seed.voice_of("004", "”, the opposition leader who was", "the opposition leader") == (
        "narrator", False)


# --- voice: crafted cases -----------------------------------------------------------


def test_single_quotes_and_guillemets():
    assert quotes("He called it ‘a sham’ on Monday.") == [("‘a sham’", True)]
    assert quotes("He called it 'a sham' on Monday.") == [("'a sham'", True)]
    assert quotes("Le «gouvernement légitime» a parlé.") == [("«gouvernement légitime»", True)]
    assert quotes("Der ‹Putschist› sprach.") == [("‹Putschist›", True)]
    assert quotes("«We stay firm», he said.") == [("«We stay firm»", False)]
    headline = "Maduro Orders Military to Capture 'Traitors' Amid Looming Threat"
    seg = one(headline + "\n\nBody.", title=headline)
    assert seg.voice_of("", "'Traitors'") == ("quote", True)
    assert seg.sentences["is_title"].tolist() == [True, False]


def test_apostrophes_in_crafted_text():
    assert quotes("The workers’ union and the ’90s rock 'n roll.") == []
    assert quotes("It's the bosses' fault, isn't it?") == []
    assert quotes("He is 6'2\" tall and \"proud\".") == [('"proud"', True)]


def test_unbalanced_marks_stay_inside_their_paragraph():
    text = 'He said "we will win and then\n\nThe army left. It was over.'
    assert quotes(text) == [('"we will win and then', False)]
    assert quotes("A stray” closing mark. Then a “real one” here.") == [("“real one”", True)]
    assert quotes("An unclosed ‘single mark here.\n\nNext.") == []


def test_quotation_reopened_in_the_next_paragraph_continues():
    text = 'He said: "The first part goes on.\n\n"The second part ends," he added.\n\nLater.'
    seg = one(text)
    q = seg.voice[seg.voice["voice"] == "quote"]
    assert q[["start", "end"]].values.tolist() == [
        [text.index('"The first'), text.index(" he added")]]


def test_unmarked_speech_needs_a_colon_introduction():
    opened = 'A "quote is left open here\n\nWe will fight on.\n\nThe end.'
    assert quotes(opened) == [('"quote is left open here', False)]
    introduced = "Padrino wrote:\n\nWe will fight on.\n\nYou are traitors.\n\nThe army left."
    assert quotes(introduced) == [("We will fight on.\n\nYou are traitors.", False)]
    unrelated = "Related news:\n\nWe will fight on."
    assert quotes(unrelated) == []
    capital_us = "He said:\n\nThe US will act."
    assert quotes(capital_us) == []


def test_scare_rule_in_crafted_text():
    assert quotes('"Never," he said.') == [('"Never,"', False)]
    assert quotes('He said: "No way" to them.') == [('"No way"', False)]
    assert quotes('"Traitors!" They ran.') == [('"Traitors!"', False)]
    assert quotes('"Cowards."') == [('"Cowards."', False)]
    assert quotes('He told reporters, "absolutely not" on Monday.') == [
        ('"absolutely not"', False)]
    assert quotes('The "so-called" leader, he said, left.') == [('"so-called"', True)]
    assert quotes('The fall was "accidental." The report quotes a caller as saying so.') == [
        ('"accidental."', True)]
    assert quotes('The "leader of the free world now" left.') == [
        ('"leader of the free world now"', False)]


def test_rules_file_can_be_replaced(tmp_path: Path):
    text = DEFAULT_SEGMENT_RULES.read_text(encoding="utf-8").replace("scare_max_words: 4",
                                                          "scare_max_words: 1")
    rules = tmp_path / "segment.yaml"
    rules.write_text(text, encoding="utf-8")
    articles = pd.DataFrame({"doc_id": ["a"], "title": [None],
                             "text": ['The "free world" and the "weak" army.']})
    _, voice = segment_articles(articles, rules=rules)
    assert voice.loc[voice["voice"] == "quote", "scare"].tolist() == [False, True]


def test_rules_file_errors_name_the_file_and_the_fix(tmp_path: Path):
    rules = tmp_path / "segment.yaml"
    rules.write_text(DEFAULT_SEGMENT_RULES.read_text(encoding="utf-8").replace('"No"', "No"),
                     encoding="utf-8")
    articles = pd.DataFrame({"doc_id": ["a"], "title": [None], "text": ["Text."]})
    message = r"segment\.yaml: abbreviations\.may_end has False.*quotes"
    with pytest.raises(ValueError, match=message):
        segment_articles(articles, rules=rules)
    rules.write_text("abbreviations: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"segment\.yaml: reporting_verbs must be"):
        segment_articles(articles, rules=rules)


# --- input --------------------------------------------------------------------------


def test_empty_articles_give_empty_tables():
    empty = pd.DataFrame({"doc_id": [], "title": [], "text": []})
    sentences, voice = segment_articles(empty)
    assert sentences.empty and voice.empty
    assert tuple(sentences.columns) == COLUMNS["sentences"]
    seg = Segmented(pd.DataFrame({"doc_id": ["a", "b", "c"], "title": [None] * 3,
                                  "text": ["", "One. Two.", "   "]}))
    assert seg.sentences["doc_id"].tolist() == ["b", "b"]
    assert seg.voice[["doc_id", "start", "end"]].values.tolist() == [["b", 0, 9], ["c", 0, 3]]


def test_bad_input_names_the_row_and_what_to_do():
    with pytest.raises(ValueError, match=r"lacks column.*title"):
        segment_articles(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}))
    with pytest.raises(ValueError, match=r"row 1 \(doc_id 'a'\) repeats a doc_id"):
        segment_articles(pd.DataFrame({"doc_id": ["a", "a"], "title": [None, None],
                                       "text": ["x", "y"]}))
    with pytest.raises(ValueError, match=r"row 1 .doc_id 'b'.: text is (None|nan).*drop the row"):
        segment_articles(pd.DataFrame({"doc_id": ["a", "b"], "title": [None, None],
                                       "text": ["x", None]}))


# --- real corpus --------------------------------------------------------------------


@pytest.fixture(scope="module")
def allsides() -> pd.DataFrame:
    if not ALLSIDES.exists():
        pytest.skip(f"{ALLSIDES} not found: the AllSides data is needed for this test")
    raw = pd.read_json(ALLSIDES, lines=True, nrows=400, dtype={"ID": "str"})
    return pd.DataFrame({"doc_id": raw["ID"], "title": None,
                         "text": raw["content_original"].fillna("").str.strip()})


def test_allsides_sample_tiles_and_counts_words_like_count_words(allsides):
    seg = Segmented(allsides)
    assert seg.sentences["n_words"].tolist() == count_words(seg.sentences["text"]).tolist()
    v = seg.voice
    lengths = allsides.set_index("doc_id")["text"].str.len()
    ends = v.groupby("doc_id")["end"].max()
    assert (ends == lengths[ends.index]).all()
    same_doc = v["doc_id"].to_numpy()[1:] == v["doc_id"].to_numpy()[:-1]
    assert (v["start"].to_numpy()[1:][same_doc] == v["end"].to_numpy()[:-1][same_doc]).all()
    quoted = (v["voice"] == "quote") & ~v["scare"]
    assert 0.05 < ((v["end"] - v["start"])[quoted].sum() / lengths.sum()) < 0.5


def test_words_before_matches_count_words_on_real_text(allsides):
    text = "\n\n".join(allsides["text"])
    rng = np.random.default_rng(0)
    spaces = [m.start() for m in re.finditer(r"\s", text)]
    bounds = np.sort(rng.choice(spaces, 200, replace=False))
    counts = np.diff(words_before(text, bounds))
    pieces = pd.Series([text[a:b] for a, b in itertools.pairwise(bounds)])
    assert counts.tolist() == count_words(pieces).tolist()


def test_large_batches_are_split_without_changing_the_result(seed, monkeypatch):
    module = importlib.import_module("sourcebias.segment.sentences")
    monkeypatch.setattr(module, "_PART_CHARS", 3000)
    assert len(module._parts(seed.articles["text"].tolist())) > 1
    sentences, voice = segment_articles(seed.articles)
    pd.testing.assert_frame_equal(sentences, seed.sentences)
    pd.testing.assert_frame_equal(voice, seed.voice)
