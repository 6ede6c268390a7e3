"""Lexicon packs: pack.yaml, patterns per language, and notebooks that name no event."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sourcebias.annotate.actors import find_actors
from sourcebias.annotate.folding import prepare_corpus
from sourcebias.annotate.lexicon import LexiconError, read_actors, read_pack, read_terms
from sourcebias.annotate.terms import find_terms
from sourcebias.config import DEFAULT_PACK, NOTEBOOK_DIR, PROJECT_ROOT
from sourcebias.segment.sentences import segment_articles

_STRING = re.compile(r"""["']([A-Za-z_\-]+)["']""")


def _copy_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, pack)
    return pack


def test_the_default_pack_names_its_event_focus_and_markers():
    pack = read_pack()
    assert pack.path == DEFAULT_PACK
    assert pack.event and len(pack.description.split()) > 20
    assert set(pack.focus_terms) <= {entry.id for entry in pack.terms.entries}
    assert set(pack.focus_actors) <= {entry.id for entry in pack.actors.entries}
    assert pack.markers and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", m["date"])
                                for m in pack.markers)
    assert read_pack(DEFAULT_PACK) == pack


@pytest.mark.parametrize(("text", "message"), [
    ("event: x\ndescription: y\nfocus_terms: [nonesuch]\nfocus_actors: []\n",
     r"pack\.yaml, line 3: focus_terms: 'nonesuch' is not an id of terms\.yaml"),
    ("event: x\ndescription: y\nfocus_terms: []\n",
     r"pack\.yaml, line 1: the pack file lacks focus_actors"),
    ("event: x\ndescription: y\nfocus_terms: [{term}]\nfocus_actors: [{actor}]\nmarkers:\n"
     "  - {date: 30 April, label: uprising}\n",
     r"pack\.yaml, line 6: markers: date '30 April' is not YYYY-MM-DD"),
    ("event: x\ndescription: y\nfocus_terms: [{term}]\nfocus_actors: [{actor}]\ncolour: red\n",
     r"pack\.yaml, line 5: unknown key 'colour' in the pack file"),
])
def test_a_wrong_pack_file_names_the_file_line_and_key(tmp_path, text, message):
    pack = _copy_pack(tmp_path)
    default = read_pack()
    text = text.replace("{term}", default.focus_terms[0]).replace("{actor}",
                                                                   default.focus_actors[0])
    (pack / "pack.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        read_pack(pack)


def test_a_pack_without_pack_yaml_says_how_to_get_one(tmp_path):
    pack = _copy_pack(tmp_path)
    (pack / "pack.yaml").unlink()
    with pytest.raises(LexiconError, match=r"pack\.yaml: no such pack file.*sourcebias suggest"):
        read_pack(pack)


def test_notebooks_name_no_term_or_actor_of_the_pack_in_code():
    """Focus terms and actors come from ``ws.pack``; prose may name them, code may not."""
    pack = read_pack()
    ids = {entry.id for entry in (*pack.terms.entries, *pack.actors.entries)}
    for notebook in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                named = set(_STRING.findall("".join(cell["source"]))) & ids
                assert not named, f"{notebook.name} names {sorted(named)} in code"


LANGUAGES = """\
version: "1"
categories:
  event_naming: how the events are named
terms:
  - id: coup
    category: event_naming
    patterns:
      en: [coup]
      es: [golpe de Estado, golpe]
  - id: everywhere
    category: event_naming
    patterns: [junta]
"""


def test_patterns_may_be_listed_per_language(tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text(LANGUAGES, encoding="utf-8")
    terms = read_terms(path)
    coup, everywhere = terms.entries
    assert [(p.text, p.language) for p in coup.patterns] == [
        ("coup", "en"), ("golpe de Estado", "es"), ("golpe", "es")]
    assert [p.language for p in everywhere.patterns] == [None]
    assert list(terms.to_frame()["language"].fillna("")) == ["en", "es", "es", ""]


@pytest.mark.parametrize(("patterns", "message"), [
    ("{english: [coup]}", r"line 7, entry 'coup': patterns: 'english' is not a language code"),
    ("{en: [coup], es: [coup]}", None),
    ("{en: [coup, Coup]}", r"pattern 'Coup' matches what 'coup'"),
])
def test_language_codes_are_checked(tmp_path, patterns, message):
    text = LANGUAGES.replace("    patterns:\n      en: [coup]\n      es: [golpe de Estado, golpe]",
                             f"    patterns: {patterns}")
    path = tmp_path / "terms.yaml"
    path.write_text(text, encoding="utf-8")
    if message is None:
        assert len(read_terms(path).entries[0].patterns) == 2
    else:
        with pytest.raises(LexiconError, match=message):
            read_terms(path)


def test_the_default_pack_reads_the_same_bytes_as_before():
    """The hash recorded in provenance is of the file's bytes, whatever the reader adds."""
    for lexicon in (read_terms(), read_actors()):
        assert lexicon.describe()["sha256"] == __import__("hashlib").sha256(
            lexicon.path.read_bytes()).hexdigest()


SPANISH = ("El autoproclamado presidente interino Juan Guaidó llamó a los militares "
           "venezolanos a sumarse al golpe de Estado. Nicolás Maduro respondió que los "
           "traidores serán castigados y que su gobierno es el único legítimo. La Fuerza "
           "Armada Nacional Bolivariana se mantuvo leal, según la Casa Blanca.")

ENGLISH = "The self-proclaimed president called it a coup; the traitors fled."


def _annotate(texts: dict[str, str], languages: list[str | None] | None = None,
              terms=None, actors=None):
    articles = pd.DataFrame({"doc_id": list(texts), "text": list(texts.values()), "title": ""})
    if languages is not None:
        articles["language"] = languages
    sentences, voice = segment_articles(articles)
    corpus = prepare_corpus(articles)
    hits = find_terms(corpus, sentences=sentences, voice=voice, lexicon=terms or read_terms())
    mentions = find_actors(corpus, sentences=sentences, voice=voice,
                           lexicon=actors or read_actors())
    return hits, mentions


def _pairs(table: pd.DataFrame, key: str) -> list[tuple[str, str, str]]:
    return sorted(zip(table["doc_id"], table[key], table["surface"], strict=True))


def test_spanish_patterns_find_the_focus_terms_and_actors_in_spanish_text():
    pack = read_pack()
    hits, mentions = _annotate({"es": SPANISH}, ["es"])
    found = dict(zip(hits["surface"], hits["term"], strict=True))
    assert found == {"autoproclamado": "self_proclaimed", "golpe de Estado": "coup_detat",
                     "traidores": "traitor", "legítimo": "legitimate"}
    assert set(found.values()) <= set(pack.focus_terms)
    named = dict(zip(mentions["surface"], mentions["actor"], strict=True))
    assert named == {"Juan Guaidó": "guaido", "militares venezolanos": "armed_forces",
                     "Nicolás Maduro": "maduro", "gobierno": "maduro_government",
                     "Fuerza Armada Nacional Bolivariana": "armed_forces",
                     "Casa Blanca": "us_government"}
    assert set(pack.focus_actors) <= set(named.values())
    labels = dict(zip(mentions["actor"], mentions["label"], strict=False))
    assert labels["guaido"] == "autoproclamado presidente interino"


def test_patterns_of_one_language_skip_articles_of_another():
    spanish_as_english, _ = _annotate({"es": SPANISH}, ["en"])
    assert spanish_as_english.empty
    english_as_spanish, _ = _annotate({"en": ENGLISH}, ["es-VE"])
    assert english_as_spanish.empty
    english, _ = _annotate({"en": ENGLISH}, ["EN"])
    assert list(english["term"]) == ["self_proclaimed", "coup", "traitor"]


def test_an_article_without_a_language_is_matched_in_every_language():
    mixed = {"es": SPANISH, "en": ENGLISH}
    with_nulls, _ = _annotate(mixed, [None, ""])
    without_column, _ = _annotate(mixed)
    by_language, _ = _annotate(mixed, ["es", "en"])
    assert _pairs(with_nulls, "term") == _pairs(without_column, "term") == _pairs(
        by_language, "term")
    assert len(without_column) == 7


def test_a_common_word_alias_needs_the_actor_or_its_country_named():
    texts = {
        "shutdown": "The partial government shutdown entered its third week as the "
                    "opposition in Congress and the military awaited their pay.",
        "caracas": "The government in Caracas said the opposition had asked the military "
                   "to rise; Venezuela's foreign minister called it a coup.",
        "named": "The armed forces stood by the government, said the Bolivarian National "
                 "Armed Forces; the opposition marched.",
        "group": "Vladimir Padrino said the government had the support of the army.",
    }
    _, mentions = _annotate(texts)
    found = mentions.groupby("doc_id")["actor"].agg(sorted).to_dict()
    assert "shutdown" not in found
    assert found["caracas"] == ["armed_forces", "maduro_government", "opposition"]
    # "armed forces" counts: the article names the FANB in full; "government" and
    # "opposition" do not: it names neither their actors, their groups nor Venezuela.
    assert found["named"] == ["armed_forces", "armed_forces"]
    # Padrino is of the Maduro government's group, not of the army's.
    assert found["group"] == ["maduro_government", "padrino"]


def test_requires_name_false_keeps_common_word_aliases_everywhere(tmp_path):
    text = read_actors().path.read_text(encoding="utf-8").replace(
        "    country: [Venezuela, Venezuelan, Venezuelans, venezolano, venezolana, venezolanos]\n",
        "    requires_name: false\n")
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    _, mentions = _annotate({"shutdown": "The partial government shutdown went on; the "
                                         "military and the opposition waited."},
                            actors=read_actors(path))
    assert sorted(mentions["actor"]) == ["armed_forces", "maduro_government", "opposition"]


def test_the_example_us_politics_pack_reads_and_pairs_its_focus_terms():
    pack = read_pack(PROJECT_ROOT / "packs" / "us-politics-2010s")
    assert pack.event.startswith("US politics")
    categories = {entry.id: entry.category for entry in pack.terms.entries}
    # Focus terms come in pairs: each side's word for the same thing, in one category.
    assert len(pack.focus_terms) >= 4
    assert len({categories[term] for term in pack.focus_terms}) < len(pack.focus_terms)
    assert not set(pack.focus_terms) & {entry.id for entry in read_terms().entries}


def test_the_us_politics_pack_fits_the_basil_batch_and_the_default_does_not(shared_data):
    from sourcebias.run.analysis import analyze
    from sourcebias.stats.fit import pack_fit

    batch = shared_data / "basil-dev" / "batch"
    fits = {}
    for name, folder in (("default", None), ("us", PROJECT_ROOT / "packs" / "us-politics-2010s")):
        pack = read_pack(folder)
        analysis = analyze(batch, lexicons=folder)
        fits[name] = pack_fit(analysis.articles, analysis.hits, analysis.mentions,
                              focus_terms=pack.focus_terms, focus_actors=pack.focus_actors,
                              actors=pack.actors)
        if folder is None:
            # The alias rule: "government" in US stories is not the Maduro government.
            assert not analysis.mentions["pattern"].isin(["government", "opposition"]).any()
    assert fits["default"].low and fits["default"].focus < 0.1
    assert not fits["us"].low and fits["us"].focus > 0.3


def test_a_draft_pack_from_suggest_reads_as_a_pack(shared_data, tmp_path):
    """The draft of the BASIL dev batch loads as it is written (``Republicans'`` once was a
    pattern ending in an apostrophe); a researcher then edits it."""
    from sourcebias.cli import main
    from sourcebias.stats.suggest import distinct_spellings

    assert distinct_spellings("Republicans; Republicans'; Republicans’; Republic") == [
        "Republicans", "Republic"]
    assert main(["suggest", str(shared_data / "basil-dev" / "batch"), "--out",
                 str(tmp_path / "draft")]) == 0
    pack = read_pack(tmp_path / "draft")
    assert pack.focus_terms and pack.focus_actors and pack.markers == ()
