"""The four terms the research starts from, counted by hand in every seed article.

Each count below was made by reading the cleaned seed texts, and each
occurrence is quoted beside it with its voice: ``N`` is the outlet's own voice
(narrator), ``Q`` is inside a quotation (scare quotes included). Seed 001's
headline is printed three times in the file and is counted once, because
repeated paragraphs are kept once.
"""

from __future__ import annotations

import pytest

from sourcebias.annotate.actors import find_actors
from sourcebias.annotate.folding import prepare_corpus
from sourcebias.annotate.lexicon import read_actors, read_terms
from sourcebias.annotate.terms import find_terms
from sourcebias.segment.sentences import segment_articles

# (word family, category, surface pattern) -> {seed: (narrator, quote)}
HAND_COUNTS = {
    ("coup", "event_naming", r"\bcoup\b"): {
        # N "the “cowards” and “traitors” behind the coup."
        # Q "We reject this coup movement" (the minister's tweet, unmarked continuation)
        # N "described Guido's action as an attempted coup d'etat"
        "000": (2, 1),
        # N headline "… after failed coup attempt" (kept once)
        # N "calls Guaido a US -backed puppet seeking to orchestrate a coup against him."
        "001": (2, 0),
        # N "An attempted coup now unfolding in Venezuela"
        # N "Terming this move a coup attempt, Maduro said"
        # Q "The self-proclaimed, Juan Guaido, and Leopoldo López personally led the coup d'état"
        "002": (2, 1),
        # N "attempted to stage a coup after gathering near the La Carlota military base"
        # N "The coup failed, however"
        "003": (2, 0),
        # N headline "Guaidó traitors launch military coup against Maduro"
        # Q "“there is a group of the Sebin … participating in this coup attempt …”"
        # Q "“… opts for the coup d’état”"
        # N "blamed Colombia for the attempted coup."
        # Q "“… including this coup attempt, are supported and financed …”"
        "004": (2, 3),
    },
    ("traitors", "loyalty_betrayal", r"\btraitor"): {
        # Q "hitting out at the “cowards” and “traitors” behind the coup" (scare quote)
        # Q "Ever loyal, never traitors!" (the minister's tweet)
        "000": (0, 2),
        # Q "\"I trust you, but keep your eyes open; a handful of traitors can not tarnish …\""
        "001": (0, 1),
        "002": (0, 0),
        # Q "comb its ranks in search of “traitors”" (scare quote)
        # N "the president ordered the military to capture traitors within their ranks."
        # Q "\"If a traitor emerges, capture him immediately …\""
        "003": (1, 2),
        # N headline "BREAKING: Guaidó traitors launch military coup"
        "004": (1, 0),
    },
    ("legitimate", "legitimacy", r"^legitimate\b"): {
        # Q "remained “firmly in defense” of the “legitimate” government" (scare quote)
        # Q "\"The armed forces remain firm in their defence of … the legitimate authorities."
        "000": (0, 2),
        # N "recognized as the South American country's legitimate leader by more than 50 countries"
        "001": (1, 0),
        # Q "who calls himself the \"legitimate commander in chief of armed forces\""
        "002": (0, 1),
        # N "have recognised Maduro as the only legitimate president of the Latin American nation."
        "003": (1, 0),
        # N "to take to the streets against the legitimate Government"
        # N "is under the control of the legitimate government, “they are in the street …”"
        "004": (2, 0),
    },
    ("self-proclaimed", "legitimacy", r"^self-proclaimed"): {
        "000": (0, 0),
        "001": (0, 0),
        # Q "The self-proclaimed, Juan Guaido, and Leopoldo López personally led the coup d'état"
        "002": (0, 1),
        # N "the Venezuelan opposition led by self-proclaimed \"interim president\" Juan Guaido"
        "003": (1, 0),
        # N "the last call of the self-proclaimed interim president Juan Guaidó"
        "004": (1, 0),
    },
}


@pytest.fixture(scope="module")
def seed_annotations(seed_batch):
    articles = seed_batch.articles
    sentences, voice = segment_articles(articles)
    corpus = prepare_corpus(articles)
    hits = find_terms(corpus, sentences=sentences, voice=voice, lexicon=read_terms())
    mentions = find_actors(corpus, sentences=sentences, voice=voice, lexicon=read_actors())
    return hits.assign(seed=hits["doc_id"].str[:3]), mentions.assign(
        seed=mentions["doc_id"].str[:3])


@pytest.mark.parametrize("family", list(HAND_COUNTS), ids=[f[0] for f in HAND_COUNTS])
def test_focus_terms_match_hand_counts_per_article_and_voice(seed_annotations, family):
    hits, _ = seed_annotations
    _, category, surface = family
    found = hits[(hits["category"] == category)
                 & hits["surface"].str.lower().str.contains(surface, regex=True)]
    counted = found.groupby(["seed", "voice"]).size()
    for seed, (narrator, quote) in HAND_COUNTS[family].items():
        got = (counted.get((seed, "narrator"), 0), counted.get((seed, "quote"), 0))
        assert got == (narrator, quote), f"{family[0]} in seed {seed}: (narrator, quote)"


def test_headline_hits_are_flagged_as_title(seed_annotations):
    hits, _ = seed_annotations
    in_titles = hits[hits["is_title"]]
    # 001 "… after failed coup attempt"; 004 "Guaidó traitors launch military coup …";
    # 002's headline has no loaded term; 000 and 003 have no headline.
    assert set(in_titles["seed"]) == {"001", "004"}
    assert {"traitors", "military coup"} <= set(in_titles["surface"].str.lower())


def test_who_calls_guaido_self_proclaimed(seed_annotations):
    """From the seeds alone: Sputnik and the blog in their own voice; Aggregator B only quotes."""
    _, mentions = seed_annotations
    guaido = mentions[(mentions["actor"] == "guaido") & mentions["label"].notna()]
    labelled = guaido[guaido["label"].str.lower().str.contains("self-proclaimed")]
    assert set(labelled.loc[labelled["label_voice"] == "narrator", "seed"]) == {"003", "004"}


def test_who_calls_the_maduro_government_legitimate(seed_annotations):
    """The blog in its own voice (twice); Iran Press only in a scare quote."""
    _, mentions = seed_annotations
    labels = mentions[mentions["label"].notna()]
    legitimate = labels[labels["label"].str.lower().str.contains(r"\blegitimate\b")
                        & (labels["actor"] == "maduro_government")]
    assert legitimate.groupby("seed")["label_voice"].agg(sorted).to_dict() == {
        "000": ["quote"], "004": ["narrator", "narrator"]}
