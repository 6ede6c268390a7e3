"""Build the target-sentiment model shipped in ``sourcebias/resources/models/``.

Data: NewsMTSC (Felix Hamborg and Karsten Donnay. NewsMTSC: A Dataset for
(Multi-)Target-dependent Sentiment Classification in Political News Articles.
EACL 2021; MIT licence), read from ``../shared/data/newsmtsc``. The model is
trained on ``train.jsonl`` only; the regularisation strength ``C`` and the
class weights are chosen from :data:`C_GRID` x :data:`CLASS_WEIGHTS` by the
mean macro-F1 on ``dev_mt.jsonl`` and ``dev_rw.jsonl`` (the dev files are
never trained on).

Model: multinomial logistic regression (scikit-learn ``LogisticRegression``,
L2, lbfgs) over the features of :func:`sourcebias.annotate.targets.target_features`
(hashed words kept when they occur in at least :data:`MIN_ROWS` training
targets), the word-vector means of
:func:`sourcebias.annotate.targets.vector_means` (the static vectors of
:mod:`sourcebias.annotate.word_vectors`, built by ``build_word_vectors.py``,
which must run first), the VADER lexicon sums per word group (Hutto and
Gilbert, ICWSM 2014; negated words count -0.74 times their valence, VADER's
``N_SCALAR``) and the sentence compound. The lexicon sums are ``X @ V / 4`` for a fixed
matrix ``V``, so their weights are folded into the word weights:
``W_words + V @ W_lexicon / 4``.

The output is deterministic (same bytes on every run): ``target_sentiment.npz``
(``columns``, ``word_weights`` as float32, ``vector_weights``, ``compound_weights``,
``intercept``, ``classes``) and ``target_sentiment.json`` (provenance, the
chosen ``C`` and class weights, the dev macro-F1 of every choice, and under ``validation`` the
chosen model's macro-F1 and accuracy on each dev file beside sentence VADER
and always-neutral, read by :func:`sourcebias.annotate.targets.target_model_validation`).

Usage: ``python benchmarks/build_target_model.py``
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import numpy as np
from newsmtsc import DATA, read_targets
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from vaderSentiment.vaderSentiment import N_SCALAR, SentimentIntensityAnalyzer

from sourcebias.annotate import targets as _targets

OUT = Path(__file__).resolve().parents[1] / "src" / "sourcebias" / "resources" / "models"
C_GRID = (0.05, 0.1, 0.2)
#: None (every target counts 1) or "balanced" (each class weighs n / (3 n_class)).
CLASS_WEIGHTS = (None, "balanced")
MIN_ROWS = 2
LEXICON_SCALE = 4.0
CITATION = ("Felix Hamborg and Karsten Donnay. NewsMTSC: A Dataset for (Multi-)Target-dependent "
            "Sentiment Classification in Political News Articles. EACL 2021. MIT licence.")


def lexicon_matrix() -> sparse.csr_matrix:
    """``V``: hashed column of each (group, [neg_] word) -> its positive and negative valence."""
    lexicon = SentimentIntensityAnalyzer().lexicon
    words = sorted(w for w in lexicon if re.fullmatch(r"\w+(?:['’\-]\w+)*", w))
    valence = np.array([lexicon[w] for w in words])
    valence = np.concatenate([valence, N_SCALAR * valence])
    rows, cols, values = [], [], []
    for g, prefix in enumerate(_targets.GROUPS):
        tokens = [prefix + w for w in words] + [prefix + "neg_" + w for w in words]
        hashed = _targets._hasher().transform(tokens)
        rows.append(hashed.indices)
        cols.append(np.where(valence > 0, 2 * g, 2 * g + 1))
        values.append(np.abs(valence))
    return sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(_targets.N_FEATURES, 2 * len(_targets.GROUPS)))


def design(table, kept: np.ndarray, lexicon: sparse.csr_matrix) -> sparse.csr_matrix:
    """Kept word columns, lexicon sums, vector means and compound features of a target table."""
    words, mixing = _targets.target_inputs(table["text"].tolist(), table["start"].to_numpy(),
                                           table["end"].to_numpy())
    vectors = _targets.vector_means(mixing)
    compound = _targets.sentence_compound(table["text"].tolist())
    dense = np.hstack([(words @ lexicon).toarray() / LEXICON_SCALE, vectors,
                       _targets.compound_features(compound)])
    return sparse.hstack([words[:, kept], sparse.csr_matrix(dense)]).tocsr()


def main() -> int:
    if not DATA.is_dir():
        print(f"NewsMTSC not found at {DATA}: nothing built", file=sys.stderr)
        return 1
    train, dev = read_targets("train"), {n: read_targets(n) for n in ("dev_mt", "dev_rw")}
    words = _targets.target_features(train["text"].tolist(), train["start"].to_numpy(),
                                     train["end"].to_numpy())
    kept = np.flatnonzero(np.asarray((words > 0).sum(axis=0)).ravel() >= MIN_ROWS)
    lexicon = lexicon_matrix()
    x_train = design(train, kept, lexicon)
    x_dev = {n: design(t, kept, lexicon) for n, t in dev.items()}
    grid, best = [], None
    for c in C_GRID:
        for weights in CLASS_WEIGHTS:
            model = LogisticRegression(C=c, class_weight=weights, max_iter=5000).fit(
                x_train, train["label"])
            scores = {n: round(float(f1_score(t["label"], model.predict(x_dev[n]),
                                              average="macro")), 4)
                      for n, t in dev.items()}
            grid.append({"C": c, "class_weight": weights, "macro_f1": scores})
            print(f"C={c} class_weight={weights}: macro-F1 dev_mt {scores['dev_mt']:.3f}, "
                  f"dev_rw {scores['dev_rw']:.3f}", flush=True)
            if best is None or np.mean(list(scores.values())) > best[0]:
                best = (np.mean(list(scores.values())), c, weights, model)
    _, c, class_weight, model = best
    validation = []
    for name, table in dev.items():
        compound = _targets.sentence_compound(table["text"].tolist())
        predictions = {
            "target model": model.predict(x_dev[name]),
            "VADER sentence": np.select([compound >= 0.05, compound <= -0.05],
                                        ["positive", "negative"], "neutral"),
            "always neutral": np.full(len(table), "neutral"),
        }
        validation += [{"file": name, "method": method, "targets": len(table),
                        "macro_f1": round(float(f1_score(table["label"], predicted,
                                                         average="macro")), 4),
                        "accuracy": round(float(accuracy_score(table["label"], predicted)), 4)}
                       for method, predicted in predictions.items()]
    if tuple(model.classes_) != _targets.CLASSES:
        raise ValueError(f"unexpected classes {model.classes_}")
    n_kept, n_lexicon = len(kept), lexicon.shape[1]
    n_vectors = x_train.shape[1] - n_kept - n_lexicon - 3
    coef = model.coef_.T
    weights = np.zeros((_targets.N_FEATURES, len(_targets.CLASSES)))
    weights[kept] = coef[:n_kept]
    weights += lexicon @ coef[n_kept:n_kept + n_lexicon] / LEXICON_SCALE
    columns = np.flatnonzero(np.any(weights != 0, axis=1)).astype(np.int32)
    OUT.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, columns=columns,
                        word_weights=weights[columns].astype(np.float32),
                        vector_weights=coef[n_kept + n_lexicon:n_kept + n_lexicon + n_vectors],
                        compound_weights=coef[n_kept + n_lexicon + n_vectors:],
                        intercept=model.intercept_, classes=np.array(_targets.CLASSES))
    (OUT / "target_sentiment.npz").write_bytes(buffer.getvalue())
    sidecar = {
        "model": "multinomial logistic regression over hashed, position-tagged words around "
                 "the target, means of static word vectors left, right, in the clause and in "
                 "the sentence, VADER lexicon sums and the sentence VADER compound",
        "built_by": "benchmarks/build_target_model.py",
        "training_data": f"NewsMTSC train.jsonl ({len(train)} targets)",
        "selection_data": "NewsMTSC dev_mt.jsonl and dev_rw.jsonl (mean macro-F1)",
        "citation": CITATION,
        "lexicon": "VADER (Hutto and Gilbert, ICWSM 2014), vaderSentiment 3.3.2, MIT licence",
        "word_vectors": "resources/models/word_vectors.npz (see word_vectors.json: "
                        "all-MiniLM-L6-v2, Apache-2.0, distilled to static word vectors)",
        "vector_groups": list(_targets.VECTOR_GROUPS),
        "n_features": _targets.N_FEATURES,
        "min_rows": MIN_ROWS,
        "C": c,
        "class_weight": class_weight,
        "grid": grid,
        "n_word_columns": int(columns.size),
        "validation": validation,
    }
    (OUT / "target_sentiment.json").write_text(json.dumps(sidecar, indent=2) + "\n",
                                                encoding="utf-8")
    print(f"chose C={c}; {columns.size} word columns -> {OUT / 'target_sentiment.npz'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
