"""The language of each article, from the start of its text.

The model is py3langid's (a fork of langid.py: Lui and Baldwin, "langid.py: An
Off-the-shelf Language Identification Tool", ACL 2012 System Demonstrations;
BSD-3-Clause), shipped inside its PyPI package: a multinomial naive Bayes
classifier over byte n-grams of 97 languages (142 model columns), the n-grams
found by walking a deterministic automaton over the UTF-8 bytes. Nothing is
downloaded.

py3langid walks the automaton one article at a time in a Python loop over bytes
(about 1 µs a byte). Here the automaton is walked for all the articles of a part
at once, one byte position at a time with numpy, and the naive Bayes scores are
one sparse-by-dense product, so that classifying the first
:data:`LANGUAGE_CHARS` characters of 100,000 articles costs seconds, not
minutes. The result equals ``py3langid.classify`` with ``norm_probs=True`` on
the same characters (see ``tests/test_read_language.py``).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from py3langid.langid import MODEL_DIR, MODEL_FILE
from py3langid.modelio import load_model

#: Characters from the start of each article that are classified: on 2,000 AllSides
#: articles, 500 give the same languages as 1,000 at half the cost (see
#: ``benchmarks/bench_language.py``). An article that changes language later keeps
#: the language it starts in.
LANGUAGE_CHARS = 500


@dataclass(frozen=True, eq=False)
class _Model:
    """py3langid's model as numpy arrays: naive Bayes log-probabilities of each feature
    per class (``table``) and class priors (``prior``), the classes' language codes,
    and the automaton: ``moves[rows[state] + byte]`` is the next state and
    ``output[state]`` the feature it completes, or -1."""

    table: np.ndarray
    prior: np.ndarray
    classes: np.ndarray
    moves: np.ndarray
    rows: np.ndarray
    output: np.ndarray
    aliases: tuple[tuple[int, int], ...]


@functools.cache
def _model() -> _Model:
    """Load the model once per process (about 3 s: it is LZMA-compressed)."""
    table, prior, classes, moves, rows, output = load_model(MODEL_DIR / MODEL_FILE)
    first: dict[str, int] = {}
    aliases = []
    for column, code in enumerate(classes):  # script variants of one language (srl -> sr)
        if code in first:
            aliases.append((first[code], column))
        else:
            first[code] = column
    return _Model(
        table=np.asarray(table, dtype=np.float32),
        prior=np.asarray(prior, dtype=np.float32),
        classes=np.array(classes, dtype=object),
        moves=np.asarray(moves),
        rows=np.asarray(rows).astype(np.int64) << 8,
        output=np.asarray(output, dtype=np.int32),
        aliases=tuple(aliases),
    )


def _encoded(text: str) -> bytes:
    """The bytes py3langid classifies: NFC, lower-cased when all upper case, UTF-8."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


def detect_languages(texts: pd.Series, *, chars: int = LANGUAGE_CHARS) -> pd.Series:
    """The language of each text, as an ISO 639-1 code (``en``, ``es`` ...).

    Each text's first ``chars`` characters are classified by py3langid's naive
    Bayes model: the class maximising ``log P(c) + sum_f log(1 + n_f) log P(f | c)``
    over the byte n-gram features ``f`` found ``n_f`` times (py3langid's scoring,
    with its script variants of one language counted as that language).

    Parameters
    ----------
    texts : pandas.Series of str
    chars : int
        Characters classified from the start of each text.

    Returns
    -------
    pandas.Series of str
        Same index; null for a text with no letters the model knows (empty,
        only digits or punctuation).
    """
    model = _model()
    encoded = [_encoded(text[:chars]) if isinstance(text, str) else b""
               for text in texts.tolist()]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    order = np.argsort(-lengths, kind="stable")  # longest first: the live texts are a prefix
    width = int(lengths.max()) if len(lengths) else 0
    sorted_lengths = lengths[order]
    # byte ``p`` of the ``k``-th longest text at grid[p, k]: each step reads one row
    grid = np.zeros((width, len(encoded)), dtype=np.uint8)
    flat = np.frombuffer(b"".join(encoded[i] for i in order), dtype=np.uint8)
    starts = np.cumsum(sorted_lengths) - sorted_lengths
    grid[np.arange(len(flat)) - np.repeat(starts, sorted_lengths),
         np.repeat(np.arange(len(encoded)), sorted_lengths)] = flat
    live = np.searchsorted(-sorted_lengths, -np.arange(1, width + 1), side="right")
    state = np.zeros(len(encoded), dtype=np.int64)
    found_docs, found_features = [], []
    for position in range(width):
        n = int(live[position])
        state[:n] = model.moves[model.rows[state[:n]] + grid[position, :n]]
        feature = model.output[state[:n]]
        hit = np.flatnonzero(feature >= 0)
        found_docs.append(hit)
        found_features.append(feature[hit])
    docs = np.concatenate([np.empty(0, np.int64), *found_docs])
    features = np.concatenate([np.empty(0, np.int64), *found_features])
    # duplicates (a feature found several times in a text) are summed into counts
    counts = sp.csr_matrix((np.ones(len(docs), dtype=np.float32), (docs, features)),
                           shape=(len(encoded), len(model.table)))
    counts.data = np.log1p(counts.data)
    scores = np.asarray(counts @ model.table) + model.prior
    # py3langid's normalisation: a softmax at temperature sqrt(bytes), then each script
    # variant's probability added to its language's
    scores *= (1.0 / np.sqrt(np.maximum(sorted_lengths, 1)))[:, None]
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    scores /= scores.sum(axis=1, keepdims=True)
    for keep, fold in model.aliases:
        scores[:, keep] += scores[:, fold]
        scores[:, fold] = 0.0
    best = model.classes[scores.argmax(axis=1)]
    best[np.diff(counts.indptr) == 0] = None
    languages = np.empty(len(encoded), dtype=object)
    languages[order] = best
    return pd.Series(languages, index=texts.index, dtype="str")
