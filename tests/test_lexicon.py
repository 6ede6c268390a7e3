"""Reading, checking and normalising lexicons (sourcebias.annotate.lexicon)."""

from __future__ import annotations

import hashlib
import pickle
import textwrap

import numpy as np
import pandas as pd
import pytest

from sourcebias import config as paths
from sourcebias.annotate import folding, matching
from sourcebias.annotate.folding import Corpus, prepare_corpus
from sourcebias.annotate.lexicon import LexiconError, read_actors, read_terms
from sourcebias.annotate.matching import inside, match_lexicon

TERMS = """\
version: "1"
categories:
  event_naming: what the events are called
  legitimacy: rightful or not
negation:
  window: 3
  words: [not, "isn't"]
terms:
  - id: coup
    category: event_naming
    patterns: [coup]
  - id: coup_attempt
    category: event_naming
    patterns:
      - coup attempt
      - {pattern: attempted coup, case_sensitive: false}
  - id: legitimate
    category: legitimacy
    patterns: [legitimate]
    note: a note
"""


def write(tmp_path, text: str, name: str = "terms.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(LexiconError) as caught:
        read_terms(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    return message


# --------------------------------------------------------------------------- the project files


def test_project_lexicons_load_with_version_and_hash():
    for lexicon, name in ((read_terms(), "terms.yaml"), (read_actors(), "actors.yaml")):
        raw = (paths.DEFAULT_PACK / name).read_bytes()
        assert lexicon.path == paths.DEFAULT_PACK / name
        assert lexicon.sha256 == hashlib.sha256(raw).hexdigest()
        assert lexicon.describe() == {"path": str(lexicon.path), "version": lexicon.version,
                                      "sha256": lexicon.sha256}
        assert lexicon.version


def test_project_terms_cover_the_required_categories_and_seed_vocabulary():
    terms = read_terms()
    categories = {name for name, _ in terms.categories}
    assert {"event_naming", "legitimacy", "loyalty_betrayal", "foreign_hand",
            "delegitimising"} <= categories
    table = terms.to_frame()
    assert len(table) == sum(len(entry.patterns) for entry in terms.entries)
    patterns = set(table["pattern"])
    for phrase in ("coup", "coup attempt", "coup d'état", "attempted coup", "uprising*",
                   "Operation Freedom", "putsch*", "self-proclaimed", "so-called",
                   "interim president", "democratically elected", "usurper*", "traitor*",
                   "coward*", "loyal*", "US-backed", "puppet*", "regime change", "regime",
                   "dictator*", "junta", "pseudo-leader*", "subversive*", "destabiliz*",
                   "aggression", "humanitarian crisis", "sanction*"):
        assert phrase in patterns, phrase
    assert {"not", "no", "never", "isn't"} <= {p.text for p in terms.negators}
    assert terms.negation_window == 3


def test_project_actors_have_aliases_misspellings_and_label_words():
    actors = read_actors()
    table = actors.to_frame()
    aliases = table.groupby("id")["pattern"].agg(set)
    assert {"Guaidó", "Guido", "Gaido", "@jguaido"} <= aliases["guaido"]
    assert {"Nicolás Maduro", "Nicholas Maduro"} <= aliases["maduro"]
    assert {"Trump administration", "Washington", "White House", "US", "Pompeo",
            "Bolton"} <= aliases["us_government"]
    sensitive = table[table["case_sensitive"]]
    assert {"US", "USA", "U.S."} <= set(sensitive["pattern"])
    for actor in ("armed_forces", "opposition", "russia", "cuba", "colombia", "china", "lopez",
                  "padrino", "cabello", "arreaza"):
        assert actor in aliases.index
    assert "president" in actors.labels.titles
    assert "self-proclaimed" in actors.labels.modifiers
    assert "regime" in actors.labels.heads


def test_the_working_directory_is_never_searched(tmp_path, monkeypatch):
    local = tmp_path / "data" / "lexicons"
    local.mkdir(parents=True)
    write(local, TERMS)
    monkeypatch.chdir(tmp_path)
    assert read_terms().path == paths.DEFAULT_PACK / "terms.yaml"
    assert read_actors().path == paths.DEFAULT_PACK / "actors.yaml"
    assert read_terms(local / "terms.yaml").path == local / "terms.yaml"


def test_a_valid_file_is_read_as_written(tmp_path):
    terms = read_terms(write(tmp_path, TERMS))
    assert terms.kind == "terms" and terms.version == "1"
    assert [entry.id for entry in terms.entries] == ["coup", "coup_attempt", "legitimate"]
    attempt = terms.entries[1]
    assert [p.text for p in attempt.patterns] == ["coup attempt", "attempted coup"]
    assert [p.line for p in attempt.patterns] == [15, 16]
    assert terms.entries[2].note == "a note"
    assert terms.entries[0].line == 9


def test_a_category_may_declare_the_name_figures_show(tmp_path):
    named = TERMS.replace("  legitimacy: rightful or not\n",
                          "  legitimacy:\n    name: legitimacy claims\n"
                          "    description: rightful or not\n")
    terms = read_terms(write(tmp_path, named))
    assert terms.categories == (("event_naming", "what the events are called"),
                                ("legitimacy", "rightful or not"))
    assert terms.category_names == (("legitimacy", "legitimacy claims"),)
    assert read_terms(write(tmp_path, TERMS)).category_names == ()


def test_a_category_mapping_needs_a_description_and_no_other_key(tmp_path):
    nameless = TERMS.replace("  legitimacy: rightful or not\n",
                             "  legitimacy:\n    name: legitimacy claims\n")
    message = error_of(tmp_path, nameless)
    assert "line 5" in message and "categories 'legitimacy' lacks description" in message
    colour = TERMS.replace("  legitimacy: rightful or not\n",
                           "  legitimacy:\n    description: rightful\n    colour: red\n")
    message = error_of(tmp_path, colour)
    assert "line 6" in message and "unknown key 'colour'" in message


# --------------------------------------------------------------------------- errors


def test_missing_file(tmp_path):
    with pytest.raises(LexiconError, match="no such lexicon file"):
        read_terms(tmp_path / "nope.yaml")


def test_bad_yaml_names_the_line(tmp_path):
    message = error_of(tmp_path, TERMS.replace("    patterns: [coup]\n",
                                               "    patterns: [coup\n"))
    assert "line 12" in message and "not valid YAML" in message
    assert "flow sequence" in message and "line 11" in message


def test_empty_file(tmp_path):
    assert "empty" in error_of(tmp_path, "")


def test_unknown_top_level_key(tmp_path):
    message = error_of(tmp_path, TERMS + "colour: blue\n")
    assert "line 21" in message and "unknown key 'colour'" in message


def test_unknown_entry_key_names_the_entry(tmp_path):
    message = error_of(tmp_path, TERMS.replace("    note: a note", "    notes: a note"))
    assert "line 20" in message and "entry 'legitimate'" in message
    assert "unknown key 'notes'" in message


def test_unknown_pattern_key(tmp_path):
    message = error_of(tmp_path, TERMS.replace("case_sensitive: false", "case: false"))
    assert "line 16" in message and "entry 'coup_attempt'" in message
    assert "unknown key 'case'" in message


def test_duplicate_id_names_both_lines(tmp_path):
    message = error_of(tmp_path, TERMS.replace("id: legitimate", "id: coup"))
    assert "line 17" in message and "entry 'coup'" in message
    assert "duplicate id 'coup' (first on line 9)" in message


def test_duplicate_key_in_an_entry(tmp_path):
    message = error_of(tmp_path, TERMS.replace("    note: a note", "    note: a\n    note: b"))
    assert "line 21" in message and "appears twice" in message


def test_empty_pattern(tmp_path):
    message = error_of(tmp_path, TERMS.replace("patterns: [legitimate]",
                                               "patterns: [legitimate, '']"))
    assert "line 19" in message and "entry 'legitimate'" in message
    assert "empty pattern" in message


def test_empty_pattern_list(tmp_path):
    message = error_of(tmp_path, TERMS.replace("patterns: [legitimate]", "patterns: []"))
    assert "entry 'legitimate'" in message and "empty list" in message


@pytest.mark.parametrize(("pattern", "problem"), [
    ("co(up|p)", "not regular expressions"),
    ("tr*itor", "'*' may only end the last word"),
    ("*", "'*' may only end the last word"),
    ("coup -*", "'*' may only end the last word"),
    ("-coup", "must start with a letter"),
    ("coup-", "must end with"),
])
def test_invalid_pattern(tmp_path, pattern, problem):
    message = error_of(tmp_path, TERMS.replace("patterns: [coup]", f'patterns: ["{pattern}"]'))
    assert "line 11" in message and "entry 'coup'" in message
    assert f"invalid pattern {pattern!r}" in message and problem in message


def test_undeclared_category(tmp_path):
    message = error_of(tmp_path, TERMS.replace("category: legitimacy", "category: legitmacy"))
    assert "line 18" in message and "entry 'legitimate'" in message
    assert "'legitmacy' is not declared" in message


def test_missing_required_key(tmp_path):
    message = error_of(tmp_path, TERMS.replace("    category: legitimacy\n", ""))
    assert "entry 'legitimate'" in message and "lacks category" in message


def test_two_patterns_that_match_the_same_words_in_a_category(tmp_path):
    message = error_of(tmp_path, TERMS.replace("patterns: [coup]", "patterns: [coup, Coup]"))
    assert "line 11" in message and "entry 'coup'" in message
    assert "matches what 'coup' of entry 'coup' (line 11) matches" in message


def test_the_same_pattern_in_two_categories_is_allowed(tmp_path):
    terms = read_terms(write(tmp_path, TERMS.replace("patterns: [legitimate]",
                                                     "patterns: [legitimate, coup]")))
    assert terms.entries[2].patterns[1].text == "coup"


def test_case_sensitive_must_be_a_boolean(tmp_path):
    message = error_of(tmp_path, TERMS.replace("case_sensitive: false", "case_sensitive: maybe"))
    assert "line 16" in message and "true or false" in message


def test_negation_window_must_be_a_count(tmp_path):
    message = error_of(tmp_path, TERMS.replace("window: 3", "window: three"))
    assert "line 6" in message and "whole number" in message


def test_negation_scope_words_are_single_words(tmp_path):
    scoped = TERMS.replace('  words: [not, "isn\'t"]\n',
                           '  words: [not, "isn\'t"]\n  not_negating: [not only]\n'
                           '  scope_ends: [To, but]\n')
    terms = read_terms(write(tmp_path, scoped))
    assert terms.scope_ends == {"to", "but"}
    assert [p.text for p in terms.not_negating] == ["not only"]
    message = error_of(tmp_path, scoped.replace("[To, but]", "[to, but then]"))
    assert "line 9" in message and "'but then' is not a single word" in message


def test_words_are_read_as_written_not_as_booleans(tmp_path):
    terms = read_terms(write(tmp_path, TERMS.replace('words: [not, "isn\'t"]',
                                                     "words: [no, off]")))
    assert [p.text for p in terms.negators] == ["no", "off"]


# --------------------------------------------------------------------------- normalising


def test_offsets_survive_folding_and_collapsed_spaces():
    text = "Guaido\u0301  said\u00a0the self\u00ad-\n proclaimed “coup d’état” was\tUS -backed"
    articles = pd.DataFrame({"doc_id": ["a"], "text": [text]})
    terms = read_terms()
    found = match_lexicon(prepare_corpus(articles), lexicon=terms)
    assert (found["surface"] == [text[s:e] for s, e in zip(found["start"], found["end"],
                                                           strict=True)]).all()
    assert {"coup d’état", "US -backed"} <= set(found["surface"])
    actors = match_lexicon(prepare_corpus(articles), lexicon=read_actors())
    assert actors.loc[0, "surface"] == "Guaido\u0301" and actors.loc[0, "entry"] == "guaido"


def test_chunks_give_the_same_matches_as_one_pass(monkeypatch):
    texts = [f"Article {i}: the coup attempt, a coup d'état, not a coup." * (i % 3)
             for i in range(60)]
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(60)], "text": texts})
    whole = match_lexicon(prepare_corpus(articles), lexicon=read_terms())
    monkeypatch.setattr(folding, "CHUNK_CHARS", 150)
    corpus = prepare_corpus(articles)
    assert len(corpus.chunks) > 10
    pd.testing.assert_frame_equal(match_lexicon(corpus, lexicon=read_terms()), whole)
    assert len(whole) == 60 * 4  # 60 sentences, each with three hits and one negator


def test_prepare_corpus_checks_its_input():
    with pytest.raises(ValueError, match="lacks column"):
        prepare_corpus(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(ValueError, match="repeats a doc_id"):
        prepare_corpus(pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]}))


def test_missing_and_empty_texts_have_no_matches():
    articles = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [None, "", "a coup"]})
    found = match_lexicon(prepare_corpus(articles), lexicon=read_terms())
    assert found[["doc_id", "start", "end"]].values.tolist() == [["c", 2, 6]]


def test_inside_tests_containment_per_article():
    spans = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "start": [2, 5, 2, 0],
                          "end": [4, 12, 4, 1]})
    containers = pd.DataFrame({"doc_id": ["a", "a", "c"], "start": [0, 6, 0],
                               "end": [10, 8, 100]})
    assert inside(spans, containers).tolist() == [True, False, False, False]
    assert inside(spans, containers.iloc[:0]).tolist() == [False] * 4
    assert np.asarray(inside(spans.iloc[:0], containers)).size == 0


def test_the_overlap_rule_on_random_spans():
    """The vectorised rule equals taking matches longest first, then leftmost,
    then by entry order, skipping any that overlaps one already taken."""
    generator = np.random.default_rng(7)
    doc = generator.integers(0, 3, 400)
    start = generator.integers(0, 60, 400)
    end = start + generator.integers(1, 8, 400)
    group = generator.integers(0, 2, 400)
    order = generator.integers(0, 5, 400)
    kept = matching._longest_first(doc, start, end, group, order)
    expected = np.zeros(400, dtype=bool)
    for key in set(zip(doc.tolist(), group.tolist(), strict=True)):
        members = np.flatnonzero((doc == key[0]) & (group == key[1]))
        taken: list[int] = []
        for i in sorted(members, key=lambda i: (start[i] - end[i], start[i], order[i], i)):
            if all(end[i] <= start[j] or start[i] >= end[j] for j in taken):
                taken.append(i)
        expected[taken] = True
    assert kept.sum() > 50
    assert (kept == expected).all()


def test_corpus_slices_refuse_unknown_articles():
    corpus = prepare_corpus(pd.DataFrame({"doc_id": ["a"], "text": ["Maduro"]}))
    assert isinstance(corpus, Corpus)
    assert corpus.slices(pd.Series(["a"]), [0], [3]) == ["Mad"]
    with pytest.raises(ValueError, match="'b' is not among"):
        corpus.slices(pd.Series(["b"]), [0], [3])


ACTORS = """\
version: "1"
groups: {government: the government}
labels:
  titles: [president]
  heads: [regime]
actors:
  - id: maduro
    name: Nicolás Maduro
    group: government
    patterns: [Maduro]
"""


@pytest.mark.parametrize(("change", "line", "problem"), [
    (("group: government", "group: govt"), 9, "group 'govt' is not declared"),
    (("titles: [president]", "titles: [pres(ident)]"), 4, "invalid label word 'pres(ident)'"),
    (("    name: Nicolás Maduro\n", ""), 7, "an entry lacks name"),
    (("patterns: [Maduro]", "patterns: [Maduro, maduro]"), 10, "matches what 'Maduro'"),
])
def test_actors_errors(tmp_path, change, line, problem):
    path = write(tmp_path, ACTORS.replace(*change), "actors.yaml")
    with pytest.raises(LexiconError) as caught:
        read_actors(path)
    assert str(caught.value).startswith(f"{path}, line {line}")
    assert problem in str(caught.value)


def test_a_terms_file_is_not_an_actors_file(tmp_path):
    with pytest.raises(LexiconError, match="unknown key 'categories' in the actors lexicon"):
        read_actors(write(tmp_path, TERMS))


def test_a_lexicon_sent_to_another_process_is_compiled_there_once():
    terms = read_terms()
    compiled = matching._compile(terms)
    sent = pickle.dumps(terms)
    assert len(sent) < 100_000  # the automaton itself never travels with the lexicon
    misses = matching._compile.cache_info().misses
    assert matching._compile(pickle.loads(sent)) is compiled
    assert matching._compile.cache_info().misses == misses
