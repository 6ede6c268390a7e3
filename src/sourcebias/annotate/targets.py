"""Tone toward a target in a sentence: target-dependent sentiment (TSC).

One sentence can praise one person and attack another ("X praised Y's courage
while condemning Z's brutal crackdown"), so the tone toward a target is read
from the words around that target, not from the sentence as a whole.

The model is a multinomial logistic regression over hashed, position-tagged
words, trained on NewsMTSC (Hamborg and Donnay, EACL 2021, MIT licence) and
on name mentions in AllSides articles (Baly et al., EMNLP 2020, Apache-2.0)
soft-labelled by the slower encoder scorer (knowledge distillation), by
``benchmarks/build_target_model.py``; its figures are in ``docs/validation.md``
under "Tone toward an actor (NewsMTSC)". Its inputs, for one target, are:

* the words left and right of the target, tagged by distance in words
  (1-3, 4-8, 9 or more on each side), the target itself masked;
* the words of the clause holding the target (the sentence cut at
  ``; : , ( )``, dashes, quotation marks and ``but``, ``while``,
  ``although``, ``though``, ``whereas``, ``however``, ``yet``, ``despite``);
* the words of the whole sentence (target masked), a binary bag of its own
  (added to the target's words, not merged with them), so that its scores
  are summed once per sentence and each target only takes away its own
  tokens (:meth:`_Parsed._sentence_scores`);
* quotation (:func:`quote_words`): whether the target stands inside a
  quotation (an odd number of quotation marks before it in the sentence)
  and whether the sentence holds a quotation mark at all;
* attack and praise cues (:func:`cue_words`; the word list
  ``resources/rules/target_cues.yaml``): the target before a verb of attack or
  praise in its clause (its agent, or its patient after ``is``, ``was``,
  ``been`` ...), after one (its object), after ``by`` following one (the
  agent of a passive), or before a noun of attack or praise ("X, a
  traitor", "X is a hero");
* negation: a word within two words after ``not``, ``no``, ``never``,
  ``without``, ``nor``, ``cannot`` or a ``n't`` word is tagged ``neg_``;
* the VADER lexicon (Hutto and Gilbert, ICWSM 2014): the summed positive and
  negative valences of the words in each of those groups. These sums are
  linear in the hashed word counts, so the build folds their weights into the
  word weights, and lexicon words that training never saw still count;
* the sentence's VADER compound score and whether it is above 0.05 or below
  -0.05 (the usual thresholds);
* static word vectors (:mod:`sourcebias.annotate.word_vectors`: each word
  embedded alone by the sentence encoder all-MiniLM-L6-v2, Apache-2.0, and
  reduced by PCA; model2vec-style distillation, Tulkens and van Dongen 2024)
  averaged over six groups (:data:`VECTOR_GROUPS`): left of the target, each
  word weighted ``1 / d`` for its distance ``d`` in words (1 nearest); right
  of it, likewise; the three nearest words on the left, and on the right; the
  clause; the sentence (target masked; its sum is taken once per sentence,
  less the target's tokens); each word of the last four weighted 1.
  A group's mean is ``sum_i w_i v_i / sum_i w_i``; words outside the
  vocabulary count with the zero vector, a group without words is zero,
  and a word read with ``neg_`` takes the vector of the word.

At run time this is numpy and scipy only: the vector means enter the linear
scores as a sparse mixing matrix times the vector table multiplied once by
the model's vector weights (:func:`_projected_vectors`).
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from scipy import sparse

from sourcebias.annotate.vader import FastVader
from sourcebias.annotate.word_vectors import vector_table, word_rows
from sourcebias.checks import first_bad, require_columns
from sourcebias.config import TARGET_CUES
from sourcebias.tables import _character_classes, code_points, ranges, sentence_codes

#: The classes, in the order of the model's rows and of the probability columns.
CLASSES = ("negative", "neutral", "positive")
#: Columns added by :func:`score_targets`.
SCORE_COLUMNS = ("polarity", "p_negative", "p_neutral", "p_positive")
#: The model file inside the package, and its provenance sidecar.
MODEL_FILE = "resources/models/target_sentiment.npz"
SIDECAR_FILE = "resources/models/target_sentiment.json"
#: Width of the hashed feature space (murmurhash3 with seed 0, as in scikit-learn).
N_FEATURES = 2**20
#: Words nearest the target on each side (``l1``/``r1``) and next nearest (``l2``/``r2``).
NEAR, MIDDLE = 3, 8
#: Group prefixes of the hashed words: left, right by distance; sentence; clause.
GROUPS = ("l1_", "l2_", "l3_", "r1_", "r2_", "r3_", "s_", "c_")
#: The word-vector means of a target, in the order of its columns.
VECTOR_GROUPS = ("left", "right", "near_left", "near_right", "clause", "sentence")

#: The quotation marks counted by :func:`quote_words` (straight and curly double quotes).
QUOTE_MARKS = ('"', "“", "”")
#: Words read by :func:`cue_words` on each side of the target.
CUE_WINDOW = 3
#: Cue codes of words: none, attack verb, praise verb, attack noun, praise noun, auxiliary, by.
_NONE, _ATTACK, _PRAISE, _ATTACK_NOUN, _PRAISE_NOUN, _AUX, _BY = range(7)
_CUE_LISTS = {"attack_verbs": _ATTACK, "praise_verbs": _PRAISE, "attack_nouns": _ATTACK_NOUN,
              "praise_nouns": _PRAISE_NOUN}
#: Auxiliaries that make a following cue verb passive ("was hailed", "got slammed").
_AUXILIARIES = ("is", "are", "was", "were", "be", "been", "being", "get", "gets", "got",
                "gotten", "getting")

_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
_NEGATION = re.compile(
    r"\b(not|no|never|without|nor|cannot|\w+n[’']t)\s+"
    r"(?:(?:a|an|the|very|so|really|be|been|being)\s+)?(\w)"
)
_CLAUSE = re.compile(
    r"[;:,—–()\"“”]|\b(?:but|while|although|though|whereas|however|yet|despite)\b"
)
_MARK_WORDS = frozenset(("but", "while", "although", "though", "whereas", "however", "yet",
                         "despite"))
_CLAUSE_WORD = re.compile(rf"\b(?:{'|'.join(sorted(_MARK_WORDS))})\b")
#: Where a negation word that ends a token opens (the token "anti-no" opens at "no").
_NEGATION_AT = re.compile(r"\b(?:not|no|never|without|nor|cannot|\w+n[’']t)$")
#: Endings of every word that can open a :data:`_NEGATION` match.
_NEGATION_ENDINGS = ("not", "no", "never", "without", "nor", "n't", "n’t")


@functools.cache
def _hasher():
    """The reference hashing of the features: scikit-learn's ``HashingVectorizer`` over
    space-separated words, binary. Only the model's build uses it; scoring hashes the
    same way with numpy (:func:`_columns`, :func:`_bags`), as importing scikit-learn
    would cost each process about a second."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer=str.split, n_features=N_FEATURES,
                             alternate_sign=False, norm=None, binary=True)


def score_targets(targets: pd.DataFrame, *, model: str = "fast") -> pd.DataFrame:
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
    model : {"fast", "encoder"}
        ``fast`` (the default): the model above, numpy only. ``encoder``: the
        slower scorer of :mod:`sourcebias.annotate.target_encoder` (a frozen
        all-MiniLM-L6-v2 and a logistic regression; needs the ``models``
        extra, and ignores ``compound``); see ``docs/validation.md`` for its
        accuracy and cost.

    Returns
    -------
    pandas.DataFrame
        A copy of ``targets`` (same index and columns) with ``polarity``
        (``negative``, ``neutral`` or ``positive``), ``p_negative``,
        ``p_neutral`` and ``p_positive`` (summing to 1 in each row).

    Raises
    ------
    ValueError
        When a column is missing, a text is not a string, an offset is not
        an integer with ``0 <= start < end <= len(text)``, or ``model`` is
        neither ``fast`` nor ``encoder``.

    Examples
    --------
    >>> score_targets(pd.DataFrame({"text": ["Critics praised Ana but mocked Bo."],
    ...                             "start": [16], "end": [19]}))
    """
    if model not in ("fast", "encoder"):
        raise ValueError(f"model must be 'fast' or 'encoder', not {model!r}")
    texts, starts, ends = _checked(targets)
    result = targets.copy()
    if not len(targets):
        result["polarity"] = pd.Series(dtype="object", index=targets.index)
        for name in SCORE_COLUMNS[1:]:
            result[name] = pd.Series(dtype="float64", index=targets.index)
        return result
    if model == "encoder":
        from sourcebias.annotate.target_encoder import encoder_proba

        probabilities = encoder_proba(texts, starts, ends)
    else:
        compound = (targets["compound"].to_numpy(np.float64) if "compound" in targets
                    else sentence_compound(texts))
        probabilities = _softmax(_linear_scores(texts, starts, ends)
                                 + _compound_part(compound))
    result["polarity"] = np.asarray(CLASSES, dtype=object)[probabilities.argmax(axis=1)]
    for k, name in enumerate(SCORE_COLUMNS[1:]):
        result[name] = probabilities[:, k]
    return result


def mention_targets(mentions: pd.DataFrame, sentences: pd.DataFrame,
                    sentiment: pd.DataFrame) -> pd.DataFrame:
    """Each actor mention as a target of :func:`score_targets`.

    The mention's offsets (article offsets, as in the ``mentions`` table)
    become offsets into its sentence, ``start - sentence start``, and the
    sentence's whole-sentence VADER compound (``lexicon="vader"``,
    ``scope="sentence"``: the input the model was trained with) is attached.
    Every mention is kept, in the outlet's own voice or quoted.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The ``mentions`` table (``doc_id``, ``sent_id``, ``start``, ``end``,
        ``actor``, ``voice``).
    sentences : pandas.DataFrame
        The ``sentences`` table (``doc_id``, ``sent_id``, ``start``, ``text``).
    sentiment : pandas.DataFrame
        The ``sentiment`` table (``doc_id``, ``sent_id``, ``lexicon``,
        ``compound``, optionally ``scope``).

    Returns
    -------
    pandas.DataFrame
        One row per mention, in the order of ``mentions``: ``doc_id``,
        ``sent_id``, ``actor``, ``voice``, ``text`` (the sentence), ``start``,
        ``end`` (in ``text``) and ``compound``.

    Raises
    ------
    ValueError
        When a column is missing, a mention has no sentence or no
        whole-sentence VADER score, or its offsets fall outside its sentence.

    Examples
    --------
    >>> score_targets(mention_targets(mentions, sentences, sentiment))
    """
    require_columns(mentions, "mentions", ("doc_id", "sent_id", "start", "end", "actor",
                                           "voice"))
    require_columns(sentences, "sentences", ("doc_id", "sent_id", "start", "text"))
    require_columns(sentiment, "sentiment", ("doc_id", "sent_id", "lexicon", "compound"))
    keys = ["doc_id", "sent_id"]
    whole = sentiment.loc[whole_sentence(sentiment), [*keys, "compound"]]
    table = mentions[[*keys, "actor", "voice", "start", "end"]].reset_index(drop=True)
    at, scored, known = sentence_codes(table, whole, sentences)
    first_bad(whole, pd.Series(scored).duplicated().to_numpy(), "sentiment",
              "repeats a sentence's whole-sentence 'vader' score")
    first_bad(sentences, pd.Series(known).duplicated().to_numpy(), "sentences",
              "repeats a sentence (doc_id, sent_id)")
    row = pd.Index(known).get_indexer(at)
    first_bad(table, row < 0, "mentions", "has no sentence in the sentences table")
    compound = np.append(whole["compound"].to_numpy(np.float64), np.nan)[
        pd.Index(scored).get_indexer(at)]
    first_bad(table, np.isnan(compound), "mentions",
              "is in a sentence without a whole-sentence 'vader' score")
    text = sentences["text"].take(row).reset_index(drop=True)
    begin = sentences["start"].to_numpy(np.int64)[row]
    start = table["start"].to_numpy(np.int64) - begin
    end = table["end"].to_numpy(np.int64) - begin
    lengths = text.str.len().to_numpy()
    first_bad(table, (start < 0) | (end <= start) | (end > lengths), "mentions",
              "has offsets outside its sentence")
    return table.assign(text=text, start=start, end=end, compound=compound)[
        [*keys, "actor", "voice", "text", "start", "end", "compound"]]


def whole_sentence(sentiment: pd.DataFrame) -> np.ndarray:
    """Which rows of a ``sentiment`` table are whole-sentence plain VADER scores
    (``lexicon="vader"``, and ``scope="sentence"`` when the table has scopes): the
    sentence input of the target model."""
    rows = sentiment["lexicon"].eq("vader").to_numpy(bool, na_value=False)
    if "scope" in sentiment.columns:
        rows = rows & sentiment["scope"].eq("sentence").to_numpy(bool, na_value=False)
    return rows


def target_model_validation() -> pd.DataFrame:
    """The shipped model's figures on NewsMTSC's dev files, from its sidecar.

    Written by ``benchmarks/build_target_model.py`` when it builds the model:
    macro-F1 (the unweighted mean of the three classes' F1) and accuracy of
    the model, of sentence VADER (the compound's ±0.05 thresholds, one label
    per sentence) and of always answering ``neutral``.

    Returns
    -------
    pandas.DataFrame
        ``file`` (``dev_mt``, ``dev_rw``), ``method``, ``targets``,
        ``macro_f1``, ``accuracy``.
    """
    with resources.files("sourcebias").joinpath(SIDECAR_FILE).open(encoding="utf-8") as handle:
        return pd.DataFrame(json.load(handle)["validation"])


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

    The sparse part of :func:`target_inputs`.

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
    return target_inputs(texts, starts, ends)[0]


def target_inputs(texts: list[str], starts: np.ndarray,
                  ends: np.ndarray) -> tuple[sparse.csr_matrix, sparse.coo_matrix]:
    """Hashed words and word-vector means around each target (see the module docstring).

    Each distinct sentence is lower-cased, tokenised, looked up in the word
    vectors and searched for negations and clause boundaries once, in one
    pass over all the sentences joined; each target's words are then the
    sentence's tokens before and after its offsets (``numpy.searchsorted``
    over token offsets), each distinct (group, word) is hashed once
    (:func:`_columns` under the prefixes of :data:`GROUPS`), and the vector means
    are given as a sparse mixing matrix (:func:`_mixing`; :func:`vector_means`
    turns it into the means, and the model multiplies it by its vector weights
    folded into the word vectors). The result equals :func:`reference_words` and
    :func:`_reference_mixing` of each target; the few
    targets for which the shortcut could differ (a word running into the
    target, a negation reaching across it, a sentence whose lower-casing
    changes its length) are computed that way.

    Parameters
    ----------
    texts : list of str
        The sentences.
    starts, ends : numpy.ndarray of int
        The target's offsets in each sentence (end exclusive), already checked.

    Returns
    -------
    words : scipy.sparse.csr_matrix
        One row per target, :data:`N_FEATURES` binary columns.
    mixing : scipy.sparse.coo_matrix
        One row per target, ``len(VECTOR_GROUPS) x len(vector_table())``
        columns: the weight of each word vector in each group's mean
        (unsorted, with repeated entries that add up: a product with a dense
        matrix needs no sort).
    """
    sentences, codes, slices = _sentence_slices(texts)
    if slices is None:
        return _chunk_inputs(sentences, codes, texts, starts, ends)
    words: list[sparse.csr_matrix] = []
    mixing: list[sparse.coo_matrix] = []
    for lo, hi, rows in slices:
        part = _chunk_inputs(sentences[lo:hi], codes[rows] - lo,
                             [texts[i] for i in rows.tolist()], starts[rows], ends[rows])
        words.append(part[0])
        mixing.append(part[1])
    back = np.argsort(np.concatenate([rows for _, _, rows in slices]), kind="stable")
    return (sparse.csr_matrix(sparse.vstack(words).tocsr()[back]),
            _coo([(part.data, rows[part.row], part.col)
                  for part, (_, _, rows) in zip(mixing, slices, strict=True)],
                 mixing[0].shape[1], len(texts)))


def _linear_scores(texts: list[str], starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The model's linear scores of the words and word vectors of each target.

    Equal to ``words @ W + vector_means(mixing) @ W_v`` for :func:`target_inputs`
    (up to the order of the floating-point sums), with the sentence-wide
    inputs scored once per distinct sentence (:meth:`_Parsed.features`).
    """
    sentences, codes, slices = _sentence_slices(texts)
    if slices is None:
        return _chunk_scores(sentences, codes, texts, starts, ends)
    scores = np.empty((len(texts), len(CLASSES)))
    for lo, hi, rows in slices:
        scores[rows] = _chunk_scores(sentences[lo:hi], codes[rows] - lo,
                                     [texts[i] for i in rows.tolist()], starts[rows], ends[rows])
    return scores


def _sentence_slices(texts: list[str]) -> tuple[
        list[str], np.ndarray, list[tuple[int, int, np.ndarray]] | None]:
    """The distinct sentences, each text's index among them, and slices of them.

    The slices hold about :data:`_CHUNK_CHARS` characters of distinct
    sentences each (bounding memory): first and past-last sentence, and the
    texts in them. None when all fit in one.
    """
    codes, sentences = pd.factorize(pd.Series(texts, dtype=object))
    sentences = sentences.tolist()
    slices = np.cumsum(np.fromiter(map(len, sentences), np.int64, len(sentences)) + 1)
    slices //= _CHUNK_CHARS
    if len(slices) == 0 or slices[-1] == slices[0]:
        return sentences, codes, None
    edges = np.concatenate([[0], np.flatnonzero(np.diff(slices)) + 1, [len(sentences)]])
    order = np.argsort(slices[codes], kind="stable")
    groups = np.split(order, np.searchsorted(slices[codes][order], slices[edges[1:-1]]))
    return sentences, codes, list(zip(edges[:-1].tolist(), edges[1:].tolist(), groups,
                                      strict=True))


#: Characters of distinct sentences parsed at a time by :func:`target_inputs`.
_CHUNK_CHARS = 1 << 22


def _chunk_scores(sentences: list[str], codes: np.ndarray, texts: list[str],
                  starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """:func:`_linear_scores` of targets in ``sentences`` (``codes`` index them)."""
    parsed = _Parsed.of(sentences)
    where = parsed.begin[codes]
    a, b = where + np.asarray(starts, np.int64), where + np.asarray(ends, np.int64)
    weights = (_model()[0], _projected_vectors())
    words, mixing, hard, sentence = parsed.features(codes, a, b, weights)
    scores = words @ weights[0] + mixing @ weights[1] + sentence
    if hard.any():
        rows = np.flatnonzero(hard)
        args = ([texts[i] for i in rows.tolist()], starts[rows].tolist(), ends[rows].tolist())
        mixed = _coo([(one.data, np.full(one.nnz, k), one.col)
                      for k, one in enumerate(map(_reference_mixing, *args))],
                     mixing.shape[1], len(rows))
        scores[rows] = reference_words(*args) @ weights[0] + mixed @ weights[1]
    return scores


def _chunk_inputs(sentences: list[str], codes: np.ndarray, texts: list[str],
                  starts: np.ndarray,
                  ends: np.ndarray) -> tuple[sparse.csr_matrix, sparse.coo_matrix]:
    """:func:`target_inputs` of targets in ``sentences`` (``codes`` index them)."""
    parsed = _Parsed.of(sentences)
    where = parsed.begin[codes]
    a, b = where + np.asarray(starts, np.int64), where + np.asarray(ends, np.int64)
    fast, mixing, hard, _ = parsed.features(codes, a, b)
    if not hard.any():
        return fast, mixing
    easy, slow_rows = np.flatnonzero(~hard), np.flatnonzero(hard)
    slow = reference_words([texts[i] for i in slow_rows.tolist()],
                           starts[slow_rows].tolist(), ends[slow_rows].tolist())
    keep = ~hard[mixing.row]
    parts = [(mixing.data[keep], mixing.row[keep], mixing.col[keep])]
    for i in slow_rows.tolist():
        one = _reference_mixing(texts[i], int(starts[i]), int(ends[i]))
        parts.append((one.data, np.full(one.nnz, i), one.col))
    order = np.argsort(np.concatenate([easy, slow_rows]), kind="stable")
    return (sparse.csr_matrix(sparse.vstack([fast[easy], slow]).tocsr()[order]),
            _coo(parts, mixing.shape[1], len(texts)))


def _coo(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], width: int,
         n: int) -> sparse.coo_matrix:
    """One ``n x width`` COO matrix from (values, rows, columns) parts (duplicates add up)."""
    data, rows, columns = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
    return sparse.coo_matrix((data, (rows, columns)), shape=(n, width))


def _feature_words(text: str, start: int, end: int) -> tuple[list[str], list[str], list[str]]:
    """The words left and right of one target and of its clause (the reference definition)."""
    lw, rw, clause_l, clause_r = _side_words(text, start, end)
    return lw, rw, clause_l + clause_r


def _side_words(text: str, start: int,
                end: int) -> tuple[list[str], list[str], list[str], list[str]]:
    """The words left and right of one target, and those of its clause left and right of it."""
    left = _NEGATION.sub(r"\1 neg_\2", text[:start].lower())
    right = _NEGATION.sub(r"\1 neg_\2", text[end:].lower())
    return (_WORD.findall(left), _WORD.findall(right), _WORD.findall(_CLAUSE.split(left)[-1]),
            _WORD.findall(_CLAUSE.split(right, 1)[0]))


def reference_words(texts: list[str], starts: list[int], ends: list[int]) -> sparse.csr_matrix:
    """The hashed words of each target from the reference definition, one target at a time.

    The sum of two binary bags hashed as :func:`_hasher` hashes them (:func:`_bags`):
    the target's tagged words (:func:`_feature_string`) and the sentence's ``s_``
    words (:func:`_sentence_string`). :func:`target_inputs` gives the same matrix
    faster.
    """
    return (_bags(map(_feature_string, texts, starts, ends))
            + _bags(map(_sentence_string, texts, starts, ends))).tocsr()


def _sentence_string(text: str, start: int, end: int) -> str:
    """The sentence's words but the target's, tagged ``s_`` (the reference definition)."""
    lw, rw, _ = _feature_words(text, start, end)
    return " ".join("s_" + word for word in lw + rw)


def _feature_string(text: str, start: int, end: int) -> str:
    """The tagged words of one target but the sentence's bag, space-separated (the reference
    definition; :func:`_sentence_string` gives the sentence's bag)."""
    lw, rw, clause = _feature_words(text, start, end)
    groups = (lw[-NEAR:], lw[-MIDDLE:-NEAR] if len(lw) > NEAR else (),
              lw[:-MIDDLE] if len(lw) > MIDDLE else (), rw[:NEAR], rw[NEAR:MIDDLE],
              rw[MIDDLE:], (), clause)
    parts = [prefix + (" " + prefix).join(words)
             for prefix, words in zip(GROUPS, groups, strict=True) if words]
    if not lw:
        parts.append("at_start")
    parts += quote_words(text, start)
    parts += cue_words(text, start, end)
    return " ".join(parts)


def cue_words(text: str, start: int, end: int) -> list[str]:
    """The attack and praise cues of one target (the reference definition), as feature words.

    With the cue codes of the words of :data:`sourcebias.config.TARGET_CUES` (a word read with
    ``neg_`` is no cue), the first :data:`CUE_WINDOW` words of the target's
    clause right of it, and the last ones left of it:

    * ``cue_agent_neg`` / ``_pos``: an attack (praise) verb among the right
      clause words, the first such verb counting, with no auxiliary
      (``is``, ``was``, ``been``, ``got`` ...) before it ("Maduro denounced");
    * ``cue_passive_neg`` / ``_pos``: the same with an auxiliary before it
      ("Guaidó was hailed");
    * ``cue_by_neg`` / ``_pos``: the word just left of the target is ``by``
      and an attack (praise) verb is among the left clause words before it,
      the nearest counting ("hailed by Guaidó");
    * ``cue_patient_neg`` / ``_pos``: otherwise, an attack (praise) verb
      among the left clause words, the nearest counting ("denounced Guaidó");
    * ``cue_noun_neg`` / ``_pos``: an attack (praise) noun among the first
      :data:`CUE_WINDOW` words right of the target, across clause marks
      ("Guaidó, a traitor", "Guaidó is a hero", "called Guaidó a puppet").

    Parameters
    ----------
    text : str
        The sentence.
    start, end : int
        The target's offsets in ``text`` (end exclusive).

    Returns
    -------
    list of str
        The cue feature words (at most four).

    Examples
    --------
    >>> cue_words("Maduro denounced Guaidó as a traitor", 17, 23)
    ['cue_patient_neg', 'cue_noun_neg']
    """
    codes = _cues()
    _, rw, clause_l, clause_r = _side_words(text, start, end)
    found = []
    right = [codes.get(w, _NONE) for w in clause_r[:CUE_WINDOW]]
    verbs = [i for i, c in enumerate(right) if c in (_ATTACK, _PRAISE)]
    if verbs:
        role = "passive" if _AUX in right[:verbs[0]] else "agent"
        found.append(f"cue_{role}_{_SIGN[right[verbs[0]]]}")
    left = [codes.get(w, _NONE) for w in clause_l[::-1][:CUE_WINDOW]]
    by = bool(left) and left[0] == _BY
    verbs = [c for c in left[by:] if c in (_ATTACK, _PRAISE)]
    if verbs:
        found.append(f"cue_{'by' if by else 'patient'}_{_SIGN[verbs[0]]}")
    nouns = {codes.get(w, _NONE) for w in rw[:CUE_WINDOW]}
    found += [f"cue_noun_{_SIGN[c]}" for c in (_ATTACK_NOUN, _PRAISE_NOUN) if c in nouns]
    return found


_SIGN = {_ATTACK: "neg", _PRAISE: "pos", _ATTACK_NOUN: "neg", _PRAISE_NOUN: "pos"}


@functools.cache
def _cues() -> dict[str, int]:
    """Cue code of each word of :data:`sourcebias.config.TARGET_CUES`, of the auxiliaries
    and of ``by``."""
    lists = yaml.safe_load(TARGET_CUES.read_text(encoding="utf-8"))
    codes = {word: code for name, code in _CUE_LISTS.items() for word in lists[name]}
    codes.update(dict.fromkeys(_AUXILIARIES, _AUX), by=_BY)
    return codes


def _cue_codes(words: list[str]) -> np.ndarray:
    """Cue code of each word (:func:`_cues`), with one more code, 0, for "no word" (index -1)."""
    codes = _cues()
    return np.fromiter((codes.get(w, _NONE) for w in [*words, ""]), np.int64, len(words) + 1)


@functools.cache
def _cue_columns() -> dict[str, np.ndarray]:
    """Hashed column of each cue feature word: by role, an array indexed by cue code."""
    table = {}
    for role in ("agent", "passive", "by", "patient", "noun"):
        table[role] = np.zeros(len(_SIGN) + 1, np.int64)
        for code, sign in _SIGN.items():
            table[role][code] = _column(f"cue_{role}_{sign}")
    return table


def quote_words(text: str, start: int) -> list[str]:
    """The quotation features of one target (the reference definition), as feature words.

    ``in_quote`` when an odd number of quotation marks (:data:`QUOTE_MARKS`)
    stands before the target in its sentence, so that the target is inside
    a quotation opened and not yet closed (a sentence cut inside a quotation
    flips the parity); ``has_quote`` when the sentence holds any quotation
    mark (a sentence-wide feature). In a quoted sentence the tone of the
    quoted words is the speaker's, and a target inside the quotation is
    spoken about, one outside it often the speaker.

    Parameters
    ----------
    text : str
        The sentence.
    start : int
        The target's first character in ``text``.

    Returns
    -------
    list of str
        ``[]``, ``["has_quote"]`` or ``["in_quote", "has_quote"]``.

    Examples
    --------
    >>> quote_words('Ana said: "Bo lied."', 11)
    ['in_quote', 'has_quote']
    """
    if not any(mark in text for mark in QUOTE_MARKS):
        return []
    before = sum(map(text[:start].count, QUOTE_MARKS))
    return ["in_quote", "has_quote"] if before % 2 else ["has_quote"]


def _reference_mixing(text: str, start: int, end: int) -> sparse.coo_matrix:
    """The mixing row of one target (the reference definition; see :func:`target_inputs`).

    Left of the target, the word at distance ``d`` (1 nearest) weighs
    ``1 / d``; right of it, the word at distance ``d`` weighs ``1 / d``;
    among the :data:`NEAR` nearest on each side, in the clause and in the
    sentence every word weighs 1. A word read with
    ``neg_`` takes the vector of the word.
    """
    lw, rw, clause = _feature_words(text, start, end)
    words = [lw, rw, lw[-NEAR:], rw[:NEAR], clause, lw + rw]
    weights = [1.0 / np.arange(len(lw), 0, -1), 1.0 / np.arange(1, len(rw) + 1),
               *(np.ones(len(w)) for w in words[2:])]
    groups = np.concatenate([np.full(len(w), g) for g, w in enumerate(words)]).astype(np.int64)
    every = [w for group in words for w in group]
    return _mixing(1, groups, _vector_rows(every), np.concatenate(weights))


def _reference_vectors(text: str, start: int, end: int) -> np.ndarray:
    """The word-vector means of one target, from :func:`_reference_mixing`."""
    return vector_means(_reference_mixing(text, start, end))[0]


def _vector_rows(words: list[str]) -> np.ndarray:
    """Row in :func:`~sourcebias.annotate.word_vectors.vector_table` of each word, ``neg_`` cut."""
    return word_rows([w.removeprefix("neg_") for w in words])


def _mixing(n: int, groups: np.ndarray, rows: np.ndarray,
            weights: np.ndarray) -> sparse.coo_matrix:
    """The mixing matrix of :func:`target_inputs` from each word's place and weight.

    ``groups`` is ``target * len(VECTOR_GROUPS) + group`` for each word,
    ``rows`` its row in the vector table and ``weights`` its weight; each
    weight is divided by its group's total, so that a row times the stacked
    vector table gives weighted means (a group without words gives zero, and
    unknown words count with the zero vector).
    """
    k, width = len(VECTOR_GROUPS), len(vector_table())
    total = np.bincount(groups, weights=weights, minlength=n * k)
    return sparse.coo_matrix((weights / total[groups], (groups // k, groups % k * width + rows)),
                             shape=(n, k * width))


def vector_means(mixing: sparse.spmatrix) -> np.ndarray:
    """The weighted means of :data:`VECTOR_GROUPS` from a mixing matrix of :func:`target_inputs`.

    Parameters
    ----------
    mixing : scipy.sparse.coo_matrix
        As returned by :func:`target_inputs`.

    Returns
    -------
    numpy.ndarray
        One row per target: the mean vector of each group, side by side.
    """
    table, mixing = vector_table(), sparse.coo_matrix(mixing)
    width = len(table)
    group, column = np.divmod(mixing.col, width)
    return np.hstack([sparse.coo_matrix((mixing.data[group == g], (mixing.row[group == g],
                                                                  column[group == g])),
                                        shape=(mixing.shape[0], width)) @ table
                      for g in range(len(VECTOR_GROUPS))])


@dataclass(frozen=True)
class _Parsed:
    """Distinct sentences joined by NUL, with their tokens, negations and clause marks.

    Every position is an offset into the joined, lower-cased text. Tokens are
    the matches of :data:`_WORD` (runs of word characters, joined by single
    ``'``, ``’`` or ``-`` between word characters), found from the code
    points; a word that a :data:`_NEGATION` match skips (``a`` in "not a
    hero") is dropped, as the substitution drops it, and the word it negates
    is read with ``neg_``. Clause marks are the :data:`_CLAUSE` matches (a
    negated ``but`` reads ``neg_but`` and marks nothing).
    """

    joined: str
    begin: np.ndarray          # offset of each sentence
    length: np.ndarray         # characters of each sentence
    odd: np.ndarray            # sentences left to the reference definition
    tok_start: np.ndarray
    tok_end: np.ndarray
    negated: np.ndarray        # whether a token is read with neg_
    variant: np.ndarray        # index into ``words`` of each token (``neg_`` included)
    vector_row: np.ndarray     # row of each token's word (without ``neg_``) in the vectors
    words: list[str]
    neg_word: np.ndarray       # start of each negation word, of the word it negates,
    neg_target: np.ndarray     # and whether a word (``a``, ``the``, ...) is skipped
    neg_skips: np.ndarray
    mark_start: np.ndarray     # clause marks in text order
    mark_end: np.ndarray
    quote_at: np.ndarray       # quotation marks (QUOTE_MARKS) in text order
    quoted: np.ndarray         # whether each sentence holds a quotation mark

    @classmethod
    def of(cls, sentences: list[str]) -> _Parsed:
        """Parse the distinct ``sentences``."""
        # lower-casing a sentence can lengthen it ("İ") or depend on its end (a
        # final "Σ"): such sentences are odd
        whole = "\0".join(sentences)
        joined = whole.lower()
        if len(joined) == len(whole) and "Σ" not in whole:
            length = np.fromiter(map(len, sentences), np.int64, len(sentences))
            odd = np.zeros(len(sentences), dtype=bool)
        else:
            lowered = [s.lower() for s in sentences]
            length = np.fromiter(map(len, lowered), np.int64, len(lowered))
            odd = np.fromiter((len(s) != len(t) or "Σ" in s
                               for s, t in zip(sentences, lowered, strict=True)),
                              bool, len(lowered))
            joined = "\0".join(lowered)
        begin = np.concatenate([[0], np.cumsum(length[:-1] + 1)]).astype(np.int64)
        code = code_points(joined)
        is_word, is_joiner = _character_classes()
        token = is_word[code]
        token[1:-1] |= is_joiner[code[1:-1]] & token[:-2] & token[2:]
        edges = np.diff(token.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        tok_start, tok_end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        ids = _token_ids(code, tok_start, tok_end)
        # ids count up in order of first appearance: a new word is a new maximum
        seen = np.flatnonzero(ids > np.maximum.accumulate(np.concatenate([[-1], ids[:-1]])))
        words = [joined[s:e] for s, e in zip(tok_start[seen].tolist(), tok_end[seen].tolist(),
                                             strict=True)]
        # negations: the regular expression, tried where a word ends like a negation
        # ("not", "isn't", "anti-no"), in text order, each after the last match's end
        opens = np.array([_negation_opens(w) for w in words], dtype=np.int64)[ids]
        negations, consumed = [], -1
        for pos in (tok_start + opens)[opens >= 0].tolist():
            m = _NEGATION.match(joined, pos) if pos >= consumed else None
            if m:
                consumed = m.end()
                negations.append((pos, m.start(2), not joined[m.end(1):m.start(2)].isspace()))
        neg = np.array(negations, dtype=np.int64).reshape(-1, 3)
        neg_word, neg_target, neg_skips = neg[:, 0], neg[:, 1], neg[:, 2].astype(bool)
        kept = np.ones(len(tok_start), dtype=bool)
        kept[np.searchsorted(tok_start, neg_target[neg_skips]) - 1] = False
        tok_start, tok_end, ids = tok_start[kept], tok_end[kept], ids[kept]
        negated = np.zeros(len(tok_start), dtype=bool)
        negated[np.searchsorted(tok_start, neg_target)] = True
        # clause marks: a mark word is a whole token; one inside a longer token
        # ("all-but-certain") leaves its sentence to the reference definition
        is_mark = pd.Index(words).isin(_MARK_WORDS)
        joins = np.searchsorted(tok_start, np.flatnonzero(token & is_joiner[code]),
                                side="right") - 1
        inner = [t for t in np.unique(joins).tolist()
                 if words[ids[t]] not in _MARK_WORDS and _CLAUSE_WORD.search(words[ids[t]])]
        odd[np.searchsorted(begin, tok_start[inner], side="right") - 1] = True
        marked = is_mark[ids] & ~negated
        punct = np.flatnonzero(_clause_marks()[code])
        mark_start = np.concatenate([tok_start[marked], punct])
        order = np.argsort(mark_start, kind="stable")
        mark_end = np.concatenate([tok_end[marked], punct + 1])[order]
        vector_row = _vector_rows(words)[ids]
        # the words read with neg_ are further words of the vocabulary
        variant = ids.copy()
        if negated.any():
            extra, new = pd.factorize(np.array(["neg_" + words[i] for i in ids[negated]],
                                               dtype=object))
            variant[negated] = len(words) + extra
            words += new.tolist()
        quote_at = np.flatnonzero(_quote_marks()[code])
        quoted = np.diff(np.searchsorted(quote_at, np.append(begin, len(joined)))) > 0
        return cls(joined, begin, length, odd, tok_start, tok_end, negated, variant,
                   vector_row, words, neg_word, neg_target, neg_skips, mark_start[order],
                   mark_end, quote_at, quoted)

    def features(self, codes: np.ndarray, a: np.ndarray, b: np.ndarray,
                 weights: tuple[np.ndarray, np.ndarray] | None = None,
                 ) -> tuple[sparse.csr_matrix, sparse.coo_matrix, np.ndarray, np.ndarray | None]:
        """Hashed words and vector mixing of each target (joined offsets ``a``, ``b``), which
        are hard, and with ``weights`` the sentence-wide scores.

        Without ``weights`` the words hold the sentence's bag of ``s_`` words
        and the mixing the sentence's mean vector (the last item is None).
        With ``weights`` (the dense word weights and :func:`_projected_vectors`)
        both are left out, and their linear scores are the last item, computed
        once per sentence (:meth:`_sentence_scores`).

        A hard target is one whose words the token shortcut may get wrong: a
        negation word inside the target or negating a word after it, a
        negation before the target skipping ``a``, ``the`` ... up to it (the
        text cut at the target negates the skipped word), a negation or clause
        word in the part of a token cut by the target, or an odd sentence.
        Its rows here are not to be used.
        """
        n = len(codes)
        hard = self.odd[codes].copy()
        last = np.searchsorted(self.neg_word, b) - 1
        some = last >= 0
        hard[some] |= ((self.neg_target[last[some]] >= b[some])
                       | (self.neg_word[last[some]] >= a[some]))
        last = np.searchsorted(self.neg_word, a) - 1
        some = last >= 0
        hard[some] |= (self.neg_target[last[some]] >= a[some]) & self.neg_skips[last[some]]
        first = np.searchsorted(self.tok_start, self.begin[codes])
        stop = np.searchsorted(self.tok_start, self.begin[codes] + self.length[codes])
        left = np.searchsorted(self.tok_end, a, side="right")
        right = np.searchsorted(self.tok_start, b)
        # the clause: from the end of the last mark before the target to the start
        # of the first mark after it, within the sentence
        ends = np.concatenate([[0], self.mark_end])
        opened = ends[np.searchsorted(self.mark_end, a, side="right")]
        clause_first = np.searchsorted(self.tok_start, np.maximum(opened, self.begin[codes]))
        starts = np.concatenate([self.mark_start, [len(self.joined)]])
        closed = starts[np.searchsorted(self.mark_start, b)]
        clause_stop = np.searchsorted(self.tok_end, np.minimum(
            closed, self.begin[codes] + self.length[codes]), side="right")
        # the words of a token cut by the target come first on their side
        pieces_l = self._piece_words(a, b, hard, left=True)
        pieces_r = self._piece_words(a, b, hard, left=False)
        shift_l, shift_r = np.zeros(n, np.int64), np.zeros(n, np.int64)
        np.add.at(shift_l, pieces_l[0], 1)
        np.add.at(shift_r, pieces_r[0], 1)
        row_l, tok_l = ranges(first, left)
        distance = left[row_l] - tok_l + shift_l[row_l]
        row_r, tok_r = ranges(right, stop)
        offset = tok_r - right[row_r] + shift_r[row_r]
        row_cl, tok_cl = ranges(clause_first, left)
        row_cr, tok_cr = ranges(right, np.maximum(clause_stop, right))
        words_l, words_r = self.variant[tok_l], self.variant[tok_r]
        piece_l = np.arange(len(pieces_l[1])) + len(self.words)
        piece_r = np.arange(len(pieces_r[1])) + len(self.words) + len(pieces_l[1])
        p_rows = np.concatenate([pieces_l[0], pieces_r[0]])
        p_words = np.concatenate([piece_l, piece_r])
        rows = np.concatenate([row_l, row_r, row_cl, row_cr, pieces_l[0], pieces_r[0], p_rows])
        words = np.concatenate([words_l, words_r, self.variant[tok_cl], self.variant[tok_cr],
                                piece_l, piece_r, p_words])
        groups = np.concatenate([
            (distance > NEAR).astype(np.int64) + (distance > MIDDLE),
            3 + (offset >= NEAR).astype(np.int64) + (offset >= MIDDLE),
            np.full(len(tok_cl) + len(tok_cr), 7),
            (pieces_l[2] > NEAR).astype(np.int64) + (pieces_l[2] > MIDDLE),
            3 + (pieces_r[2] >= NEAR).astype(np.int64) + (pieces_r[2] >= MIDDLE),
            np.full(len(p_rows), 7)])
        table = _columns(self.words + pieces_l[1] + pieces_r[1], GROUPS)
        at_start = np.flatnonzero((left == first) & (shift_l == 0))
        # quotation marks: the sentence's once (has_quote), their parity before the target
        quoted = np.flatnonzero(self.quoted[codes])
        before = (np.searchsorted(self.quote_at, a[quoted])
                  - np.searchsorted(self.quote_at, self.begin[codes[quoted]]))
        in_quote = quoted[before % 2 == 1]
        cue_rows, cue_columns = self._cue_features(
            left, right, shift_l, clause_first, clause_stop, stop, pieces_l, pieces_r)
        rows = np.concatenate([rows, at_start, in_quote, quoted, cue_rows])
        columns = np.concatenate([table[words, groups],
                                  np.full(len(at_start), _column("at_start")),
                                  np.full(len(in_quote), _column("in_quote")),
                                  np.full(len(quoted), _column("has_quote")), cue_columns])
        matrix = _binary(n, rows, columns)
        if weights is None:  # the sentence's bag of words, apart
            matrix += _binary(n, np.concatenate([row_l, row_r, p_rows]),
                              table[np.concatenate([words_l, words_r, p_words]), 6])
        # the vector means: left and right weighted by 1 / distance, the rest plain
        piece_rows = (_vector_rows(pieces_l[1]), _vector_rows(pieces_r[1]))
        word_l = np.concatenate([self.vector_row[tok_l], piece_rows[0]])
        word_r = np.concatenate([self.vector_row[tok_r], piece_rows[1]])
        side_l = np.concatenate([row_l, pieces_l[0]])
        side_r = np.concatenate([row_r, pieces_r[0]])
        k = len(VECTOR_GROUPS)
        far_l = np.concatenate([distance, pieces_l[2]])
        far_r = np.concatenate([offset, pieces_r[2]]) + 1
        near_l, near_r = far_l <= NEAR, far_r <= NEAR
        groups = [k * side_l, k * side_r + 1, k * side_l[near_l] + 2, k * side_r[near_r] + 3,
                  k * np.concatenate([row_cl, row_cr, p_rows]) + 4]
        rows = [word_l, word_r, word_l[near_l], word_r[near_r], self.vector_row[tok_cl],
                self.vector_row[tok_cr], *piece_rows]
        if weights is None:
            groups.append(k * np.concatenate([side_l, side_r]) + 5)
            rows += [word_l, word_r]
        rows, groups = np.concatenate(rows), np.concatenate(groups)
        scale = np.concatenate([1.0 / far_l, 1.0 / far_r,
                                np.ones(len(rows) - len(word_l) - len(word_r))])
        mixing = _mixing(n, groups, rows, scale)
        if weights is None:
            return matrix, mixing, hard, None
        pieces = (p_rows, table[p_words, 6], np.concatenate(piece_rows))
        return matrix, mixing, hard, self._sentence_scores(codes, left, right, pieces,
                                                           table[self.variant, 6], weights)

    def _cue_features(self, left: np.ndarray, right: np.ndarray, shift_l: np.ndarray,
                      clause_first: np.ndarray, clause_stop: np.ndarray, stop: np.ndarray,
                      pieces_l: tuple[np.ndarray, list[str], np.ndarray],
                      pieces_r: tuple[np.ndarray, list[str], np.ndarray],
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and hashed columns of the cue words of each target (:func:`cue_words`).

        The :data:`CUE_WINDOW` words on each side are read from fixed slots
        (tokens by index, the words of a token cut by the target first), so
        the cost per target does not grow with the sentence.
        """
        n, k = len(left), CUE_WINDOW
        code = _cue_codes(self.words + pieces_l[1] + pieces_r[1])
        slot = np.arange(k)
        piece_l = np.arange(len(pieces_l[1])) + len(self.words)
        piece_r = np.arange(len(pieces_r[1])) + len(self.words) + len(pieces_l[1])
        shift_r = np.bincount(pieces_r[0], minlength=n)
        last = len(self.variant) - 1

        def slots(tok: np.ndarray, valid: np.ndarray, pieces, ids: np.ndarray,
                  place: np.ndarray) -> np.ndarray:
            word = np.where(valid, self.variant[np.clip(tok, 0, last)], -1)
            keep = place < k
            word[pieces[0][keep], place[keep]] = ids[keep]
            return code[word]

        # right: pieces first (offset 0, 1, ...), then tokens from ``right``
        tok = right[:, None] + slot - shift_r[:, None]
        after = slot >= shift_r[:, None]
        clause_r = slots(tok, after & (tok < clause_stop[:, None]), pieces_r, piece_r,
                         pieces_r[2])
        sentence_r = slots(tok, after & (tok < stop[:, None]), pieces_r, piece_r, pieces_r[2])
        # left, nearest first: pieces at distance 1, 2, ..., then tokens before ``left``
        tok = left[:, None] + shift_l[:, None] - slot - 1
        clause_l = slots(tok, (slot >= shift_l[:, None]) & (tok >= clause_first[:, None]),
                         pieces_l, piece_l, pieces_l[2] - 1)
        out_rows, out_columns = [], []

        def add(role: str, hit: np.ndarray, codes: np.ndarray) -> None:
            rows = np.flatnonzero(hit)
            out_rows.append(rows)
            out_columns.append(_cue_columns()[role][codes[rows]])

        verb = (clause_r == _ATTACK) | (clause_r == _PRAISE)
        first = verb.argmax(axis=1)
        passive = ((clause_r == _AUX) & (slot < first[:, None])).any(axis=1)
        found = verb.any(axis=1)
        verb_code = clause_r[np.arange(n), first]
        add("agent", found & ~passive, verb_code)
        add("passive", found & passive, verb_code)
        by = clause_l[:, 0] == _BY
        verb = (clause_l == _ATTACK) | (clause_l == _PRAISE)
        nearest = clause_l[np.arange(n), verb.argmax(axis=1)]
        found = verb.any(axis=1)
        add("by", found & by, nearest)
        add("patient", found & ~by, nearest)
        for noun in (_ATTACK_NOUN, _PRAISE_NOUN):
            hit = (sentence_r == noun).any(axis=1)
            add("noun", hit, np.full(n, noun))
        return np.concatenate(out_rows), np.concatenate(out_columns)

    def _sentence_scores(self, codes: np.ndarray, left: np.ndarray, right: np.ndarray,
                         pieces: tuple[np.ndarray, np.ndarray, np.ndarray],
                         columns: np.ndarray,
                         weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """The linear scores of the sentence-wide inputs of each target, sentence by sentence.

        The sentence's bag of ``s_`` words and its mean word vector are those
        of all its tokens but the target's (tokens ``left`` to ``right``),
        with the words of a token cut by the target (``pieces``: target, hashed
        ``s_`` column, vector row). Each sentence's scores are summed once,
        over all its tokens; a target's then take away what its own tokens
        bring (an ``s_`` word only when no other token of the sentence holds
        it) and add its pieces (a word only when the sentence lacks it). The
        result equals the scores of the bag and the mean built target by
        target (up to the order of the floating-point sums).
        """
        word_weights, projected = weights
        width, n_sentences = len(vector_table()), len(self.begin)
        sentence = np.searchsorted(self.begin, self.tok_start, side="right") - 1
        # the bag: distinct (sentence, column) keys and how many tokens hold each
        keys, counts = np.unique(sentence * N_FEATURES + columns, return_counts=True)
        scores = _row_sums(keys // N_FEATURES, word_weights[keys % N_FEATURES], n_sentences)
        row_out, tok_out = ranges(left, right)
        out, taken = np.unique(row_out * N_FEATURES + columns[tok_out], return_counts=True)
        row_in, column_in, vector_in = pieces
        added = np.unique(row_in * N_FEATURES + column_in)
        pieced = np.append(added, -1)[np.searchsorted(added, out)] == out
        gone = out[(counts[np.searchsorted(keys, _in_sentence(out, codes))] == taken) & ~pieced]
        known = np.append(keys, -1)  # a key past the last never matches
        new = added[known[np.searchsorted(keys, _in_sentence(added, codes))]
                    != _in_sentence(added, codes)]
        n = len(codes)
        total = (scores[codes] - _row_sums(gone // N_FEATURES, word_weights[gone % N_FEATURES], n)
                 + _row_sums(new // N_FEATURES, word_weights[new % N_FEATURES], n))
        # the mean vector: all the sentence's tokens, less the target's, with its pieces
        block = projected[(len(VECTOR_GROUPS) - 1) * width:]
        sums = _row_sums(sentence, block[self.vector_row], n_sentences)
        size = (np.bincount(sentence, minlength=n_sentences)[codes] - np.maximum(right - left, 0)
                + np.bincount(row_in, minlength=n))
        sums = (sums[codes] - _row_sums(row_out, block[self.vector_row[tok_out]], n)
                + _row_sums(row_in, block[vector_in], n))
        return total + sums / np.maximum(size, 1)[:, None]

    def _piece_words(self, a: np.ndarray, b: np.ndarray, hard: np.ndarray, *,
                     left: bool) -> tuple[np.ndarray, list[str], np.ndarray]:
        """Target, word and place of each word of a token cut by a target, on one side.

        The piece is the token's part before ``a`` (after ``b``): "anti-" of
        "anti-Maduro", "'s" of "Maduro's". The place is the distance from the
        target (1 nearest) on the left, the 0-based offset on the right. On the
        left, the piece's first word carries ``neg_`` when its token is
        negated. A piece holding a negation or clause word marks its target
        ``hard``.
        """
        if left:
            at = np.searchsorted(self.tok_end, a, side="right")
            inside = at < len(self.tok_start)
            cut = np.flatnonzero(inside)[self.tok_start[at[inside]] < a[inside]]
            spans = zip(self.tok_start[at[cut]].tolist(), a[cut].tolist(), strict=True)
        else:
            at = np.searchsorted(self.tok_start, b) - 1
            inside = at >= 0
            cut = np.flatnonzero(inside)[self.tok_end[at[inside]] > b[inside]]
            spans = zip(b[cut].tolist(), self.tok_end[at[cut]].tolist(), strict=True)
        pieces = [self.joined[s:e] for s, e in spans]
        ids, distinct = pd.factorize(pd.Series(pieces, dtype=object))
        found = [_WORD.findall(piece) for piece in distinct]
        odd = np.array([bool(_CLAUSE_WORD.search(piece) or _NEGATION.search(piece + " x"))
                        for piece in distinct], dtype=bool)
        hard[cut[odd[ids]]] = True
        negated = self.negated[at[cut]] if left else np.zeros(len(cut), dtype=bool)
        rows, words, places = [], [], []
        for i, piece, neg in zip(cut.tolist(), ids.tolist(), negated.tolist(), strict=True):
            got = found[piece]
            rows += [i] * len(got)
            words += ["neg_" + got[0], *got[1:]] if neg and got else got
            places += range(len(got), 0, -1) if left else range(len(got))
        return np.array(rows, dtype=np.int64), words, np.array(places, dtype=np.int64)


def _in_sentence(keys: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``target * N_FEATURES + column`` keys as ``sentence * N_FEATURES + column``."""
    return codes[keys // N_FEATURES] * N_FEATURES + keys % N_FEATURES


def _row_sums(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """``n x k`` sums of the rows of ``values`` (``m x k``) by ``rows`` (``m``)."""
    return np.column_stack([np.bincount(rows, weights=values[:, j], minlength=n)
                            for j in range(values.shape[1])]).reshape(n, values.shape[1])


def _binary(n: int, rows: np.ndarray, columns: np.ndarray) -> sparse.csr_matrix:
    """``n x N_FEATURES`` matrix of ones at (``rows``, ``columns``), repeats counted once."""
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(n, N_FEATURES))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _token_ids(code: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Id of each token ``code[start:end]``, counting up in order of first appearance:
    equal tokens, equal ids.

    The tokens (sorted, not overlapping) are read in place as binary strings of
    their UTF-32 code points, an Arrow array whose offsets alternate between
    token and gap, and dictionary-encoded by Arrow.
    """
    if not len(start):
        return np.zeros(0, dtype=np.int64)
    bounds = np.column_stack([start, end]).ravel() * code.itemsize
    pieces = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(bounds) - 1,
        [None, pa.py_buffer(bounds.astype(np.int64)), pa.py_buffer(code)])
    tokens = pieces.take(pa.array(np.arange(0, len(bounds), 2)))
    return pc.dictionary_encode(tokens).indices.to_numpy().astype(np.int64)


def _negation_opens(word: str) -> int:
    """Offset in ``word`` of a negation word ending it, or -1."""
    found = word.endswith(_NEGATION_ENDINGS) and _NEGATION_AT.search(word)
    return found.start() if found else -1


@functools.cache
def _clause_marks() -> np.ndarray:
    """For every code point: whether it is a clause mark of :data:`_CLAUSE`."""
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    table[[ord(c) for c in ";:,—–()\"“”"]] = True
    return table


@functools.cache
def _quote_marks() -> np.ndarray:
    """For every code point: whether it is one of :data:`QUOTE_MARKS`."""
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    table[[ord(c) for c in QUOTE_MARKS]] = True
    return table


def _columns(words: list[str], prefixes: tuple[str, ...] = ("",)) -> np.ndarray:
    """Column of each word under each prefix in :func:`_hasher`'s space (``words x prefixes``).

    The words are hashed together as rows of one byte matrix (:func:`_murmur_columns`),
    but for the few longer than :data:`_LONG` bytes, hashed one at a time so that
    one long word does not widen the matrix of all.
    """
    encoded = [w.encode("utf-8") for w in words]
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    table = np.zeros((len(words), len(prefixes)), dtype=np.int64)
    short = np.flatnonzero(lengths <= _LONG)
    table[short] = _prefixed_columns([encoded[i] for i in short.tolist()], lengths[short],
                                     prefixes)
    for i in np.flatnonzero(lengths > _LONG).tolist():
        table[i] = _prefixed_columns([encoded[i]], lengths[i:i + 1], prefixes)[0]
    return table


def _prefixed_columns(encoded: list[bytes], lengths: np.ndarray,
                      prefixes: tuple[str, ...]) -> np.ndarray:
    """:func:`_columns` of UTF-8 words (``lengths`` bytes each), all at once."""
    width = int(lengths.max(initial=0))
    letters = np.zeros((len(encoded), width), dtype=np.uint8)
    row = np.repeat(np.arange(len(encoded)), lengths)
    letters[row, np.arange(len(row)) - np.repeat(np.cumsum(lengths) - lengths, lengths)] = (
        np.frombuffer(b"".join(encoded), dtype=np.uint8))
    table = np.zeros((len(encoded), len(prefixes)), dtype=np.int64)
    for g, prefix in enumerate(prefixes):
        head = prefix.encode("utf-8")
        padded = np.zeros((len(encoded), 4 * ((len(head) + width) // 4 + 1)), dtype=np.uint8)
        padded[:, :len(head)] = np.frombuffer(head, dtype=np.uint8)
        padded[:, len(head):len(head) + width] = letters
        table[:, g] = _murmur_columns(padded, lengths + len(head))
    return table


#: Words longer than this (in UTF-8 bytes) are hashed one at a time.
_LONG = 40


def _column(string: str) -> int:
    """Column of one string in :func:`_hasher`'s space (:func:`_murmur_columns`)."""
    return int(_columns([string])[0, 0])


def _bags(strings: Iterable[str]) -> sparse.csr_matrix:
    """Binary bags of the space-separated words of each string, hashed as :func:`_hasher`
    hashes them (``_hasher().transform(strings)``, without importing scikit-learn)."""
    split = [string.split() for string in strings]
    counts = np.fromiter(map(len, split), np.int64, len(split))
    ids, words = pd.factorize(pd.Series(list(chain.from_iterable(split)), dtype=object))
    return _binary(len(split), np.repeat(np.arange(len(split)), counts),
                   _columns(words.tolist())[ids, 0])


def _murmur_columns(padded: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Column of each byte string in :func:`_hasher`'s space, vectorised.

    MurmurHash3 (x86, 32 bit, seed 0; Appleby 2011) of each row's first
    ``lengths`` bytes (the rest zero, at least one spare byte), read as a
    signed integer ``h``; the column is ``abs(h) % N_FEATURES``, as in
    scikit-learn's ``FeatureHasher`` (which maps ``h = -2**31`` to
    ``(2**31 - 1 - (N_FEATURES - 1)) % N_FEATURES``).
    """
    blocks = np.ascontiguousarray(padded).view("<u4")
    full, tail = lengths // 4, lengths % 4 > 0
    h = np.zeros(len(padded), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for j in range(blocks.shape[1]):
            k = _rotl(blocks[:, j] * _C1, 15) * _C2
            mixed = _rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xE6546B64)
            h = np.where(j < full, mixed, np.where((j == full) & tail, h ^ k, h))
        h ^= lengths.astype(np.uint32)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    signed = h.view(np.int32).astype(np.int64)
    return np.where(signed == -(2**31), (2**31 - 1 - (N_FEATURES - 1)) % N_FEATURES,
                    np.abs(signed) % N_FEATURES)


_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    """Rotate unsigned 32-bit integers left by ``r`` bits."""
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def compound_features(compound: np.ndarray) -> np.ndarray:
    """The sentence-level inputs: compound, compound >= 0.05, compound <= -0.05."""
    compound = np.asarray(compound, dtype=np.float64)
    return np.column_stack([compound, compound >= 0.05, compound <= -0.05]).astype(np.float64)


def predict_proba(words: sparse.csr_matrix, vectors: np.ndarray,
                  compound: np.ndarray) -> np.ndarray:
    """Class probabilities (columns in :data:`CLASSES` order) from the shipped model.

    ``words`` are the hashed words, ``vectors`` the vector means
    (:func:`vector_means`) and ``compound`` the sentence compounds.
    """
    word_weights, vector_weights, _, _ = _model()
    return _softmax(words @ word_weights + vectors @ vector_weights + _compound_part(compound))


def _compound_part(compound: np.ndarray) -> np.ndarray:
    """The compound features' and the intercept's part of the linear scores."""
    _, _, compound_weights, intercept = _model()
    return compound_features(compound) @ compound_weights + intercept


def _softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise ``exp(z_k) / sum_j exp(z_j)``, in place."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


@functools.cache
def _projected_vectors() -> np.ndarray:
    """The vector table times each group's vector weights, stacked (``mixing @ this`` = scores).

    ``vector_means(M) @ W_v = sum_g M_g @ (T @ W_v,g)`` for the mixing
    blocks ``M_g``, the table ``T`` and the group's rows ``W_v,g`` of the
    vector weights, so the table is multiplied by the weights once.
    """
    table, vector_weights = vector_table(), _model()[1]
    d = table.shape[1]
    return np.vstack([table @ vector_weights[g * d:(g + 1) * d]
                      for g in range(len(VECTOR_GROUPS))])


@functools.cache
def _model() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dense word weights (``N_FEATURES x 3``), vector, compound weights and intercept."""
    with resources.files("sourcebias").joinpath(MODEL_FILE).open("rb") as handle:
        stored = np.load(handle)
        columns, weights = stored["columns"], stored["word_weights"]
        vector_weights = stored["vector_weights"].astype(np.float64)
        compound_weights = stored["compound_weights"].astype(np.float64)
        intercept = stored["intercept"].astype(np.float64)
        if tuple(stored["classes"].tolist()) != CLASSES:
            raise ValueError(f"{MODEL_FILE} has classes {stored['classes'].tolist()}, "
                             f"expected {list(CLASSES)}")
    dense = np.zeros((N_FEATURES, len(CLASSES)), dtype=np.float64)
    dense[columns] = weights
    return dense, vector_weights, compound_weights, intercept
