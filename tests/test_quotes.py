"""Quotation marks of wire and typewritten text (``''…''``, ````…''``), stray and nested marks."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sourcebias.read.batch import read_batch
from sourcebias.segment.sentences import segment_articles


def quotes(text: str) -> list[tuple[str, bool]]:
    """The quote spans of ``text`` as one article, with their scare flags."""
    articles = pd.DataFrame({"doc_id": ["a"], "title": [None], "text": [text]})
    _, voice = segment_articles(articles)
    quoted = voice[voice["voice"] == "quote"]
    return [(text[a:b], bool(s)) for a, b, s in
            zip(quoted["start"], quoted["end"], quoted["scare"], strict=True)]


# --- two apostrophes as a double mark ---------------------------------------------------


def test_two_apostrophes_make_a_quotation_whatever_apostrophes_it_holds():
    text = ("''This isn't tax reform,'' said Douglas Holtz-Eakin, an economist. "
            "''It's anti-reform. She's layering on even more complexity.''")
    assert quotes(text) == [
        ("''This isn't tax reform,''", False),
        ("''It's anti-reform. She's layering on even more complexity.''", False),
    ]


def test_a_word_final_apostrophe_inside_two_apostrophes_does_not_close_them():
    text = "Mr. Burman said ''the voters' anger and the workers' rights are real,'' he added."
    assert quotes(text) == [("''the voters' anger and the workers' rights are real,''", False)]


def test_single_quotation_nested_in_two_apostrophes():
    text = ("The S.E.C. ''only requires that companies report all 'significant' subsidiaries, "
            "based on a subsidiary's share of the company's assets,'' the report says.")
    assert quotes(text) == [(text[text.index("''"):text.index(" the report")], False)]


def test_two_apostrophes_as_scare_quotes_and_after_a_colon():
    assert quotes("a version of what has become known as the ''Buffett rule'' after him.") == [
        ("''Buffett rule''", True)]
    assert quotes("He put it bluntly: ''We're America.''") == [("''We're America.''", False)]


def test_a_doubled_apostrophe_inside_a_word_is_no_mark():
    assert quotes('"I can\'\'t remember a time like this," the president said.') == [
        ('"I can\'\'t remember a time like this,"', False)]


def test_backticks_open_and_two_apostrophes_close():
    assert quotes("He said ``we are now the Republic of Luhansk,'' the agency reported.") == [
        ("``we are now the Republic of Luhansk,''", False)]


def test_two_apostrophes_run_on_into_the_next_paragraph():
    text = ("''The first paragraph of her statement goes on.\n\n"
            "''The second one ends it,'' she said.\n\nThe vote was held.")
    assert quotes(text) == [(text[: text.index(" she said")], False)]


def test_a_quotation_opened_with_a_straight_mark_may_close_with_two_apostrophes():
    text = '"We believe in the league,\'\' Brand said. "It will take time.\'\''
    assert quotes(text) == [('"We believe in the league,\'\'', False),
                            ('"It will take time.\'\'', False)]


# --- stray curly marks ---------------------------------------------------------------


def test_a_right_mark_that_opens_a_line_opens_a_quotation():
    text = "Getty.\n\n”Fear. I am truly afraid that he will win.” ― Edwin G. Monroy"
    assert quotes(text) == [("”Fear. I am truly afraid that he will win.”", False)]
    # also behind an invisible direction mark, as pasted from social media
    assert quotes("Next.\n\n\u202a”Isis will burn!!!” posted Sharon.") == [
        ("”Isis will burn!!!”", False)]


def test_a_right_mark_inside_a_line_still_opens_nothing():
    assert quotes("A stray ”closing mark. Then a “real one” here.") == [("“real one”", True)]


def test_a_left_mark_after_a_word_closes_a_quotation():
    text = "“If they are African-American, the rate is 51 percent.“\n\nWhen PolitiFact checked."
    assert quotes(text) == [("“If they are African-American, the rate is 51 percent.“", False)]
    assert quotes("“Who can guarantee you happiness?“ he asked.") == [
        ("“Who can guarantee you happiness?“", False)]


# --- nested quotations ---------------------------------------------------------------


def test_curly_quotation_inside_a_straight_one_in_a_transcript():
    text = ('"PENCE: Well, she thinks this is an episode of “Shark Tank.” But this is '
            'America, Chris.\n\n"WALLACE: If I may, sir.\n\nThe interview ended.')
    assert quotes(text) == [(text[: text.index("\n\nThe interview")], False)]


def test_straight_and_short_curly_quotations_inside_a_curly_one():
    assert quotes('“He called it "fake," and left,” she said.') == [
        ('“He called it "fake," and left,”', False)]
    text = ("“I’d rather live in what he calls “hell” than in a world where he is "
            "president.” ― Adriana Rodarte")
    assert quotes(text) == [(text[: text.index(" ―")], False)]


def test_an_unclosed_quotation_does_not_swallow_later_ones():
    text = ("Sanders has “produced videos that call Gaza an “open-air prison,” he’s depicted "
            "Netanyahu as part of the “growing worldwide movement toward authoritarianism,” "
            "and more.")
    found = [q for q, _ in quotes(text)]
    assert "he’s depicted" not in " ".join(found)
    assert found[-1] == "“growing worldwide movement toward authoritarianism,”"
    assert quotes('He said "Foo bar. “Baz,” he said. Then he left.')[-1] == ("“Baz,”", False)


# --- real text -----------------------------------------------------------------------


def test_nyt_quotations_of_polnear_are_whole(shared_data):
    """In the NYT articles of PolNeAR dev every ``''`` mark (not between letters) is the
    first or last two characters of a quote span, so apostrophes never cut one."""
    folder = shared_data / "polnear" / "dev" / "batch"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: PolNeAR is not in the shared data")
    articles = read_batch(folder).articles
    articles = articles[articles["source"].str.startswith("nyt_")]
    _, voice = segment_articles(articles)
    quoted = voice[voice["voice"] == "quote"]
    bounds = dict(tuple(quoted.groupby("doc_id")))
    marks = found = with_apostrophes = 0
    for doc_id, text in zip(articles["doc_id"], articles["text"], strict=True):
        spans = bounds[doc_id]
        edges = set(spans["start"]) | set(spans["end"] - 2)
        for m in re.finditer(r"(?<![^\W\d_])''|''(?![^\W\d_])", text):
            marks += 1
            found += m.start() in edges
        inner = [text[a + 2 : b - 2] for a, b in zip(spans["start"], spans["end"], strict=True)
                 if text.startswith("''", a) and text.startswith("''", b - 2)]
        with_apostrophes += sum(re.search(r"[^\W\d_]'[^\W\d_]", q) is not None for q in inner)
    assert marks > 200
    assert found / marks > 0.98
    assert with_apostrophes > 30
