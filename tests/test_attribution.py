"""Attributions (who says what), their sources, and the quote rules they rely on."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sourcebias.annotate.actors import find_actors
from sourcebias.annotate.sources import mark_attributed, resolve_sources
from sourcebias.segment import cues as rules
from sourcebias.segment.attribution import COLUMNS, corpus_layout, find_attributions, load_model
from sourcebias.segment.cue_features import features, lemma_key
from sourcebias.segment.sentences import segment_articles
from sourcebias.tables import code_points, distinct_spans


def attributions_of(*texts: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles made of ``texts`` and their attributions."""
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "title": None,
                             "text": list(texts)})
    return articles, find_attributions(articles, *segment_articles(articles))


def content(articles: pd.DataFrame, row: pd.Series) -> str:
    text = articles.set_index("doc_id").at[row["doc_id"], "text"]
    return text[row["content_start"] : row["content_end"]]


# -- crafted cases -------------------------------------------------------------------------


def test_indirect_speech_has_its_source_and_content():
    articles, found = attributions_of("Padrino said the coup had failed.")
    assert list(found.columns) == list(COLUMNS)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["kind"], row["cue"], row["source_text"]) == ("indirect", "said", "Padrino")
    assert content(articles, row) == "the coup had failed"


def test_quotation_before_its_reporting_clause_is_direct():
    articles, found = attributions_of('"We stand firm," the minister said on Tuesday.')
    row = found.iloc[0]
    assert row["kind"] == "direct"
    assert row["source_text"] == "the minister"
    assert content(articles, row) == '"We stand firm,"'


def test_according_to_takes_the_source_after_the_cue():
    articles, found = attributions_of("According to the ministry, the coup had failed.",
                                      "The coup had failed, according to Padrino.")
    by_doc = found.set_index("doc_id")
    assert by_doc.at["d0", "source_text"] == "the ministry"
    assert content(articles, found.iloc[0]) == "the coup had failed"
    assert by_doc.at["d1", "source_text"] == "Padrino"
    assert content(articles, found.iloc[1]) == "The coup had failed"


def test_reporting_clause_after_an_appositive_names_the_source():
    articles, found = attributions_of(
        "Richard Revesz, director of the institute, said the states were exaggerating.")
    row = found.iloc[0]
    assert row["source_text"] == "Richard Revesz"
    assert content(articles, row) == "the states were exaggerating"


def test_a_word_ending_in_a_cue_is_no_cue():
    _, found = attributions_of("The self-proclaimed leader of the opposition-ruled assembly left.")
    assert found.empty


def test_narration_without_cue_or_quotation_is_not_attributed():
    _, found = attributions_of("The army moved into the capital on Tuesday.")
    assert found.empty


def test_an_opening_phrase_before_the_source_is_not_content():
    articles, found = attributions_of(
        "After the meeting, the ministry said that the coup had failed.")
    assert found["source_text"].tolist() == ["the ministry"]
    assert [content(articles, row) for _, row in found.iterrows()] == ["that the coup had failed"]


def test_the_cue_filter_tells_a_so_called_deal_from_a_call():
    articles, found = attributions_of("The so-called deal collapsed on Friday.",
                                      "He called the decision a mistake.")
    assert found["doc_id"].tolist() == ["d1"]
    assert (found.at[0, "cue"], found.at[0, "source_text"]) == ("called", "He")
    assert content(articles, found.iloc[0]) == "the decision a mistake"


def cue_features_of(text: str) -> dict[str, list[str]]:
    """The cue filter's features of every cue candidate in ``text`` (one article)."""
    articles = pd.DataFrame({"doc_id": ["d0"], "title": None, "text": [text]})
    corpus, _, layout = corpus_layout(articles, *segment_articles(articles))
    cues, sentence = rules.candidates(corpus, layout, load_model().finder)
    return features(corpus, cues, layout.sent_start[sentence], layout.sent_end[sentence],
                    rules.quoted(cues[:, 0], layout), rules.quote_in_sentence(sentence, layout))


def test_the_cue_filter_reads_two_words_back_and_the_quotation_in_the_sentence():
    values = cue_features_of('"We won the vote," he said.')
    assert values["f"] == ["said"]
    assert (values["p"], values["p2"], values["n"]) == (["he"], ['"'], ["."])
    assert (values["q"], values["h"]) == (["0"], ["1"])
    assert (values["lp"], values["ln"]) == (["sai|he"], ["sai|."])
    # 20 characters from the sentence start: bin floor(log2(21)) = 4; 1 to its end: bin 1
    assert (values["s"], values["e"]) == (["4"], ["1"])
    values = cue_features_of("Officials said the vote was over. No quotation here.")
    # 10 characters from the sentence start: bin floor(log2(11)) = 3
    assert (values["p"], values["p2"], values["h"], values["s"]) == (
        ["officials"], ["<s>"], ["0"], ["3"])


def test_the_cue_filter_bins_distances_by_powers_of_two_up_to_eight():
    text = "The senator, who sat most of the afternoon in the committee room, said no."
    values = cue_features_of(text)
    assert values["f"] == ["said"]
    assert values["s"] == [str(int(np.log2(text.index("said") + 1)))] == ["6"]
    assert values["p"] == [","] and values["p2"] == ["committee"]  # the chunk before "room,"
    far = "x" * 600 + " he said no."
    assert cue_features_of(far)["s"] == ["8"]  # 2**9 - 1 = 511 characters and more


def test_quote_in_sentence_counts_any_quotation_that_overlaps_the_sentence():
    text = 'He said "we won." Then he left. She called it “a scandal” later.'
    articles = pd.DataFrame({"doc_id": ["d0"], "title": None, "text": [text]})
    _, _, layout = corpus_layout(articles, *segment_articles(articles))
    assert rules.quote_in_sentence(np.arange(len(layout.sent_start)), layout).tolist() == [
        True, False, True]


@pytest.mark.parametrize(("text", "cue", "source"), [
    ("Clinton needs to acknowledge that she lost the primary.", "acknowledge", "Clinton"),
    ("Sanders is also likely to argue that the system is rigged.", "argue", "Sanders"),
    ("The senator is correct to note that the bill failed.", "note", "The senator"),
])
def test_a_verb_or_adjective_and_to_between_the_source_and_its_cue_are_skipped(text, cue, source):
    _, found = attributions_of(text)
    assert (found.at[0, "cue"], found.at[0, "source_text"]) == (cue, source)


@pytest.mark.parametrize(("text", "cue"), [
    ("Schilling appeared on a radio show in Boston and defended himself against the charge.",
     "defended"),
    ("Mr. Sanders did not attack Mrs. Clinton on Tuesday but argued that he would win.",
     "argued"),
])
def test_a_cue_after_and_or_but_takes_the_subject_of_the_sentence(text, cue):
    articles, found = attributions_of(text)
    row = found.loc[found["cue"] == cue].iloc[0]
    assert row["source_text"] == text.split(" appeared")[0].split(" did")[0]
    assert content(articles, row) in text[text.index(cue) + len(cue):]


@pytest.mark.parametrize(("text", "source"), [
    ("Conceding that the deal was dead, the senator called for new talks.", "the senator"),
    ("Acknowledging that the deal was dead, Mr. Smith called for new talks.", "Mr. Smith"),
    ("Arguing that the deal was dead, she called for new talks.", "she"),
])
def test_a_participle_opening_the_sentence_takes_the_subject_after_its_comma(text, source):
    articles, found = attributions_of(text)
    row = found.iloc[0]
    assert (row["cue"], row["source_text"]) == (text.split()[0], source)
    assert content(articles, row) == "that the deal was dead"


def test_words_of_degree_between_the_source_and_its_cue_are_skipped():
    _, found = attributions_of("Republican voters were far less divided on the issue of trade.",
                               "Democratic insiders were more likely to say that Clinton won.")
    assert found.loc[found["cue"] == "divided", "source_text"].tolist() == ["Republican voters"]
    assert found.loc[found["cue"] == "say", "source_text"].tolist() == ["Democratic insiders"]


def test_according_to_reads_a_long_source_up_to_its_clause_end():
    source = ("early results of exit polls conducted for the Associated Press and television "
              "networks by Edison Research")
    _, found = attributions_of(f"According to {source}, most voters feel angry.")
    assert len(source.split()) > 15
    assert found.loc[found["cue"] == "According to", "source_text"].tolist() == [source]


def test_lemma_key_joins_the_inflections_of_a_cue_verb_and_nothing_else():
    keys = {form: lemma_key(form) for form in (
        "say", "says", "said", "saying", "criticize", "criticized", "criticises", "criticising",
        "deny", "denies", "denied", "denying", "admit", "admits", "admitted", "admitting")}
    groups = {}
    for form, key in keys.items():
        groups.setdefault(key, set()).add(form)
    assert sorted(map(len, groups.values())) == [4, 4, 4, 4]
    assert lemma_key("criticism") != lemma_key("criticized")
    assert lemma_key("according to") == "according to"


def test_inflections_never_seen_in_train_are_in_the_lexicon_with_no_counts():
    path = files("sourcebias") / "resources" / "models" / "attribution.json"
    rows = {row[0]: row[1:] for row in json.loads(path.read_text(encoding="utf-8"))["cues"]}
    for form, seen in (("repeats", "repeated"), ("yells", "yelled"), ("pleads", "pleaded"),
                       ("retorts", "retorted"), ("reiterates", "reiterated")):
        assert rows[form] == [0, 0] and rows[seen][0] > 0
        assert lemma_key(form) == lemma_key(seen)
    assert "accusationed" not in rows and "maked" not in rows  # no verb, irregular verb


@pytest.mark.parametrize(("text", "cue", "source", "said"), [
    ("The senator repeats that the plan is dead.", "repeats", "The senator",
     "that the plan is dead"),
    ("The governor yells that the vote was rigged.", "yells", "The governor",
     "that the vote was rigged"),
    ("Smith reiterates that the deal is off.", "reiterates", "Smith", "that the deal is off"),
    ('"We will win," the coach retorts.', "retorts", "the coach", '"We will win,"'),
])
def test_an_inflection_unseen_in_train_is_a_cue_scored_by_its_lemma(text, cue, source, said):
    articles, found = attributions_of(text)
    assert (found.at[0, "cue"], found.at[0, "source_text"]) == (cue, source)
    assert content(articles, found.iloc[0]) == said
    model = load_model()
    assert model.weights["l"][lemma_key(cue)] > 0 and cue not in model.weights["f"]


def test_an_opening_phrase_ending_in_a_quoted_title_is_not_content():
    articles, found = attributions_of(
        "On this weekend’s broadcast of “Fox News Sunday,” Pence said his running mate "
        "was only “to mock” Hillary Clinton.")
    said = found[found["cue"] == "said"]
    assert len(said) == 1 and said["source_text"].tolist() == ["Pence"]
    assert content(articles, said.iloc[0]) == "his running mate was only “to mock” Hillary Clinton"


def test_party_labels_and_adverbs_between_source_and_cue_are_skipped():
    _, found = attributions_of("Sen. Lindsey Graham (R-S.C.) told reporters the bill was dead.",
                               "Trump sharply criticized the deal.")
    assert found["source_text"].tolist() == ["Sen. Lindsey Graham", "Trump"]


def test_according_to_takes_the_whole_clause_after_it_as_the_source():
    articles, found = attributions_of(
        "Nearly one-third of workers lack a plan, according to the Bureau of Labor Statistics.",
        "According to a Reuters/Ipsos poll, the two candidates are in a dead heat.")
    assert found["source_text"].tolist() == ["the Bureau of Labor Statistics",
                                             "a Reuters/Ipsos poll"]
    assert [content(articles, row) for _, row in found.iterrows()] == [
        "Nearly one-third of workers lack a plan", "the two candidates are in a dead heat"]


def test_a_long_appositive_still_names_the_source_before_it():
    articles, found = attributions_of(
        "Debbie Walsh, director of the Center for American Women and Politics at the Eagleton "
        "Institute of Politics at Rutgers University, said Clinton is poised to benefit.")
    row = found.iloc[0]
    assert row["source_text"] == "Debbie Walsh"
    assert content(articles, row) == "Clinton is poised to benefit"


def test_an_opening_time_phrase_is_not_the_source_before_an_appositive():
    _, found = attributions_of(
        "On Wednesday, the director of the bureau, James Comey, said the case was closed.")
    assert found["source_text"].tolist() == ["the director of the bureau"]


def test_the_source_after_a_quotation_and_its_cue_may_open_in_lower_case():
    articles, found = attributions_of(
        '"It shows why he has had no support," said former congressman Barney Frank.',
        '"Meh," wrote a supporter who runs the account.')
    assert found["source_text"].tolist() == ["former congressman Barney Frank",
                                             "a supporter who runs the account"]
    assert content(articles, found.iloc[0]) == '"It shows why he has had no support,"'


def test_a_pronoun_after_a_cue_is_a_source_only_after_a_quotation():
    _, found = attributions_of('"We will win," said he.')
    assert found["source_text"].tolist() == ["he"]
    assert rules._source_after("made it clear.", 4, 14) is None
    assert rules._source_after('," said he.', 7, 11, loose=True) == (8, 10)


def test_a_participle_after_a_comma_takes_the_source_of_the_cue_before_it():
    articles, found = attributions_of(
        '"We do not see a link to terrorism," the mayor said, adding that it would take '
        "more hours before details emerge.")
    by_cue = found.set_index("cue")
    assert by_cue.at["adding", "source_text"] == "the mayor"
    assert content(articles, by_cue.loc["adding"]) == (
        "that it would take more hours before details emerge")


def rule_pieces(sentence: str, cue: str) -> list[tuple[str, str]]:
    """Content and source of each piece the span rules give ``cue`` in one ``sentence``
    (no cue filter, no quotations)."""
    corpus = "\n\n" + sentence
    none = np.array([], dtype=np.int64)
    layout = rules.Layout(sent_start=np.array([2]), sent_end=np.array([len(corpus)]),
                          para=np.array([0]), quote_start=none, quote_end=none,
                          quote_scare=none.astype(bool))
    cs = corpus.index(cue)
    found = rules.attributions(corpus, layout, np.array([[cs, cs + len(cue)]]), np.array([0]))
    return [(corpus[a:b], corpus[sa:sb]) for a, b, sa, sb in found[
        ["content_start", "content_end", "source_start", "source_end"]].itertuples(index=False)]


def test_trim_drops_short_and_long_runs_of_spaces_and_marks():
    text = " , ; he said , .- " + "\u3000,;" * 40 + "she said" + " ,.-—;:" * 40 + "."
    code = code_points(text)
    a, b = rules._trim(text, code, np.array([0, 18, 0]), np.array([18, len(text), 1]))
    assert [text[x:y] for x, y in zip(a, b, strict=True)] == ["he said", "she said", ""]


def test_a_participle_with_no_cue_before_it_takes_the_subject_of_the_sentence():
    text = "Earlier, the senator toured the plant, saying that the jobs would stay."
    assert rule_pieces(text, "saying") == [("that the jobs would stay", "the senator")]


def test_a_participle_after_by_or_while_takes_the_subject_of_the_sentence():
    text = "Clinton is keeping a lid on his appeal by touting her Senate record upstate."
    assert rule_pieces(text, "touting") == [("her Senate record upstate", "Clinton")]


def test_a_preposition_after_the_cue_belongs_to_the_cue():
    articles, found = attributions_of("Sanders called for a higher minimum wage.")
    row = found.iloc[0]
    assert (row["cue"], row["source_text"]) == ("called", "Sanders")
    assert content(articles, row) == "a higher minimum wage"


def test_verb_forms_between_the_source_and_its_cue_are_skipped():
    text = "Ben Carson and Rand Paul have all attacked the program as a violation."
    cs = text.index("attacked")
    assert rules._source_before(text, 0, cs) == (text.index("Rand"), text.index(" have"))


# -- quote rules ---------------------------------------------------------------------------


def quotes(text: str) -> list[tuple[str, bool]]:
    articles = pd.DataFrame({"doc_id": ["a"], "title": [None], "text": [text]})
    _, voice = segment_articles(articles)
    quoted = voice[voice["voice"] == "quote"]
    return [(text[a:b], bool(s)) for a, b, s in zip(quoted["start"], quoted["end"],
                                                    quoted["scare"], strict=True)]


def test_quotation_run_on_into_an_unmarked_paragraph_ends_at_its_closing_mark():
    text = ("Smith spoke at length. “We will not back down from this fight.\n\n"
            "We will win in November,” he said at the rally.\n\nThe crowd cheered.")
    assert quotes(text) == [("“We will not back down from this fight.\n\n"
                             "We will win in November,”", False)]


def test_colon_introduces_a_block_quotation_without_a_reporting_verb():
    text = ("The senator provides the following commentary on the encounter:\n\n"
            "We were never told about the meeting, and I find that troubling.\n\n"
            "The White House did not respond.")
    assert quotes(text) == [
        ("We were never told about the meeting, and I find that troubling.", False)]


def test_related_news_heading_still_introduces_nothing():
    text = "Related news:\n\nWe will never surrender, our leaders said."
    assert quotes(text) == []


def test_quoted_titles_and_nicknames_are_labels_not_speech():
    text = ('The "Celebrity Apprentice" star spoke. Mattis, nicknamed "Mad Dog Mattis," '
            'arrived. He watched "Who Wants to Be a Millionaire?" last night.')
    assert quotes(text) == [('"Celebrity Apprentice"', True), ('"Mad Dog Mattis,"', True),
                            ('"Who Wants to Be a Millionaire?"', True)]


def test_a_quoted_sentence_in_title_case_after_said_stays_speech():
    assert quotes('He said: "We Will Win Again." Then he left.') == [
        ('"We Will Win Again."', False)]


# -- seed articles -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(seed_batch):
    articles = seed_batch.articles
    sentences, voice = segment_articles(articles)
    mentions = find_actors(articles, sentences=sentences, voice=voice)
    found = resolve_sources(find_attributions(articles, sentences, voice), mentions, sentences)
    texts = dict(zip(articles["doc_id"], articles["text"], strict=True))
    found["content"] = [texts[d][a:b] for d, a, b in
                        zip(found["doc_id"], found["content_start"], found["content_end"],
                            strict=True)]
    return found, mentions


def rows_with(found: pd.DataFrame, doc: str, phrase: str) -> pd.DataFrame:
    return found[found["doc_id"].str.startswith(doc) & found["content"].str.contains(
        phrase, regex=False)]


def test_seed_000_padrino_tweets_are_the_armed_forces_words(seed):
    found, _ = seed
    tweets = rows_with(found, "000", "The armed forces remain firm")
    assert "tweeted" in tweets["cue"].tolist()
    tweeted = tweets[tweets["cue"] == "tweeted"].iloc[0]
    assert tweeted["kind"] == "direct"
    assert tweeted["source_actor"] == "armed_forces"
    says = rows_with(found, "000", "staying loyal to Maduro").iloc[0]
    assert says["source_text"] == "The head of the Venezuelan military"
    assert says["source_actor"] == "armed_forces"


def test_seed_001_and_003_maduro_words(seed):
    found, _ = seed
    trust = rows_with(found, "001", "I trust you").iloc[0]
    assert (trust["kind"], trust["source_text"], trust["source_actor"]) == (
        "direct", "the president", "maduro")
    capture = rows_with(found, "003", "If a traitor emerges")
    assert capture.iloc[0]["source_actor"] == "maduro"
    assert capture.iloc[0]["source_name"] == "Nicolás Maduro"


def test_seed_002_self_proclaimed_is_maduro_quoted(seed):
    found, _ = seed
    quoted = rows_with(found, "002", "The self-proclaimed, Juan Guaido")
    assert len(quoted) == 1
    assert quoted.iloc[0]["kind"] == "direct"
    assert quoted.iloc[0]["source_actor"] == "maduro"


def test_seed_002_outlet_paraphrases_an_official(seed):
    found, _ = seed
    row = rows_with(found, "002", "prepared to take military action").iloc[0]
    assert row["kind"] == "indirect"
    assert row["source_text"] == "US Secretary of State Mike Pompeo"
    assert row["source_actor"] == "us_government"


def test_mentions_inside_attributed_content_carry_the_source(seed):
    found, mentions = seed
    marked = mark_attributed(mentions, found)
    assert {"attributed", "source_actor"} <= set(marked.columns)
    quoted = rows_with(found, "002", "The self-proclaimed, Juan Guaido").iloc[0]
    inside = marked[(marked["doc_id"] == quoted["doc_id"])
                    & (marked["start"] >= quoted["content_start"])
                    & (marked["end"] <= quoted["content_end"])]
    assert inside["actor"].tolist() == ["guaido", "lopez"]
    assert inside["attributed"].all()
    assert (inside["source_actor"] == "maduro").all()
    assert 0.2 < marked["attributed"].mean() < 0.9


def test_mark_attributed_by_midpoint():
    attributions = pd.DataFrame({"doc_id": ["a", "a"], "content_start": [10, 40],
                                 "content_end": [30, 50], "source_actor": ["x", ""]})
    table = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "start": [0, 12, 45, 12],
                          "end": [8, 20, 60, 20]})
    marked = mark_attributed(table, attributions)
    assert marked["attributed"].tolist() == [False, True, False, False]
    assert marked["source_actor"].tolist() == ["", "x", "", ""]


def test_pronoun_source_resolves_to_the_speaker_named_before(seed_batch):
    text = ("Defense Minister Vladimir Padrino arrived in Caracas. "
            "He said the coup had failed.")
    articles = pd.DataFrame({"doc_id": ["a"], "title": [None], "text": [text]})
    sentences, voice = segment_articles(articles)
    mentions = find_actors(articles, sentences=sentences, voice=voice)
    found = resolve_sources(find_attributions(articles, sentences, voice), mentions, sentences)
    assert found["source_text"].tolist() == ["He"]
    assert found["source_actor"].tolist() == ["padrino"]


# -- PolNeAR dev ---------------------------------------------------------------------------


def test_polnear_dev_sample_beats_the_quote_mark_baseline(shared_data: Path):
    folder = shared_data / "polnear" / "dev"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    paths = sorted((folder / "batch").glob("*.txt"))[::6]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    articles = pd.DataFrame({"doc_id": [p.stem for p in paths], "title": None, "text": texts})
    sentences, voice = segment_articles(articles)
    found = find_attributions(articles, sentences, voice)
    quoted = voice[voice["voice"] == "quote"]
    gold_chars = predicted_chars = baseline_chars = hit = baseline_hit = 0
    for doc_id, text, path in zip(articles["doc_id"], texts, paths, strict=True):
        ann = (folder / "attributions" / f"{path.stem}.ann").read_text(encoding="utf-8")
        gold = np.zeros(len(text), dtype=bool)
        for ranges in re.findall(r"^T\d+\tContent ([\d ;]+)\t", ann, flags=re.MULTILINE):
            for piece in ranges.split(";"):
                a, b = map(int, piece.split())
                gold[a:b] = True
        visible = np.array([not c.isspace() for c in text])
        pred = np.zeros(len(text), dtype=bool)
        for a, b in found.loc[found["doc_id"] == doc_id, ["content_start", "content_end"]].values:
            pred[a:b] = True
        base = np.zeros(len(text), dtype=bool)
        for a, b in quoted.loc[quoted["doc_id"] == doc_id, ["start", "end"]].values:
            base[a:b] = True
        gold, pred, base = gold & visible, pred & visible, base & visible
        gold_chars += gold.sum()
        predicted_chars += pred.sum()
        baseline_chars += base.sum()
        hit += (gold & pred).sum()
        baseline_hit += (gold & base).sum()
    f1 = 2 * hit / (gold_chars + predicted_chars)
    baseline_f1 = 2 * baseline_hit / (gold_chars + baseline_chars)
    assert len(articles) == 14
    assert f1 > baseline_f1 + 0.1
    assert f1 > 0.7


@pytest.mark.parametrize(("name", "cue", "source"), [
    ("politico_2016-09-17_de-blasio-says-chelsea-explosion", "adding", "the mayor"),
    ("politico_2016-09-23_partisan-fireworks-over-clinton-", "adding",
     "Oversight Chairman Jason Chaffetz"),
])
def test_polnear_dev_participles_take_the_speaker_of_their_sentence(
        shared_data: Path, name: str, cue: str, source: str):
    path = shared_data / "polnear" / "dev" / "batch" / f"{name}.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    _, found = attributions_of(path.read_text(encoding="utf-8"))
    assert source in found.loc[found["cue"] == cue, "source_text"].tolist()


def test_polnear_dev_according_to_names_a_whole_organisation(shared_data: Path):
    folder = shared_data / "polnear" / "dev" / "batch"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    texts = [t for t in texts if "according to the Federal Bureau of Prisons" in t]
    assert texts
    _, found = attributions_of(*texts)
    assert "the Federal Bureau of Prisons" in found.loc[
        found["cue"] == "according to", "source_text"].tolist()


@pytest.mark.parametrize("dateline", ["CARACAS, April 30 - ", "WASHINGTON (AP) — ",
                                      "FLINT, Mich., Oct. 4 (UPI) — ", "CARACAS -- "])
def test_a_dateline_is_neither_source_nor_content(dateline):
    articles, found = attributions_of(
        dateline + "The government defeated a coup attempt, Information Minister "
        "Jorge Rodríguez said.",
        dateline + "Opposition leader Juan Guaidó, recognised by dozens of countries, "
        "said the moment had come.")
    assert found["source_text"].tolist() == ["Information Minister Jorge Rodríguez",
                                             "Opposition leader Juan Guaidó"]
    assert content(articles, found.iloc[0]) == "The government defeated a coup attempt"


def test_capitals_without_a_dash_are_not_a_dateline():
    _, found = attributions_of("NATO said the exercise would go ahead.")
    assert found["source_text"].tolist() == ["NATO"]


def test_the_sentence_subject_runs_through_a_title_word():
    articles, found = attributions_of(
        "Opposition leader Juan Guaidó, recognised by dozens of countries, appeared outside "
        "the base and called on the armed forces to help him.")
    called = found[found["cue"] == "called"].iloc[0]
    assert called["source_text"] == "Opposition leader Juan Guaidó"
    assert content(articles, called).startswith("the armed forces")


@pytest.mark.parametrize("before", ["Guaidó", "委内瑞拉 Guaidó", "🇻🇪 Guaidó", "Nicolás Maduro"])
def test_cues_after_characters_of_several_bytes_keep_their_character_offsets(before):
    text = f"{before} said the coup had failed."
    articles = pd.DataFrame({"doc_id": ["d"], "title": [""], "text": [text]})
    sentences, voice = segment_articles(articles)
    found = find_attributions(articles, sentences, voice)
    assert len(found) == 1
    row = found.iloc[0]
    assert text[row.cue_start : row.cue_end] == "said"
    assert text[row.source_start : row.source_end].endswith(before.split()[-1])
    assert text[row.content_start : row.content_end].startswith("the coup had failed")


def test_a_nul_beside_a_cue_is_read_as_a_character_by_the_cue_filter():
    corpus = "He\x00said it."
    cues = np.array([[3, 7]])
    values = features(corpus, cues, np.array([0]), np.array([len(corpus)]),
                      np.array([False]), np.array([False]))
    assert values["p"] == ["\x00"] and values["f"] == ["said"]


@pytest.mark.parametrize(("text", "source"), [
    ("The chief strategist of the super PAC that backed Jeb Bush for president, Mike Murphy, "
     "said the race was over.", "Mike Murphy"),
    ("Republican Rep. Lee Zeldin of New York, a Trump supporter, said the wall would be built.",
     "Republican Rep. Lee Zeldin of New York"),
])
def test_an_appositive_source_is_a_long_name_or_the_name_before_the_comma(text, source):
    articles, found = attributions_of(text)
    said = found[found["cue"] == "said"].iloc[0]
    assert said["source_text"] == source
    assert content(articles, said).startswith("the ")


@pytest.mark.parametrize(("text", "cue", "source"), [
    ("Jason Sims — a teacher from Mount Pleasant — says the plant must stay open.", "says",
     "Jason Sims"),
    ("Three constitutional scholars -- Mr. Tribe, Ms. Epstein and Mr. Amar -- agreed "
     "that the law was sound.", "agreed", "Three constitutional scholars"),
])
def test_the_source_before_an_aside_between_dashes(text, cue, source):
    articles, found = attributions_of(text)
    row = found[found["cue"] == cue].iloc[0]
    assert row["source_text"] == source
    assert content(articles, row).startswith(("the plant", "that the law"))


@pytest.mark.parametrize(("text", "cue", "said"), [
    ("Part of the pitch, of course, is his insistence that the system is rigged.", "insistence",
     "that the system is rigged"),
    ("Trump has gotten traction with his promise to build a wall.", "promise",
     "to build a wall"),
])
def test_a_possessive_is_the_source_of_the_noun_cue_after_it(text, cue, said):
    articles, found = attributions_of(text)
    row = found[found["cue"] == cue].iloc[0]
    assert row["source_text"] == "his"
    assert content(articles, row) == said


@pytest.mark.parametrize(("text", "cue", "source"), [
    ("Trump at the time said the wall would be paid for by Mexico.", "said", "Trump"),
    ("Chairman Trey Gowdy earlier in the day touted the report as proof.", "touted",
     "Chairman Trey Gowdy"),
])
def test_a_time_phrase_after_a_preposition_is_no_source(text, cue, source):
    articles, found = attributions_of(text)
    row = found[found["cue"] == cue].iloc[0]
    assert row["source_text"] == source
    assert content(articles, row).startswith("the ")


@pytest.mark.parametrize("opening", ["Outside", "Along the route"])
def test_a_place_word_opening_the_sentence_is_no_subject(opening):
    articles, found = attributions_of(
        f"{opening}, the protesters marched, chanting that the election was rigged.")
    row = found[found["cue"] == "chanting"].iloc[0]
    assert row["source_text"] == "the protesters"
    assert content(articles, row) == "that the election was rigged"


def test_a_window_that_opens_on_the_comma_before_the_cue_has_no_name_before_it():
    # the words read before a cue are a window of the text; it may open on that comma
    assert rules._name_before_comma(", said", 0, 6, [","], 0) is None
    assert rules._name_before_comma("x, Mike Murphy, said", 0, 15,
                                    ["x", ",", "Mike", "Murphy", ","], 4) == (3, 14)


COMMON_SHAPES = [
    "Maduro said the coup had failed.", "Sen. John Smith said no.", "the Pentagon said so.",
    "the ministry said it would.", "The official said no.", "Local officials said no.",
    "In the end, the former state senator said no.", "Charles de Gaulle said no.",
    "the accused said nothing.", "He has said so.", "After the vote, Smith said no.",
    '"We won," Smith said.', "“We won,” the mayor said.", "of the Pentagon said",
    "Later that day said", "Trump on Monday said", "The Ⓐ said", "U.S. officials said",
    "the day said", "Lawmakers who were briefed said", "“The MS Coast took a", "the  ministry said",
    "Trump has repeatedly said", "officials have also said", "the agency has not yet said",
    "Smith on Monday said", "the senators were far less divided said", "this said",
    "It is now said",
    # the walk stops at the word before the cue and finds no source
    "He spoke in a said", '"We won," said Smith.', "“We won” said the mayor.", "The said",
    "officials by said", "In said", "a — said", "a ( said", "Gov. Pat McCrory (R) said",
    "“Yes,” he and she said", "So said", "his said", "Ⓐ said",
]


@pytest.mark.parametrize("text", COMMON_SHAPES)
def test_the_common_shapes_of_a_source_before_a_cue_give_what_the_walk_gives(text):
    # every cue the vectorised shapes decide gets the span _source_before returns, or none
    cs = np.array([m.start() for m in re.finditer(r"\b(?:said|took)\b", text)], dtype=np.int64)
    ss = np.zeros(len(cs), dtype=np.int64)
    found, none = rules._common_sources_before(code_points(text), cs, ss)
    for c, (start, end), no_source in zip(cs.tolist(), found.tolist(), none.tolist(),
                                          strict=True):
        assert not (start >= 0 and no_source)
        if start >= 0:
            assert (start, end) == rules._source_before(text, 0, c)
        if no_source:
            assert rules._source_before(text, 0, c) is None


def test_the_common_shapes_decide_most_sources_of_real_text():
    articles = pd.DataFrame({"doc_id": ["a"], "title": [None], "text": [" ".join(COMMON_SHAPES)]})
    corpus, _, layout = corpus_layout(articles, *segment_articles(articles))
    cues, sentence = rules.candidates(corpus, layout, load_model().finder)
    cs, ss = cues[:, 0].astype(np.int64), layout.sent_start[sentence]
    found, none = rules._common_sources_before(code_points(corpus), cs, ss)
    decided = np.flatnonzero(found[:, 0] >= 0)
    assert len(decided) >= len(cs) // 2
    for i in decided.tolist():
        assert tuple(found[i]) == rules._source_before(corpus, int(ss[i]), int(cs[i]))
    assert none.sum() >= 5
    for i in np.flatnonzero(none).tolist():
        assert rules._source_before(corpus, int(ss[i]), int(cs[i])) is None


def test_distinct_spans_reads_each_distinct_tagged_text_once():
    text = "He said \x00x \ud800y, he said 😀"
    code = code_points(text)
    starts = [text.index("said"), text.rindex("said"), 8, 0, 3, 3, text.index("😀")]
    ends = [starts[0] + 4, starts[1] + 4, 12, 0, 7, 7, len(text)]
    tags = np.array([0, 0, 0, 0, 0, 1, 0], dtype=np.uint32)
    index, values = distinct_spans(code, np.array(starts), np.array(ends), tags)
    assert [values[i] for i in index.tolist()] == [
        (0, "said"), (0, "said"), (0, "\x00x \ud800"), (0, ""), (0, "said"), (1, "said"), (0, "😀")]
    assert len(values) == 5
    empty = np.zeros(0, dtype=np.int64)
    assert distinct_spans(code, empty, empty, empty.astype(np.uint32))[1] == []
