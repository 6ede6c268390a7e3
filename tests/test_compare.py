"""Keyness, outlet similarity, near duplicates and attribution (sourcebias.stats)."""

from __future__ import annotations

import gzip
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency
from sklearn.feature_extraction.text import TfidfVectorizer

from sourcebias.read.batch import read_batch
from sourcebias.segment.sentences import segment_articles
from sourcebias.stats.classify import _story_groups, classify_outlets
from sourcebias.stats.counts import _document_terms, keyness_table, term_counts
from sourcebias.stats.keyness import KEYNESS_COLUMNS, keyness, keyness_pairwise
from sourcebias.stats.similarity import near_duplicates, outlet_similarity
from sourcebias.tables import WORD_PATTERN, count_words

#: Six AllSides outlets with at least 100 articles each; 100 of each are used.
ALLSIDES_OUTLETS = (
    "www.breitbart.com", "www.apnews.com", "www.spectator.org",
    "www.abcnews.go.com", "www.dailycaller.com", "www.thedailybeast.com",
)


# --------------------------------------------------------------------------- helpers


def _counts(table: dict[str, dict[str, int]]) -> pd.DataFrame:
    """Tidy counts from {group: {term: count}}."""
    return pd.DataFrame(
        [(g, t, c) for g, terms in table.items() for t, c in terms.items()],
        columns=["group", "term", "count"],
    )


def _row(result: pd.DataFrame, term: str) -> pd.Series:
    rows = result[result["term"] == term]
    assert len(rows) == 1, f"{term!r} appears {len(rows)} times"
    return rows.iloc[0]


#: quanteda's own keyness test table: target "b b b b b b b a a a", reference
#: "a a a a a a a b b". For feature b: a=7, b=2, n_target=10, n_reference=9.
QUANTEDA_TABLE = _counts({"target": {"b": 7, "a": 3}, "reference": {"a": 7, "b": 2}})

#: A table derived by hand below: term x is 10 of 100 target words and 20 of 400
#: reference words, so a=10, b=20, c=90, d=380, N=500.
HAND_TABLE = _counts({"t": {"x": 10, "other": 90}, "r": {"x": 20, "other": 380}})


def _crafted_articles(texts: dict[str, tuple[str, str]], *, titles: dict[str, str] | None = None,
                      duplicates: dict[str, str] | None = None):
    """articles, sentences and voice for crafted texts; quote spans are straight-quoted runs.

    ``texts`` maps doc_id -> (outlet, text). A quoted run of at most two words
    is marked ``scare``; a title's first paragraph is its only title sentence.
    """
    titles = titles or {}
    duplicates = duplicates or {}
    articles = pd.DataFrame({
        "doc_id": list(texts),
        "outlet": [o for o, _ in texts.values()],
        "text": [t for _, t in texts.values()],
        "duplicate_of": [duplicates.get(d) for d in texts],
    })
    voice, sentences = [], []
    for doc_id, (_, text) in texts.items():
        cut = 0
        for quote in re.finditer(r'"[^"]*"', text):
            if quote.start() > cut:
                voice.append((doc_id, cut, quote.start(), "narrator", False))
            scare = len(quote.group().split()) <= 2
            voice.append((doc_id, quote.start(), quote.end(), "quote", scare))
            cut = quote.end()
        if cut < len(text):
            voice.append((doc_id, cut, len(text), "narrator", False))
        if doc_id in titles:
            sentences.append((doc_id, True, 0, len(titles[doc_id])))
    voice = pd.DataFrame(voice, columns=["doc_id", "start", "end", "voice", "scare"])
    sentences = pd.DataFrame(sentences, columns=["doc_id", "is_title", "start", "end"])
    return articles, sentences, voice


# --------------------------------------------------------------------------- quanteda values


@pytest.mark.parametrize(("correction", "expected"), [("none", 4.337160), ("default", 2.632438)])
def test_chi2_matches_quanteda_reference_values(correction, expected):
    result = keyness(QUANTEDA_TABLE, target="target", measure="chi2", correction=correction)
    assert _row(result, "b")["statistic"] == pytest.approx(expected, abs=1e-6)
    assert _row(result, "a")["statistic"] == pytest.approx(-expected, abs=1e-6)
    assert _row(result, "b")["n_target"] == 7 and _row(result, "b")["n_reference"] == 2


def test_chi2_williams_matches_quanteda_test_value():
    # quanteda.textstats tests/testthat/test-textstat_keyness.R keeps 4.017626 (commented
    # out there because its C++ code multiplies by q): 4.337160 / q with
    # q = 1 + (19/9 + 19/10 - 1) * (19/10 + 19/9 - 1) / (6 * 19) = 1.0795...
    result = keyness(QUANTEDA_TABLE, target="target", measure="chi2", correction="williams")
    assert _row(result, "b")["statistic"] == pytest.approx(4.017626, abs=1e-6)


@pytest.mark.parametrize(("correction", "expected"), [("none", 4.534939), ("default", 2.702844)])
def test_g2_matches_quanteda_reference_values(correction, expected):
    result = keyness(QUANTEDA_TABLE, target="target", measure="lr", correction=correction)
    assert _row(result, "b")["statistic"] == pytest.approx(expected, abs=1e-6)
    assert _row(result, "a")["statistic"] == pytest.approx(-expected, abs=1e-6)


def test_pmi_matches_quanteda_reference_value():
    result = keyness(QUANTEDA_TABLE, target="target", measure="pmi")
    assert _row(result, "b")["statistic"] == pytest.approx(0.390539, abs=1e-6)
    assert result["p"].isna().all() and result["p_adjusted"].isna().all()


def test_logodds_matches_monroe_reference_values():
    result = keyness(QUANTEDA_TABLE, target="target", measure="logodds", prior=0.01,
                     variance="two-term")
    assert _row(result, "b")["statistic"] == pytest.approx(2.6179, abs=1e-4)
    assert _row(result, "a")["statistic"] == pytest.approx(-3.0396, abs=1e-4)
    assert result["measure"].iloc[0] == (
        "Monroe et al. 2008 log-odds z, uniform prior 0.01, two-term variance"
    )


# --------------------------------------------------------------------------- hand-derived


def test_chi2_hand_derived():
    # a=10, b=20, c=90, d=380, N=500; ad - bc = 3800 - 1800 = 2000.
    # Margins: a+b=30, c+d=470, a+c=100, b+d=400; product 564,000,000.
    # none: 500 * 2000^2 / 564e6 = 3.5460993. Expected counts 6, 24, 94, 376 are all
    # >= 5, so quanteda's default applies no Yates: same value.
    # yates: 500 * (2000 - 250)^2 / 564e6 = 2.7149823.
    # williams: q = 1 + (500/30 + 500/470 - 1)(500/100 + 500/400 - 1) / 3000
    #             = 1 + 16.730496 * 5.25 / 3000 = 1.0292784; 3.5460993 / q = 3.4452286.
    # Sign: a = 10 > expected 6, so positive.
    expected = {"none": 3.5460993, "default": 3.5460993, "yates": 2.7149823,
                "williams": 3.4452286}
    for correction, value in expected.items():
        result = keyness(HAND_TABLE, target="t", measure="chi2", correction=correction)
        assert _row(result, "x")["statistic"] == pytest.approx(value, abs=1e-6), correction


def test_g2_hand_derived():
    # Same table; expected counts E = 6, 24, 94, 376.
    # G2 = 2 [10 ln(10/6) + 20 ln(20/24) + 90 ln(90/94) + 380 ln(380/376)]
    #    = 2 [5.1082562 - 3.6464311 - 3.9136601 + 4.0212015] = 3.1387331.
    # quanteda's 1e-9 inside each log adds about 2 * sum(E) * 1e-9 = 1e-6.
    # Williams divides by q = 1.0292784: 3.0494502.
    result = keyness(HAND_TABLE, target="t", measure="lr", correction="none")
    assert _row(result, "x")["statistic"] == pytest.approx(3.1387331, abs=2e-6)
    result = keyness(HAND_TABLE, target="t", measure="lr", correction="williams")
    assert _row(result, "x")["statistic"] == pytest.approx(3.1387331 / 1.0292784, abs=2e-6)
    # All expected counts >= 5: the default cell shift does not apply.
    result = keyness(HAND_TABLE, target="t", measure="lr", correction="default")
    assert _row(result, "x")["statistic"] == pytest.approx(3.1387331, abs=2e-6)


def test_pmi_hand_derived():
    # PMI = ln(a / E) = ln(10 / 6) = 0.5108256; "other" has 90 against E = 94: ln(90/94).
    # quanteda's 1e-9 inside the log moves each by about 1e-9.
    result = keyness(HAND_TABLE, target="t", measure="pmi")
    assert _row(result, "x")["statistic"] == pytest.approx(math.log(10 / 6), abs=1e-8)
    assert _row(result, "other")["statistic"] == pytest.approx(math.log(90 / 94), abs=1e-8)


def test_logodds_hand_derived():
    # Target: x=1, y=1 (n=2); reference: x=1, y=3 (n=4). Uniform prior 1, so a0 = 2.
    # delta_x = ln((1+1)/(2+2-1-1)) - ln((1+1)/(4+2-1-1)) = ln(1) - ln(1/2) = ln 2.
    # two-term variance 1/2 + 1/2 = 1: z = ln 2 = 0.693147.
    # four-term adds 1/(2+2-1-1) + 1/(4+2-1-1) = 1/2 + 1/4: z = ln 2 / sqrt(1.75).
    counts = _counts({"t": {"x": 1, "y": 1}, "r": {"x": 1, "y": 3}})
    two = keyness(counts, target="t", measure="logodds", prior=1)
    four = keyness(counts, target="t", measure="logodds", prior=1, variance="four-term")
    assert _row(two, "x")["statistic"] == pytest.approx(math.log(2), abs=1e-9)
    assert _row(four, "x")["statistic"] == pytest.approx(math.log(2) / math.sqrt(1.75), abs=1e-9)
    assert _row(two, "x")["p"] == pytest.approx(0.4882, abs=1e-4)  # 2 * (1 - Phi(0.6931))


def test_logodds_corpus_prior_hand_derived():
    # Same counts; all groups together: x=2, y=4 of 6, so pi = (1/3, 2/3). With a0 = 3
    # the pseudo-counts are 1 (x) and 2 (y).
    # delta_x = ln(2/(2+3-1-1)) - ln(2/(4+3-1-1)) = ln(2/3) - ln(2/5) = ln(5/3); var 1/2 + 1/2.
    # delta_y = ln(3/(2+3-1-2)) - ln(5/(4+3-3-2)) = ln(3/2) - ln(5/2) = ln(3/5);
    # var 1/3 + 1/5 = 8/15, z = ln(3/5) / sqrt(8/15) = -0.699477.
    counts = _counts({"t": {"x": 1, "y": 1}, "r": {"x": 1, "y": 3}})
    result = keyness(counts, target="t", measure="logodds", prior="corpus", prior_scale=3)
    assert _row(result, "x")["statistic"] == pytest.approx(math.log(5 / 3), abs=1e-9)
    assert _row(result, "y")["statistic"] == pytest.approx(
        math.log(3 / 5) / math.sqrt(8 / 15), abs=1e-9)
    assert "corpus prior a0=3" in result["measure"].iloc[0]


def test_log_ratio_hand_derived():
    # x: (10/100) / (20/400) = 2, log2 = 1. A zero count is read as 0.5 (Hardie 2014):
    # z is 0 of 100 target words and 20 of 400 reference words: log2((0.5/100)/(20/400))
    # = log2(0.1) = -3.321928.
    counts = _counts({"t": {"x": 10, "other": 90}, "r": {"x": 20, "z": 20, "other": 360}})
    result = keyness(counts, target="t")
    assert _row(result, "x")["log_ratio"] == pytest.approx(1.0, abs=1e-12)
    assert _row(result, "z")["log_ratio"] == pytest.approx(math.log2(0.1), abs=1e-9)


def test_vectorised_statistics_agree_with_scipy_table_by_table():
    rng = np.random.default_rng(7)
    target = dict(zip([f"w{i}" for i in range(300)], rng.integers(0, 40, 300), strict=True))
    reference = dict(zip([f"w{i}" for i in range(300)], rng.integers(0, 60, 300), strict=True))
    counts = _counts({"t": target, "r": reference})
    n_t, n_r = sum(target.values()), sum(reference.values())
    plain = keyness(counts, target="t", correction="none").set_index("term")
    yates = keyness(counts, target="t", correction="yates").set_index("term")
    g2 = keyness(counts, target="t", measure="lr", correction="none").set_index("term")
    for term in list(target)[:60]:
        a, b = target[term], reference[term]
        if a + b == 0:
            assert term not in plain.index
            continue
        table = [[a, b], [n_t - a, n_r - b]]
        assert abs(plain.loc[term, "statistic"]) == pytest.approx(
            chi2_contingency(table, correction=False)[0], rel=1e-9)
        assert abs(yates.loc[term, "statistic"]) == pytest.approx(
            chi2_contingency(table, correction=True)[0], rel=1e-9, abs=1e-12)
        assert abs(g2.loc[term, "statistic"]) == pytest.approx(
            chi2_contingency(table, correction=False, lambda_="log-likelihood")[0],
            abs=2 * (n_t + n_r) * 1e-9 + 1e-9)


# --------------------------------------------------------------------------- keyness API


def test_keyness_columns_sorting_and_variant_names():
    result = keyness(QUANTEDA_TABLE, target="target")
    assert tuple(result.columns) == KEYNESS_COLUMNS
    assert result["term"].tolist() == ["b", "a"]
    assert result["measure"].iloc[0] == "Pearson chi2, signed"
    assert "quanteda" in result["correction"].iloc[0]
    lr = keyness(QUANTEDA_TABLE, target="target", measure="lr", correction="none")
    assert lr["correction"].iloc[0] == "none"


def test_reference_none_pools_every_other_group_and_target_lists_pool():
    counts = _counts({"t": {"x": 5, "y": 1}, "r1": {"x": 1, "y": 4}, "r2": {"y": 3, "z": 2}})
    pooled = _counts({"t": {"x": 5, "y": 1}, "rest": {"x": 1, "y": 7, "z": 2}})
    assert keyness(counts, target="t").equals(keyness(pooled, target="t"))
    assert keyness(counts, target="t", reference=["r1", "r2"]).equals(keyness(pooled, target="t"))
    merged = _counts({"both": {"x": 6, "y": 5}, "r2": {"y": 3, "z": 2}})
    assert keyness(counts, target=["t", "r1"]).equals(keyness(merged, target="both"))


def test_repeated_count_rows_add_up():
    # target's b = 7 given as 4 + 3
    split = pd.concat([QUANTEDA_TABLE.assign(count=[4, 3, 7, 2]), _counts({"target": {"b": 3}})],
                      ignore_index=True)
    assert keyness(split, target="target").equals(keyness(QUANTEDA_TABLE, target="target"))


def test_every_term_of_the_comparison_is_kept_and_others_are_not():
    counts = _counts({"t": {"x": 5, "y": 1}, "r1": {"x": 1, "w": 4}, "r2": {"z": 2}})
    result = keyness(counts, target="t", reference="r1")
    assert sorted(result["term"]) == ["w", "x", "y"]  # z occurs only in r2
    assert _row(result, "w")["n_target"] == 0


def test_min_count_drops_terms_reports_them_and_keeps_statistics():
    counts = _counts({"t": {"x": 30, "y": 1, "z": 9}, "r": {"x": 10, "y": 1, "z": 20}})
    every = keyness(counts, target="t", measure="lr").set_index("term")
    kept = keyness(counts, target="t", measure="lr", min_count=5).set_index("term")
    assert sorted(kept.index) == ["x", "z"]
    assert kept["statistic"].equals(every.loc[kept.index, "statistic"])
    assert kept.attrs["dropped"] == "min_count=5 left out 1 of 3 terms"
    assert every.attrs["dropped"] == "no term left out"
    assert (kept["p_adjusted"] <= every.loc[kept.index, "p_adjusted"]).all()


def test_p_adjusted_is_benjamini_hochberg():
    counts = _counts({"t": {f"w{i}": i + 1 for i in range(20)},
                      "r": {f"w{i}": 20 - i for i in range(20)}})
    result = keyness(counts, target="t")
    p = result["p"].to_numpy()
    order = np.argsort(p)
    m = len(p)
    stepped = np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    expected = np.empty(m)
    expected[order] = np.minimum(stepped, 1)
    np.testing.assert_allclose(result["p_adjusted"], expected, rtol=1e-12)


def test_swapping_target_and_reference_flips_the_sign():
    for measure in ("chi2", "lr", "logodds"):
        forward = keyness(HAND_TABLE, target="t", measure=measure).set_index("term")
        backward = keyness(HAND_TABLE, target="r", measure=measure).set_index("term")
        np.testing.assert_allclose(forward["statistic"], -backward.loc[forward.index, "statistic"])


@pytest.mark.parametrize(("options", "message"), [
    ({"target": "nobody"}, "target group(s) 'nobody' not in counts"),
    ({"target": "target", "reference": "target"}, "both target and reference"),
    ({"target": "target", "measure": "lr", "correction": "yates"},
     "correction 'yates' does not apply to measure 'lr'"),
    ({"target": "target", "measure": "pmi", "correction": "williams"}, "does not apply"),
    ({"target": "target", "measure": "tfidf"}, "measure must be one of"),
    ({"target": "target", "measure": "logodds", "prior": 0}, "prior must be"),
    ({"target": "target", "variance": "three-term"}, "variance must be one of"),
])
def test_keyness_rejects_bad_options_clearly(options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        keyness(QUANTEDA_TABLE, **options)


def test_keyness_rejects_bad_counts_naming_the_row():
    bad = QUANTEDA_TABLE.assign(count=[7, -3, 7, 2])
    with pytest.raises(ValueError, match=r"counts row 1 has a negative count"):
        keyness(bad, target="target")
    with pytest.raises(ValueError, match="counts table lacks column"):
        keyness(QUANTEDA_TABLE.drop(columns="count"), target="target")


def test_keyness_pairwise_compares_with_each_group_on_its_own():
    counts = _counts({"t": {"x": 5, "y": 1}, "r1": {"x": 1, "y": 4}, "r2": {"y": 3, "z": 2}})
    result = keyness_pairwise(counts, target="t", measure="lr")
    assert result.columns[0] == "reference"
    assert sorted(result["reference"].unique()) == ["r1", "r2"]
    alone = keyness(counts, target="t", reference="r2", measure="lr")
    block = result[result["reference"] == "r2"].drop(columns="reference").reset_index(drop=True)
    pd.testing.assert_frame_equal(block, alone)


# --------------------------------------------------------------------------- counts


CRAFTED = {
    "d1": ("Gazette", 'The self-proclaimed leader spoke. "We are strong and united," he said.'),
    "d2": ("Gazette", 'The self-proclaimed "interim president" left.'),
    "d3": ("Herald", 'Officials said "the self-proclaimed leader must go now" today.'),
}


def test_term_counts_counts_only_the_narrator_voice_by_default():
    articles, sentences, voice = _crafted_articles(CRAFTED)
    counts = term_counts(articles, sentences=sentences, voice=voice)
    gazette = counts[counts["group"] == "Gazette"].set_index("term")["count"]
    herald = counts[counts["group"] == "Herald"].set_index("term")["count"]
    assert gazette["self-proclaimed"] == 2  # one token, hyphen kept
    assert "strong" not in gazette.index and "interim" not in gazette.index
    assert "self-proclaimed" not in herald.index  # only quoted there
    assert herald.to_dict() == {"officials": 1, "said": 1, "today": 1}
    assert counts["count"].dtype == "int64"


def test_voice_filter_options():
    articles, sentences, voice = _crafted_articles(CRAFTED)

    def gazette(voice_filter):
        counts = term_counts(articles, sentences=sentences, voice=voice, voice_filter=voice_filter)
        return counts[counts["group"] == "Gazette"].set_index("term")["count"]

    assert gazette("narrator+scare")["interim"] == 1  # the two-word label
    assert "strong" not in gazette("narrator+scare").index  # reported speech stays out
    assert gazette("quote").to_dict() == {"we": 1, "are": 1, "strong": 1, "and": 1, "united": 1}
    assert gazette(None)["strong"] == 1 and gazette(None)["interim"] == 1
    with pytest.raises(ValueError, match="voice_filter must be one of"):
        gazette("outlet")


def test_ngrams_never_bridge_a_cut_out_quotation():
    articles, sentences, voice = _crafted_articles(CRAFTED)
    narrator = term_counts(articles, sentences=sentences, voice=voice, ngram_range=(2, 2))
    labels = term_counts(articles, sentences=sentences, voice=voice, ngram_range=(2, 2),
                         voice_filter="narrator+scare")
    assert "self-proclaimed left" not in set(narrator["term"])
    assert "officials said" in set(narrator["term"])
    assert "self-proclaimed interim" in set(labels["term"])


def test_duplicates_and_titles_are_left_out_when_asked():
    texts = {
        "a": ("Gazette", "Coup fails\n\nThe coup failed in Caracas."),
        "b": ("Gazette", "Coup fails\n\nThe coup failed in Caracas."),
    }
    articles, sentences, voice = _crafted_articles(
        texts, titles={"a": "Coup fails", "b": "Coup fails"}, duplicates={"b": "a"})
    counts = term_counts(articles, sentences=sentences, voice=voice).set_index("term")["count"]
    assert counts["coup"] == 2  # headline and body of "a"; "b" repeats "a"
    with_copies = term_counts(articles, sentences=sentences, voice=voice,
                              include_duplicates=True).set_index("term")["count"]
    assert with_copies["coup"] == 4
    no_titles = term_counts(articles, sentences=sentences, voice=voice,
                            include_titles=False).set_index("term")["count"]
    assert no_titles["coup"] == 1 and "fails" not in no_titles.index


def test_term_counts_requires_voice_spans_for_every_article():
    articles, sentences, voice = _crafted_articles(CRAFTED)
    with pytest.raises(ValueError, match=r"articles row 2 \(doc_id 'd3'\) has no spans"):
        term_counts(articles, sentences=sentences, voice=voice[voice["doc_id"] != "d3"])


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_tables(seed_batch):
    sentences, voice = segment_articles(seed_batch.articles)
    return seed_batch.articles, sentences, voice


#: Dotted abbreviations, one token each ("U.S." is two WORD_PATTERN words).
ABBREVIATION = re.compile(r"(?<![\w.])(?:[A-Za-z]\.){2,}(?!\w)")


def _kept_words(text: str) -> int:
    """WORD_PATTERN words less numbers and single letters, plus one per abbreviation."""
    words = re.findall(WORD_PATTERN, text)
    return sum(len(w) > 1 and not w[0].isdigit() for w in words) + len(ABBREVIATION.findall(text))


def test_whole_text_counts_match_the_word_count_of_the_seeds(seed_tables):
    articles, sentences, voice = seed_tables
    counts = term_counts(articles, sentences=sentences, voice=voice, voice_filter=None,
                         house_style=False)
    totals = counts.groupby("group")["count"].sum()
    expected = articles.groupby("outlet")["text"].apply(lambda t: sum(map(_kept_words, t)))
    pd.testing.assert_series_equal(totals, expected, check_names=False)
    assert (totals < articles.groupby("outlet")["text"].apply(lambda t: count_words(t).sum())
            ).all()  # numbers and the letters of U.S. are gone
    styled = term_counts(articles, sentences=sentences, voice=voice, voice_filter=None)
    assert styled.groupby("group")["count"].sum()["Iran Press"] < totals["Iran Press"]
    press = {name: table[table["term"] == "press"].groupby("group")["count"].sum()
             for name, table in (("plain", counts), ("styled", styled))}
    assert press["styled"].get("Iran Press", 0) < press["plain"]["Iran Press"]  # its own name
    narrator = term_counts(articles, sentences=sentences, voice=voice, house_style=False)
    assert (narrator.groupby("group")["count"].sum() < totals).all()


def test_self_proclaimed_is_distinctive_only_where_the_outlet_says_it_itself(seed_tables):
    articles, sentences, voice = seed_tables
    for outlet in ("Sputnik", "Pro-government blog"):
        result = keyness_table(articles, sentences=sentences, voice=voice, target=outlet,
                               measure="logodds")
        row = _row(result, "self-proclaimed")
        assert row["n_target"] == 1 and row["statistic"] > 0
    # Aggregator B has the word only inside Maduro's quoted words.
    narrator = keyness_table(articles, sentences=sentences, voice=voice, target="Aggregator B",
                             measure="logodds")
    assert _row(narrator, "self-proclaimed")["n_target"] == 0
    assert _row(narrator, "self-proclaimed")["statistic"] < 0
    whole = keyness_table(articles, sentences=sentences, voice=voice, target="Aggregator B",
                          measure="logodds", voice_filter=None)
    assert _row(whole, "self-proclaimed")["n_target"] == 1
    assert _row(whole, "self-proclaimed")["statistic"] > 0


def test_outlet_similarity_of_the_seeds(seed_tables):
    articles, sentences, voice = seed_tables
    similarity = outlet_similarity(articles, sentences=sentences, voice=voice)
    square = similarity.pivot(index="outlet_a", columns="outlet_b", values="cosine")
    assert square.shape == (5, 5)
    np.testing.assert_allclose(np.diag(square), 1.0)
    np.testing.assert_allclose(square, square.T)
    off = square.to_numpy()[~np.eye(5, dtype=bool)]
    assert ((off > 0.2) & (off < 0.95)).all()  # one story, five different texts


def test_near_duplicates_of_the_seeds_match_brute_force(seed_tables):
    articles = seed_tables[0]
    vectors = TfidfVectorizer(token_pattern=WORD_PATTERN, sublinear_tf=True).fit_transform(
        articles["text"])
    brute = (vectors @ vectors.T).toarray()
    for threshold in (0.25, 0.3, 0.34):
        found = near_duplicates(articles, threshold=threshold)
        i, j = np.triu_indices(len(articles), 1)
        assert len(found) == int((brute[i, j] >= threshold).sum())
        position = {d: n for n, d in enumerate(articles["doc_id"])}
        for pair in found.itertuples():
            assert pair.cosine == pytest.approx(brute[position[pair.doc_a], position[pair.doc_b]])


def test_attribution_refuses_to_fit_on_the_seed_batch(seed_tables):
    articles, sentences, voice = seed_tables
    result = classify_outlets(articles, sentences=sentences, voice=voice)
    assert not result.fitted
    assert result.scores.empty and result.top_terms.empty
    assert result.message.startswith("Not fitted: 5-fold cross-validation needs at least 5")
    assert "'Sputnik' (1)" in result.message
    assert result.summary["n_per_class"]["Iran Press"] == 1


# --------------------------------------------------------------------------- crafted similarity


STORY = "Soldiers gathered at the base before dawn while the opposition leader spoke."
OTHER = "Oil exports fell sharply after new sanctions."


def test_outlet_similarity_of_crafted_outlets():
    texts = {"a": ("Wire", STORY), "b": ("Copy", STORY), "c": ("Other", OTHER)}
    articles, sentences, voice = _crafted_articles(texts)
    similarity = outlet_similarity(articles, sentences=sentences, voice=voice)
    cosine = similarity.set_index(["outlet_a", "outlet_b"])["cosine"]
    assert len(similarity) == 9
    assert cosine[("Wire", "Copy")] == pytest.approx(1.0)
    assert cosine[("Wire", "Other")] == 0.0 and cosine[("Other", "Copy")] == 0.0


def test_near_duplicates_of_crafted_texts():
    texts = {
        "a": ("Wire", STORY),
        "b": ("Copy", STORY.replace("before dawn", "at dawn")),
        "c": ("Other", OTHER),
        "d": ("Again", STORY),
    }
    articles, _, _ = _crafted_articles(texts, duplicates={"b": "a"})
    pairs = near_duplicates(articles, threshold=0.8)
    assert pairs[["doc_a", "doc_b", "outlet_a", "outlet_b"]].values.tolist() == [
        ["a", "d", "Wire", "Again"], ["a", "b", "Wire", "Copy"], ["b", "d", "Copy", "Again"]]
    assert pairs["cosine"].iloc[0] == pytest.approx(1.0)
    assert 0.8 < pairs["cosine"].iloc[1] < 1
    assert pairs["declared"].tolist() == [False, True, False]
    exact = near_duplicates(articles, threshold=1.0)
    assert exact[["doc_a", "doc_b"]].values.tolist() == [["a", "d"]]
    with pytest.raises(ValueError, match="threshold must be in"):
        near_duplicates(articles, threshold=0)


def test_near_duplicate_stories_share_one_cross_validation_group():
    texts = {"a": ("Wire", STORY), "b": ("Copy", STORY + " More soon."), "c": ("Other", OTHER)}
    articles, sentences, voice = _crafted_articles(texts)
    counts, _ = _document_terms(articles, sentences=sentences, voice=voice,
                                voice_filter="narrator", include_titles=True)
    groups = _story_groups(counts, 0.8)
    assert groups[0] == groups[1] != groups[2]
    assert len(set(_story_groups(counts, None))) == 3


# --------------------------------------------------------------------------- real corpora


@pytest.fixture(scope="module")
def convention(shared_data):
    speeches = pd.read_csv(shared_data / "convention2012" / "political_data.csv")
    articles = pd.DataFrame({
        "doc_id": [f"speech{i}" for i in range(len(speeches))],
        "outlet": speeches["party"], "title": None, "text": speeches["text"],
        "duplicate_of": None,
    })
    sentences, voice = segment_articles(articles)
    return articles, sentences, voice


@pytest.mark.parametrize("measure", ["chi2", "lr", "logodds"])
def test_convention_keyness_finds_each_partys_vocabulary(convention, measure):
    articles, sentences, voice = convention
    result = keyness_table(articles, sentences=sentences, voice=voice, target="democrat",
                           measure=measure)
    assert "obama" in result["term"].head(3).tolist()
    assert {"government", "business"} <= set(result["term"].tail(3))
    assert "mitt" in result["term"].tail(5).tolist()
    assert result["p_adjusted"].head(10).max() < 0.001
    assert len(result) == result["term"].nunique()


def test_convention_classifier_beats_the_majority_baseline(convention):
    articles, sentences, voice = convention
    result = classify_outlets(articles, sentences=sentences, voice=voice)
    assert result.fitted and len(result.scores) == 5
    assert result.summary["majority_baseline"] == pytest.approx(123 / 189)
    assert result.summary["mean_accuracy"] > result.summary["mean_baseline"] + 0.1
    top = result.top_terms
    assert "obama" in top[top["class"] == "democrat"]["term"].head(5).tolist()
    assert "government" in top[top["class"] == "republican"]["term"].head(5).tolist()


@pytest.fixture(scope="module")
def allsides(shared_data, tmp_path_factory):
    """100 articles from each of six outlets, read and segmented like any batch."""
    wanted = {outlet: 0 for outlet in ALLSIDES_OUTLETS}
    rows = []
    with gzip.open(shared_data / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if not any(outlet in line for outlet in wanted):
                continue
            row = json.loads(line)
            if wanted.get(row["source_url"], 100) < 100:
                wanted[row["source_url"]] += 1
                rows.append(line)
    path = tmp_path_factory.mktemp("allsides") / "six_outlets.jsonl"
    path.write_text("".join(rows), encoding="utf-8")
    articles = read_batch(path, text_column="content_original", outlet_column="source_url",
                          id_column="ID").articles
    sentences, voice = segment_articles(articles)
    return articles, sentences, voice


def test_allsides_classifier_beats_the_majority_baseline(allsides):
    articles, sentences, voice = allsides
    result = classify_outlets(articles, sentences=sentences, voice=voice)
    assert result.fitted, result.message
    assert result.scores["n_test"].sum() == result.summary["n_articles"]
    assert result.summary["mean_accuracy"] > result.summary["mean_baseline"] + 0.3
    assert (result.scores["accuracy"] > result.scores["baseline"]).all()
    # the outlets' own names would tell them apart without framing: left out, and said so
    assert not {"breitbart", "apnews", "abcnews"} & set(result.top_terms["term"])
    assert "own names" in result.summary["method"] and "breitbart" in result.summary["method"]


def test_allsides_near_duplicates_match_brute_force(allsides):
    articles = allsides[0]
    vectors = TfidfVectorizer(token_pattern=WORD_PATTERN, sublinear_tf=True).fit_transform(
        articles["text"])
    brute = (vectors @ vectors.T).toarray()
    i, j = np.triu_indices(len(articles), 1)
    for threshold in (0.5, 0.8):
        found = near_duplicates(articles, threshold=threshold)
        assert len(found) == int((brute[i, j] >= threshold).sum())
    assert len(near_duplicates(articles, threshold=0.5)) > 0
