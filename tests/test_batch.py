"""Reading batches: the seed articles, encodings, furniture, bad input, tables, duplicates."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import logging
import os
import random
import shutil
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)
import pandas as pd
import pytest

from sourcebias.config import PROJECT_ROOT, SEED_BATCH
from sourcebias.read.batch import read_batch, read_furniture
from sourcebias.tables import COLUMNS, count_words

SEEDS = PROJECT_ROOT / "seeds"
SEED_IDS = [p.stem for p in sorted(SEEDS.glob("0*.txt"))]


def seed_text(number: int) -> str:
    return (SEEDS / f"{SEED_IDS[number]}.txt").read_text(encoding="utf-8")


def article(batch, doc_id: str) -> pd.Series:
    rows = batch.articles[batch.articles["doc_id"] == doc_id]
    assert len(rows) == 1, f"{doc_id} not read once"
    return rows.iloc[0]


def write_batch(folder: Path, files: dict[str, str | bytes],
                manifest: list[dict] | None = None) -> Path:
    """A batch folder with ``files`` (text is written as UTF-8) and a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    if manifest is not None:
        columns = list(dict.fromkeys(key for row in manifest for key in row))
        with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            writer.writerows(manifest)
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``folder`` (through links) with its mtime and bytes."""
    files = [Path(root) / name for root, _, names in os.walk(folder, followlinks=True)
             for name in names]
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(files)}


# --- the seed batch --------------------------------------------------------------------


def test_seed_batch_reads_all_five_with_the_table_columns(seed_batch):
    assert seed_batch.name == "seed"
    assert list(seed_batch.articles.columns[:len(COLUMNS["articles"])]) == list(
        COLUMNS["articles"])
    assert seed_batch.articles["doc_id"].tolist() == SEED_IDS
    assert seed_batch.excluded.empty
    assert seed_batch.problems == ()
    assert seed_batch.articles["outlet"].tolist() == [
        "Iran Press", "Aggregator A", "Aggregator B", "Sputnik", "Pro-government blog"]
    assert "notes" in seed_batch.articles.columns  # extra manifest column kept


def test_seed_sources_hashes_and_word_counts(seed_batch):
    for row in seed_batch.articles.itertuples():
        raw = (SEEDS / f"{row.doc_id}.txt").read_bytes()
        assert row.source == f"articles/{row.doc_id}.txt"
        assert row.sha256 == hashlib.sha256(raw).hexdigest()
    counts = count_words(seed_batch.articles["text"])
    assert (seed_batch.articles["n_words"] == counts).all()


def test_seed_text_follows_the_paragraph_model(seed_batch):
    for text in seed_batch.articles["text"]:
        assert "\n\n\n" not in text
        for paragraph in text.split("\n\n"):
            assert paragraph == paragraph.strip() and paragraph
            assert all(line == line.strip() for line in paragraph.split("\n"))
        assert "\u00a0" not in text and "  " not in text


def test_seed_titles(seed_batch):
    titles = seed_batch.articles.set_index("doc_id")["title"]
    assert titles[SEED_IDS[1]] == (
        "Venezuelan president stresses military unity after failed coup attempt")
    assert titles[SEED_IDS[2]] == (
        "Venezuela's opposition leader Guaido claims support of soldiers in Caracas")
    assert titles[SEED_IDS[4]] == ("BREAKING: Guaidó traitors launch military coup against "
                                   "Maduro, Venezuela stands strong (VIDEO)")
    # 000 opens with a full sentence; 003's scraped text and manifest give no headline
    assert pd.isna(titles[SEED_IDS[0]]) and pd.isna(titles[SEED_IDS[3]])
    for row in seed_batch.articles.dropna(subset=["title"]).itertuples():
        assert row.text.startswith(row.title + "\n\n")


def test_seed_001_keeps_its_repeated_headline_once(seed_batch):
    row = article(seed_batch, SEED_IDS[1])
    assert row.text.count("stresses military unity") == 1
    repeats = seed_batch.removed[(seed_batch.removed["doc_id"] == SEED_IDS[1])
                                 & (seed_batch.removed["rule"] == "repeated-paragraph")]
    assert repeats["line"].tolist() == [3, 5]
    assert "removed 2 repeated paragraph(s)" in row.problems


def test_seed_000_loses_its_page_counter_and_related_news(seed_batch):
    row = article(seed_batch, SEED_IDS[0])
    assert row.text.endswith("trying to destabilize Venezuela, but it will not succeed.")
    removed = seed_batch.removed[seed_batch.removed["doc_id"] == SEED_IDS[0]]
    assert removed[["line", "text", "rule"]].values.tolist() == [
        [19, "Related news:", "related-stories"],
        [21, "US gives Venezuela's Juan Guaido control over some US-held national assets",
         "related-stories"],
        [25, "103/211", "page-counter"],
    ]
    assert "The United States and its allies are pushing for sanctions" in row.text
    assert row.text.startswith("Venezuelan Defense Minister said on Tuesday")


def test_seed_001_loses_its_more_news_lines(seed_batch):
    row = article(seed_batch, SEED_IDS[1])
    assert "Amazon" not in row.text and "Related news" not in row.text
    assert "Guaido's plan remains to continue to reach out to Maduro loyalists" in row.text
    assert row.text.endswith("we want the Cubans out.")


def test_seed_002_dateline_is_recorded_not_kept(seed_batch):
    row = article(seed_batch, SEED_IDS[2])
    assert "Thursday, 02 May, 2019" not in row.text
    assert row.date == "2019-05-02"
    removed = seed_batch.removed[seed_batch.removed["doc_id"] == SEED_IDS[2]]
    assert removed[["line", "rule"]].values.tolist() == [[3, "dateline"]]


def test_seed_003_furniture_goes_and_the_article_stays(seed_batch):
    row = article(seed_batch, SEED_IDS[3])
    removed = seed_batch.removed[seed_batch.removed["doc_id"] == SEED_IDS[3]]
    assert removed.set_index("line")["rule"].to_dict() == {
        1: "scraped-timestamp", 2: "player-widget", 3: "section-label", 4: "share-widget",
        **dict.fromkeys(range(35, 41), "related-headlines"),
        41: "tag-line", 42: "comments-widget",
    }
    assert row.text.startswith("The president of Venezuela has also ordered the military")
    assert row.text.endswith("Russia, China, Turkey and a number of other countries have "
                             "recognised Maduro as the only legitimate president of the "
                             "Latin American nation.")
    assert "Listen Live" not in row.text and "SECRET" not in row.text
    assert pd.isna(row.date)  # the 2021 timestamp is a scrape date, not the article's


def test_seed_004_furniture_goes_and_the_quotes_stay(seed_batch):
    row = article(seed_batch, SEED_IDS[4])
    removed = seed_batch.removed[seed_batch.removed["doc_id"] == SEED_IDS[4]]
    assert removed["text"].tolist() == [
        "0 2,862", "- Advertisement -", "Subscribe to our newsletter",
        "Sign up here to get the latest news, updates and special offers delivered "
        "directly to your inbox.",
        "Get real time updates directly on you device, subscribe now.",
    ]
    assert "“Let the whole town come to Miraflores because they say they are coming here.”" \
        in row.text
    assert row.text.endswith("are supported and financed by the Colombian government,” "
                             "he wrote on his Twitter.")


def test_reading_leaves_the_seed_batch_untouched():
    before = snapshot(SEED_BATCH)
    read_batch(SEED_BATCH)
    assert snapshot(SEED_BATCH) == before
    assert set(before) == {"manifest.csv", *(f"articles/{p.name}" for p in SEEDS.glob("0*.txt"))}


def test_summary_counts_and_lists_problems(tmp_path):
    folder = write_batch(tmp_path / "b", {"a.txt": seed_text(2), "b.txt": b""},
                         [{"path": "a.txt", "outlet": "X"}, {"path": "b.txt", "outlet": "X"}])
    lines = read_batch(folder).summary().splitlines()
    assert lines[0] == "b: 1 article(s) read, 1 input(s) excluded"
    assert lines[1].startswith("removed 1 piece(s) of site furniture, 0 repeated paragraph(s) "
                               "and 0 block(s) of HTML page boilerplate")
    assert lines[2].startswith("manifest.csv row 2 (b.txt): the file is empty;")


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(("encode", "note"), [
    (lambda t: t.encode("utf-16"), "decoded as UTF-16"),
    (lambda t: t.encode("utf-8-sig"), "decoded as UTF-8 with a byte-order mark"),
    (lambda t: t.encode("cp1252"), "decoded as cp1252 (not UTF-8)"),
    (lambda t: t.encode("utf-8").decode("sloppy-windows-1252").encode("utf-8"),
     "repaired mojibake"),
    (lambda t: t.encode("cp1252").decode("latin-1").encode("utf-8"), "repaired mojibake"),
    (lambda t: t.replace("\n", "\r\n").encode("utf-8"), None),
], ids=["utf-16", "utf-8-bom", "cp1252", "mojibake", "c1-controls", "crlf"])
@pytest.mark.parametrize("number", [2, 4])
def test_encodings_decode_to_the_utf8_text(tmp_path, encode, note, number):
    raw = encode(seed_text(number))
    original = write_batch(tmp_path / "plain", {"seed.txt": seed_text(number)})
    variant = write_batch(tmp_path / "variant", {"seed.txt": raw})
    expected, found = read_batch(original).articles.iloc[0], read_batch(variant).articles.iloc[0]
    assert found.text == expected.text
    assert found.title == expected.title
    if note and raw != seed_text(number).encode("utf-8"):
        assert note in found.problems
    else:  # seed 002 has no character that Windows-1252 and Latin-1 read differently
        assert found.problems == expected.problems


@pytest.mark.parametrize(("encoding", "text"), [
    ("cp1251", "Президент Венесуэлы Николас Мадуро заявил, что армия остаётся верной "
               "правительству.\n\nОппозиция призвала военных перейти на её сторону."),
    ("cp1250", "Prezydent Wenezueli oświadczył, że wojsko pozostaje wierne rządowi.\n\n"
               "Żołnierze zachowują spokój, a opozycja wzywa do protestów."),
    ("cp1253", "Ο πρόεδρος της Βενεζουέλας δήλωσε ότι ο στρατός παραμένει πιστός στην "
               "κυβέρνηση.\n\nΗ αντιπολίτευση καλεί τον στρατό να αλλάξει πλευρά."),
    ("gb18030", "委内瑞拉总统马杜罗表示，军队仍然忠于政府。\n\n反对派领导人瓜伊多呼吁军队支持他。"),
])
def test_legacy_encodings_of_other_scripts(tmp_path, encoding, text):
    folder = write_batch(tmp_path / "b", {"a.txt": text.encode(encoding)})
    row = read_batch(folder).articles.iloc[0]
    assert row.text == text
    assert "(not UTF-8)" in row.problems


def test_latin1_spanish_is_read_as_windows_1252(tmp_path):
    text = "Señor Peña dijo que España apoya al niño.\n\nEl año pasado, también."
    folder = write_batch(tmp_path / "b", {"es.txt": text.encode("latin-1")})
    batch = read_batch(folder)
    assert batch.articles.iloc[0].text == text
    assert batch.problems[1:] == ("es.txt: decoded as cp1252 (not UTF-8); check the "
                                  "article's special characters, and re-save the file as UTF-8",)


# --- bad input ---------------------------------------------------------------------------


def bad_input_batch(tmp_path, files, bad_row, *, good_row=None):
    good_row = good_row or {"path": "good.txt", "doc_id": "good", "outlet": "Iran Press"}
    files = {"good.txt": seed_text(0), **files}
    return write_batch(tmp_path / "batch", files, [good_row, bad_row])


def assert_one_exclusion(batch, caplog, *, source, says, row=2):
    assert batch.articles["doc_id"].tolist() == ["good"]
    assert len(batch.articles) + len(batch.excluded) == 2
    assert batch.excluded[["source", "row"]].values.tolist() == [[source, row]]
    reason = batch.excluded["reason"].iloc[0]
    assert says in reason and ";" in reason  # what is wrong; what to do
    line = f"manifest.csv row {row} ({source}): {reason}"
    assert batch.problems == (line,)
    assert line in caplog.messages
    assert batch.summary().splitlines()[-1] == line


@pytest.fixture
def caplog_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="sourcebias.read")
    return caplog


def test_missing_file_is_excluded(tmp_path, caplog_warnings):
    folder = bad_input_batch(tmp_path, {}, {"path": "gone.txt", "outlet": "Sputnik"})
    assert_one_exclusion(read_batch(folder), caplog_warnings, source="gone.txt",
                         says="does not exist; check the path")


def test_empty_file_is_excluded(tmp_path, caplog_warnings):
    folder = bad_input_batch(tmp_path, {"empty.txt": " \n\n "},
                             {"path": "empty.txt", "outlet": "Sputnik"})
    assert_one_exclusion(read_batch(folder), caplog_warnings, source="empty.txt",
                         says="is empty")


def test_binary_file_is_excluded(tmp_path, caplog_warnings):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    folder = bad_input_batch(tmp_path, {"photo.txt": png},
                             {"path": "photo.txt", "outlet": "Sputnik"})
    assert_one_exclusion(read_batch(folder), caplog_warnings, source="photo.txt",
                         says="is binary")


def test_undecodable_file_is_excluded(tmp_path, caplog_warnings):
    noise = bytes(b or 1 for b in random.Random(7).randbytes(4000))
    folder = bad_input_batch(tmp_path, {"noise.txt": noise},
                             {"path": "noise.txt", "outlet": "Sputnik"})
    assert_one_exclusion(read_batch(folder), caplog_warnings, source="noise.txt",
                         says="no other text encoding fits")


def test_unknown_extension_is_excluded(tmp_path, caplog_warnings):
    folder = bad_input_batch(tmp_path, {"story.docx": seed_text(1)},
                             {"path": "story.docx", "outlet": "Sputnik"})
    assert_one_exclusion(read_batch(folder), caplog_warnings, source="story.docx",
                         says="is not a .txt, .md, .html or .htm file")


def test_manifest_row_without_outlet_is_excluded(tmp_path, caplog_warnings):
    folder = bad_input_batch(tmp_path, {"other.txt": seed_text(1)},
                             {"path": "other.txt", "outlet": ""})
    assert_one_exclusion(read_batch(folder), caplog_warnings, source="other.txt",
                         says="has no outlet; fill in the outlet column")


def test_duplicate_doc_id_is_excluded(tmp_path, caplog_warnings):
    folder = bad_input_batch(tmp_path, {"other.txt": seed_text(1)},
                             {"path": "other.txt", "doc_id": "good", "outlet": "Sputnik"})
    assert_one_exclusion(read_batch(folder), caplog_warnings, source="other.txt",
                         says="repeats the doc_id 'good' of row 1")


@pytest.mark.parametrize("path", ["../outside.txt", "sub/../../outside.txt", "/etc/hostname"])
def test_manifest_path_outside_the_batch_is_refused(tmp_path, caplog_warnings, path):
    (tmp_path / "outside.txt").write_text(seed_text(1), encoding="utf-8")
    folder = bad_input_batch(tmp_path, {}, {"path": path, "outlet": "Sputnik"})
    assert_one_exclusion(read_batch(folder), caplog_warnings, source=path.replace(
        "sub/../", ""), says="leads outside the batch folder")


def test_manifest_path_through_a_folder_link_inside_the_batch_is_read(tmp_path):
    folder = write_batch(tmp_path / "batch", {}, [{"path": "linked/./elsewhere.txt",
                                                   "outlet": "A"}])
    (folder / "store").mkdir()
    shutil.copy(SEEDS / f"{SEED_IDS[1]}.txt", folder / "store" / "elsewhere.txt")
    (folder / "linked").symlink_to(folder / "store", target_is_directory=True)
    batch = read_batch(folder)
    assert batch.articles["source"].tolist() == ["linked/elsewhere.txt"]
    assert batch.articles["doc_id"].tolist() == ["elsewhere"]


def test_bad_input_never_stops_the_run_and_the_folder_is_untouched(tmp_path):
    folder = write_batch(tmp_path / "batch", {
        "a.txt": seed_text(0), "b.txt": b"", "c.bin": b"\x00\x01", "d.txt": seed_text(2)},
        [{"path": "a.txt", "outlet": "A"}, {"path": "b.txt", "outlet": "B"},
         {"path": "c.bin", "outlet": "C"}, {"path": "missing.txt", "outlet": "D"},
         {"path": "d.txt", "outlet": ""}, {"path": "a.txt", "outlet": "A"}])
    before = snapshot(folder)
    batch = read_batch(folder)
    assert snapshot(folder) == before
    assert len(batch.articles) == 1 and len(batch.excluded) == 5
    assert batch.excluded["row"].tolist() == [3, 5, 6, 2, 4]
    assert len(batch.problems) == 5


def test_a_file_that_is_only_furniture_is_excluded(tmp_path):
    folder = write_batch(tmp_path / "b", {"x.txt": "Listen Live\nGet short URL\n\n0 2,862"})
    batch = read_batch(folder)
    assert batch.articles.empty
    assert "no article text left once site furniture is removed" in batch.excluded["reason"][0]
    assert batch.removed["rule"].tolist() == ["player-widget", "share-widget", "counter"]


def test_manifest_without_an_outlet_column_is_an_error(tmp_path):
    folder = write_batch(tmp_path / "b", {"a.txt": seed_text(0)}, [{"path": "a.txt"}])
    with pytest.raises(ValueError, match=r"manifest\.csv: no 'outlet' column"):
        read_batch(folder)


def test_a_path_that_is_no_batch_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such batch folder or file"):
        read_batch(tmp_path / "nowhere")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not a batch"):
        read_batch(tmp_path / "notes.txt")


# --- folders without a manifest, titles, dates, HTML, Markdown ------------------------


def test_without_a_manifest_sub_folders_are_outlets(tmp_path):
    folder = write_batch(tmp_path / "mixed", {
        "sputnik/one.txt": seed_text(3), "iran press/two.txt": seed_text(0),
        "three.txt": seed_text(2), ".hidden/x.txt": "ignored", ".DS_Store": b"\x00"})
    articles = read_batch(folder).articles.set_index("doc_id")
    assert articles["outlet"].to_dict() == {
        "two": "iran press", "one": "sputnik", "three": "mixed"}
    assert articles.loc["one", "source"] == "sputnik/one.txt"


def test_without_a_manifest_repeated_stems_are_excluded(tmp_path):
    folder = write_batch(tmp_path / "b", {"a/x.txt": seed_text(0), "b/x.txt": seed_text(1)})
    batch = read_batch(folder)
    assert batch.articles["source"].tolist() == ["a/x.txt"]
    assert batch.problems == ("b/x.txt: repeats the doc_id 'x' of a/x.txt; rename one of the "
                              "files, or add a manifest.csv with unique doc_ids",)


def test_a_manifest_title_is_put_first_once(tmp_path):
    title = "Maduro Orders Military to Capture 'Traitors'"
    folder = write_batch(tmp_path / "b", {"s.txt": seed_text(3), "t.txt": seed_text(2)}, [
        {"path": "s.txt", "outlet": "Sputnik", "title": title},
        {"path": "t.txt", "outlet": "B", "title": "VENEZUELA’S OPPOSITION LEADER GUAIDO "
                                                  "claims support of soldiers in Caracas"}])
    articles = read_batch(folder).articles.set_index("doc_id")
    assert articles.loc["s", "text"].startswith(title + "\n\nThe president of Venezuela")
    assert "placed the headline as the first paragraph" in articles.loc["s", "problems"]
    second = articles.loc["t"]
    assert second.text.startswith(second.title + "\n\nHis comments come the day after")
    assert second.text.lower().count("claims support of soldiers") == 1
    assert "placed the headline as the first paragraph" not in second.problems


def test_a_dateline_gives_the_date_when_the_manifest_has_none(tmp_path):
    folder = write_batch(tmp_path / "b", {"d.txt": seed_text(2)},
                         [{"path": "d.txt", "outlet": "B", "date": ""}])
    row = read_batch(folder).articles.iloc[0]
    assert row.date == "2019-05-02"
    assert "date from the dateline Thursday, 02 May, 2019" in row.problems


def test_an_iso_date_starting_the_file_name_is_the_date_when_none_is_given(tmp_path):
    folder = write_batch(tmp_path / "b", {
        "telesur/2019-04-30-golpe.txt": seed_text(3),   # no manifest date: the file name's
        "telesur/2019-02-30-x.txt": seed_text(0),       # not a day: no date
        "reuters/20190430.txt": seed_text(1)})          # not ISO with dashes: no date
    articles = read_batch(folder).articles.set_index("doc_id")
    assert articles.loc["2019-04-30-golpe", "date"] == "2019-04-30"
    assert "date from the file name 2019-04-30" in articles.loc["2019-04-30-golpe", "problems"]
    assert pd.isna(articles.loc["2019-02-30-x", "date"])
    assert pd.isna(articles.loc["20190430", "date"])
    dated = write_batch(tmp_path / "m", {"2019-04-30-golpe.txt": seed_text(3)},
                        [{"path": "2019-04-30-golpe.txt", "outlet": "T", "date": "2019-05-01"}])
    row = read_batch(dated).articles.iloc[0]
    assert row.date == "2019-05-01" and "file name" not in row.problems


def test_a_manifest_path_that_differs_from_the_file_only_in_case_is_named(tmp_path):
    folder = write_batch(tmp_path / "b", {"state-wire/uprising.txt": seed_text(1)},
                         [{"path": "state-wire/Uprising.txt", "outlet": "State wire"}])
    if (folder / "state-wire" / "Uprising.txt").is_file():
        pytest.skip("the file system ignores case")
    excluded = read_batch(folder).excluded.set_index("source")
    listed = excluded.loc["state-wire/Uprising.txt"]
    assert listed["row"] == 1
    assert "'state-wire/uprising.txt' does: the two differ only in upper and lower case" in (
        listed["reason"])
    assert "its row 1 says 'state-wire/Uprising.txt', which differs only in upper and lower " \
        "case" in excluded.loc["state-wire/uprising.txt", "reason"]


def test_a_truncated_copy_of_the_next_paragraph_is_dropped(tmp_path):
    lede = ("Venezuelan Defense Minister said on Tuesday that the armed forces remained firm "
            "in defense of the government.")
    text = f"Venezuelan Defense Minister said on Tuesday that the armed…\n\n{lede}\n\nMore text."
    batch = read_batch(write_batch(tmp_path / "b", {"t.txt": text}))
    assert batch.articles.iloc[0].text == f"{lede}\n\nMore text."
    assert batch.removed[["line", "rule"]].values.tolist() == [[1, "repeated-paragraph"]]


def test_short_repeated_paragraphs_stay(tmp_path):
    text = ("MICHAEL BARBARO\n\nWhat happened next?\n\nSPEAKER TWO\n\nThey voted.\n\n"
            "MICHAEL BARBARO\n\nAnd then?")
    batch = read_batch(write_batch(tmp_path / "b", {"t.txt": text}))
    assert batch.articles.iloc[0].text.count("MICHAEL BARBARO") == 2


def test_html_pages_give_text_title_and_date(tmp_path):
    page = """<html><head><title>Maduro orders troops | Site</title>
    <meta property="article:published_time" content="2019-05-01"></head><body>
    <nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
    <script>var tracking = "do not keep";</script>
    <article><h1>Maduro orders military to capture traitors</h1>
    <p>The president of Venezuela has ordered the military to comb its ranks in search of
    traitors over the looming threat of a US military invasion.</p>
    <!-- an HTML comment -->
    <p>"If a traitor emerges, capture him immediately, it's an order!" Maduro said on
    Tuesday at a military rally in the northern state of Carabobo.</p></article>
    <footer>Copyright 2019 Site</footer></body></html>"""
    folder = write_batch(tmp_path / "b", {"page.html": page},
                         [{"path": "page.html", "outlet": "Sputnik"}])
    row = read_batch(folder).articles.iloc[0]
    assert row.title == "Maduro orders military to capture traitors"
    assert row.date == "2019-05-01"
    assert row.text.startswith(row.title + "\n\nThe president of Venezuela has ordered")
    assert row.text.endswith("in the northern state of Carabobo.")
    for dropped in ("World news menu", "tracking", "an HTML comment"):
        assert dropped not in row.text


def seed_page() -> tuple[list[str], list[str], list[str]]:
    """A news page around seed 003's article: its lines, the article's paragraphs and the
    related headlines listed under it."""
    lines = [line.strip() for line in seed_text(3).splitlines()]
    first = next(i for i, line in enumerate(lines) if line.startswith("The president of"))
    last = next(i for i, line in enumerate(lines) if line.endswith("Latin American nation."))
    paragraphs = [line for line in lines[first:last + 1] if line]
    headlines = [line for line in lines[last + 1:] if line][:6]  # the tags line follows
    page = [
        "<!DOCTYPE html>",
        "<html><head><title>Maduro Orders Military to Capture Traitors | Sputnik</title>",
        '<meta property="article:published_time" content="2019-05-01"></head>',
        "<body>",
        '<nav class="menu">',
        '  <ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>',
        '  <li><a href="/latam">Latin America</a></li><li><a href="/ve">Venezuela</a></li></ul>',
        "</nav>",
        "<script>var tracking = 'keep no record of this';</script>",
        "<main><article>",
        "<h1>Maduro Orders Military to Capture Traitors</h1>",
        *(f"<p>{paragraph}</p>" for paragraph in paragraphs),
        "</article>",
        '<aside class="related"><h2>Related stories</h2><ul>',
        *(f'<li><a href="/news/{n}">{headline}</a></li>' for n, headline in enumerate(headlines)),
        "</ul></aside></main>",
        '<div id="cookies">We use cookies to improve your experience. <button>Accept</button>',
        "</div>",
        "<footer><p>© 2019 Sputnik. All rights reserved.</p>",
        "<p>Contact us <!-- advert slot: footer --> | Privacy policy</p></footer>",
        "</body></html>",
    ]
    return page, paragraphs, headlines


def test_html_boilerplate_is_listed_in_removed_with_its_lines(tmp_path):
    page, paragraphs, headlines = seed_page()
    folder = write_batch(tmp_path / "b", {"page.html": "\n".join(page)})
    before = snapshot(folder)
    batch = read_batch(folder)
    row = batch.articles.iloc[0]
    paragraphs = [" ".join(paragraph.split()) for paragraph in paragraphs]  # no-break spaces
    for paragraph in paragraphs:
        assert paragraph in row.text
    removed = batch.removed
    assert list(removed.columns) == list(COLUMNS["removed"])
    assert set(removed["doc_id"]) == {"page"} and set(removed["rule"]) == {"html-boilerplate"}

    def line_of(html: str) -> int:
        return next(n for n, line in enumerate(page, start=1) if html in line)

    assert removed[["line", "text"]].values.tolist() == [
        [line_of("Home"), "Home"], [line_of("Home"), "World"],
        [line_of("Latin America"), "Latin America"],
        [line_of("Latin America"), "Venezuela"],  # a word of the article, not a paragraph
        [line_of("Related stories"), "Related stories"],
        *([line_of(headline), headline] for headline in headlines),
        [line_of("We use cookies"), "We use cookies to improve your experience. Accept"],
        [line_of("© 2019"), "© 2019 Sputnik. All rights reserved."],
        [line_of("Contact us"), "Contact us | Privacy policy"],
    ]
    listed = " ".join(removed["text"])
    assert "record of this" not in listed and "advert slot" not in listed
    assert not any(paragraph in listed for paragraph in paragraphs)
    assert f"removed {len(removed)} block(s) of HTML page boilerplate" in row.problems
    assert f"and {len(removed)} block(s) of HTML page boilerplate" in batch.summary()
    assert snapshot(folder) == before


def test_html_text_kept_across_line_breaks_is_not_listed(tmp_path):
    kept = "Maduro spoke to the troops in Carabobo on Tuesday."
    page = (f"<html><body><article><p>{seed_text(2).splitlines()[0]}</p>\n"
            f"<div>{kept}<br><br>He called the opposition traitors.</div></article>\n"
            "<div class='share'>Share this article</div></body></html>")
    batch = read_batch(write_batch(tmp_path / "b", {"p.html": page}))
    assert kept in batch.articles.iloc[0].text
    assert batch.removed[["line", "text"]].values.tolist() == [[3, "Share this article"]]


def test_html_text_around_a_nested_block_is_listed_in_pieces_on_their_lines(tmp_path):
    page = seed_page()[0]
    promo = ["<div class='promo'>Sign up today", "<p>The weekly digest of the news</p>",
             "for free</div>", "Follow us<div>on every network</div>"]
    page = [*page[:-1], *promo, page[-1]]
    batch = read_batch(write_batch(tmp_path / "b", {"p.html": "\n".join(page)}))
    first = len(page) - len(promo)
    assert batch.removed[["line", "text"]].values.tolist()[-5:] == [
        [first, "Sign up today"], [first + 1, "The weekly digest of the news"],
        [first + 2, "for free"], [first + 3, "Follow us"], [first + 3, "on every network"]]


def test_markdown_heading_becomes_the_title(tmp_path):
    text = "# Maduro urges troops to be ready\n\nMaduro urged his troops on Saturday to be ready."
    row = read_batch(write_batch(tmp_path / "b", {"m.md": text})).articles.iloc[0]
    assert row.title == "Maduro urges troops to be ready"


# --- furniture rules ---------------------------------------------------------------------


def test_furniture_rules_are_read_and_checked(tmp_path):
    furniture = read_furniture()
    assert {"related-stories", "page-counter", "dateline", "related-headlines"} <= {
        rule.id for rule in furniture.rules}
    bad = tmp_path / "furniture.yaml"
    bad.write_text("rules:\n  - id: x\n    pattern: 'a'\n    scope: everywhere\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"furniture.yaml, rule 1 \(x\): unknown scope"):
        read_furniture(bad)
    bad.write_text("rules:\n  - id: x\n    pattern: '(a'\n    scope: line\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a valid regular expression"):
        read_furniture(bad)
    bad.write_text("rules:\n  - id: html-boilerplate\n    pattern: 'a'\n    scope: line\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="html-boilerplate used twice or reserved"):
        read_furniture(bad)


def test_own_furniture_rules_replace_the_default(tmp_path):
    rules = tmp_path / "furniture.yaml"
    rules.write_text("rules:\n  - id: wire-tag\n    scope: line-end\n    pattern: '\\(AP\\)'\n"
                     "    description: agency tag\n", encoding="utf-8")
    folder = write_batch(tmp_path / "b", {"t.txt": "Listen Live\n\nMaduro spoke. (AP)"})
    batch = read_batch(folder, furniture=rules)
    assert batch.articles.iloc[0].text == "Listen Live\n\nMaduro spoke."
    assert batch.removed[["line", "text", "rule"]].values.tolist() == [[3, "(AP)", "wire-tag"]]


def test_furniture_patterns_spare_real_sentences(tmp_path):
    sentences = [
        "More news came from Caracas on Wednesday, where crowds gathered.",
        "Russia, China, Turkey and Iran back Maduro, while the US, Canada, Spain and Brazil "
        "back Guaido.",
        "He said 24/7 coverage was planned.",
        "Subscribers to the newsletter said they were worried.",
        "The advertisement ran on state television for a week.",
    ]
    text = "\n\n".join(sentences)
    batch = read_batch(write_batch(tmp_path / "b", {"t.txt": text}))
    assert batch.articles.iloc[0].text == text
    assert batch.removed.empty


# --- tables ------------------------------------------------------------------------------


def test_csv_table_maps_columns_keeps_extras_and_excludes_bad_rows(tmp_path, caplog_warnings):
    table = pd.DataFrame({
        "id": ["a", "b", "c", "d", "a"],
        "body": [seed_text(1), seed_text(2), "", seed_text(4), seed_text(0)],
        "site": ["X", "Y", "Z", None, "X"],
        "lean": ["left", "right", "left", "right", "left"],
        "source": ["x.com", "y.com", "z.com", "w.com", "x.com"],
    })
    table.to_csv(tmp_path / "rows.csv", index=False)
    batch = read_batch(tmp_path / "rows.csv", text_column="body", id_column="id",
                       outlet_column="site")
    assert batch.name == "rows"
    assert batch.articles["doc_id"].tolist() == ["a", "b"]
    assert batch.articles["source"].tolist() == ["rows.csv row 1", "rows.csv row 2"]
    assert batch.articles["lean"].tolist() == ["left", "right"]
    assert batch.articles["input_source"].tolist() == ["x.com", "y.com"]
    assert batch.articles["sha256"][0] == hashlib.sha256(seed_text(1).encode()).hexdigest()
    assert batch.excluded[["source", "row"]].values.tolist() == [
        ["rows.csv row 3", 3], ["rows.csv row 4", 4], ["rows.csv row 5", 5]]
    assert batch.problems == (
        "rows.csv row 3: has no text in column 'body'; fill it in or delete the row",
        "rows.csv row 4: has no outlet in column 'site'; fill it in or delete the row",
        "rows.csv row 5: repeats the doc_id 'a' of row 1; give every row its own doc_id",
    )
    assert list(batch.problems) == caplog_warnings.messages


@pytest.mark.parametrize("name", ["rows.jsonl.gz", "rows.jsonl", "rows.parquet", "rows.csv.gz"])
def test_table_formats_read_alike(tmp_path, name):
    rows = [{"text": seed_text(n), "outlet": f"outlet {n}", "date": f"2019-05-0{n + 1}"}
            for n in range(5)]
    path = tmp_path / name
    if name.endswith(".parquet"):
        pd.DataFrame(rows).to_parquet(path)
    elif ".jsonl" in name:
        lines = "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8")
        path.write_bytes(gzip.compress(lines) if name.endswith(".gz") else lines)
    else:
        pd.DataFrame(rows).to_csv(path, index=False)
    batch = read_batch(path)
    seed = read_batch(SEED_BATCH)
    assert batch.name == "rows"
    assert batch.articles["doc_id"].tolist() == ["1", "2", "3", "4", "5"]
    assert batch.articles["text"].tolist() == seed.articles["text"].tolist()
    assert batch.articles["date"].tolist() == [r["date"] for r in rows]


def test_a_table_without_its_text_column_is_an_error(tmp_path):
    pd.DataFrame({"body": ["x"], "outlet": ["y"]}).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ValueError, match=r"no 'text' column; name the right one with "
                                         r"--text-column NAME on the command line \(text_column= "
                                         r"in Python; columns found: body, outlet\).*--sep on "
                                         r"the command line \(sep= in Python\)"):
        read_batch(tmp_path / "t.csv")


def test_allsides_rows_read_as_a_table(tmp_path, shared_data):
    source = shared_data / "allsides" / "articles.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        head = [next(lines) for _ in range(300)]
    sample = tmp_path / "allsides.jsonl.gz"
    sample.write_bytes(gzip.compress("".join(head).encode("utf-8")))
    batch = read_batch(sample, text_column="content_original", outlet_column="source_url",
                       id_column="ID")
    rows = [json.loads(line) for line in head]
    assert len(batch.articles) + len(batch.excluded) == 300
    assert batch.excluded.empty
    assert batch.articles["outlet"].tolist() == [r["source_url"] for r in rows]
    assert batch.articles["title"].fillna("").tolist() == [" ".join(r["title"].split())
                                                           for r in rows]
    assert batch.articles["input_source"].tolist() == [r["source"] for r in rows]
    assert {"topic", "bias_text", "authors"} <= set(batch.articles.columns)
    assert all(text.startswith(title + "\n\n") for text, title in
               zip(batch.articles["text"], batch.articles["title"], strict=True))


# --- duplicates --------------------------------------------------------------------------


def test_exact_and_near_duplicates_point_to_the_earliest(tmp_path):
    base = seed_text(2)
    near = base.replace("Terming this move a coup attempt", "Calling it a coup attempt")
    exact = base.upper().replace(".", "!")
    folder = write_batch(tmp_path / "b", {
        "late.txt": base, "early.txt": near, "copy.txt": exact, "other.txt": seed_text(4)},
        [{"path": "late.txt", "outlet": "A", "date": "2019-05-03"},
         {"path": "early.txt", "outlet": "B", "date": "2019-05-01"},
         {"path": "copy.txt", "outlet": "C", "date": "2019-05-04"},
         {"path": "other.txt", "outlet": "D", "date": "2019-04-30"}])
    articles = read_batch(folder).articles.set_index("doc_id")
    assert articles["duplicate_of"].fillna("").to_dict() == {
        "late": "early", "early": "", "copy": "late", "other": ""}
    assert articles["duplicate_kind"].fillna("").to_dict() == {
        "late": "near", "early": "", "copy": "exact", "other": ""}


def test_near_duplicates_match_a_brute_force_jaccard(tmp_path):
    rng = random.Random(3)
    vocabulary = sorted({w.lower() for n in range(5) for w in seed_text(n).split()
                         if w.isalpha()})
    texts, truth = {}, []
    for n in range(60):
        original = [rng.choice(vocabulary) for _ in range(300)]
        copy = list(original)
        for _ in range(rng.choice([1, 2, 6, 25])):
            copy[rng.randrange(len(copy))] = f"changed{rng.randrange(10**6)}"
        texts[f"o{n:02d}"], texts[f"p{n:02d}"] = original, copy
        a, b = ({tuple(words[i:i + 5]) for i in range(len(words) - 4)}
                for words in (original, copy))
        truth.append(len(a & b) / len(a | b) >= 0.9)
    folder = write_batch(tmp_path / "b", {f"{k}.txt": " ".join(v) for k, v in texts.items()})
    flagged = read_batch(folder).articles.set_index("doc_id")["duplicate_of"]
    assert 10 < sum(truth) < 50
    assert [flagged[f"p{n:02d}"] == f"o{n:02d}" for n in range(60)] == truth
    assert flagged[[f"o{n:02d}" for n in range(60)]].isna().all()


def test_an_empty_folder_reads_as_an_empty_batch(tmp_path):
    batch = read_batch(write_batch(tmp_path / "nothing", {}))
    assert batch.articles.empty and batch.excluded.empty and batch.removed.empty
    assert list(batch.articles.columns[:len(COLUMNS["articles"])]) == list(COLUMNS["articles"])
    assert batch.summary().startswith("nothing: 0 article(s) read, 0 input(s) excluded")


def test_labelled_view_counter_is_removed_and_recorded(tmp_path):
    outlet = tmp_path / "batch" / "rt"
    outlet.mkdir(parents=True)
    (outlet / "a.txt").write_text(
        "Maduro rallies troops\n\nViews: 12,403\n\nMaduro told the troops to be ready. "
        "They cheered.\n", encoding="utf-8")
    batch = read_batch(tmp_path / "batch")
    assert batch.removed[["text", "rule"]].values.tolist() == [["Views: 12,403", "counter"]]
    assert "12,403" not in batch.articles.loc[0, "text"]
