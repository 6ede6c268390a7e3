"""Tests of sentence sentiment: exactness of the fast VADER scorer, domain entries, scope."""

from __future__ import annotations

import gzip
import json
import random
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SentimentIntensityAnalyzer

from sourcebias.annotate import sentiment as sentiment_module
from sourcebias.annotate.sentiment import (
    _PARALLEL_FROM,
    ASCII_PUNCTUATION,
    read_valence,
    score_sentiment,
)
from sourcebias.annotate.vader import FastVader
from sourcebias.annotate.vader_batch import _round, score_texts
from sourcebias.config import PROJECT_ROOT, SEED_BATCH
from sourcebias.read.batch import read_batch
from sourcebias.segment.sentences import segment_articles
from sourcebias.tables import COLUMNS

SHARED = PROJECT_ROOT.parent / "shared" / "data"
ALLSIDES = SHARED / "allsides" / "articles.jsonl.gz"
CONVENTION = SHARED / "convention2012" / "political_data.csv"
SCORE_COLUMNS = ["neg", "neu", "pos", "compound"]
FOLD = str.maketrans(ASCII_PUNCTUATION)


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def seeds() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    articles = read_batch(SEED_BATCH).articles
    sentences, voice = segment_articles(articles)
    return articles, sentences, voice


@pytest.fixture(scope="module")
def stock() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@pytest.fixture(scope="module")
def domain_entries() -> dict[str, float]:
    entries = read_valence()
    return dict(zip(entries["word"], entries["valence"], strict=True))


@pytest.fixture(scope="module")
def stock_domain(domain_entries) -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(domain_entries)
    return analyzer


def sentence(sentences: pd.DataFrame, contains: str) -> pd.Series:
    """The one seed sentence whose text contains ``contains``."""
    found = sentences[sentences["text"].str.contains(contains, regex=False)]
    assert len(found) == 1, f"{len(found)} seed sentences contain {contains!r}"
    return found.iloc[0]


def scores_of(out: pd.DataFrame, row: pd.Series, *, lexicon: str, scope: str) -> pd.Series:
    hit = out[
        (out["doc_id"] == row["doc_id"]) & (out["sent_id"] == row["sent_id"])
        & (out["lexicon"] == lexicon) & (out["scope"] == scope)
    ]
    assert len(hit) == 1
    return hit.iloc[0][SCORE_COLUMNS]


# ----------------------------------------------------------------------------- exactness

def assert_exact(texts: list[str], fast: FastVader, reference: SentimentIntensityAnalyzer) -> None:
    """Every text gets exactly (float equality) the stock scores."""
    differ = [
        (text, want, got)
        for text in texts
        if (want := reference.polarity_scores(text)) != (got := fast.polarity_scores(text))
    ]
    assert not differ, f"{len(differ)} of {len(texts)} texts differ, first: {differ[0]}"


EDGE_CASES = [
    "", " ", "...", "!!!", "???", "?!", "-- -- --", "“”", ":)", ":-( :D", "a", "I",
    "The book was good.", "The book was not good.", "The book wasn't good.",
    "The book wasn’t good.", "It isn't a horrible book.", "At least it isn't a horrible book.",
    "VADER is VERY SMART, handsome, and FUNNY!!!", "GOOD BAD UGLY", "GOOD", "good GOOD good",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "good but good", "good good but good good", "bad but good but bad", "But good.", "good but",
    "nice but nice nice, bad BUT bad", "I have affection for it, but it is ok.",
    "They abuse us but we ache.", "abuses before, but accidents after",
    "The book was only kind of good.", "kind of bad", "kind", "It was sort of good and kinda bad.",
    "never so good", "never this good", "never good",
    "Sentiment analysis has never been this good!", "Without a doubt, excellent idea.",
    "without doubt good", "Roger Dodger is one of the least compelling variations.",
    "Roger Dodger is at least compelling.", "the very least good", "least good", "no good",
    "no no good", "no", "No.", "no problem or bad", "not bad nor good",
    "With VADER, sentiment analysis is the shit!", "That movie was the bomb.",
    "The bus stop was bad ass.", "yeah right", "the kiss of death", "a cake to die for",
    "a beating heart", "Catch utf-8 emoji such as 💘 and 💋 and 😁", "I love it😁so much", "😁",
    "Copyright © 2019 Reuters, good news", "™ great ‼", "Make sure you :) or :D today!",
    "Today SUX!", "Today only kinda sux! But I'll get by, lol", "Not bad at all",
    "Guaidó’s “legitimate” government – the self-proclaimed usurper…", "Ça va très bien, merci!",
    "Я удивлен увидеть", "İstanbul is GREAT!", "ﬁne ﬁnale", "Straße STRASSE great", "ΣΊΣΥΦΟΣ good",
    "\xa0good\u2003bad\u3000", "\x1cgood\x1dbad", "good\tbad\nugly\r\nnice", "İx. GOOD",
    "The traitors led the coup!", "The TRAITORS led the COUP",
    "It's a coup. Not a coup? A COUP!!!!", "Ever loyal, never traitors!",
]


def fuzz_sentences(n: int, *, seed: int) -> list[str]:
    """Random sentences dense in the tokens VADER's rules react to."""
    rng = random.Random(seed)
    vader = SentimentIntensityAnalyzer()
    lexicon_words = sorted(vader.lexicon)
    rule_words = [
        *BOOSTER_DICT, *NEGATE, "but", "but", "kind", "of", "no", "or", "nor", "least", "at",
        "very", "never", "so", "this", "without", "doubt", "the", "shit", "bomb", "bad", "ass",
        "bus", "stop", "yeah", "right", "kiss", "death", "to", "die", "for", "beating", "heart",
        "coup", "traitors", "legitimate", "self-proclaimed", "regime", "cowards", "good", "great",
        # valences 2:1 apart, so that "but" meets a score equal to an earlier, halved one
        "affection", "ok", "abuse", "ache", "abuses", "accidents", "love", "jw",
    ]
    shapes = [str, str.upper, str.capitalize, lambda w: w + "!", lambda w: w + ",",
              lambda w: f'"{w}"', lambda w: f"“{w}”", lambda w: w + "?", lambda w: w + "’s"]
    extras = ["!", "?", "!!", "??", "...", ":)", ":(", "😁", "©", "-", "I", "A", "OK", "n't"]
    texts = []
    for _ in range(n):
        words = []
        for _ in range(rng.randint(0, 25)):
            pool = rng.choice((lexicon_words, rule_words, rule_words, extras))
            words.append(rng.choice(shapes)(rng.choice(pool)))
        texts.append(" ".join(words))
    return texts


def regex_sentences(texts: pd.Series) -> list[str]:
    """Sentences split at ., ! or ? followed by white space, and at line breaks."""
    parts = texts.str.split(r"(?<=[.!?])\s+|\n+", regex=True).explode()
    return parts[parts.str.strip().str.len() > 0].tolist()


def allsides_articles(every: int) -> pd.DataFrame:
    """Every ``every``-th AllSides article, as an articles table."""
    rows = []
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number % every == 0:
                record = json.loads(line)
                rows.append({"doc_id": str(record["ID"]), "title": None,
                             "text": record["content_original"] or ""})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("domain", [False, True], ids=["vader", "vader+domain"])
def test_fast_scorer_equals_stock_on_edge_cases_and_fuzz(domain, stock, stock_domain,
                                                         domain_entries):
    fast = FastVader(domain_entries if domain else None)
    texts = EDGE_CASES + fuzz_sentences(8_000, seed=7)
    assert_exact(texts, fast, stock_domain if domain else stock)
    assert_exact([text.translate(FOLD) for text in texts], fast,
                 stock_domain if domain else stock)
    assert fast.stock_calls > 0, "the emoji cases went through the stock method"


def test_fast_scorer_equals_stock_on_seed_sentences(seeds, stock, stock_domain, domain_entries):
    articles, sentences, _ = seeds
    texts = sentences["text"].tolist() + regex_sentences(articles["text"])
    texts += [text.translate(FOLD) for text in texts]
    assert_exact(texts, FastVader(), stock)
    assert_exact(texts, FastVader(domain_entries), stock_domain)


@pytest.mark.skipif(not CONVENTION.exists(), reason=f"{CONVENTION} is absent")
def test_fast_scorer_equals_stock_on_convention2012(stock, stock_domain, domain_entries):
    speeches = pd.read_csv(CONVENTION)
    articles = pd.DataFrame({"doc_id": speeches.index.astype(str), "title": None,
                             "text": speeches["text"]})
    texts = segment_articles(articles)[0]["text"].tolist()
    assert len(texts) > 5_000
    assert_exact(texts, FastVader(), stock)
    assert_exact(texts, FastVader(domain_entries), stock_domain)


@pytest.mark.skipif(not ALLSIDES.exists(), reason=f"{ALLSIDES} is absent")
def test_fast_scorer_equals_stock_on_allsides_sample(stock, stock_domain, domain_entries):
    texts = segment_articles(allsides_articles(every=80))[0]["text"].tolist()
    assert len(texts) > 20_000
    assert_exact(texts, FastVader(), stock)
    assert_exact(texts[:5_000], FastVader(domain_entries), stock_domain)


def assert_batch_exact(texts: list[str], lexicons: list[dict[str, float]]) -> None:
    """``score_texts`` gives every text the stock scores under every lexicon, bit for bit
    (the sign of a zero included)."""
    blocks, _ = score_texts(texts, [FastVader(extra) for extra in lexicons])
    for extra, got in zip(lexicons, blocks, strict=True):
        reference = SentimentIntensityAnalyzer()
        reference.lexicon.update(extra)
        want = np.array([[reference.polarity_scores(text)[k] for k in SCORE_COLUMNS]
                         for text in texts]).reshape(len(texts), 4)
        differ = np.flatnonzero((got.view(np.int64) != want.view(np.int64)).any(axis=1))
        assert not len(differ), (f"{len(differ)} of {len(texts)} texts differ, first: "
                                 f"{texts[differ[0]]!r} {got[differ[0]]} != {want[differ[0]]}")


def test_array_scorer_equals_stock_on_edge_cases_and_fuzz(domain_entries):
    texts = EDGE_CASES + fuzz_sentences(8_000, seed=11)
    texts += [text.translate(FOLD) for text in texts]
    assert_batch_exact(texts, [{}, domain_entries])


def test_array_scorer_applies_the_but_quirk_and_idioms_as_stock():
    # 'affection' (2.4) halved before "but" equals 'ok' (1.2) after it: list.index finds the
    # earlier position, so the stock result differs from plain scaling
    texts = ["I have affection for it, but it is ok.", "ok affection but ok ok",
             "good but good", "kind of good", "The bus stop was bad ass.", "no good but no good",
             "", "   ", "\x1cgood\x1dbad", "never so good", "GOOD good!!! ???"]
    assert_batch_exact(texts, [{}])
    stock = SentimentIntensityAnalyzer().polarity_scores(texts[0])["compound"]
    [scores], _ = score_texts(texts[:1], [FastVader()])
    assert scores[0, 3] == stock


def test_array_rounding_equals_python_round_near_ties():
    values = np.array([0.0625, 0.1235, 0.12345, 2.675, -0.00005, 0.49999999, 1 / 3, 0.0005,
                       -0.12345, 0.999949999])
    values = np.r_[values, np.random.default_rng(3).uniform(-1, 1, 20_000)]
    for digits in (3, 4):
        want = np.array([round(v, digits) for v in values.tolist()])
        assert (_round(values, digits).view(np.int64) == want.view(np.int64)).all()


@pytest.mark.skipif(not ALLSIDES.exists(), reason=f"{ALLSIDES} is absent")
def test_array_scorer_equals_stock_on_allsides_sample(domain_entries):
    texts = segment_articles(allsides_articles(every=80))[0]["text"].tolist()
    assert len(texts) > 20_000
    texts = texts[:15_000] + [text.translate(FOLD) for text in texts[:5_000]]
    assert_batch_exact(texts, [{}, domain_entries])


# ----------------------------------------------------------------------------- output

def test_schema_and_row_order(seeds):
    articles, sentences, voice = seeds
    plain = score_sentiment(sentences)
    assert list(plain.columns) == list(COLUMNS["sentiment"])
    assert len(plain) == len(sentences)
    assert (plain["lexicon"] == "vader").all()
    assert plain[["doc_id", "sent_id"]].equals(sentences[["doc_id", "sent_id"]])
    assert plain[SCORE_COLUMNS].notna().all().all()
    assert plain["compound"].between(-1, 1).all()
    assert np.allclose(plain[["neg", "neu", "pos"]].sum(axis=1), 1, atol=0.002)

    both = score_sentiment(sentences, voice=voice, articles=articles, domain=True)
    assert list(both.columns) == ["doc_id", "sent_id", "lexicon", "scope", *SCORE_COLUMNS]
    assert len(both) == 4 * len(sentences)
    first = both.head(4)
    assert first["lexicon"].tolist() == ["vader", "vader", "vader+domain", "vader+domain"]
    assert first["scope"].tolist() == ["sentence", "narrator"] * 2
    assert (first["sent_id"] == sentences["sent_id"].iloc[0]).all()
    assert all(both[c].dtype == "float64" for c in SCORE_COLUMNS)


def test_scores_equal_stock_per_sentence_with_dedup(seeds, stock):
    _, sentences, _ = seeds
    twice = pd.concat([sentences, sentences.assign(doc_id=sentences["doc_id"] + "-copy")],
                      ignore_index=True)
    out = score_sentiment(twice, ascii_punctuation=False)
    expected = pd.DataFrame([stock.polarity_scores(text) for text in twice["text"]])
    assert out[SCORE_COLUMNS].equals(expected[SCORE_COLUMNS])
    assert out.attrs["unique_texts"] == sentences["text"].nunique() < len(twice)
    assert out.attrs["stock_fallbacks"] == 0


def test_ascii_punctuation_lets_vader_see_quoted_words_and_negations(stock):
    sentences = pd.DataFrame({"doc_id": ["a", "b"], "sent_id": [0, 0],
                              "text": ["They are “cowards” and “liars”.", "It isn’t good."]})
    folded = score_sentiment(sentences)["compound"]
    raw = score_sentiment(sentences, ascii_punctuation=False)["compound"]
    assert raw[0] == stock.polarity_scores("They are “cowards” and “liars”.")["compound"] == 0
    assert folded[0] == stock.polarity_scores('They are "cowards" and "liars".')["compound"] < 0
    assert raw[1] > 0 > folded[1]


# ----------------------------------------------------------------------------- domain entries

def test_domain_entries_make_traitors_and_coup_more_negative(seeds):
    _, sentences, _ = seeds
    crafted = pd.DataFrame({"doc_id": ["x", "y"], "sent_id": [0, 0],
                            "text": ["Traitors led the coup.", "The traitors failed."]})
    chosen = pd.concat([crafted, sentences[sentences["text"].str.contains(
        "hitting out at the|Guaidó traitors launch|attempted to stage a coup")]],
        ignore_index=True)
    assert len(chosen) == 5
    out = score_sentiment(chosen, domain=True)
    compound = out.pivot(index=["doc_id", "sent_id"], columns="lexicon", values="compound")
    assert (compound["vader+domain"] < compound["vader"]).all()


def test_domain_entries_leave_other_sentences_unchanged(seeds, domain_entries):
    _, sentences, _ = seeds
    out = score_sentiment(sentences, domain=True)
    wide = out.pivot(index=["doc_id", "sent_id"], columns="lexicon", values=SCORE_COLUMNS)
    words = re.compile(r"\b(?:" + "|".join(map(re.escape, domain_entries)) + r")\b", re.I)
    has_entry = sentences.set_index(["doc_id", "sent_id"])["text"].str.contains(words)
    without = ~has_entry.reindex(wide.index)
    assert without.sum() > 40
    for column in SCORE_COLUMNS:
        plain = wide.loc[without, (column, "vader")]
        assert plain.equals(wide.loc[without, (column, "vader+domain")])
    assert (wide.loc[~without, ("compound", "vader")]
            != wide.loc[~without, ("compound", "vader+domain")]).mean() > 0.8


def test_domain_scores_equal_stock_with_the_entries_added(seeds, stock_domain):
    _, sentences, _ = seeds
    crafted = ["The COUP failed.", "Coup!", "a coup’s end", "TRAITORS, all of them",
               "İ said coup", "😁 coup", "not a coup", "\u212aelvin coup", "Legitimate? No."]
    table = pd.concat([sentences[["doc_id", "sent_id", "text"]],
                       pd.DataFrame({"doc_id": "crafted", "sent_id": range(len(crafted)),
                                     "text": crafted})], ignore_index=True)
    out = score_sentiment(table, domain=True)
    got = out.loc[out["lexicon"] == "vader+domain", SCORE_COLUMNS].reset_index(drop=True)
    expected = pd.DataFrame([stock_domain.polarity_scores(text.translate(FOLD))
                             for text in table["text"]])
    assert got.equals(expected[SCORE_COLUMNS])


def test_default_valence_file_only_adds_words_vader_lacks(stock, domain_entries):
    assert {"coup", "traitors", "legitimate", "self-proclaimed", "regime"} <= set(domain_entries)
    assert not set(domain_entries) & set(stock.lexicon)
    assert all(-4 <= v <= 4 and v != 0 for v in domain_entries.values())
    assert domain_entries["legitimate"] > 0 > domain_entries["illegitimate"]


GOOD = "- {word: coup, valence: -2.1, why: ok}\n"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- {word: Coupe, valence: -1, why: x}", "lower-cases"),
        ("- {word: coup attempt, valence: -1, why: x}", "one whitespace-free token"),
        ("- {word: coup, valence: -1, why: x}", "repeats the entry on line 2"),
        ("- {word: bad, valence: -1, why: x}", "already in VADER's lexicon with valence -2.5"),
        ("- {word: very, valence: 1, why: x}", "intensifier"),
        ("- {word: junta, valence: -5, why: x}", "outside VADER's -4..+4 scale"),
        ("- {word: junta, valence: 0, why: x}", "valence 0"),
        ("- {word: junta, valence: high, why: x}", "not a number"),
        ("- {word: junta, valence: -1}", "give exactly word, valence and why"),
        ("- {word: junta, valence: -1, why: x, source: y}", "give exactly word, valence and why"),
        ("- {word: junta, valence: -1, why: ''}", "no justification"),
        ("- {word: 'junta!', valence: -1, why: x}", "strips punctuation"),
        ("- junta", "expected {word"),
    ],
)
def test_bad_valence_entry_names_file_line_and_entry(tmp_path, entry, message):
    path = tmp_path / "valence.yaml"
    path.write_text("# header\n" + GOOD + entry + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3") as error:
        read_valence(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_valence_file_that_is_not_yaml_or_not_a_list(tmp_path):
    path = tmp_path / "valence.yaml"
    path.write_text(GOOD + "- {word: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"valence\.yaml, line \d+: not valid YAML"):
        read_valence(path)
    path.write_text("coup: -2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a list"):
        read_valence(path)


def test_custom_valence_file_is_used(tmp_path):
    path = tmp_path / "valence.yaml"
    path.write_text("- {word: junta, valence: 3.5, why: test}\n", encoding="utf-8")
    sentences = pd.DataFrame({"doc_id": ["a"], "sent_id": [0], "text": ["The junta spoke."]})
    out = score_sentiment(sentences, domain=True, valence=path).set_index("lexicon")
    assert out.loc["vader", "compound"] == 0
    assert out.loc["vader+domain", "compound"] > 0.5


# ----------------------------------------------------------------------------- narrator scope

def test_quoted_insults_do_not_count_as_narrator_tone(seeds):
    articles, sentences, voice = seeds
    out = score_sentiment(sentences, voice=voice, articles=articles, domain=True)
    for contains in ("hitting out at the “cowards” and “traitors”",        # 000
                     "in search of “traitors”",                               # 003
                     "all the conspiracies against Venezuelan democracy"):    # 004
        row = sentence(sentences, contains)
        whole = scores_of(out, row, lexicon="vader+domain", scope="sentence")
        narrator = scores_of(out, row, lexicon="vader+domain", scope="narrator")
        assert narrator["compound"] > whole["compound"], contains
        assert narrator["neg"] < whole["neg"], contains


def test_narrator_scores_equal_sentence_scores_without_quotes(seeds):
    articles, sentences, voice = seeds
    out = score_sentiment(sentences, voice=voice, articles=articles)
    wide = out.pivot(index=["doc_id", "sent_id"], columns="scope", values="compound")
    unquoted = sentences.set_index(["doc_id", "sent_id"])["quote_share"].eq(0)
    assert unquoted.sum() > 40
    assert wide.loc[unquoted, "narrator"].equals(wide.loc[unquoted, "sentence"])


def test_all_quote_sentence_has_nan_narrator_scores(seeds):
    articles, sentences, voice = seeds
    out = score_sentiment(sentences, voice=voice, articles=articles)
    row = sentence(sentences, "You’re a bunch of cowards!")
    assert scores_of(out, row, lexicon="vader", scope="narrator").isna().all()
    assert scores_of(out, row, lexicon="vader", scope="sentence").notna().all()


def test_scare_quotes_can_stay_in_narrator_text(seeds):
    articles, sentences, voice = seeds
    row = sentence(sentences, "hitting out at the “cowards” and “traitors”")
    kept = score_sentiment(sentences, voice=voice, articles=articles, domain=True,
                           scare_as_narrator=True)
    removed = score_sentiment(sentences, voice=voice, articles=articles, domain=True)
    sentence_scores = scores_of(kept, row, lexicon="vader+domain", scope="sentence")
    assert scores_of(kept, row, lexicon="vader+domain", scope="narrator").equals(sentence_scores)
    assert not scores_of(removed, row, lexicon="vader+domain", scope="narrator").equals(
        sentence_scores)


def test_narrator_text_joins_the_pieces_around_a_quote():
    text = 'Critics said "this is a disaster" but officials were happy.'
    articles = pd.DataFrame({"doc_id": ["a"], "title": [None], "text": [text]})
    sentences, voice = segment_articles(articles)
    out = score_sentiment(sentences, voice=voice, articles=articles, ascii_punctuation=False)
    narrator = out[out["scope"] == "narrator"].iloc[0]
    expected = SentimentIntensityAnalyzer().polarity_scores(
        "Critics said but officials were happy.")
    assert narrator[SCORE_COLUMNS].to_dict() == expected



def test_quotes_blanked_in_sentence_texts_equal_those_blanked_in_articles(seeds):
    articles, sentences, voice = seeds
    spans = voice[voice["voice"] == "quote"]
    texts = pa.array(sentences["text"].tolist(), pa.large_string())
    assert sentiment_module._aligned(sentences, texts, spans).all() and len(spans) > 10
    fast = sentiment_module._blank_sentences(sentences, texts, spans)
    assert fast.equals(sentiment_module._blank_articles(sentences, articles, spans))
    # characters of several UTF-8 bytes, a quote over two sentences, an empty sentence
    text = "Héllo “wörld” 😀 says “ÉÉ” ok."
    articles = pd.DataFrame({"doc_id": ["x", "y"], "text": [text, "😀😀 “q”"]})
    sentences = pd.DataFrame({"doc_id": ["x", "x", "x", "y"], "start": [0, 13, 13, 0],
                              "end": [13, 13, len(text), 6]})
    sentences["text"] = [(text if doc == "x" else "😀😀 “q”")[a:b] for doc, a, b in
                         sentences[["doc_id", "start", "end"]].itertuples(index=False)]
    spans = pd.DataFrame({"doc_id": ["x", "x", "x", "y"], "start": [6, 11, 20, 0],
                          "end": [9, 16, 24, 2]})
    texts = pa.array(sentences["text"].tolist(), pa.large_string())
    fast = sentiment_module._blank_sentences(sentences, texts, spans)
    assert fast.to_pylist() == ["Héllo    rl  ", "", "   says    ” ok.", "   “q”"]
    assert fast.equals(sentiment_module._blank_articles(sentences, articles, spans))


def test_narrator_text_is_cut_from_the_article_when_the_sentence_text_differs(seeds):
    # a sentence text that is not the article's text at its offsets: the narrator
    # text still comes from the article, the sentence scope from the text given
    articles, sentences, voice = seeds
    out = score_sentiment(sentences.assign(text=sentences["text"].str.upper() + "!"),
                          voice=voice, articles=articles)
    expected = score_sentiment(sentences, voice=voice, articles=articles)
    for scope, same in (("narrator", True), ("sentence", False)):
        got, want = (table.loc[table["scope"] == scope, SCORE_COLUMNS].reset_index(drop=True)
                     for table in (out, expected))
        assert got.equals(want) is same


def test_a_sentence_narrator_text_does_not_depend_on_the_other_articles_scored_with_it():
    # article a's sentence text differs from its article's text but has its length; b's
    # sentence text is one character too long, so b's narrator text is cut from b's article
    text_a = "Maduro said the army is “loyal” and the day is good."
    text_b = "Guaidó said “enough” today."
    articles = pd.DataFrame({"doc_id": ["a", "b"], "title": [None, None],
                             "text": [text_a, text_b]})
    sentences, voice = segment_articles(articles)
    assert len(sentences) == 2
    edited = sentences.assign(text=[text_a.replace("good", "evil"), text_b + "!"])
    alone = score_sentiment(edited.iloc[:1], voice=voice, articles=articles)
    together = score_sentiment(edited, voice=voice, articles=articles)
    for table in (alone, together):
        narrator = table[(table["scope"] == "narrator") & (table["doc_id"] == "a")]
        assert narrator["compound"].iloc[0] < 0  # "evil": the text given, in both
    assert sentiment_module._aligned(edited, pa.array(edited["text"].tolist()),
                                     voice[voice["voice"] == "quote"]).tolist() == [True, False]


# ----------------------------------------------------------------------------- arguments

def test_bad_arguments_are_named(seeds):
    articles, sentences, voice = seeds
    with pytest.raises(ValueError, match="both voice= and articles="):
        score_sentiment(sentences, voice=voice)
    with pytest.raises(ValueError, match="only used with domain=True"):
        score_sentiment(sentences, valence="x.yaml")
    with pytest.raises(ValueError, match="lacks column"):
        score_sentiment(sentences.drop(columns="text"))
    with pytest.raises(ValueError, match="n_jobs"):
        score_sentiment(sentences, n_jobs=0)
    holed = sentences.copy()
    holed.loc[3, "text"] = None
    with pytest.raises(ValueError, match=r"row 3 .* has no text"):
        score_sentiment(holed)
    with pytest.raises(ValueError, match="voice table lacks article"):
        score_sentiment(sentences, voice=voice[voice["doc_id"] != sentences["doc_id"].iloc[0]],
                        articles=articles)


def test_parallel_scoring_gives_the_same_table():
    sentences = pd.DataFrame({"text": fuzz_sentences(10_500, seed=3)})
    sentences = sentences.assign(doc_id="fuzz", sent_id=range(len(sentences)))
    one = score_sentiment(sentences)
    assert one.attrs["unique_texts"] >= _PARALLEL_FROM
    two = score_sentiment(sentences, n_jobs=2)
    assert one.equals(two)
    assert two.attrs == one.attrs



def test_folding_on_bytes_equals_translating_each_text(seeds):
    _, sentences, _ = seeds
    texts = [*sentences["text"], "“Traitors,” he said… ‘don’t’ — «non» ‐‑‒―′″„‟‚‛ é😀", "…",
             "«", "x“", "", "plain"]
    folded = sentiment_module._folded(pa.array(texts, pa.large_string()))
    assert folded.to_pylist() == [text.translate(FOLD) for text in texts]
    assert any(text != text.translate(FOLD) for text in sentences["text"])
