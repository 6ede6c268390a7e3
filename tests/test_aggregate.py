"""Tests of the per-outlet aggregates, on crafted tables and on the seed batch."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pandas as pd
import pytest

from sourcebias.stats.bootstrap import percentile_interval, resampled_sums
from sourcebias.stats.kwic import kwic
from sourcebias.stats.labels import label_table, spelling_key
from sourcebias.stats.overview import outlet_summary
from sourcebias.stats.rates import term_rates, voice_words
from sourcebias.stats.tone import actor_sentiment, article_sentiment, outlet_sentiment
from sourcebias.tables import WORD_PATTERN, count_words

# ----------------------------------------------------------------------------- crafted tables

TEXTS = {
    "a1": 'The coup failed.\n\nHe said "the traitors lost the coup" today.',
    "a2": "A coup attempt. Guaido is a  puppet.",
    "b1": 'The uprising grew. "Coup" said nobody.',
    "a3": 'The coup failed.\n\nHe said "the traitors lost the coup" today.',
}
OUTLETS = {"a1": "A", "a2": "A", "b1": "B", "a3": "A"}
LOADED = {"coup": "coup", "uprising": "coup", "traitors": "insult", "puppet": "insult"}


def make_articles(texts: dict[str, str], outlets: dict[str, str],
                  duplicates: dict[str, str] | None = None) -> pd.DataFrame:
    duplicates = duplicates or {}
    articles = pd.DataFrame({
        "doc_id": list(texts),
        "outlet": [outlets[d] for d in texts],
        "outlet_group": [f"group {outlets[d]}" for d in texts],
        "text": list(texts.values()),
        "duplicate_of": [duplicates.get(d) for d in texts],
    })
    return articles.assign(n_words=count_words(articles["text"]))


def make_voice(articles: pd.DataFrame) -> pd.DataFrame:
    """Spans tiling each text: every straight-quoted stretch is a quote span."""
    rows = []
    for doc, text in zip(articles["doc_id"], articles["text"], strict=True):
        edge = 0
        for quote in re.finditer(r'"[^"]*"', text):
            if quote.start() > edge:
                rows.append((doc, edge, quote.start(), "narrator"))
            rows.append((doc, quote.start(), quote.end(), "quote"))
            edge = quote.end()
        if edge < len(text):
            rows.append((doc, edge, len(text), "narrator"))
    voice = pd.DataFrame(rows, columns=["doc_id", "start", "end", "voice"])
    return voice.assign(scare=False)


def make_hits(articles: pd.DataFrame, voice: pd.DataFrame) -> pd.DataFrame:
    """Every loaded word of :data:`LOADED`, placed in its voice span."""
    rows = []
    for doc, text in zip(articles["doc_id"], articles["text"], strict=True):
        for match in re.finditer(r"(?i)\b(" + "|".join(LOADED) + r")\b", text):
            spans = voice[(voice["doc_id"] == doc) & (voice["start"] <= match.start())
                          & (voice["end"] > match.start())]
            term = match.group().lower()
            rows.append((doc, match.start(), match.end(), term, LOADED[term],
                         match.group(), spans["voice"].iloc[0]))
    hits = pd.DataFrame(rows, columns=["doc_id", "start", "end", "term", "category", "surface",
                                       "voice"])
    return hits.assign(sent_id=0, scare=False, is_title=False, negated=False)


@pytest.fixture
def crafted():
    articles = make_articles(TEXTS, OUTLETS, {"a3": "a1"})
    voice = make_voice(articles)
    return articles, voice, make_hits(articles, voice)


def one_term_batch(counts: list[tuple[int, int]], outlet: str = "A") -> tuple:
    """Articles of ``words`` words with ``hits`` hits of the term "coup" each (all narrator)."""
    texts = {}
    for i, (n_hits, n_words) in enumerate(counts):
        texts[f"{outlet}{i}"] = " ".join(["coup"] * n_hits + ["word"] * (n_words - n_hits))
    articles = make_articles(texts, dict.fromkeys(texts, outlet))
    voice = make_voice(articles)
    return articles, voice_words(articles, voice=voice), make_hits(articles, voice)


# ----------------------------------------------------------------------------- voice_words


def test_voice_words_counts_quoted_and_narrator_words(crafted):
    articles, voice, _ = crafted
    words = voice_words(articles, voice=voice).set_index(["doc_id", "voice"])["n_words"]
    # a1: "The coup failed. He said ... today." / "the traitors lost the coup"
    assert words["a1", "quote"] == 5
    assert words["a1", "narrator"] == 6
    assert words["a2", "quote"] == 0
    assert words["b1", "quote"] == 1
    assert words["a3", "quote"] == 5  # duplicates are kept: the aggregates filter them
    per_article = words.groupby(level="doc_id").sum()
    assert per_article.to_dict() == dict(zip(articles["doc_id"], articles["n_words"], strict=True))


def test_voice_words_refuses_an_article_without_spans(crafted):
    articles, voice, _ = crafted
    with pytest.raises(ValueError, match=r"articles row 1 \(doc_id 'a2'\) has words but no voice"):
        voice_words(articles, voice=voice[voice["doc_id"] != "a2"])


def test_voice_words_refuses_an_unknown_voice(crafted):
    articles, voice, _ = crafted
    broken = voice.assign(voice=voice["voice"].replace({"quote": "quoted"}))
    with pytest.raises(ValueError, match="neither 'narrator' nor 'quote'"):
        voice_words(articles, voice=broken)


# ----------------------------------------------------------------------------- term_rates


def test_term_rates_ratio_and_two_article_interval(crafted):
    articles, voice, hits = crafted
    words = voice_words(articles, voice=voice)
    rates = term_rates(hits, articles=articles, words=words, level="category")
    row = rates.set_index(["outlet", "category", "voice"]).loc[("A", "coup", "narrator")]
    # a1: 1 hit in 6 narrator words, a2: 1 hit in 7; the duplicate a3 is left out
    assert row["n_articles"] == 2
    assert row["n_hits"] == 2
    assert row["n_words"] == 13
    assert row["rate_per_1000"] == pytest.approx(2 / 13 * 1000)
    # two articles: resamples give 1/7, 2/13 or 1/6 with probabilities 1/4, 1/2, 1/4,
    # so the 2.5% and 97.5% percentiles are the two single-article ratios
    assert row["ci_low"] == pytest.approx(1 / 7 * 1000)
    assert row["ci_high"] == pytest.approx(1 / 6 * 1000)
    assert pd.isna(row["note"])
    assert "percentile bootstrap" in row["ci_method"]


def test_two_article_bootstrap_distribution_has_three_values():
    num = np.array([[1.0], [1.0]])
    den = np.array([[7.0], [6.0]])
    boot_num, boot_den = resampled_sums(num, den, n_boot=20000, rng=np.random.default_rng(1))
    reps = boot_num[:, 0] / boot_den[:, 0]
    values, counts = np.unique(np.round(reps, 12), return_counts=True)
    np.testing.assert_allclose(values, [1 / 7, 2 / 13, 1 / 6])
    np.testing.assert_allclose(counts / counts.sum(), [0.25, 0.5, 0.25], atol=0.015)
    low, high = percentile_interval(reps[:, None], ci=0.4)  # 30% and 70% points: the middle
    assert low[0] == pytest.approx(2 / 13)
    assert high[0] == pytest.approx(2 / 13)


def test_three_article_interval_matches_exact_enumeration():
    counts = [(0, 10), (1, 10), (3, 20)]
    # all 27 equally likely ordered draws of 3 articles out of 3
    ratios = [sum(counts[i][0] for i in draw) / sum(counts[i][1] for i in draw)
              for draw in itertools.product(range(3), repeat=3)]
    values, draws = np.unique(np.round(ratios, 12), return_counts=True)
    cdf = np.cumsum(draws) / 27
    # the 10% and 90% points fall well inside steps of the exact distribution
    assert np.abs(cdf - 0.1).min() > 0.03 and np.abs(cdf - 0.9).min() > 0.03
    exact_low = values[np.argmax(cdf >= 0.1)] * 1000
    exact_high = values[np.argmax(cdf >= 0.9)] * 1000
    articles, words, hits = one_term_batch(counts)
    rates = term_rates(hits, articles=articles, words=words, voice="narrator", level="term",
                       n_boot=20000, ci=0.8)
    assert rates["ci_low"].iloc[0] == pytest.approx(exact_low)
    assert rates["ci_high"].iloc[0] == pytest.approx(exact_high)
    assert rates["rate_per_1000"].iloc[0] == pytest.approx(4 / 40 * 1000)


def test_term_rates_seeding():
    articles, words, hits = one_term_batch([(0, 30), (1, 40), (2, 25), (5, 60), (1, 10), (3, 33)])
    options = {"articles": articles, "words": words, "voice": "narrator", "n_boot": 500}
    first = term_rates(hits, random_state=7, **options)
    again = term_rates(hits, random_state=7, **options)
    other = term_rates(hits, random_state=8, **options)
    pd.testing.assert_frame_equal(first, again)
    bounds = ["ci_low", "ci_high"]
    assert (first[bounds].to_numpy() != other[bounds].to_numpy()).any()
    assert (first["rate_per_1000"] == other["rate_per_1000"]).all()


def test_an_outlets_interval_does_not_depend_on_the_other_outlets():
    a = one_term_batch([(0, 30), (1, 40), (2, 25), (5, 60)], outlet="A")
    z = one_term_batch([(1, 20), (0, 20)], outlet="Z")
    both = [pd.concat([x, y], ignore_index=True) for x, y in zip(a, z, strict=True)]
    alone = term_rates(a[2], articles=a[0], words=a[1], voice="narrator", n_boot=300)
    joint = term_rates(both[2], articles=both[0], words=both[1], voice="narrator", n_boot=300)
    pd.testing.assert_frame_equal(alone, joint[joint["outlet"] == "A"].reset_index(drop=True))


def test_one_article_outlet_has_no_interval(crafted):
    articles, voice, hits = crafted
    rates = term_rates(hits, articles=articles, words=voice_words(articles, voice=voice),
                       level="term")
    b = rates[rates["outlet"] == "B"]
    assert len(b) == 8  # 4 terms x 2 voices, zero-hit cells included
    assert b["ci_low"].isna().all() and b["ci_high"].isna().all()
    assert (b["note"] == "1 article: no interval").all()
    assert b["ci_method"].isna().all()
    uprising = b.set_index(["term", "voice"]).loc[("uprising", "narrator")]
    assert uprising["rate_per_1000"] == pytest.approx(1 / 5 * 1000)
    # never a zero-width interval anywhere
    assert not (rates["ci_low"] == rates["ci_high"]).any()


def test_zero_hit_cells_and_entries(crafted):
    articles, _, hits = crafted
    rates = term_rates(hits, articles=articles, level="term", voice="all",
                       entries=["coup", "traitors", "junta"])
    assert list(rates["term"]) == ["coup", "traitors", "junta"] * 2
    junta = rates.set_index(["outlet", "term"]).loc[("A", "junta")]
    assert junta["n_hits"] == 0 and junta["rate_per_1000"] == 0
    # no hits among 2 articles: [0, exact Poisson upper bound], chi2(2) quantile / 2 = -ln(alpha/2)
    assert junta["ci_low"] == 0
    assert junta["ci_high"] == pytest.approx(-math.log(0.025) / 18 * 1000)
    assert "Poisson" in junta["ci_method"]
    assert set(rates.loc[rates["term"] == "coup", "category"]) == {"coup"}


def test_duplicates_are_left_out_unless_asked(crafted):
    articles, _, hits = crafted
    default = term_rates(hits, articles=articles, voice="all").set_index(["outlet", "category"])
    kept = term_rates(hits, articles=articles, voice="all", include_duplicates=True).set_index(
        ["outlet", "category"])
    assert default.loc[("A", "coup"), "n_hits"] == 3
    assert kept.loc[("A", "coup"), "n_hits"] == 5
    assert kept.loc[("A", "coup"), "n_articles"] == 3
    assert kept.loc[("A", "coup"), "n_words"] == articles.loc[
        articles["outlet"] == "A", "n_words"].sum()


def test_quote_rates_use_quoted_words_and_report_dropped_resamples():
    texts = {"q1": 'He said "coup now" then.', "q2": 'She said "no coup here at all".',
             "q3": "Nothing quoted in this one."}
    articles = make_articles(texts, dict.fromkeys(texts, "A"))
    voice = make_voice(articles)
    rates = term_rates(make_hits(articles, voice), articles=articles,
                       words=voice_words(articles, voice=voice), voice="quote")
    row = rates.iloc[0]
    assert row["voice"] == "quote" and row["n_words"] == 7 and row["n_hits"] == 2
    assert row["rate_per_1000"] == pytest.approx(2 / 7 * 1000)
    # a resample drawing q3 three times (chance 1/27) has no quoted words
    dropped = int(re.match(r"(\d+) of 2000 resamples had no words", row["note"]).group(1))
    assert 30 < dropped < 130
    assert row["ci_low"] < row["rate_per_1000"] < row["ci_high"]


def test_one_article_with_words_in_the_voice_has_no_interval(crafted):
    articles, voice, hits = crafted
    rates = term_rates(hits, articles=articles, words=voice_words(articles, voice=voice),
                       voice="quote")
    row = rates.set_index(["outlet", "category"]).loc[("A", "coup")]
    assert row["note"] == "1 article with words in this voice: no interval"
    assert np.isnan(row["ci_low"])


def test_term_rates_bad_input(crafted):
    articles, _, hits = crafted
    with pytest.raises(ValueError, match="needs words per voice"):
        term_rates(hits, articles=articles)
    stray = pd.concat([hits, hits.iloc[[0]].assign(doc_id="zz")], ignore_index=True)
    with pytest.raises(ValueError, match=rf"hits row {len(hits)} \(doc_id 'zz'\) has a doc_id th"):
        term_rates(stray, articles=articles, voice="all")
    with pytest.raises(ValueError, match="voice must be one of"):
        term_rates(hits, articles=articles, voice="mine")
    with pytest.raises(ValueError, match="n_boot"):
        term_rates(hits, articles=articles, voice="all", n_boot=0)


# ----------------------------------------------------------------------------- labels


@pytest.fixture
def labelled():
    texts = {
        "p1": "The self-proclaimed president Guaido spoke. Guaido, a puppet, left.",
        "p2": "Self-proclaimed  president Guaido again. Maduro replied.",
        "p3": 'Guaido said "the usurper Maduro must go".',
        "q1": "Interim president Guaido arrived.",
    }
    articles = make_articles(texts, {"p1": "P", "p2": "P", "p3": "P", "q1": "Q"})
    sentences = pd.DataFrame({
        "doc_id": ["p1", "p1", "p2", "p2", "p3", "q1"],
        "sent_id": [0, 1, 0, 1, 0, 0],
        "text": ["The self-proclaimed president Guaido spoke.", "Guaido, a puppet, left.",
                 "Self-proclaimed  president Guaido again.", "Maduro replied.",
                 'Guaido said "the usurper Maduro must go".',
                 "Interim president Guaido arrived."],
    })
    rows = [  # doc, sent, surface, occurrence, voice, label
        ("p1", 0, "Guaido", 0, "narrator", "self-proclaimed president"),
        ("p1", 1, "Guaido", 1, "narrator", "a puppet"),
        ("p2", 0, "Guaido", 0, "narrator", "Self-proclaimed  president"),
        ("p2", 1, "Maduro", 0, "narrator", None),
        ("p3", 0, "Guaido", 0, "narrator", None),
        ("p3", 0, "Maduro", 0, "quote", "usurper"),
        ("q1", 0, "Guaido", 0, "narrator", "Interim president"),
    ]
    mentions = []
    for doc, sent, surface, nth, voice, label in rows:
        start = [m.start() for m in re.finditer(surface, texts[doc])][nth]
        mentions.append((doc, sent, start, start + len(surface), surface.lower(), surface,
                         voice, label))
    mentions = pd.DataFrame(mentions, columns=["doc_id", "sent_id", "start", "end", "actor",
                                               "surface", "voice", "label"])
    return articles, sentences, mentions.assign(scare=False, is_title=False)


def test_label_table_counts_and_shares(labelled):
    articles, sentences, mentions = labelled
    table = label_table(mentions, articles=articles, sentences=sentences)
    p = table[(table["outlet"] == "P") & (table["actor"] == "guaido")].reset_index(drop=True)
    assert list(p["label"]) == ["self-proclaimed president", "a puppet"]
    assert list(p["count"]) == [2, 1]
    np.testing.assert_allclose(p["share"], [2 / 3, 1 / 3])
    assert set(p["n_labelled"]) == {3}
    assert set(p["n_mentions"]) == {4}  # the unlabelled p3 mention counts here only
    assert p["examples"].iloc[0] == "The self-proclaimed president Guaido spoke."
    assert "usurper" not in set(table["label"])  # a quoted label is not the outlet's voice
    quoted = label_table(mentions, articles=articles, sentences=sentences, voice="quote")
    assert list(quoted["label"]) == ["usurper"] and quoted["share"].iloc[0] == 1.0


def test_label_table_options(labelled):
    articles, sentences, mentions = labelled
    two = label_table(mentions, articles=articles, sentences=sentences, min_count=2, examples=2)
    assert list(two["label"]) == ["self-proclaimed president"]
    assert two["examples"].iloc[0].split("\n") == [
        "The self-proclaimed president Guaido spoke.", "Self-proclaimed president Guaido again."]
    only_q = label_table(mentions, articles=articles, examples=0, actors=["guaido"], voice="all")
    assert "examples" not in only_q.columns
    assert set(only_q["actor"]) == {"guaido"}
    with pytest.raises(ValueError, match="needs sentences"):
        label_table(mentions, articles=articles)


def test_label_table_folds_british_and_american_spellings(labelled):
    articles, _, mentions = labelled
    spelt = mentions.assign(label=mentions["label"].replace(
        {"self-proclaimed president": "national security adviser",
         "Self-proclaimed  president": "National Security Advisor"}))
    table = label_table(spelt, articles=articles, examples=0)
    p = table[(table["outlet"] == "P") & (table["actor"] == "guaido")]
    assert list(p["count"]) == [2, 1]
    assert p["label"].iloc[0] == "national security adviser"  # the earlier of two forms
    spelt.loc[spelt["doc_id"] == "q1", "label"] = "National Security Advisor"
    table = label_table(spelt, articles=articles, examples=0)
    assert set(table.loc[table["actor"] == "guaido", "label"]) == {
        "National Security Advisor", "a puppet"}, "the batch's commonest form in every outlet"


def test_spelling_key_folds_endings_but_not_short_words():
    pairs = [("adviser", "advisor"), ("Labour leader", "labor leader"),
             ("recognised", "recognized"), ("organisation", "organization"),
             ("analyse", "analyze"), ("centre-right", "center-right"),
             ("defence minister", "defense minister")]
    for british, american in pairs:
        assert spelling_key(pd.Series([british])).iloc[0] == spelling_key(
            pd.Series([american])).iloc[0], british
    kept = ["four", "hour", "rise", "president", "our"]
    assert list(spelling_key(pd.Series(kept))) == kept


# ----------------------------------------------------------------------------- kwic


def test_kwic_clips_context_at_word_boundaries():
    text = "alpha bravo charlie\n\ndelta echo foxtrot"
    articles = make_articles({"k": text}, {"k": "K"})
    start = text.index("charlie")
    spans = pd.DataFrame({"doc_id": ["k"], "start": [start], "end": [start + 7],
                          "term": ["charlie"], "voice": ["narrator"], "scare": [False],
                          "is_title": [False]})
    row = kwic(spans, articles=articles, window=8).iloc[0]
    # 8 characters either side are "a bravo " and "\n\ndelta e": the cut words go
    assert (row["left"], row["match"], row["right"]) == ("bravo", "charlie", "delta")
    wide = kwic(spans, articles=articles, window=100).iloc[0]
    assert (wide["left"], wide["right"]) == ("alpha bravo", "delta echo foxtrot")
    assert row["outlet"] == "K"


def test_kwic_filters(crafted):
    articles, _, hits = crafted
    quoted = kwic(hits, articles=articles, category="coup", voice="quote", window=10)
    assert list(quoted["doc_id"]) == ["a1", "b1"]  # the duplicate a3 is left out
    assert list(quoted["match"]) == ["coup", "Coup"]
    assert quoted["left"].iloc[0] == "lost the"
    assert kwic(hits, articles=articles, term=["puppet", "traitors"])["term"].tolist() == [
        "traitors", "puppet"]
    with pytest.raises(ValueError, match="lacks column"):
        kwic(hits, articles=articles, actor="guaido")


# ----------------------------------------------------------------------------- sentiment


@pytest.fixture
def scored(labelled):
    articles, sentences, mentions = labelled
    sentiment = pd.DataFrame({
        "doc_id": sentences["doc_id"], "sent_id": sentences["sent_id"], "lexicon": "vader",
        "compound": [-0.5, 0.1, 0.3, 0.2, -0.6, 0.4],
    })
    return articles, sentences, mentions, sentiment


def test_actor_sentiment_means_and_interval(scored):
    articles, _, mentions, sentiment = scored
    table = actor_sentiment(sentiment, mentions=mentions, articles=articles, voice="all")
    guaido = table.set_index(["outlet", "actor"]).loc[("P", "guaido")]
    # narrator or not, Guaido is in sentences p1/0, p1/1, p2/0 and p3/0
    assert guaido["n_sentences"] == 4 and guaido["n_articles"] == 3
    assert guaido["mean_compound"] == pytest.approx((-0.5 + 0.1 + 0.3 - 0.6) / 4)
    assert guaido["scope"] == "sentence" and guaido["lexicon"] == "vader"
    assert guaido["ci_low"] < guaido["mean_compound"] < guaido["ci_high"]
    q = table.set_index(["outlet", "actor"]).loc[("Q", "guaido")]
    assert q["note"] == "1 article: no interval" and np.isnan(q["ci_high"])


def test_actor_sentiment_two_article_interval_by_hand(scored):
    articles, _, mentions, sentiment = scored
    narrator = actor_sentiment(sentiment, mentions=mentions, articles=articles)
    row = narrator.set_index(["outlet", "actor"]).loc[("P", "maduro")]
    assert row["n_articles"] == 1  # the p3 mention of Maduro is quoted
    guaido = narrator.set_index(["outlet", "actor"]).loc[("P", "guaido")]
    # three articles: p1 (sum -0.4 over 2), p2 (0.3 over 1), p3 (-0.6 over 1)
    assert guaido["mean_compound"] == pytest.approx(-0.7 / 4)
    # the extreme resamples are p3 three times (-0.6) and p2 three times (0.3): chance 1/27 each
    assert -0.6 <= guaido["ci_low"] < -0.175 < guaido["ci_high"] <= 0.3
    two = actor_sentiment(sentiment, mentions=mentions[mentions["doc_id"] != "p3"],
                          articles=articles).set_index(["outlet", "actor"]).loc[("P", "guaido")]
    # two articles: ratios -0.2, -0.1/3, 0.3 with chances 1/4, 1/2, 1/4
    assert (two["ci_low"], two["ci_high"]) == (pytest.approx(-0.2), pytest.approx(0.3))


def test_actor_sentiment_uses_narrator_scores(scored):
    articles, _, mentions, sentiment = scored
    with_scope = pd.concat([
        sentiment.assign(scope="sentence"),
        sentiment[sentiment["doc_id"] == "p3"].assign(scope="narrator", compound=0.25),
    ], ignore_index=True)
    narrator = actor_sentiment(with_scope, mentions=mentions, articles=articles)
    guaido = narrator.set_index(["outlet", "actor"]).loc[("P", "guaido")]
    assert guaido["scope"] == "narrator"
    assert guaido["mean_compound"] == pytest.approx((-0.5 + 0.1 + 0.3 + 0.25) / 4)
    whole = actor_sentiment(with_scope, mentions=mentions, articles=articles, voice="all")
    assert whole.set_index(["outlet", "actor"]).loc[("P", "guaido"), "mean_compound"] == (
        pytest.approx((-0.5 + 0.1 + 0.3 - 0.6) / 4))
    with pytest.raises(ValueError, match=r"no scores for lexicon 'vader\+domain'"):
        actor_sentiment(sentiment, mentions=mentions, articles=articles, lexicon="vader+domain")


def test_article_and_outlet_sentiment(scored):
    articles, _, _, sentiment = scored
    per_article = article_sentiment(sentiment, articles=articles).set_index("doc_id")
    assert per_article.loc["p1", "mean_compound"] == pytest.approx(-0.2)
    assert per_article.loc["p2", "n_sentences"] == 2
    without_q1 = article_sentiment(sentiment[sentiment["doc_id"] != "q1"], articles=articles)
    assert np.isnan(without_q1.set_index("doc_id").loc["q1", "mean_compound"])
    per_outlet = outlet_sentiment(sentiment, articles=articles).set_index("outlet")
    article_means = [-0.2, 0.25, -0.6]
    assert per_outlet.loc["P", "mean_compound"] == pytest.approx(np.mean(article_means))
    assert per_outlet.loc["P", "sd_compound"] == pytest.approx(np.std(article_means, ddof=1))
    assert per_outlet.loc["P", "n_sentences"] == 5
    assert per_outlet.loc["Q", "note"] == "1 article: no interval"
    with pytest.raises(ValueError, match="no scope column"):
        article_sentiment(sentiment, articles=articles, scope="narrator")


# ----------------------------------------------------------------------------- overview


def test_outlet_summary(crafted):
    articles, voice, _ = crafted
    sentences = pd.DataFrame({"doc_id": ["a1", "a1", "a2", "a2", "b1", "b1", "a3", "a3"],
                              "sent_id": [0, 1, 0, 1, 0, 1, 0, 1]})
    summary = outlet_summary(articles, sentences=sentences, voice=voice).set_index("outlet")
    a = summary.loc["A"]
    assert (a["n_articles"], a["n_duplicates"], a["n_sentences"]) == (2, 1, 4)
    assert (a["n_words_narrator"], a["n_words_quote"], a["n_words"]) == (13, 5, 18)
    assert a["quote_share"] == pytest.approx(5 / 18)
    assert a["narrator_share"] == pytest.approx(13 / 18)
    assert a["outlet_group"] == "group A"
    assert summary.loc["B", "quote_share"] == pytest.approx(1 / 6)


# ----------------------------------------------------------------------------- seed batch


@pytest.fixture(scope="module")
def seed(seed_batch):
    from sourcebias.annotate.actors import find_actors
    from sourcebias.annotate.sentiment import score_sentiment
    from sourcebias.annotate.terms import find_terms
    from sourcebias.segment.sentences import segment_articles

    articles = seed_batch.articles
    sentences, voice = segment_articles(articles)
    return {
        "articles": articles,
        "sentences": sentences,
        "voice": voice,
        "words": voice_words(articles, voice=voice),
        "hits": find_terms(articles, sentences=sentences, voice=voice),
        "mentions": find_actors(articles, sentences=sentences, voice=voice),
        "sentiment": score_sentiment(sentences, voice=voice, articles=articles),
    }


def test_seed_outlet_summary(seed):
    summary = outlet_summary(seed["articles"], sentences=seed["sentences"],
                             voice=seed["voice"]).set_index("outlet")
    assert len(summary) == 5 and (summary["n_articles"] == 1).all()
    # Iran Press relays the minister's tweets; the aggregator mostly paraphrases
    assert summary.loc["Iran Press", "quote_share"] > 2 * summary.loc["Aggregator A", "quote_share"]
    words = seed["articles"].set_index("outlet")["n_words"]
    assert (summary["n_words"] == words.reindex(summary.index)).all()
    assert summary["n_sentences"].sum() == len(seed["sentences"])
    assert summary.loc["Sputnik", "outlet_group"] == "state media"


def test_seed_rates_of_one_article_outlets_have_no_interval(seed):
    rates = term_rates(seed["hits"], articles=seed["articles"], words=seed["words"])
    categories = seed["hits"]["category"].nunique()
    assert len(rates) == 5 * categories * 2  # every outlet x category x voice, zeros included
    assert rates["ci_low"].isna().all() and rates["ci_high"].isna().all()
    assert (rates["note"] == "1 article: no interval").all()
    per_outlet = rates.groupby("outlet")["n_hits"].sum()
    outlet_of = seed["articles"].set_index("doc_id")["outlet"]
    assert per_outlet.to_dict() == seed["hits"]["doc_id"].map(outlet_of).value_counts().to_dict()
    np.testing.assert_allclose(rates["rate_per_1000"], rates["n_hits"] / rates["n_words"] * 1000)


def test_seed_state_media_interval_spans_its_two_articles(seed):
    options = {"articles": seed["articles"], "words": seed["words"], "voice": "narrator"}
    outlets = term_rates(seed["hits"], **options).set_index(["outlet", "category"])
    groups = term_rates(seed["hits"], by="outlet_group", **options)
    state = groups[groups["outlet_group"] == "state media"].set_index("category")
    assert (state["n_articles"] == 2).all()
    iran = outlets.xs("Iran Press", level="outlet")["rate_per_1000"]
    sputnik = outlets.xs("Sputnik", level="outlet")["rate_per_1000"]
    # two articles: the 95% bounds are the two single-article rates
    differ = state.index[(iran != sputnik).reindex(state.index) & (state["n_hits"] > 0)]
    assert len(differ) >= 3
    np.testing.assert_allclose(state.loc[differ, "ci_low"], np.minimum(iran, sputnik)[differ])
    np.testing.assert_allclose(state.loc[differ, "ci_high"], np.maximum(iran, sputnik)[differ])


def test_seed_label_table(seed):
    table = label_table(seed["mentions"], articles=seed["articles"], sentences=seed["sentences"])
    shares = table.groupby(["outlet", "actor"])["share"].sum()
    np.testing.assert_allclose(shares, 1.0)
    assert (table["count"] <= table["n_labelled"]).all()
    assert (table["n_labelled"] <= table["n_mentions"]).all()
    sputnik = table[(table["outlet"] == "Sputnik") & (table["actor"] == "guaido")]
    assert sputnik["label"].str.contains("self-proclaimed", case=False).any()
    for example, label in zip(table["examples"], table["label"], strict=True):
        # labels are normalised (case, apostrophes, quotation marks, spelling): compare
        # the words' spelling keys
        keyed = spelling_key(pd.Series([example.replace("’", "'"), label]))
        words = set(re.findall(WORD_PATTERN, keyed.iloc[0]))
        assert set(re.findall(WORD_PATTERN, keyed.iloc[1])) <= words


def test_seed_kwic_matches_the_hits(seed):
    hits = seed["hits"]
    lines = kwic(hits, articles=seed["articles"], window=40)
    assert len(lines) == len(hits)
    surfaces = hits.sort_values(["doc_id", "start"])["surface"].str.split().str.join(" ")
    assert lines["match"].tolist() == surfaces.tolist()
    assert (lines["left"].str.len() <= 40).all() and (lines["right"].str.len() <= 40).all()


def test_seed_sentiment_means(seed):
    sentiment, mentions = seed["sentiment"], seed["mentions"]
    whole = sentiment[(sentiment["lexicon"] == "vader") & (sentiment["scope"] == "sentence")]
    per_article = article_sentiment(sentiment, articles=seed["articles"]).set_index("doc_id")
    np.testing.assert_allclose(per_article["mean_compound"],
                               whole.groupby("doc_id")["compound"].mean()[per_article.index])
    table = actor_sentiment(sentiment, mentions=mentions, articles=seed["articles"], voice="all")
    maduro = mentions[(mentions["actor"] == "maduro")].drop_duplicates(["doc_id", "sent_id"])
    expected = maduro.merge(whole, on=["doc_id", "sent_id"]).groupby("doc_id")["compound"].mean()
    outlet_of = seed["articles"].set_index("doc_id")["outlet"]
    got = table[table["actor"] == "maduro"].set_index("outlet")["mean_compound"]
    np.testing.assert_allclose(got[outlet_of[expected.index]], expected)
    narrator = actor_sentiment(sentiment, mentions=mentions, articles=seed["articles"])
    assert (narrator["scope"] == "narrator").all()
    assert (narrator["n_sentences"].sum() < table["n_sentences"].sum())
    assert (narrator["note"] == "1 article: no interval").all()
