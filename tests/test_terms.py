"""Loaded-term hits (sourcebias.annotate.terms): pattern features, overlaps, negation, voice."""

from __future__ import annotations

import gzip
import json
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from sourcebias.annotate import folding
from sourcebias.annotate.folding import prepare_corpus
from sourcebias.annotate.lexicon import read_actors, read_terms
from sourcebias.annotate.terms import find_terms
from sourcebias.segment.sentences import segment_articles
from sourcebias.tables import COLUMNS

ALLSIDES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "allsides"

FEATURES = """\
version: test
categories: {event: e, legit: l, loyalty: y, foreign: f, names: n}
negation: {window: 3, words: [not, "no", never, "isn't", far from]}
ignore: [coup de grâce]
terms:
  - {id: coup, category: event, patterns: [coup]}
  - {id: coup_attempt, category: event, patterns: [coup attempt, attempted coup]}
  - {id: attempt_made, category: event, patterns: [attempt made]}
  - {id: coup_detat, category: event, patterns: ["coup d'état"]}
  - {id: self_proclaimed, category: legit, patterns: [self-proclaimed]}
  - {id: legitimate, category: legit, patterns: [legitimate]}
  - {id: traitor, category: loyalty, patterns: ["traitor*", traitors]}
  - {id: regime_change, category: foreign, patterns: [regime change]}
  - {id: us_backed, category: foreign, patterns: [US-backed]}
  - {id: us, category: foreign, patterns: [{pattern: US, case_sensitive: true}]}
  - {id: regime, category: names, patterns: [regime]}
  - {id: guaido, category: names, patterns: [Guaidó]}
"""


def tables(*texts: str, title: bool = False):
    """Articles d0, d1 ..., their sentences (split after . ! ? and at blank lines)
    and voice spans (double-quoted text is quote; three words or fewer is scare)."""
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    sentences, voice = [], []
    for doc, text in zip(articles["doc_id"], texts, strict=True):
        starts = [0, *(m.end() for m in re.finditer(r"(?<=[.!?])\s+|\n\n+", text))]
        ends = [*(m.start() for m in re.finditer(r"(?<=[.!?])\s+|\n\n+", text)), len(text)]
        sentences += [(doc, i, 0, title and i == 0, a, b, text[a:b], 0, 0.0)
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


@pytest.fixture(scope="module")
def features(tmp_path_factory):
    path = tmp_path_factory.mktemp("lexicon") / "terms.yaml"
    path.write_text(textwrap.dedent(FEATURES), encoding="utf-8")
    return read_terms(path)


def hits_of(lexicon, *texts: str, **options) -> pd.DataFrame:
    articles, sentences, voice = tables(*texts, **options)
    return find_terms(articles, sentences=sentences, voice=voice, lexicon=lexicon)


def surfaces(lexicon, text: str, term: str | None = None) -> list[str]:
    hits = hits_of(lexicon, text)
    return hits.loc[hits["term"] == term, "surface"].tolist() if term else hits["surface"].tolist()


# --------------------------------------------------------------------------- pattern features


def test_words_match_whole_words_only(features):
    assert surfaces(features, "A couple recouped coupons; coups.", "coup") == []
    assert surfaces(features, "A coup, (coup) coup's end: COUP.", "coup") == [
        "coup", "coup", "coup", "COUP"]


def test_multiword_phrases_allow_any_spacing_but_not_a_line_break(features):
    hits = hits_of(features, "An attempted  coup. A coup\u00a0attempt. A coup\nattempt.")
    assert hits[["term", "surface"]].values.tolist() == [
        ["coup_attempt", "attempted  coup"], ["coup_attempt", "coup\u00a0attempt"],
        ["coup", "coup"]]


def test_a_trailing_star_matches_any_word_ending(features):
    text = "Traitor, traitors, traitorous, the traitor-in-chief and betrayal."
    assert surfaces(features, text, "traitor") == ["Traitor", "traitors", "traitorous", "traitor"]


def test_patterns_ignore_case_unless_marked_case_sensitive(features):
    assert surfaces(features, "LEGITIMATE and Legitimate", "legitimate") == [
        "LEGITIMATE", "Legitimate"]
    assert surfaces(features, "US troops, let us go, Us and USA.", "us") == ["US"]


def test_diacritics_are_folded_on_both_sides(features):
    assert surfaces(features, "Guaido, Guaidó, GUAIDÓ and Guaidos.", "guaido") == [
        "Guaido", "Guaidó", "GUAIDÓ"]


def test_apostrophe_variants_and_missing_apostrophes(features):
    text = "coup d'etat, coup d’état, coup d´état, coup detat, coup d etat."
    assert surfaces(features, text, "coup_detat") == [
        "coup d'etat", "coup d’état", "coup d´état", "coup detat"]


def test_hyphens_match_spaces_other_hyphens_and_the_closed_form(features):
    text = "self-proclaimed, self proclaimed, self‑proclaimed, selfproclaimed, self - proclaimed"
    assert len(surfaces(features, text, "self_proclaimed")) == 5
    assert surfaces(features, "a US -backed puppet and a US backed one", "us_backed") == [
        "US -backed", "US backed"]


def test_a_hyphen_separates_words(features):
    assert surfaces(features, "the anti-coup protest", "coup") == ["coup"]


# --------------------------------------------------------------------------- overlaps


def test_within_a_category_the_longest_match_wins(features):
    hits = hits_of(features, "The coup attempt and the attempted coup attempt.")
    assert hits[["term", "surface"]].values.tolist() == [
        ["coup_attempt", "coup attempt"], ["coup_attempt", "attempted coup"]]


def test_equal_lengths_go_to_the_leftmost(features):
    assert surfaces(features, "a coup attempt made", None) == ["coup attempt"]


def test_a_span_is_never_counted_twice_in_a_category(features):
    hits = hits_of(features, "Traitors!")
    assert hits[["term", "surface"]].values.tolist() == [["traitor", "Traitors"]]


def test_matches_of_different_categories_may_overlap(features):
    hits = hits_of(features, "They want regime change.")
    assert sorted(hits[["term", "category", "surface"]].values.tolist()) == [
        ["regime", "names", "regime"], ["regime_change", "foreign", "regime change"]]


def test_ignore_phrases_hide_matches_inside_them(features):
    assert surfaces(features, "The coup de grâce, the coup de grace, the coup.", "coup") == [
        "coup"]


# --------------------------------------------------------------------------- negation


@pytest.mark.parametrize(("text", "negated"), [
    ("This is not a coup.", True),
    ("It was no coup.", True),
    ("Never a coup!", True),
    ("It isn't a coup.", True),
    ("It is not a military coup.", True),
    ("It was far from a coup.", True),
    ("It is not an " + "extraordinarily" * 8 + " coup.", True),
    ("Not only a real coup.", False),
    ("I do not know. The coup failed.", False),
    ("A coup, not a protest.", False),
    ("It is a coup.", False),
])
def test_negation_window(features, text, negated):
    hits = hits_of(features, text)
    assert hits.loc[hits["term"] == "coup", "negated"].tolist() == [negated]


@pytest.mark.parametrize(("text", "term", "negated"), [
    ("This is not a coup.", "coup", True),
    ("It is not really a coup.", "coup", True),
    ("We will never surrender to imperialism.", "imperialism", False),
    ("The army did not bow to pressure.", "pressure", False),
    ("He did not say that the coup failed.", "coup", False),
    ("It is not only a coup.", "coup", False),
    ("ISIS isn't just a terrorist group.", "terror", False),
    ("Belgium is no stranger to terror.", "terror", False),
    ("If they didn't, the coup would fail.", "coup", False),
    ("He is the No. 1 traitor.", "traitor", False),
    ("The no-deal sanctions stay.", "sanctions", False),
    ("It is not a “manufactured” crisis.", "crisis", True),
    ("He found no evidence of terrorism.", "terror", True),
    ("They urged Russia not to interfere.", "intervention", True),
    ("Soldiers were told not to betray the nation.", "betray", True),
    ("Not coup but revolt.", "revolt", False),
])
def test_negation_scope_of_the_project_lexicon(text, term, negated):
    hits = hits_of(read_terms(), text)
    assert hits.loc[hits["term"] == term, "negated"].tolist() == [negated]


def test_a_negator_far_back_in_a_long_sentence_is_not_read(features):
    text = "Not " + "x" * 400 + " coup. Not a " + "y" * 250 + " coup."
    assert hits_of(features, text)["negated"].tolist() == [False, True]


def test_negation_scope_ends_and_pseudo_negations_come_from_the_lexicon(tmp_path, features):
    plain = FEATURES.replace('far from]}', 'far from], not_negating: [not only],'
                                           ' scope_ends: [to]}')
    path = tmp_path / "terms.yaml"
    path.write_text(plain, encoding="utf-8")
    scoped = read_terms(path)
    text = "Not only a coup. It is not a coup. Never bow to regime. Not a regime."
    assert hits_of(scoped, text)["negated"].tolist() == [False, True, False, True]
    assert hits_of(features, text)["negated"].tolist() == [True, True, True, True]


# --------------------------------------------------------------------------- the table


def test_hits_table_has_the_contract_columns_and_exact_offsets(features):
    text = 'The “legitimate” regime.\n\nThe legitimate regime, said the "coup" plotters.'
    hits = hits_of(features, text, title=True)
    assert list(hits.columns) == [*COLUMNS["hits"], "pattern"]
    assert (hits["surface"] == [text[a:b] for a, b in zip(hits["start"], hits["end"],
                                                          strict=True)]).all()
    assert hits[["surface", "sent_id", "is_title", "voice", "scare"]].values.tolist() == [
        ["legitimate", 0, True, "quote", True], ["regime", 0, True, "narrator", False],
        ["legitimate", 1, False, "narrator", False], ["regime", 1, False, "narrator", False],
        ["coup", 1, False, "quote", True]]
    assert hits["pattern"].tolist() == ["legitimate", "regime", "legitimate", "regime", "coup"]


def test_a_prepared_corpus_gives_the_same_hits(features):
    articles, sentences, voice = tables("A coup.", "No coup, just a US-backed regime change.")
    direct = find_terms(articles, sentences=sentences, voice=voice, lexicon=features)
    prepared = find_terms(prepare_corpus(articles), sentences=sentences, voice=voice,
                          lexicon=features)
    pd.testing.assert_frame_equal(direct, prepared)
    assert len(direct) == 5


def test_no_articles_or_no_hits_give_an_empty_table(features):
    articles, sentences, voice = tables("Nothing here.")
    for table in (articles, articles.iloc[:0]):
        hits = find_terms(table, sentences=sentences, voice=voice, lexicon=features)
        assert hits.empty and list(hits.columns) == [*COLUMNS["hits"], "pattern"]


def test_an_actors_lexicon_is_refused():
    articles, sentences, voice = tables("A coup.")
    with pytest.raises(ValueError, match="pass a terms lexicon"):
        find_terms(articles, sentences=sentences, voice=voice, lexicon=read_actors())


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_hits(seed_batch):
    articles = seed_batch.articles
    sentences, voice = segment_articles(articles)
    hits = find_terms(articles, sentences=sentences, voice=voice)
    return hits.assign(seed=hits["doc_id"].str[:3])


def test_seed_self_proclaimed_by_voice(seed_hits):
    found = seed_hits[seed_hits["term"] == "self_proclaimed"]
    by_seed = found[found["surface"].str.lower() == "self-proclaimed"].groupby("seed")
    voices = by_seed["voice"].agg(set).to_dict()
    assert voices == {"002": {"quote"}, "003": {"narrator"}, "004": {"narrator"}}


def test_seed_interim_president_is_a_scare_quote_in_sputnik(seed_hits):
    found = seed_hits[(seed_hits["seed"] == "003") & (seed_hits["term"] == "interim_president")]
    assert found[["surface", "voice", "scare"]].values.tolist()[0] == [
        "interim president", "quote", True]


def test_seed_legitimate_in_narrator_and_scare_quote(seed_hits):
    legitimate = seed_hits[seed_hits["term"] == "legitimate"]
    iran = legitimate[legitimate["seed"] == "000"]
    assert iran[["voice", "scare"]].values.tolist()[0] == ["quote", True]
    blog = legitimate[legitimate["seed"] == "004"]
    assert len(blog) == 2 and (blog["voice"] == "narrator").all()


def test_seed_event_names(seed_hits):
    events = seed_hits[seed_hits["category"] == "event_naming"]
    named = events.groupby("seed")["term"].agg(set)
    assert {"coup", "coup_attempt"} <= named["000"] | named["001"]
    assert "operation_freedom" in named["002"]
    assert "coup_detat" in named["004"]
    title = events[events["is_title"]]
    assert set(title["surface"]) >= {"failed coup attempt", "military coup"}
    never = seed_hits[(seed_hits["seed"] == "000") & seed_hits["negated"]]
    assert never["surface"].tolist() == ["traitors"]  # "Ever loyal, never traitors!"


def test_seed_foreign_hand_and_regime_vocabulary(seed_hits):
    terms = set(seed_hits["term"])
    assert {"pseudo_leaders", "subversive", "destabilise", "foreign_aggression",
            "humanitarian_crisis", "sanctions", "imperialism", "invasion", "puppet",
            "foreign_backed", "regime", "traitor", "coward", "loyal", "defect"} <= terms


# --------------------------------------------------------------------------- real text


def allsides_articles(n: int) -> pd.DataFrame:
    path = ALLSIDES / "articles.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} is absent: the allsides data is needed for this test")
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            rows.append({"doc_id": record["ID"], "text": record["content_original"] or ""})
            if len(rows) == n:
                break
    return pd.DataFrame(rows)


REFERENCE = {
    "sanction": r"(?<!\w)sanction\w*",
    "white_house": r"(?<!\w)white(?:[^\S\n\r\v\f\x85\u2028\u2029\x1c\x1d\x1e]|[-‐‑])+house(?!\w)",
    "coup": r"(?<!\w)coup(?!\w)",
    "us": r"(?<!\w)US(?!\w)",
}


def test_matches_equal_a_regular_expression_reference_on_real_text(tmp_path, monkeypatch):
    articles = allsides_articles(400)
    path = tmp_path / "terms.yaml"
    path.write_text(textwrap.dedent("""\
        version: reference
        categories: {a: a, b: b, c: c, d: d}
        terms:
          - {id: sanction, category: a, patterns: ["sanction*"]}
          - {id: white_house, category: b, patterns: [white house]}
          - {id: coup, category: c, patterns: [coup]}
          - {id: us, category: d, patterns: [{pattern: US, case_sensitive: true}]}
        """), encoding="utf-8")
    monkeypatch.setattr(folding, "CHUNK_CHARS", 200_000)
    one = articles[["doc_id"]].assign(sent_id=0, is_title=False, start=0,
                                      end=articles["text"].str.len())
    voice = one[["doc_id", "start", "end"]].assign(voice="narrator", scare=False)
    hits = find_terms(articles, sentences=one, voice=voice, lexicon=read_terms(path))
    assert prepare_corpus(articles).chunks[1:], "the test should span several chunks"
    for term, pattern in REFERENCE.items():
        flags = 0 if term == "us" else re.IGNORECASE
        expected = {(doc, m.start(), m.end())
                    for doc, text in zip(articles["doc_id"], articles["text"], strict=True)
                    for m in re.finditer(pattern, text, flags)}
        found = hits[hits["term"] == term]
        assert expected, term
        assert set(zip(found["doc_id"], found["start"], found["end"], strict=True)) == expected
