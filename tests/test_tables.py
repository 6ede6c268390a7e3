"""The table contract: word counts (sourcebias.tables)."""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
from conftest import ALLSIDES_OPTIONS

from sourcebias.read.batch import read_batch
from sourcebias.tables import WORD_PATTERN, code_points_at, count_words


def test_count_words_equals_the_word_pattern_count(allsides_sample, seed_batch):
    rng = random.Random(20190430)
    alphabet = list("ab_1'’‘-‐– \n\t.,éßç中\u0301\u00a0\U0001F600\ud800")
    crafted = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
               for _ in range(5000)]
    texts = pd.Series([*crafted, "coup d'état", "self-proclaimed -- 'traitors'", None],
                      dtype=object)
    real = read_batch(allsides_sample, **ALLSIDES_OPTIONS).articles["text"]
    for strings in (texts, real, seed_batch.articles["text"]):
        expected = [len(re.findall(WORD_PATTERN, s)) if isinstance(s, str) else 0
                    for s in strings]
        assert count_words(strings).tolist() == expected
    assert count_words(real).sum() > 50_000


def test_character_and_byte_offsets_convert_both_ways():
    import numpy as np

    from sourcebias.tables import byte_to_character_offsets, character_to_byte_offsets

    text = "Guaidó 委内瑞拉 🇻🇪 said"
    encoded = text.encode("utf-8")
    characters = np.arange(len(text) + 1)
    in_bytes = character_to_byte_offsets(encoded, characters)
    assert in_bytes.tolist() == [len(text[:i].encode("utf-8")) for i in characters]
    assert byte_to_character_offsets(encoded, in_bytes).tolist() == characters.tolist()


def test_code_points_at_matches_ord_of_each_character():
    text = "Café “quoted”: 😀\x00\r\n\tשלום\u200f end:"
    positions = np.array([len(text) - 1, 0, 3, 5, 13, 15, 16, 3])
    assert code_points_at(text, positions).tolist() == [ord(text[p]) for p in positions]
    assert code_points_at(text, np.array([15])).tolist() == [ord("😀")]
    assert code_points_at(text, np.array([], dtype=np.int64)).size == 0
