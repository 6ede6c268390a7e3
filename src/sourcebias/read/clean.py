"""Cleaning read articles: repaired lines, titles, dates and repeated ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json

from sourcebias.read.decode import (
    repair_mojibake,
)
from sourcebias.read.duplicates import _plain_words
from sourcebias.read.furniture import Furniture, as_arrow, clean_texts, join_runs
from sourcebias.read.inputs import (
    _ARTICLE_STANDARD,
    LOG,
    MANIFEST,
    _excluded,
    _Inputs,
    _problem_line,
)
from sourcebias.read.language import detect_languages
from sourcebias.tables import COLUMNS, count_words


def _clean(inputs: _Inputs, furniture: Furniture
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """Clean decoded inputs: their articles (duplicates not yet known), the inputs left
    empty (``excluded`` rows), the ``removed`` rows and the repair lines."""
    docs = inputs.docs
    texts, mojibake = repair_mojibake(docs["text"].astype("str"))
    cleaned = clean_texts(texts, furniture)
    body = cleaned.text.fillna("")
    emptied = pd.Series(np.nan, index=docs.index, dtype="str").mask(
        body == "", "has no article text left once site furniture is removed (see the "
                    "removed table); check the file, or the furniture rules")
    large = texts.str.len() > LARGE_ARTICLE_CHARS
    title = (_one_line(docs["title"]).fillna(_one_line(docs["page_title"]))
             .fillna(cleaned.title))
    dateline = _iso_dates(cleaned.dateline)
    date = docs["date"].fillna(docs["page_date"])
    named = _file_name_dates(docs["path"] if "path" in docs else None, docs.index)
    from_name = date.isna() & named.notna()
    date = date.fillna(named)
    from_dateline = date.isna() & dateline.notna()
    text, title_added = _title_first(body, title)
    notes = pd.concat([
        inputs.notes,
        pd.DataFrame({"key": mojibake.index, "note": mojibake.to_numpy()}),
        cleaned.notes,
        pd.DataFrame({"key": docs.index[title_added],
                      "note": "placed the headline as the first paragraph"}),
        pd.DataFrame({"key": docs.index[from_name],
                      "note": "date from the file name " + named[from_name]}),
        pd.DataFrame({"key": docs.index[from_dateline],
                      "note": "date from the dateline " + cleaned.dateline[from_dateline]}),
        pd.DataFrame({"key": docs.index[large], "note": _large_note(texts[large])}),
    ], ignore_index=True)
    unknown = pd.Series(np.nan, index=docs.index, dtype="str")
    articles = docs.assign(
        title=title, date=date.fillna(dateline), text=text, n_words=count_words(text),
        language=detect_languages(text),
        problems=_joined_notes(notes, docs.index),
        duplicate_of=unknown, duplicate_kind=unknown,
    )[emptied.isna()]
    repairs = tuple(_repair_lines(articles, notes, inputs.within))
    removed = pd.concat([inputs.removed, cleaned.removed], ignore_index=True).sort_values(
        "key", kind="stable", ignore_index=True)
    removed["doc_id"] = docs["doc_id"].to_numpy()[removed["key"].to_numpy(dtype="int64")]
    return (_article_columns(articles), _excluded(docs, emptied, inputs.within),
            removed[list(COLUMNS["removed"])], repairs)


def _joined_notes(notes: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Each article's notes in the order they were made, ``"; "``-separated ("" for none)."""
    notes = notes.sort_values("key", kind="stable")
    keys = notes["key"].to_numpy()
    first, joined = join_runs(notes["note"], keys, "; ")
    return joined.set_axis(keys[first]).reindex(index, fill_value="")


def _repair_lines(articles: pd.DataFrame, notes: pd.DataFrame, within: str | None) -> list[str]:
    """One logged line per article whose characters had to be decoded or repaired."""
    warn = notes[notes["note"].str.contains("not UTF-8|mojibake|more text than", regex=True)]
    warn = warn[warn["key"].isin(articles.index)]
    advice = "check the article's special characters" + (
        "" if within and within != MANIFEST else ", and re-save the file as UTF-8")
    lines = []
    for key, group in warn.groupby("key", sort=False)["note"]:
        entry = articles.loc[key]
        lines.append(_problem_line(entry["source"], entry["row"],
                                   f"{'; '.join(group)}; {advice}", within))
        LOG.warning(lines[-1])
    return lines


#: Characters of text above which an input is unlikely to be one article (5 million: a
#: long feature has 50,000); it is read, with a warning.
LARGE_ARTICLE_CHARS = 5_000_000


def _large_note(texts: pd.Series) -> pd.Series:
    megabytes = (texts.str.len() / 1e6).round(1).astype("str")
    return ("has more text than one article would (" + megabytes + " million characters; "
            f"over {LARGE_ARTICLE_CHARS / 1e6:g} million): check that it is one article, not "
            "a whole site or a concatenation, and split it if it is not")


def _article_columns(articles: pd.DataFrame) -> pd.DataFrame:
    internal = {"path", "row", "page_title", "page_date"}
    extras = [c for c in articles.columns if c not in _ARTICLE_STANDARD and c not in internal]
    return articles[[*_ARTICLE_STANDARD, *extras]].reset_index(drop=True)






def _one_line(titles: pd.Series) -> pd.Series:
    titles = titles.astype("str").str.replace(r"\s+", " ", regex=True).str.strip()
    return titles.where(titles != "")


def _file_name_dates(paths: pd.Series | None, index: pd.Index) -> pd.Series:
    """The ISO date (``YYYY-MM-DD``) that starts each file's name
    (``telesur/2019-04-30-golpe.html``), when it is a real day; else null."""
    if paths is None:
        return pd.Series(np.nan, index=index, dtype="str")
    names = paths.astype("str").str.rsplit("/", n=1).str[-1]
    found = names.str.extract(r"^(\d{4}-\d{2}-\d{2})(?!\d)", expand=False)
    parsed = pd.to_datetime(found, format="%Y-%m-%d", errors="coerce")
    return found.astype("str").where(parsed.notna())


def _iso_dates(dates: pd.Series) -> pd.Series:
    """Dates written in words (datelines) as ``YYYY-MM-DD``, or null."""
    parsed = pd.to_datetime(dates, format="mixed", errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").astype("str").where(parsed.notna())


def _title_first(body: pd.Series, title: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Make the title the first paragraph; return the texts and where it was added.

    A first paragraph with the title's words (ignoring case and punctuation) is
    replaced by the title; otherwise the title is put before the text.
    """
    first = pd.Series(pc.list_element(pc.split_pattern(as_arrow(body), "\n\n", max_splits=1), 0)
                      .to_pandas(), index=body.index, dtype="str")
    known = title.notna()
    leads = known & (_plain(first) == _plain(title))
    added = known & ~leads
    text = body.copy()
    text[leads] = [head + rest[len(old):] for head, rest, old in
                   zip(title[leads], body[leads], first[leads], strict=True)]
    text[added] = title[added] + "\n\n" + body[added]
    return text, added


def _plain(text: pd.Series) -> pd.Series:
    """Lower-cased words of letters and digits, one space apart."""
    return pd.Series(pc.binary_join(_plain_words(text), pa.scalar(" ", pa.large_string()))
                     .to_pandas(), index=text.index, dtype="str")


def _date_ticks(dates: pd.Series) -> np.ndarray:
    """Each date as microseconds since 1970 (UTC), missing or unreadable dates as the
    largest int64, so that they sort last."""
    parsed = pd.to_datetime(dates, format="ISO8601", errors="coerce", utc=True)
    retry = parsed.isna() & dates.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(dates[retry], format="mixed", errors="coerce", utc=True)
    ticks = pd.DatetimeIndex(parsed).as_unit("us").asi8.copy()
    ticks[parsed.isna().to_numpy()] = np.iinfo(np.int64).max
    return ticks
