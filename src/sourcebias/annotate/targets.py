"""Tone toward a target in a sentence: target-dependent sentiment (TSC).

One sentence can praise one person and attack another ("X praised Y's courage
while condemning Z's brutal crackdown"), so the tone toward a target is read
from the words around that target, not from the sentence as a whole.

The model is a multinomial logistic regression over hashed, position-tagged
words, trained on NewsMTSC (Hamborg and Donnay, EACL 2021, MIT licence) by
``benchmarks/build_target_model.py``; its figures are in ``docs/validation.md``
under "Tone toward an actor (NewsMTSC)". Its inputs, for one target, are:

* the words left and right of the target, tagged by distance in words
  (1-3, 4-8, 9 or more on each side), the target itself masked;
* the words of the whole sentence (target masked) and of the clause holding
  the target (the sentence cut at ``; : , ( )``, dashes, quotation marks and
  ``but``, ``while``, ``although``, ``though``, ``whereas``, ``however``,
  ``yet``, ``despite``);
* negation: a word within two words after ``not``, ``no``, ``never``,
  ``without``, ``nor``, ``cannot`` or a ``n't`` word is tagged ``neg_``;
* the VADER lexicon (Hutto and Gilbert, ICWSM 2014): the summed positive and
  negative valences of the words in each of those groups. These sums are
  linear in the hashed word counts, so the build folds their weights into the
  word weights, and lexicon words that training never saw still count;
* the sentence's VADER compound score and whether it is above 0.05 or below
  -0.05 (the usual thresholds).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from sourcebias.annotate.vader import FastVader

#: The classes, in the order of the model's rows and of the probability columns.
CLASSES = ("negative", "neutral", "positive")
#: Columns added by :func:`score_targets`.
SCORE_COLUMNS = ("polarity", "p_negative", "p_neutral", "p_positive")
#: The model file inside the package.
MODEL_FILE = "resources/models/target_sentiment.npz"
#: Width of the hashed feature space (murmurhash3 with seed 0, as in scikit-learn).
N_FEATURES = 2**20
#: Words nearest the target on each side (``l1``/``r1``) and next nearest (``l2``/``r2``).
NEAR, MIDDLE = 3, 8
#: Group prefixes of the hashed words: left, right by distance; sentence; clause.
GROUPS = ("l1_", "l2_", "l3_", "r1_", "r2_", "r3_", "s_", "c_")

_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
_NEGATION = re.compile(
    r"\b(not|no|never|without|nor|cannot|\w+n[’']t)\s+"
    r"(?:(?:a|an|the|very|so|really|be|been|being)\s+)?(\w)"
)
_CLAUSE = re.compile(
    r"[;:,—–()\"“”]|\b(?:but|while|although|though|whereas|however|yet|despite)\b"
)
_HASHER = HashingVectorizer(analyzer=str.split, n_features=N_FEATURES,
                            alternate_sign=False, norm=None, binary=True)


def score_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Tone of each sentence toward one target in it: negative, neutral or positive.

    The probabilities are the softmax of the linear scores,
    ``p_k = exp(z_k) / sum_j exp(z_j)`` with ``z = x W + b`` (multinomial
    logistic regression), and ``polarity`` is the class of highest
    probability (the first in :data:`CLASSES` order on a tie). The features
    ``x`` and the training data are described in the module docstring; the
    validation figures are in ``docs/validation.md``.

    Parameters
    ----------
    targets : pandas.DataFrame
        ``text`` (the sentence), ``start`` and ``end`` (character offsets of
        the target mention in ``text``, ``text[start:end]``, end exclusive).
        An optional ``compound`` column gives the sentence's VADER compound
        score (as in the ``sentiment`` table); without it, it is computed.

    Returns
    -------
    pandas.DataFrame
        A copy of ``targets`` (same index and columns) with ``polarity``
        (``negative``, ``neutral`` or ``positive``), ``p_negative``,
        ``p_neutral`` and ``p_positive`` (summing to 1 in each row).

    Raises
    ------
    ValueError
        When a column is missing, a text is not a string, or an offset is not
        an integer with ``0 <= start < end <= len(text)``.

    Examples
    --------
    >>> score_targets(pd.DataFrame({"text": ["Critics praised Ana but mocked Bo."],
    ...                             "start": [16], "end": [19]}))
    """
    texts, starts, ends = _checked(targets)
    result = targets.copy()
    if not len(targets):
        result["polarity"] = pd.Series(dtype="object", index=targets.index)
        for name in SCORE_COLUMNS[1:]:
            result[name] = pd.Series(dtype="float64", index=targets.index)
        return result
    compound = (targets["compound"].to_numpy(np.float64) if "compound" in targets
                else sentence_compound(texts))
    probabilities = predict_proba(target_features(texts, starts, ends), compound)
    result["polarity"] = np.asarray(CLASSES, dtype=object)[probabilities.argmax(axis=1)]
    for k, name in enumerate(SCORE_COLUMNS[1:]):
        result[name] = probabilities[:, k]
    return result


def _checked(targets: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The texts and offsets of ``targets``, or a ValueError naming the first bad row."""
    if not isinstance(targets, pd.DataFrame):
        raise ValueError("targets must be a DataFrame with columns text, start and end")
    missing = [c for c in ("text", "start", "end") if c not in targets.columns]
    if missing:
        raise ValueError(f"targets lacks column(s) {', '.join(missing)}: "
                         "give the sentence as text and the mention's offsets as start, end")
    texts = targets["text"].tolist()
    not_text = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if not_text:
        raise ValueError(f"targets row {targets.index[not_text[0]]!r}: text is not a string")
    offsets = []
    for name in ("start", "end"):
        column = targets[name]
        if not (pd.api.types.is_integer_dtype(column) and not column.isna().any()):
            raise ValueError(f"targets column {name} must hold integers without nulls")
        offsets.append(column.to_numpy(np.int64))
    starts, ends = offsets
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bad = np.flatnonzero((starts < 0) | (ends <= starts) | (ends > lengths))
    if bad.size:
        i = bad[0]
        raise ValueError(f"targets row {targets.index[i]!r}: offsets start={starts[i]}, "
                         f"end={ends[i]} do not give a non-empty span of a text of "
                         f"{lengths[i]} characters (need 0 <= start < end <= len(text))")
    return texts, starts, ends


def sentence_compound(texts: list[str]) -> np.ndarray:
    """VADER compound score of each text, each distinct text scored once."""
    unique = dict.fromkeys(texts)
    analyzer = FastVader()
    for text in unique:
        unique[text] = analyzer.scores(text)[3]
    return np.fromiter((unique[t] for t in texts), dtype=np.float64, count=len(texts))


def target_features(texts: list[str], starts: np.ndarray, ends: np.ndarray) -> sparse.csr_matrix:
    """Hashed, position-tagged words around each target (see the module docstring).

    Parameters
    ----------
    texts : list of str
        The sentences.
    starts, ends : numpy.ndarray of int
        The target's offsets in each sentence (end exclusive), already checked.

    Returns
    -------
    scipy.sparse.csr_matrix
        One row per target, :data:`N_FEATURES` binary columns.
    """
    return _HASHER.transform(map(_feature_string, texts, starts.tolist(), ends.tolist()))


def _feature_string(text: str, start: int, end: int) -> str:
    """The tagged words of one target, space-separated (one string per target)."""
    left = _NEGATION.sub(r"\1 neg_\2", text[:start].lower())
    right = _NEGATION.sub(r"\1 neg_\2", text[end:].lower())
    lw = _WORD.findall(left)
    rw = _WORD.findall(right)
    clause = _WORD.findall(_CLAUSE.split(left)[-1]) + _WORD.findall(_CLAUSE.split(right, 1)[0])
    groups = (lw[-NEAR:], lw[-MIDDLE:-NEAR] if len(lw) > NEAR else (),
              lw[:-MIDDLE] if len(lw) > MIDDLE else (), rw[:NEAR], rw[NEAR:MIDDLE],
              rw[MIDDLE:], lw + rw, clause)
    parts = [prefix + (" " + prefix).join(words)
             for prefix, words in zip(GROUPS, groups, strict=True) if words]
    if not lw:
        parts.append("at_start")
    return " ".join(parts)


def compound_features(compound: np.ndarray) -> np.ndarray:
    """The sentence-level inputs: compound, compound >= 0.05, compound <= -0.05."""
    compound = np.asarray(compound, dtype=np.float64)
    return np.column_stack([compound, compound >= 0.05, compound <= -0.05]).astype(np.float64)


def predict_proba(words: sparse.csr_matrix, compound: np.ndarray) -> np.ndarray:
    """Class probabilities (columns in :data:`CLASSES` order) from the shipped model."""
    word_weights, compound_weights, intercept = _model()
    z = words @ word_weights + compound_features(compound) @ compound_weights + intercept
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


@functools.cache
def _model() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense word weights (``N_FEATURES x 3``), compound weights and intercept."""
    with resources.files("sourcebias").joinpath(MODEL_FILE).open("rb") as handle:
        stored = np.load(handle)
        columns, weights = stored["columns"], stored["word_weights"]
        compound_weights = stored["compound_weights"].astype(np.float64)
        intercept = stored["intercept"].astype(np.float64)
        if tuple(stored["classes"].tolist()) != CLASSES:
            raise ValueError(f"{MODEL_FILE} has classes {stored['classes'].tolist()}, "
                             f"expected {list(CLASSES)}")
    dense = np.zeros((N_FEATURES, len(CLASSES)), dtype=np.float64)
    dense[columns] = weights
    return dense, compound_weights, intercept
