"""Tests of the actor tone figure (:mod:`sourcebias.figures.tone`)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection

from sourcebias.annotate.targets import target_model_validation
from sourcebias.figures.export import plotted_data
from sourcebias.figures.tone import plot_actor_tone
from sourcebias.run.display import researcher_message


def _tone() -> pd.DataFrame:
    rows = []
    for actor, outlet, vader, target, low in [("maduro", "A", -0.2, -0.5, -0.7),
                                              ("maduro", "B", 0.1, 0.3, np.nan),
                                              ("guaido", "A", 0.2, 0.4, 0.1)]:
        for method, mean in (("VADER", vader), ("target model", target)):
            rows.append((outlet, actor, "narrator", method, 3, 2, mean, low,
                         np.nan if np.isnan(low) else mean + 0.2))
    return pd.DataFrame(rows, columns=["outlet", "actor", "voice", "method", "n", "n_articles",
                                       "mean", "ci_low", "ci_high"])


def test_plot_actor_tone_draws_both_methods_per_row() -> None:
    validation = target_model_validation()
    ax = plot_actor_tone(_tone(), validation=validation, names={"maduro": "Maduro"})
    shipped = validation.set_index(["file", "method"]).loc[("dev_mt", "target model"), "macro_f1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "A", "B"]  # Guaidó, then Maduro
    data = plotted_data(ax)
    assert len(data) == 6 and set(data["method"]) == {"VADER", "target model"}
    texts = [t.get_text() for t in ax.texts]
    assert "Maduro" in texts and texts.count("n=3") == 3
    assert "How far to trust" in ax.get_xlabel()
    assert f"target model {shipped:.2f} (dev_mt)" in ax.get_xlabel()
    # the point without an interval is hollow
    hollow = [c for c in ax.collections if isinstance(c, PathCollection)
              and c.get_offsets().shape[0] and (c.get_facecolor()[:, :3] == 1).all()]
    assert sum(c.get_offsets().shape[0] for c in hollow) == 2


def test_plot_actor_tone_refuses_what_it_cannot_draw() -> None:
    with pytest.raises(ValueError, match="no rows for voice 'quote'") as refused:
        plot_actor_tone(_tone(), voice="quote")
    assert researcher_message(refused.value) == (
        "No actor is mentioned inside a quotation in this batch, so there is no tone figure "
        "for it.")
    with pytest.raises(ValueError, match="no rows for actor"):
        plot_actor_tone(_tone(), actors=["ortega"])
    with pytest.raises(ValueError, match="lacks column"):
        plot_actor_tone(_tone().drop(columns="ci_low"))
