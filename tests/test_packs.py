"""Lexicon packs: pack.yaml, patterns per language, and notebooks that name no event."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from sourcebias.annotate.lexicon import LexiconError, read_actors, read_pack, read_terms
from sourcebias.config import DEFAULT_PACK, NOTEBOOK_DIR

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
