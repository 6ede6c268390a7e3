"""Build the target-sentiment model shipped in ``sourcebias/resources/models/``.

Data: NewsMTSC (Felix Hamborg and Karsten Donnay. NewsMTSC: A Dataset for
(Multi-)Target-dependent Sentiment Classification in Political News Articles.
EACL 2021; MIT licence), read from ``../shared/data/newsmtsc``: ``train.jsonl``
with its gold labels; and, distilled from the slower encoder scorer
(``score_targets(..., model="encoder")``, the teacher), the name mentions in
the first :data:`PSEUDO_ARTICLES` AllSides training-split articles (Baly et
al., EMNLP 2020; Apache-2.0; ``../shared/data/allsides``, ids of
``splits/random/train.tsv`` only) with the teacher's class probabilities as
soft labels (:mod:`distill_targets`; :func:`soft_rows`). The regularisation
strength ``C``, the weight of a teacher-labelled target and the class
weights are chosen from :data:`C_GRID` x :data:`PSEUDO_WEIGHTS` x
:data:`CLASS_WEIGHTS` by the mean macro-F1 on ``dev_mt.jsonl`` and
``dev_rw.jsonl`` (the dev files are never trained on, nor labelled by the
teacher).

The teacher needs the ``models`` extra (torch; ``pip install
'sourcebias[models]'``) and about 8 CPU minutes on one thread for the
~43,000 targets; ``--cache DIR`` (a folder outside the repository) keeps its
probabilities so a rebuild skips it. The shipped model and the run time need
numpy and scipy only.

Model: multinomial logistic regression (scikit-learn ``LogisticRegression``,
L2, lbfgs) over the features of :func:`sourcebias.annotate.targets.target_features`
(hashed words, among them the attack and praise cues of
:func:`sourcebias.annotate.targets.cue_words`, kept when they occur in at least
:data:`MIN_ROWS` training targets, gold or teacher-labelled), the word-vector means of
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

Usage: ``python benchmarks/build_target_model.py [--cache DIR]``
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
from pathlib import Path

import distill_targets
import numpy as np
from newsmtsc import DATA, read_targets
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from vaderSentiment.vaderSentiment import N_SCALAR, SentimentIntensityAnalyzer

from sourcebias.annotate import targets as _targets

OUT = Path(__file__).resolve().parents[1] / "src" / "sourcebias" / "resources" / "models"
C_GRID = (0.03, 0.05)
#: None (every target counts 1) or "balanced" (each class weighs W / (3 W_class), in sample
#: weight; see :func:`soft_rows`). Without the teacher's targets, and with them at C = 0.05
#: and weight 0.3 (0.690 against 0.700 mean dev macro-F1), balanced did better.
CLASS_WEIGHTS = ("balanced",)
MIN_ROWS = 3
LEXICON_SCALE = 4.0
#: AllSides training-split articles whose name mentions the teacher labels.
PSEUDO_ARTICLES = 8_000
#: Weight of each teacher-labelled target relative to a gold one.
PSEUDO_WEIGHTS = (0.3, 0.5)
CITATION = ("Felix Hamborg and Karsten Donnay. NewsMTSC: A Dataset for (Multi-)Target-dependent "
            "Sentiment Classification in Political News Articles. EACL 2021. MIT licence.")
ALLSIDES_CITATION = ("Ramy Baly, Giovanni Da San Martino, James Glass and Preslav Nakov. We Can "
                     "Detect Your Bias: Predicting the Political Ideology of News Articles. "
                     "EMNLP 2020, pp. 4982-4991. Apache-2.0 (article texts belong to their "
                     "publishers).")


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


def soft_rows(x_gold: sparse.csr_matrix, labels: np.ndarray, x_pseudo: sparse.csr_matrix,
              proba: np.ndarray, weight: float,
              class_weight: str | None) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Rows, labels and sample weights of gold targets and soft teacher labels.

    Each teacher-labelled target enters three times, once per class ``k``,
    with sample weight ``weight * p_k`` (its teacher probability), so the
    log-loss minimised is ``sum_gold log q_y + weight * sum_pseudo sum_k p_k
    log q_k``: the cross-entropy against the teacher's distribution (Hinton,
    Vinyals and Dean, 2015, "Distilling the Knowledge in a Neural Network",
    at temperature 1). Gold targets weigh 1. ``class_weight="balanced"``
    then multiplies each row by ``W / (3 W_k)``, ``W_k`` the summed weight of
    its class and ``W`` the total (scikit-learn's balanced weights, counted in
    sample weight).
    """
    n = x_pseudo.shape[0]
    x = sparse.vstack([x_gold] + [x_pseudo] * len(_targets.CLASSES)).tocsr()
    y = np.concatenate([labels] + [np.full(n, k) for k in _targets.CLASSES])
    w = np.concatenate([np.ones(len(labels))] + [weight * proba[:, k].astype(np.float64)
                                                 for k in range(len(_targets.CLASSES))])
    if class_weight == "balanced":
        total = np.array([w[y == k].sum() for k in _targets.CLASSES])
        w = w * (total.sum() / (len(total) * total))[np.searchsorted(_targets.CLASSES, y)]
    return x, y, w


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None,
                        help="folder (outside the repository) to keep the teacher's labels in")
    cache = parser.parse_args().cache
    if not DATA.is_dir():
        print(f"NewsMTSC not found at {DATA}: nothing built", file=sys.stderr)
        return 1
    if not (distill_targets.ALLSIDES / "articles.jsonl.gz").is_file():
        print(f"AllSides not found at {distill_targets.ALLSIDES}: nothing built", file=sys.stderr)
        return 1
    train, dev = read_targets("train"), {n: read_targets(n) for n in ("dev_mt", "dev_rw")}
    cpu = time.process_time()
    pseudo = distill_targets.pseudo_targets(PSEUDO_ARTICLES)
    proba = distill_targets.teacher_proba(pseudo, cache)
    print(f"{len(pseudo):,} teacher-labelled targets in {pseudo['text'].nunique():,} sentences "
          f"of {pseudo['doc_id'].nunique():,} articles ({time.process_time() - cpu:.0f} CPU s)",
          flush=True)
    counts = sum(np.asarray((_targets.target_features(
        t["text"].tolist(), t["start"].to_numpy(), t["end"].to_numpy()) > 0).sum(axis=0)).ravel()
        for t in (train, pseudo))
    kept = np.flatnonzero(counts >= MIN_ROWS)
    lexicon = lexicon_matrix()
    x_train, x_pseudo = design(train, kept, lexicon), design(pseudo, kept, lexicon)
    x_dev = {n: design(t, kept, lexicon) for n, t in dev.items()}
    grid, best = [], None
    for c in C_GRID:
        for pseudo_weight in PSEUDO_WEIGHTS:
            for weights in CLASS_WEIGHTS:
                model = LogisticRegression(C=c, max_iter=5000).fit(
                    *soft_rows(x_train, train["label"].to_numpy(), x_pseudo, proba,
                               pseudo_weight, weights))
                scores = {n: round(float(f1_score(t["label"], model.predict(x_dev[n]),
                                                  average="macro")), 4)
                          for n, t in dev.items()}
                grid.append({"C": c, "pseudo_weight": pseudo_weight, "class_weight": weights,
                             "macro_f1": scores})
                print(f"C={c} pseudo_weight={pseudo_weight} class_weight={weights}: macro-F1 "
                      f"dev_mt {scores['dev_mt']:.3f}, dev_rw {scores['dev_rw']:.3f}",
                      flush=True)
                if best is None or np.mean(list(scores.values())) > best[0]:
                    best = (np.mean(list(scores.values())), c, pseudo_weight, weights, model)
    _, c, pseudo_weight, class_weight, model = best
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
                 "the target, the sentence's bag of words, whether the target is inside a "
                 "quotation and whether the sentence is quoted, attack and praise cues (the "
                 "target as agent, passive subject, by-agent or object of a cue verb, or "
                 "beside a cue noun), means of static word vectors "
                 "left, right, in the clause and in the sentence, VADER lexicon sums and the "
                 "sentence VADER compound",
        "built_by": "benchmarks/build_target_model.py",
        "training_data": f"NewsMTSC train.jsonl ({len(train)} targets, gold labels) and "
                         f"{len(pseudo)} targets in {pseudo['text'].nunique()} sentences of "
                         f"{pseudo['doc_id'].nunique()} AllSides training-split articles "
                         "labelled by the encoder scorer (soft labels)",
        "selection_data": "NewsMTSC dev_mt.jsonl and dev_rw.jsonl (mean macro-F1)",
        "citation": f"{CITATION} {ALLSIDES_CITATION}",
        "distillation": {
            "unlabelled_data": "AllSides articles.jsonl.gz, ids of splits/random/train.tsv "
                               f"only; the first {PSEUDO_ARTICLES} in a fixed order "
                               f"(seed {distill_targets.SEED})",
            "unlabelled_citation": ALLSIDES_CITATION,
            "targets": "full names (2-3 capitalised name words) and their surnames, at most "
                       f"{distill_targets.PER_ARTICLE} per article "
                       "(benchmarks/distill_targets.py)",
            "teacher": "score_targets(model='encoder'): resources/models/target_encoder.npz "
                       "over frozen all-MiniLM-L6-v2 (see target_encoder.json)",
            "teacher_decimals": distill_targets.DECIMALS,
            "pseudo_weight": pseudo_weight,
            "n_targets": len(pseudo),
        },
        "lexicon": "VADER (Hutto and Gilbert, ICWSM 2014), vaderSentiment 3.3.2, MIT licence",
        "cues": "sourcebias/resources/rules/target_cues.yaml (hand-made list of attack and "
                "praise verbs and nouns, checked against NewsMTSC train only)",
        "word_vectors": "resources/models/word_vectors.npz (see word_vectors.json: "
                        "all-MiniLM-L6-v2, Apache-2.0, distilled to static word vectors)",
        "vector_groups": list(_targets.VECTOR_GROUPS),
        "n_features": _targets.N_FEATURES,
        "min_rows": MIN_ROWS,
        "min_rows_counted_over": "NewsMTSC train and the teacher-labelled targets",
        "C": c,
        "class_weight": class_weight,
        "grid": grid,
        "n_word_columns": int(columns.size),
        "validation": validation,
    }
    (OUT / "target_sentiment.json").write_text(json.dumps(sidecar, indent=2) + "\n",
                                                encoding="utf-8")
    print(f"chose C={c} pseudo_weight={pseudo_weight} class_weight={class_weight}; "
          f"{columns.size} word columns -> {OUT / 'target_sentiment.npz'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
