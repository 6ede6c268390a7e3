"""Score the attribution layer against PolNeAR (dev by default), beside the quote-mark baseline.

Figures, for the layer (``find_attributions``) and for the baseline that takes
the quote voice spans of ``segment`` as the attributed content (no source):

(a) *content F1*: character-level precision, recall and F1 over non-space
    characters, of the union of predicted content pieces against the union of
    gold ``Content`` spans;
(b) *speaker*: of the gold attributions that have a ``Source``, the share
    whose content midpoint (middle of the first to last content character) is
    covered by a predicted content piece whose source span overlaps the gold
    source span; with a Wilson 95% interval (Wilson, JASA 1927). The line
    below it counts the gold attributions whose midpoint falls between two of
    their own content pieces ('"A," he said. "B."'), which a prediction that
    keeps the cue out of the content cannot reach;
(c) *direct quotations*: of the non-space characters of gold content spans
    that contain a quotation mark, the share inside predicted content. Since
    ``'`` and ``’`` count as quotation marks, spans holding only an apostrophe
    ("Trump’s") count too; the line "(c) without apostrophes" leaves out
    ``'`` and ``’`` between two letters.

Data: Newell, Margolin and Ruths, *An Attribution Relations Corpus for
Political News*, LREC 2018 (``../shared/data/polnear``).

With ``--write``, both splits are scored and the layer's figures written to
``src/sourcebias/resources/models/attribution_validation.json`` (sorted keys,
figures rounded to 3 decimals: same bytes on every run), which the package
reads at run time (:func:`sourcebias.attribution_validation`) to show them
beside its sources figures.

Usage: ``python benchmarks/validate_attribution.py [--split dev|train|FOLDER] [--write]``:
``FOLDER`` is another split of PolNeAR, such as held-out data, laid out like ``dev``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _polnear import SPLIT_HELP, read_split

from sourcebias.segment.attribution import find_attributions
from sourcebias.segment.sentences import segment_articles

#: Where ``--write`` puts the layer's figures (read by :func:`sourcebias.attribution_validation`).
OUT = (Path(__file__).resolve().parents[1] / "src" / "sourcebias" / "resources" / "models"
       / "attribution_validation.json")

#: Quotation marks that make a gold content span a direct quotation for figure (c).
QUOTE_MARKS = "\"“”«»‘’'"
#: A quotation mark that is not an apostrophe inside a word.
_QUOTE_NOT_APOSTROPHE = re.compile(r"[\"“”«»‘]|(?<![^\W\d_])['’]|['’](?![^\W\d_])")


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` (Wilson, JASA 1927)."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


def _mask(length: int, starts, ends) -> np.ndarray:
    """Boolean mask of the union of ``[start, end)`` spans over ``length`` characters."""
    edges = np.zeros(length + 1, dtype=np.int64)
    np.add.at(edges, np.asarray(starts, dtype=np.int64), 1)
    np.add.at(edges, np.asarray(ends, dtype=np.int64), -1)
    return np.cumsum(edges)[:-1] > 0


def content_scores(articles: pd.DataFrame, gold: pd.DataFrame, predicted: pd.DataFrame
                   ) -> tuple[float, float, float, float, float]:
    """Figures (a) precision, recall, F1, (c) the covered share of quoted gold content, and
    (c) again without apostrophes inside words."""
    gold = gold[gold["role"] == "Content"]
    gold_by_doc = dict(tuple(gold.groupby("doc_id")))
    pred_by_doc = dict(tuple(predicted.groupby("doc_id")))
    tp = fp = fn = quoted = quoted_hit = strict = strict_hit = 0
    for doc_id, text in zip(articles["doc_id"], articles["text"], strict=True):
        visible = ~np.char.isspace(np.array(list(text))) if text else np.zeros(0, bool)
        g = gold_by_doc.get(doc_id, gold.iloc[:0])
        p = pred_by_doc.get(doc_id, predicted.iloc[:0])
        gm = _mask(len(text), g["start"], g["end"]) & visible
        pm = _mask(len(text), p["content_start"], p["content_end"]) & visible
        tp += int((gm & pm).sum())
        fp += int((pm & ~gm).sum())
        fn += int((gm & ~pm).sum())
        marked = [any(c in QUOTE_MARKS for c in text[a:b]) for a, b in zip(g["start"], g["end"],
                                                                             strict=True)]
        qm = _mask(len(text), g["start"][marked], g["end"][marked]) & visible
        quoted += int(qm.sum())
        quoted_hit += int((qm & pm).sum())
        marked = [_QUOTE_NOT_APOSTROPHE.search(text, a, b) is not None
                  for a, b in zip(g["start"], g["end"], strict=True)]
        qm = _mask(len(text), g["start"][marked], g["end"][marked]) & visible
        strict += int(qm.sum())
        strict_hit += int((qm & pm).sum())
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return precision, recall, f1, quoted_hit / max(quoted, 1), strict_hit / max(strict, 1)


def speaker_score(gold: pd.DataFrame, predicted: pd.DataFrame) -> tuple[int, int]:
    """Figure (b): gold attributions with a source that are found with it, and their number."""
    spans = gold.groupby(["attribution", "role"]).agg(
        doc_id=("doc_id", "first"), start=("start", "min"), end=("end", "max")).unstack("role")
    spans = spans[spans[("start", "Source")].notna() & spans[("start", "Content")].notna()]
    wanted = pd.DataFrame({
        "doc_id": spans[("doc_id", "Content")],
        "mid": ((spans[("start", "Content")] + spans[("end", "Content")]) // 2).astype(int),
        "src_start": spans[("start", "Source")].astype(int),
        "src_end": spans[("end", "Source")].astype(int),
    }).reset_index(drop=True)
    pairs = wanted.reset_index().merge(predicted[predicted["source_start"] >= 0], on="doc_id")
    covers = (pairs["content_start"] <= pairs["mid"]) & (pairs["content_end"] > pairs["mid"])
    overlaps = ((pairs["source_start"] < pairs["src_end"])
                & (pairs["source_end"] > pairs["src_start"]))
    hit = covers & overlaps
    return int(pairs.loc[hit, "index"].nunique()), len(wanted)


def midpoint_outside(gold: pd.DataFrame) -> int:
    """Gold attributions with a source whose content midpoint lies outside their own content
    pieces ('"A," he said. "B."' with the middle on "he said"): figure (b) cannot count
    them unless a predicted piece covers the cue."""
    content = gold[gold["role"] == "Content"]
    sourced = gold.loc[gold["role"] == "Source", "attribution"].unique()
    content = content[content["attribution"].isin(sourced)]
    span = content.groupby("attribution").agg(start=("start", "min"), end=("end", "max"))
    mid = ((span["start"] + span["end"]) // 2).rename("mid")
    pieces = content.join(mid, on="attribution")
    inside = (pieces["start"] <= pieces["mid"]) & (pieces["end"] > pieces["mid"])
    return int((~inside.groupby(pieces["attribution"]).any()).sum())


def score(split: str) -> dict[str, object]:
    """Score the layer and the baseline on ``split``, print the figures, and return the
    layer's: content precision, recall and F1, speaker share with its Wilson interval, quoted
    content covered (with and without apostrophes), gold attributions with a source."""
    articles, gold = read_split(split)
    sentences, voice = segment_articles(articles)
    cpu = time.process_time()
    found = find_attributions(articles, sentences, voice)
    cpu = time.process_time() - cpu
    quotes = voice[voice["voice"] == "quote"].rename(
        columns={"start": "content_start", "end": "content_end"}).assign(
        source_start=-1, source_end=-1)
    n_gold = gold.groupby("attribution").ngroups
    print(f"PolNeAR {split}: {len(articles)} articles, {len(sentences)} sentences, "
          f"{n_gold} gold attributions; {found.groupby('doc_id')['attribution_id'].nunique().sum()}"
          f" found in {cpu:.2f} s CPU")
    print(f"{'':28}{'attribution layer':>20}{'quote-mark baseline':>22}")
    scores = [content_scores(articles, gold, table) for table in (found, quotes)]
    speakers = [speaker_score(gold, table) for table in (found, quotes)]
    for label, i in (("(a) content precision", 0), ("(a) content recall", 1),
                     ("(a) content F1", 2), ("(c) quoted content covered", 3),
                     ("(c) without apostrophes", 4)):
        print(f"{label:<28}{scores[0][i]:>20.3f}{scores[1][i]:>22.3f}")
    cells = []
    for k, n in speakers:
        low, high = wilson(k, n)
        cells.append(f"{k / n:.3f} [{low:.3f}, {high:.3f}]")
    print(f"{'(b) speaker (95% CI)':<28}{cells[0]:>20}{cells[1]:>22}")
    outside = midpoint_outside(gold)
    print(f"    of {speakers[0][1]} gold attributions with a source ({outside}, "
          f"{outside / speakers[0][1]:.3f}, have their content midpoint between two pieces)")
    k, n = speakers[0]
    low, high = wilson(k, n)
    precision, recall, f1, quoted, strict = scores[0]
    return {"split": split, "articles": len(articles), "attributions_with_source": n,
            "content_precision": round(precision, 3), "content_recall": round(recall, 3),
            "content_f1": round(f1, 3), "speaker": round(k / n, 3),
            "speaker_ci_low": round(low, 3), "speaker_ci_high": round(high, 3),
            "quoted_covered": round(quoted, 3), "quoted_covered_no_apostrophes": round(strict, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", help=SPLIT_HELP)
    parser.add_argument("--write", action="store_true",
                        help=f"score dev and train and write the figures to {OUT.name}")
    args = parser.parse_args()
    rows = [score(split) for split in (("dev", "train") if args.write else (args.split,))]
    print("goals: (a) F1 >= 0.85, (b) >= 0.80, (c) >= 0.95")
    if args.write:
        record = {
            "data": "Newell, Edward, Drew Margolin and Derek Ruths. An Attribution Relations "
                    "Corpus for Political News. Proceedings of LREC 2018. PolNeAR dev and train "
                    "splits; research data, no licence file.",
            "method": "benchmarks/validate_attribution.py: (a) character-level F1 of attributed "
                      "content; (b) share of gold attributions with a source found with that "
                      "source, Wilson 95% interval; (c) share of quoted gold content inside "
                      "predicted content.",
            "validation": rows,
        }
        OUT.write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")
        print(f"written to {OUT}")


if __name__ == "__main__":
    main()
