"""Tests of the tone toward a target (:mod:`sourcebias.annotate.targets`)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from sourcebias.annotate.targets import CLASSES, score_targets, sentence_compound
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
    # "... the last call of the self-proclaimed interim president Juan Guaidó to the ... military"
    ("004_2e9fe9f6afea570a", 6),
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
    assert model > 0.6
    assert model > f1_score(gold["label"], vader, average="macro") + 0.05
