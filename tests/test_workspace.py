"""The workspace every notebook opens: tables, report folders and the batch's outlet colours."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pandas as pd

from sourcebias.run.workspace import open_workspace

RATINGS = ["center", "left", "right"]


def _five_outlets_per_rating(shared_data: Path, path: Path) -> pd.DataFrame:
    """One article of each of the first five allsides outlets (by name) of each rating,
    written to ``path`` as a JSON-lines batch; returns the articles."""
    with gzip.open(shared_data / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        articles = pd.DataFrame([json.loads(line) for line in itertools.islice(f, 400)])
    ratings = articles.groupby("source_url")["bias_text"].agg(set)
    chosen = [outlet for rating in RATINGS
              for outlet in sorted(ratings[ratings == {rating}].index)[:5]]
    batch = articles[articles["source_url"].isin(chosen)].drop_duplicates("source_url")
    batch.to_json(path, orient="records", lines=True, force_ascii=False)
    return batch


def test_a_batch_of_more_outlets_than_colours_is_coloured_by_outlet_group(shared_data, tmp_path):
    batch = _five_outlets_per_rating(shared_data, tmp_path / "fifteen.jsonl")
    ws = open_workspace(tmp_path / "fifteen.jsonl", out_dir=tmp_path / "report", read_options={
        "text_column": "content_original", "outlet_column": "source_url", "id_column": "ID",
        "outlet_group_column": "bias_text"})
    assert len(ws.palette) == 15
    assert list(ws.palette.groups) == RATINGS
    rating = batch.set_index("source_url")["bias_text"]
    assert ws.palette == {outlet: ws.palette.groups[rating[outlet]] for outlet in ws.palette}
