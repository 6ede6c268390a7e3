"""Reading a batch in parts, in worker processes (sourcebias.read.batch.BatchReader)."""

from __future__ import annotations

import json
import logging
import random
import shutil
import sys
import tracemalloc

import pandas as pd
import pyarrow as pa
from conftest import ALLSIDES_OPTIONS

from sourcebias.config import SEED_BATCH
from sourcebias.read.batch import BatchReader, read_batch, read_part
from sourcebias.run.analysis import analyze


def test_a_batch_read_in_parallel_parts_equals_one_read(set_constant, repeats_batch, tmp_path,
        monkeypatch):
    whole = read_batch(repeats_batch, **ALLSIDES_OPTIONS)
    assert whole.articles["duplicate_kind"].value_counts().to_dict() == {"exact": 5, "near": 5}
    assert len(whole.excluded) == 2
    set_constant("PART_ROWS", 7)
    in_parts = read_batch(repeats_batch, **ALLSIDES_OPTIONS)
    streamed = analyze(repeats_batch, out=tmp_path / "out", read_options=ALLSIDES_OPTIONS,
                       jobs=2, cache=False)
    assert streamed.stats.stages["read"].computed == 14  # 92 rows in parts of 7
    for name in ("articles", "excluded", "removed"):
        pd.testing.assert_frame_equal(getattr(in_parts, name), getattr(whole, name))
        pd.testing.assert_frame_equal(streamed.tables[name], getattr(whole, name),
                                      check_dtype=False)
    assert in_parts.problems == whole.problems


def test_the_reader_keeps_a_few_numbers_per_article_and_no_python_object(set_constant,
        tmp_path, monkeypatch):
    # 6,000 short articles, every 100th a copy of the one before; parts of 1,000
    words = "coup uprising traitors legitimate government troops rally capital army".split()
    rng = random.Random(20190430)
    rows, text = [], ""
    for n in range(6000):
        if n % 100 != 1:
            text = " ".join(rng.choice(words) for _ in range(30)) + f" number {n}."
        rows.append({"doc_id": f"story-{n}", "outlet": f"Outlet {n % 7}",
                     "date": f"2019-04-{1 + n % 28:02d}", "text": text})
    path = tmp_path / "short.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    set_constant("PART_ROWS", 1000)
    reader = BatchReader(path)
    marks = []
    tracemalloc.start()
    try:
        for number, part in enumerate(reader.parts(), start=1):
            reader.add(read_part(part, shingle_folder=tmp_path))
            del part
            if number in (2, 6):
                marks.append((sys.getallocatedblocks(), tracemalloc.get_traced_memory()[0]
                              + pa.total_allocated_bytes()))
    finally:
        tracemalloc.stop()
    (blocks_before, bytes_before), (blocks_after, bytes_after) = marks
    # a Python object per article (a str, an int in a dict) would add at least one block each
    assert (blocks_after - blocks_before) / 4000 < 0.25
    # fingerprints (81 bytes), shingle offsets, the date and the id and its hash
    assert (bytes_after - bytes_before) / 4000 < 200
    duplicates = reader.duplicates()
    copies = duplicates.index[duplicates["duplicate_kind"].eq("exact")]
    assert copies.tolist() == list(range(1, 6000, 100))
    assert (duplicates.loc[copies, "duplicate_of"]
            == "story-" + (copies - 1).astype("str")).all()


def test_reading_problems_found_in_workers_are_logged_once_by_the_caller(set_constant,
        tmp_path, monkeypatch, caplog):
    batch = tmp_path / "batch"
    shutil.copytree(SEED_BATCH, batch)
    manifest = (batch / "manifest.csv").read_text(encoding="utf-8").splitlines()
    (batch / "articles" / "blank.txt").write_text("  \n", encoding="utf-8")
    added = ["articles/blank.txt,blank,Nobody,,,,,", "articles/gone.txt,gone,Nobody,,,,,"]
    (batch / "manifest.csv").write_text("\n".join([*manifest, *added]) + "\n", encoding="utf-8")
    set_constant("PART_ROWS", 2)
    caplog.set_level(logging.WARNING, logger="sourcebias.read")
    analysis = analyze(batch, out=tmp_path / "out", jobs=2, cache=False)
    assert analysis.stats.stages["read"].computed == 4  # 7 files in parts of 2
    warned = [m for m in caplog.messages if "blank.txt" in m or "gone.txt" in m]
    assert len(warned) == 2 and "is empty" in warned[0] and "does not exist" in warned[1]
    assert analysis.rows("excluded") == 2 and analysis.rows("articles") == 5


def test_the_workers_are_made_ready_to_read_only_for_a_batch_of_several_parts(tmp_path):
    from sourcebias.read.inputs import PART_ROWS
    from sourcebias.run.sources import _PART_BYTES, _prepare_read, _reads_in_parallel

    small = tmp_path / "small.csv"
    small.write_text("doc_id,outlet,text\n1,a,Hello.\n", encoding="utf-8")
    large = tmp_path / "large.csv"
    large.write_bytes(b"x" * (_PART_BYTES + 1))
    many = tmp_path / "many"
    many.mkdir()
    for number in range(PART_ROWS + 1):
        (many / f"{number}.txt").touch()
    assert not _reads_in_parallel(small)
    assert not _reads_in_parallel(read_batch(SEED_BATCH))
    assert not _reads_in_parallel(SEED_BATCH)
    assert not _reads_in_parallel(tmp_path / "absent.csv")
    assert _reads_in_parallel(large)
    assert _reads_in_parallel(many)
    assert _prepare_read() is None
