"""What every notebook of the suite opens first: the tables, the output folders, the palette.

A notebook calls :func:`open_workspace` with its ``parameters`` cell. It loads
the annotated tables that ``sourcebias report`` wrote, or analyses the batch
when they are missing or were made with other lexicons, and it saves figures
and tables under the report folder with the batch-wide outlet colours.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython import get_ipython
from IPython.display import HTML, Image, Markdown, display

from sourcebias.annotate.lexicon import Lexicon, Pack, read_actors, read_pack, read_terms
from sourcebias.checks import NotComputable
from sourcebias.config import REPORTS_DIR, SEED_BATCH, pack_file
from sourcebias.figures.export import (
    _figure_of,
    record_changed_outputs,
    write_figure,
    write_table,
)
from sourcebias.figures.names import display_names
from sourcebias.figures.palette import OutletPalette, outlet_palette
from sourcebias.figures.style import figure_style
from sourcebias.run.analysis import analyze
from sourcebias.run.display import researcher_message, table_html
from sourcebias.run.store import Analysis, read_tables
from sourcebias.stats.overview import outlet_groups, outlet_summary
from sourcebias.stats.rates import voice_words
from sourcebias.tables import TABLE_NAMES


@dataclass
class Workspace:
    """The analysis of one batch and where its report goes.

    Attributes
    ----------
    analysis : Analysis
        The annotated tables (``articles``, ``sentences``, ``voice``, ``hits``,
        ``mentions``, ``sentiment``, ``excluded``, ``removed``).
    out : Path
        The report folder; figures go to ``out/figures``, tables to ``out/tables``.
    palette : OutletPalette
        The outlet colours of the batch, used by every figure: one colour per
        outlet, or per ``outlet_group`` when the outlets outnumber the colours
        (see :func:`sourcebias.figures.palette.outlet_palette`).
    terms, actors : Lexicon
        The lexicons of the pack the tables were made with.
    lexicons : Path or None
        The pack folder; None for the package's default pack.
    """

    analysis: Analysis
    out: Path
    palette: OutletPalette
    terms: Lexicon
    actors: Lexicon
    lexicons: Path | None = None

    @cached_property
    def pack(self) -> Pack:
        """The pack's event, description, focus terms and actors and markers
        (:func:`sourcebias.annotate.lexicon.read_pack`)."""
        return read_pack(self.lexicons)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Articles, words and narrator-voice share per outlet (:func:`outlet_summary`)."""
        a = self.analysis
        return outlet_summary(a.articles, sentences=a.sentences, voice=a.voice)

    @cached_property
    def n_articles(self) -> pd.Series:
        """Articles per outlet that every aggregate rests on (near-duplicates left out)."""
        return self.summary.set_index("outlet")["n_articles"]

    @cached_property
    def words(self) -> pd.DataFrame:
        """Words per article and voice: the denominators of every rate."""
        return voice_words(self.analysis.articles, voice=self.analysis.voice)

    @cached_property
    def names(self) -> dict[str, str]:
        """Display names of the ids in the tables, from the pack's lexicons."""
        return display_names(terms=self.terms, actors=self.actors)

    def describe(self) -> None:
        """Display what the batch is about, from its lexicon pack, and its outlets.

        The event, its description and the focus terms and actors come from the
        pack's ``pack.yaml``, the counts from the tables; then the outlets'
        articles, words and quoted share (:meth:`show_outlets`).
        """
        n = int(self.n_articles.sum())
        duplicates = int(self.summary["n_duplicates"].sum())
        lines = [f"**{self.pack.event}**: {self.pack.description}"]
        lines.append(f"{n:,} articles from {len(self.n_articles)} outlets"
                     + (f" ({duplicates} near-duplicates left out)" if duplicates else "") + ".")
        for what, ids in (("terms", self.pack.focus_terms), ("actors", self.pack.focus_actors)):
            lines.append(f"Focus {what} (named by the lexicon pack): "
                         + ", ".join(self.names.get(i, i) for i in ids) + ".")
        display(Markdown("\n\n".join(lines)))
        self.show_outlets()

    @property
    def figures(self) -> Path:
        """The folder of figures (PDF, SVG, PNG and the CSV behind each)."""
        return self.out / "figures"

    @property
    def tables(self) -> Path:
        """The folder of tables (CSV and LaTeX)."""
        return self.out / "tables"

    @contextmanager
    def drawing(self) -> Iterator[None]:
        """Draw in the figure style; what this batch cannot give is said, not raised.

        A figure that the batch cannot support (one outlet, terms that never
        occur, too few mentions: :class:`sourcebias.checks.NotComputable`) prints
        one line saying what and why, in a researcher's words
        (:func:`sourcebias.run.display.researcher_message`), and the notebook goes on.
        """
        try:
            with figure_style():
                yield
        except NotComputable as reason:
            print(f"Not computed for this batch: {researcher_message(reason)}")

    def write_figure(self, fig: Any, name: str, *, data: pd.DataFrame | None = None,
                    width: str | float | None = None) -> None:
        """Save a figure under :attr:`figures` and, in a Jupyter kernel, show it.

        See :func:`sourcebias.figures.export.write_figure`. ``name`` may hold any
        characters (an outlet name, say): it is turned into a file name of
        lower-case letters, digits, ``_`` and ``-``. In a kernel the saved PNG
        is displayed in the cell's output and the figure is closed, so every
        figure a cell saves shows in that cell exactly once, on every run. A
        figure that differs from the one the report recorded is listed in the
        report's ``provenance.json``
        (:func:`sourcebias.figures.export.record_changed_outputs`).
        """
        paths = write_figure(fig, file_name(name), out_dir=self.figures, data=data, width=width)
        record_changed_outputs(self.out, paths.values())
        if _in_kernel():
            display(Image(data=paths["png"].read_bytes(), format="png",
                          width=_shown_width(_figure_of(fig).get_figwidth())))
            plt.close(_figure_of(fig))

    def write_table(self, table: pd.DataFrame, name: str, *, caption: str | None = None,
                    show: bool = True, rows: int = 30, pivot: str | None = None,
                    across: str = "outlet") -> None:
        """Save a table under :attr:`tables` as CSV and LaTeX, and display it for reading.

        The display rounds numbers, shows a dash for a missing value, leaves out
        character offsets, keeps every outlet when it cuts rows and says where
        the full table is (see :func:`sourcebias.run.display.table_html`). A
        table that differs from the one the report recorded is listed in the
        report's ``provenance.json``
        (:func:`sourcebias.figures.export.record_changed_outputs`).

        Parameters
        ----------
        table : pandas.DataFrame
        name : str
            File name (any text; see :func:`file_name`).
        caption : str, optional
        show : bool, default True
            Display the table.
        rows : int, default 30
            Rows displayed at most.
        pivot : str, optional
            A value column displayed with the outlets (``across``) side by side.
        across : str, default "outlet"
            The column whose values become the columns of a pivoted display.
        """
        stem = file_name(name)
        record_changed_outputs(self.out, write_table(table, stem, out_dir=self.tables,
                                                     caption=caption).values())
        if show:
            _show(table, rows=rows, caption=caption, source=f"tables/{stem}.csv",
                  pivot=pivot, across=across)

    def show_outlets(self) -> None:
        """Display the outlets of the batch: articles, words and the share quoted, rounded."""
        columns = ["outlet", "outlet_group", "n_articles", "n_duplicates", "n_words", "quote_share"]
        _show(self.summary[[c for c in columns if c in self.summary.columns]], rows=100,
              caption="Articles per outlet that every figure and rate rests on "
                      "(near-duplicates left out).", keep=columns)


#: Pixels per inch of a figure shown in a notebook (the saved PNG, scaled down).
_SHOWN_DPI = 100


#: Narrowest a figure is shown in a notebook and its HTML copy, in pixels: a
#: single-column figure (3.5 inches) at 100 dpi would be 350 px, its text ~7 px high.
_MIN_SHOWN_PX = 700


def _shown_width(width_in: float) -> int:
    """The width in pixels at which a figure ``width_in`` inches wide is shown:
    :data:`_SHOWN_DPI` pixels an inch, and at least :data:`_MIN_SHOWN_PX` (the
    saved files keep their size)."""
    return round(max(width_in * _SHOWN_DPI, _MIN_SHOWN_PX))


def _in_kernel() -> bool:
    """Whether the code runs in a Jupyter kernel, whose cells show displayed images."""
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _show(table: pd.DataFrame, *, rows: int, caption: str | None = None,
          source: str | None = None, pivot: str | None = None, across: str = "outlet",
          keep: Sequence[str] = ()) -> None:
    """Display a table for reading (see :func:`sourcebias.run.display.table_html`)."""
    display(HTML(table_html(table, rows=rows, caption=caption, source=source, pivot=pivot,
                            across=across, keep=keep)))


def file_name(name: str) -> str:
    """A file name from any text: ``"Pro-government blog"`` gives ``"pro-government_blog"``."""
    return re.sub(r"[^a-z0-9_-]+", "_", name.lower()).strip("_") or "unnamed"


def browse(table: pd.DataFrame, *, by: str, rows: int = 20) -> None:
    """A drop-down that filters a table by one column, with the filtered table under it.

    A keyword-in-context table (columns ``left``, ``match``, ``right``) shows
    one line per hit (see :func:`sourcebias.run.display.concordance_html`).
    The picker comes first, the filtered table under it.
    The output also carries the unfiltered view as HTML, so an executed or
    HTML copy of the notebook, read without a kernel, shows it instead of a
    blank widget; the drop-down works in a live kernel.

    Parameters
    ----------
    table : pandas.DataFrame
    by : str
        The column to filter on (``category``, ``actor``, ``outlet`` ...).
    rows : int, default 20
        Rows shown at a time.
    """
    import ipywidgets as widgets

    def view(selected: pd.DataFrame) -> str:
        return table_html(selected, rows=rows, keep=(by,))

    everything = "(all)"
    choices = [everything, *sorted(table[by].dropna().astype("str").unique())]
    picker = widgets.Dropdown(options=choices, value=everything, description=by)
    shown = widgets.Output()

    def update(change: dict) -> None:
        selected = table if change["new"] == everything else (
            table[table[by].astype("str") == change["new"]])
        shown.clear_output(wait=True)
        with shown:
            display(HTML(view(selected)))

    with shown:
        display(HTML(view(table)))
    picker.observe(update, names="value")
    box = widgets.VBox([picker, shown])
    bundle = box._repr_mimebundle_()
    static = f"<p><small>{by}: {everything} (pick in a live kernel)</small></p>{view(table)}"
    display({**bundle, "text/html": static}, raw=True)


def _lexicons_changed(data_dir: Path, current: Mapping[str, Lexicon]) -> bool:
    recorded = json.loads((data_dir / "analysis.json").read_text(encoding="utf-8"))["lexicons"]
    return any(recorded.get(kind, {}).get("sha256") != lexicon.sha256
               for kind, lexicon in current.items())


def _has_every_table(data_dir: Path) -> bool:
    """Whether the folder holds every table of :data:`TABLE_NAMES` (older runs wrote fewer)."""
    return all((data_dir / f"{name}.parquet").is_file() or (data_dir / name).is_dir()
               for name in TABLE_NAMES)


def open_workspace(
    batch: str | Path | None = None,
    *,
    out_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    read_options: Mapping[str, str] | None = None,
    lexicons: str | Path | None = None,
) -> Workspace:
    """Load (or make) the annotated tables of a batch and prepare its report folder.

    Parameters
    ----------
    batch : str or Path, optional
        A batch folder or table file; default the seed batch.
    out_dir : str or Path, optional
        The report folder; default ``reports/<batch name>``.
    data_dir : str or Path, optional
        Where the Parquet tables are; default ``<out_dir>/data``. When it holds
        no tables, not every table, or tables made with other lexicons, the
        batch is analysed and the tables written there.
    read_options : mapping, optional
        Passed to :func:`sourcebias.read_batch` when the batch is analysed.
    lexicons : str or Path, optional
        A lexicon pack folder; the package's default pack when not given.

    Returns
    -------
    Workspace
    """
    batch = Path(batch) if batch else SEED_BATCH
    name = batch.name.split(".")[0]
    out = Path(out_dir) if out_dir else REPORTS_DIR / name
    data = Path(data_dir) if data_dir else out / "data"
    lexicons = lexicons or None
    lexicon = {"terms": read_terms(pack_file(lexicons, "terms")),
               "actors": read_actors(pack_file(lexicons, "actors"))}
    if (data / "analysis.json").exists() and not _lexicons_changed(data, lexicon) \
            and _has_every_table(data):
        analysis = read_tables(data)
    else:
        analysis = analyze(batch, out=data, read_options=dict(read_options or {}),
                           lexicons=lexicons, **lexicon)
    palette = outlet_palette(analysis.articles["outlet"],
                             groups=outlet_groups(analysis.articles))
    return Workspace(analysis=analysis, out=out, palette=palette,
                     lexicons=Path(lexicons) if lexicons else None, **lexicon)
