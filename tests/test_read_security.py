"""Nothing outside a batch folder is ever read: links that lead out are excluded unopened."""

from __future__ import annotations

import filecmp
import os

import pandas as pd
import pytest

from sourcebias.config import PROJECT_ROOT, SEED_BATCH
from sourcebias.read.batch import read_batch
from sourcebias.run.cache import folder_digest

SEEDS = PROJECT_ROOT / "seeds"
SECRET = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
ARTICLE = ("Soldiers gathered near the air base on Tuesday.\n\n"
           "The opposition leader called on the army to join the protests.")


@pytest.fixture
def outside(tmp_path):
    """A secret file and a folder of articles, both outside the batch folder."""
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "story.txt").write_text(ARTICLE, encoding="utf-8")
    return tmp_path


def mentions_secret(batch) -> bool:
    tables = [batch.articles, batch.removed, batch.excluded]
    return any(table.astype("str").apply(lambda c: c.str.contains("root:x")).any().any()
               for table in tables) or any("root:x" in line for line in batch.problems)


def test_a_file_link_that_leads_outside_is_excluded_unread(outside):
    folder = outside / "batch"
    (folder / "voa").mkdir(parents=True)
    (folder / "voa" / "real.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "voa" / "passwd.txt").symlink_to(outside / "secret.txt")
    batch = read_batch(folder)
    assert batch.articles["source"].tolist() == ["voa/real.txt"]
    assert batch.excluded["source"].tolist() == ["voa/passwd.txt"]
    assert "leads outside the batch folder" in batch.excluded["reason"].iloc[0]
    assert len(batch.articles) + len(batch.excluded) == 2
    assert not mentions_secret(batch)


def test_a_manifest_row_naming_a_link_outside_is_excluded(outside):
    folder = outside / "batch"
    folder.mkdir()
    (folder / "real.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    pd.DataFrame({"path": ["real.txt", "passwd.txt"], "outlet": ["A", "B"]}).to_csv(
        folder / "manifest.csv", index=False)
    batch = read_batch(folder)
    assert batch.articles["source"].tolist() == ["real.txt"]
    assert batch.excluded[["source", "row"]].values.tolist() == [["passwd.txt", 2]]
    assert "leads outside the batch folder through a symbolic link" in batch.excluded[
        "reason"].iloc[0]
    assert batch.problems[0].startswith("manifest.csv row 2 (passwd.txt): the path leads "
                                        "outside the batch folder")
    assert not mentions_secret(batch)


def test_a_linked_sub_folder_outside_is_no_outlet(outside):
    folder = outside / "batch"
    (folder / "voa").mkdir(parents=True)
    (folder / "voa" / "real.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "linked").symlink_to(outside / "elsewhere", target_is_directory=True)
    batch = read_batch(folder)
    assert batch.articles["outlet"].tolist() == ["voa"]
    assert batch.excluded["source"].tolist() == ["linked"]
    assert "leads outside the batch folder" in batch.excluded["reason"].iloc[0]


def test_a_manifest_path_through_a_linked_folder_outside_is_excluded(outside):
    folder = outside / "batch"
    folder.mkdir()
    (folder / "linked").symlink_to(outside / "elsewhere", target_is_directory=True)
    (folder / "up").symlink_to(outside, target_is_directory=True)
    (folder / "real.txt").write_text(ARTICLE, encoding="utf-8")
    pd.DataFrame({"path": ["real.txt", "linked/story.txt", "up/secret.txt"],
                  "doc_id": ["a", "b", "c"], "outlet": ["A", "B", "C"]}).to_csv(
        folder / "manifest.csv", index=False)
    batch = read_batch(folder)
    assert batch.articles["doc_id"].tolist() == ["a"]
    assert batch.excluded["doc_id"].tolist() == ["b", "c"]
    assert batch.excluded["reason"].str.contains("leads outside the batch folder").all()
    assert not mentions_secret(batch)


def test_links_inside_the_batch_are_read_once_and_never_loop(tmp_path):
    folder = tmp_path / "batch"
    (folder / "voa").mkdir(parents=True)
    (folder / "voa" / "real.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "voa" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "mirror").symlink_to(folder / "voa", target_is_directory=True)
    batch = read_batch(folder)
    assert len(batch.articles) == 1 and batch.excluded.empty


def test_a_manifest_that_is_a_link_outside_is_refused(outside):
    folder = outside / "batch"
    folder.mkdir()
    pd.DataFrame({"path": ["x.txt"], "outlet": ["A"]}).to_csv(outside / "m.csv", index=False)
    (folder / "manifest.csv").symlink_to(outside / "m.csv")
    with pytest.raises(ValueError, match="leads outside the batch folder"):
        read_batch(folder)


def test_the_cache_key_never_opens_a_link_outside(outside):
    folder = outside / "batch"
    folder.mkdir()
    (folder / "real.txt").write_text(ARTICLE, encoding="utf-8")
    before = folder_digest(folder)
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "fifo.txt").symlink_to("/dev/zero")
    assert folder_digest(folder) == before


def test_the_seed_batch_holds_the_seed_articles_byte_for_byte():
    articles = SEED_BATCH / "articles"
    assert not os.path.islink(articles)
    names = sorted(p.name for p in SEEDS.glob("0*.txt"))
    assert sorted(p.name for p in articles.iterdir()) == names
    assert filecmp.cmpfiles(SEEDS, articles, names, shallow=False)[0] == names
