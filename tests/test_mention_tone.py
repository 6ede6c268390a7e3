"""Tests of the tone toward each mention (:mod:`sourcebias.annotate.mention_tone`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import sourcebias as sb
from sourcebias.annotate.mention_tone import score_mentions
from sourcebias.annotate.sentiment import score_sentiment
from sourcebias.annotate.targets import CLASSES, mention_targets, score_targets
from sourcebias.config import SEED_BATCH
from sourcebias.tables import TONE_COLUMNS


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> sb.Analysis:
    out = tmp_path_factory.mktemp("seed") / "tables"
    return sb.analyze(SEED_BATCH, out=out, cache=False, jobs=1)


def test_every_seed_mention_carries_the_models_tone(seed: sb.Analysis):
    mentions = seed.mentions
    schema = pq.read_schema(Path(seed.tables.folder) / "mentions.parquet")
    assert schema.names[-4:] == list(TONE_COLUMNS)
    assert mentions["polarity"].isin(CLASSES).all()
    p = mentions[list(TONE_COLUMNS[1:])].to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    again = score_targets(mention_targets(mentions, seed.sentences, seed.sentiment))
    np.testing.assert_array_equal(again["polarity"].to_numpy(), mentions["polarity"].to_numpy())
    np.testing.assert_allclose(again["p_positive"].to_numpy(), mentions["p_positive"].to_numpy())
    # quoted mentions are scored too, not skipped
    assert (mentions["voice"] == "quote").any()


def test_actor_tone_reads_the_written_columns(seed: sb.Analysis):
    written = sb.actor_sentiment(seed.sentiment, mentions=seed.mentions, articles=seed.articles,
                                 sentences=seed.sentences, n_boot=200, random_state=0)
    bare = seed.mentions.drop(columns=list(TONE_COLUMNS))
    scored = sb.actor_sentiment(seed.sentiment, mentions=bare, articles=seed.articles,
                                sentences=seed.sentences, n_boot=200, random_state=0)
    pd.testing.assert_frame_equal(written, scored)
    assert (written["n_mentions"] > 0).all()


def test_a_mention_in_a_sentence_not_in_english_is_not_scored():
    sentences = pd.DataFrame({
        "doc_id": ["en", "es"], "sent_id": [0, 0], "start": [0, 0],
        "text": ["Critics praised Maduro for his courage.",
                 "Los críticos acusaron a Maduro de fraude."],
    })
    voice = pd.DataFrame({"doc_id": ["en", "es"], "start": [0, 0],
                          "end": [len(t) for t in sentences["text"]],
                          "voice": "narrator", "scare": False})
    articles = pd.DataFrame({"doc_id": ["en", "es"], "text": sentences["text"],
                             "language": ["en", "es"]})
    sentiment = score_sentiment(sentences.assign(end=voice["end"], para_id=0, is_title=False),
                                voice=voice, articles=articles, domain=False)
    assert sentiment.set_index("doc_id")["compound"].isna().to_dict() == {"en": False,
                                                                          "es": True}
    mentions = pd.DataFrame({"doc_id": ["en", "es"], "sent_id": [0, 0],
                             "start": [16, 23], "end": [22, 29], "actor": "maduro",
                             "voice": "narrator"}, index=[7, 9])
    tone = score_mentions(mentions, sentences, sentiment)
    assert list(tone.index) == [7, 9] and list(tone.columns) == list(TONE_COLUMNS)
    assert tone.loc[7, "polarity"] in CLASSES and pd.isna(tone.loc[9, "polarity"])
    assert np.isnan(tone.loc[9, "p_positive"]) and tone.loc[7, "p_positive"] > 0
