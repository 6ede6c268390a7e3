"""Input checks shared by every layer.

Each check raises :class:`ValueError` with one line that names the table, the
first offending row (0-based position) and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from sourcebias.tables import OWN, VOICES


class NotComputable(ValueError):
    """What a batch cannot give: a comparison with one outlet, a figure of terms that
    never occur. The message says what cannot be computed and why; a report's
    notebook prints it and goes on (``except sb.NotComputable``).

    ``plain``, when given, says it to a researcher reading the report, in the
    words of the batch rather than of functions, tables and columns; the
    workspace prints it in place of the message."""

    def __init__(self, message: str, *, plain: str | None = None) -> None:
        super().__init__(message)
        self.plain = plain


def require_columns(table: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    """Raise naming the ``columns`` that ``table`` (called ``name``) lacks."""
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(
            f"{name} table lacks column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, table.columns))}"
        )


def first_bad(table: pd.DataFrame, bad: pd.Series | np.ndarray, name: str, what: str) -> None:
    """Raise naming the first row flagged in ``bad`` (0-based position) and how many there are."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        doc = table["doc_id"].iloc[row] if "doc_id" in table.columns else None
        about = [f"doc_id {doc!r}"] if doc is not None else []
        if bad.sum() > 1:
            about.append(f"{int(bad.sum())} rows like it")
        where = f"{name} row {row}" + (f" ({'; '.join(about)})" if about else "")
        raise ValueError(f"{where} {what}")


def unique_ids(articles: pd.DataFrame, name: str = "articles") -> None:
    """Raise when a ``doc_id`` repeats: every article of a batch has its own."""
    first_bad(articles, articles["doc_id"].duplicated().to_numpy(), name,
              "repeats a doc_id: doc_id must be unique in a batch; "
              "give each article its own doc_id")


def member(ids: pd.Series, universe: pd.Series) -> np.ndarray:
    """Which of ``ids`` occur in ``universe``, by hash look-up.

    ``Series.isin`` walks a large set of Arrow strings in Python; an index
    look-up does not.
    """
    return pd.Index(pd.unique(universe)).get_indexer(ids) >= 0


def kept_articles(articles: pd.DataFrame, *, by: str, include_duplicates: bool,
                  need_text: bool = False) -> pd.DataFrame:
    """The articles to aggregate, in batch order, after checking ids, groups and text."""
    text = ("text",) if need_text else ()
    require_columns(articles, "articles", ("doc_id", by, "duplicate_of", *text))
    unique_ids(articles)
    first_bad(articles, articles[by].isna(), "articles",
              f"has no {by}: fill it in the manifest or input table")
    if need_text:
        first_bad(articles, articles["text"].isna(), "articles",
                  "has no text: read the batch with sourcebias.read_batch")
    kept = articles if include_duplicates else articles[articles["duplicate_of"].isna()]
    return kept.reset_index(drop=True)


def of_kept(table: pd.DataFrame, name: str, *, articles: pd.DataFrame,
            kept: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``table`` that belong to kept articles; unknown doc_ids raise."""
    require_columns(table, name, ("doc_id",))
    first_bad(table, ~member(table["doc_id"], articles["doc_id"]), name,
              f"has a doc_id that is not in articles: pass the articles that {name} was made from")
    return table[member(table["doc_id"], kept["doc_id"])].reset_index(drop=True)


def check_voices(table: pd.DataFrame, name: str) -> None:
    """Raise when a ``voice`` is neither ``narrator`` nor ``quote``."""
    first_bad(table, ~table["voice"].isin(VOICES), name,
              "has a voice that is neither 'narrator' nor 'quote': locate the spans first "
              "(sourcebias.segment.locate.locate)")


def own_voice(table: pd.DataFrame, name: str) -> np.ndarray:
    """Which rows are in the outlet's own voice in the strict sense (:data:`sourcebias.tables.OWN`):
    ``voice == "narrator"`` and not ``attributed`` to a source (quoted or paraphrased).

    Raises when the table has no ``attributed`` column or a voice that is neither
    ``narrator`` nor ``quote``.
    """
    if "attributed" not in table.columns:
        raise ValueError(
            f"{name} table has no attributed column, so no strict own voice ({OWN!r}): "
            "use the tables of sourcebias.analyze (or mark them with "
            "sourcebias.annotate.attributed.attribute), or choose the 'narrator' voice")
    check_voices(table, name)
    return (table["voice"].to_numpy() == "narrator") & ~table["attributed"].to_numpy(bool)


def choice(value, options: Iterable, name: str):
    """Return ``value`` if it is one of ``options``, else raise naming them."""
    options = tuple(options)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def as_list(value) -> list:
    """A name (str, number) or a list of them, as a list."""
    return [value] if isinstance(value, str) or not isinstance(value, Iterable) else list(value)
