"""The workspace every notebook opens: tables, report folders, the batch's outlet colours,
the tables as a notebook displays them and what the lexicon pack says about its event."""

from __future__ import annotations

import gzip
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sourcebias.annotate.lexicon import read_pack
from sourcebias.checks import NotComputable
from sourcebias.config import SEED_BATCH
from sourcebias.run import workspace
from sourcebias.run.display import (
    concordance_html,
    format_number,
    researcher_message,
    table_html,
)
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


def _rates() -> pd.DataFrame:
    """A long table of rates: two outlets, two categories, one with an interval."""
    return pd.DataFrame({
        "outlet": ["A", "A", "B", "B"], "category": ["coup", "unity", "coup", "unity"],
        "n_hits": [3, 0, 12, 1], "rate_per_1000": [8.955224, 0.0, 1831.24, 0.000299],
        "ci_low": [2.1049, np.nan, 1500.0, np.nan], "ci_high": [15.33, np.nan, 2000.5, np.nan],
        "ci_method": ["percentile", None, "percentile", None],
        "note": [None, "1 article: no interval", None, "1 article: no interval"],
    })


def test_numbers_are_shown_to_three_significant_digits():
    shown = [format_number(v) for v in (1831.24, 8.955224, 0.907859, 0.000299, 0.0, np.nan)]
    assert shown == ["1,831", "8.96", "0.908", "3.0e-04", "0", "–"]


def test_a_table_shows_no_missing_value_markers_offsets_or_long_decimals():
    table = _rates().assign(start=[1, 2, 3, 4], end=[5, 6, 7, 8])
    html = table_html(table, source="tables/rates.csv")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html, flags=re.S))
    assert not re.search(r"\bNaN\b|\bNone\b|\bnan\b", text)
    assert ">start<" not in html and ">end<" not in html
    assert "8.96" in text and "8.955224" not in text and "–" in text
    assert "tables/rates.csv" in text


def test_a_stacked_table_with_a_repeated_index_is_shown():
    stacked = pd.concat([_rates(), _rates()])  # as pd.concat of per-outlet keyness tables gives
    html = table_html(stacked)
    assert html.count("<tr") == len(stacked) + 1


def test_pivot_puts_outlets_side_by_side_with_their_intervals():
    html = table_html(_rates(), pivot="rate_per_1000")
    headers = re.findall(r'<th[^>]*class="col_heading[^"]*"[^>]*>([^<]*)</th>', html)
    assert headers == ["category", "n_hits", "A", "B"] or headers[-2:] == ["A", "B"]
    assert "8.96 [2.1, 15.3]" in html and "1,831 [1,500, 2,000]" in html
    assert "1 article: no interval (A, B)" in html


def test_cutting_rows_keeps_every_outlet_and_says_how_many_are_hidden():
    table = pd.DataFrame({"outlet": np.repeat(["A", "B", "C"], 20), "n": np.arange(60)})
    html = table_html(table, rows=30)
    assert all(f">{outlet}<" in html for outlet in "ABC")
    assert "30 of 60 rows shown" in html and "30 rows hidden" in html


def test_keyword_in_context_is_one_line_per_hit_cut_with_an_ellipsis():
    table = pd.DataFrame({"doc_id": ["d1"], "outlet": ["A"], "start": [400], "end": [404],
                          "left": ["word " * 100 + "the\nfailed"], "match": ["coup"],
                          "right": [" attempt " + "word " * 100]})
    html = concordance_html(table, width=40)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells[0] == "A" and cells[2] == "coup"
    assert cells[1].startswith("…") and cells[1].endswith("the failed") and len(cells[1]) == 40
    assert cells[3].endswith("…") and len(cells[3]) <= 40 and all("\n" not in c for c in cells)
    assert "white-space" in html and "nowrap" in html and "d1" not in html


def test_describe_says_the_pack_s_event_and_focus_ids_in_words(tmp_path, monkeypatch):
    ws = open_workspace(SEED_BATCH, out_dir=tmp_path / "report")
    shown = []
    monkeypatch.setattr(workspace, "display", lambda obj, **_: shown.append(obj.data))
    ws.describe()
    text = " ".join(shown)
    assert read_pack().event in text and "Nicolás Maduro" in text
    assert "Focus terms (named by the lexicon pack)" in text
    assert "NaN" not in text and "5 articles from 5 outlets" in text


def test_what_a_batch_cannot_give_is_said_in_a_researchers_words(capsys):
    plain = ("No actor is mentioned inside a quotation in this batch, so there is no tone "
             "figure for quoted voice.")
    developer = NotComputable("plot_actor_tone: the table has no rows for voice 'quote' "
                              "(it has ['narrator'])", plain=plain)
    assert researcher_message(developer) == plain
    assert str(developer).startswith("plot_actor_tone:")  # the message itself is kept
    bare = NotComputable("plot_similarity: need at least two outlets to cluster")
    assert researcher_message(bare) == "need at least two outlets to cluster"
    ws = workspace.Workspace.__new__(workspace.Workspace)
    with ws.drawing():
        raise developer
    said = capsys.readouterr().out
    assert said == f"Not computed for this batch: {plain}\n"


def test_a_single_column_figure_is_shown_at_a_readable_width(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt
    from PIL import Image as PILImage

    from sourcebias.figures.style import column_width

    ws = open_workspace(SEED_BATCH, out_dir=tmp_path / "report")
    shown = []
    monkeypatch.setattr(workspace, "_in_kernel", lambda: True)
    monkeypatch.setattr(workspace, "display", lambda obj, **_: shown.append(obj))
    for width in ("single", "double"):
        fig, ax = plt.subplots(layout="constrained")
        ax.plot([0, 1], [0, 1])
        ws.write_figure(fig, f"line_{width}", width=width,
                        data=pd.DataFrame({"x": [0, 1], "y": [0, 1]}))
    single, double = shown
    assert single.width >= 600, "a 3.5-inch figure is not shown at 350 px"
    assert double.width == round(column_width("double") * 100)
    # the saved file keeps its size: 300 dpi at the column width
    with PILImage.open(ws.figures / "line_single.png") as png:
        assert abs(png.width - column_width("single") * 300) <= 2


def test_a_figure_saved_again_by_hand_is_listed_in_the_report_provenance(tmp_path):
    import matplotlib.pyplot as plt

    from sourcebias.figures.export import write_provenance

    ws = open_workspace(SEED_BATCH, out_dir=tmp_path / "report")
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [0, 1])
    ws.write_figure(fig, "line", data=pd.DataFrame({"x": [0, 1], "y": [0, 1]}))
    write_provenance(ws.out, inputs=[], lexicons=[], parameters={}, command="sourcebias report",
                     outputs=sorted(ws.figures.iterdir()))
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [1, 0])
    ws.write_figure(fig, "line", data=pd.DataFrame({"x": [0, 1], "y": [1, 0]}))
    record = json.loads((ws.out / "provenance.json").read_text())
    assert {"figures/line.png", "figures/line.csv"} <= set(record["changed_since_run"])
