"""One unpaired quotation mark never turns the rest of a paragraph into quote."""

from __future__ import annotations

import pandas as pd

from sourcebias.read.batch import read_batch
from sourcebias.segment.sentences import segment_articles


def quotes(text: str) -> list[str]:
    articles = pd.DataFrame({"doc_id": ["a"], "title": [None], "text": [text]})
    _, voice = segment_articles(articles)
    quoted = voice[voice["voice"] == "quote"]
    return [text[a:b] for a, b in zip(quoted["start"], quoted["end"], strict=True)]


def test_an_unclosed_mark_mid_paragraph_ends_with_its_sentence():
    text = ("It was a “coup and the army left. The regime blamed the usurper and the "
            "terrorists.\n\nLater.")
    assert quotes(text) == ["“coup and the army left."]


def test_an_unclosed_mark_before_another_quotation_does_not_swallow_the_narrator():
    text = ("They called it a “coup. The government, which calls him a usurper, denied it. "
            "The minister said “we stand firm” today.")
    assert quotes(text) == ["“coup.", "“we stand firm”"]


def test_an_unclosed_mark_ends_at_the_next_opening_mark_if_that_comes_first():
    assert quotes("He said “we will win “and then” they left.") == [
        "“we will win “and then”"]  # touching spans are one span (and never a scare quote)


def test_a_scare_quote_touching_another_quotation_is_merged_not_lost():
    assert quotes("The “rebels”“traitors” fled.") == ["“rebels”“traitors”"]


def test_quotations_may_still_run_on_where_typography_says_so():
    opens = "“We will fight on, and we will win.\n\nThe army left."
    assert quotes(opens) == ["“We will fight on, and we will win."]
    colon = "He said: “We will fight on. We will win.\n\nThe army left."
    assert quotes(colon) == ["“We will fight on. We will win."]
    continued = "He said “we will fight. We will win.\n\n“We stay,” he added.\n\nEnd."
    assert quotes(continued) == ["“we will fight. We will win.\n\n“We stay,”"]


def test_a_broken_closing_quote_read_from_a_file_leaves_later_terms_to_the_narrator(tmp_path):
    text = ("Guaidó called it a “coup” on Tuesday. The army stayed loyal to the government.\n\n"
            "The regime arrested the terrorists, officials said.")
    folder = tmp_path / "b" / "voa"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(text.encode("utf-8").decode("cp1252", errors="replace"),
                                  encoding="utf-8")
    articles = read_batch(folder.parent).articles
    assert articles["text"].tolist() == [text]
    _, voice = segment_articles(articles)
    quoted = voice[voice["voice"] == "quote"]
    assert [text[a:b] for a, b in zip(quoted["start"], quoted["end"], strict=True)] == ["“coup”"]
