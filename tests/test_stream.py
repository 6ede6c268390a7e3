"""Parallel, ordered, bounded-memory runs (sourcebias.run.stream)."""

from __future__ import annotations

import warnings

from sourcebias.run import stream


def test_only_lokys_worker_replacement_warning_is_silenced():
    message = "A worker stopped while some jobs were given to the executor."
    with warnings.catch_warnings(record=True) as caught:
        stream.silence_worker_replacement()
        warnings.warn_explicit(message, UserWarning, "process_executor.py", 787,
                               module="joblib.externals.loky.process_executor")
        warnings.warn_explicit(message, UserWarning, "elsewhere.py", 1, module="elsewhere")
    assert [c.filename for c in caught] == ["elsewhere.py"]


def test_a_table_file_has_the_same_bytes_however_its_rows_arrive(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sourcebias.config import SEED_BATCH

    texts = [path.read_text(encoding="utf-8") for path in sorted(SEED_BATCH.rglob("*.txt"))]
    table = pa.table({"doc_id": [f"d{i}" for i in range(200)],
                      "text": [f"{i} {texts[i % len(texts)] * 10}" for i in range(200)]})
    files = []
    for name, piece in (("whole", 200), ("pieces", 7), ("rows", 1)):
        writer = stream.TableWriter(tmp_path / f"{name}.parquet", table.schema, row_group_rows=64)
        for start in range(0, 200, piece):
            writer.write(table.slice(start, piece))
        files.append(writer.commit())
    assert pq.ParquetFile(files[0]).num_row_groups == 4
    assert pq.read_table(files[1]).equals(table)
    assert files[0].read_bytes() == files[1].read_bytes() == files[2].read_bytes()


def _leak_allowance() -> int:
    from joblib.externals.loky import process_executor

    return process_executor._MAX_MEMORY_LEAK_SIZE


def test_workers_may_grow_past_lokys_leak_limit_before_they_are_replaced():
    # loky replaces a worker 300 MB past its size after its first task; reading a batch part
    # and then annotating grows a worker about 400 MB, so each was replaced after one chunk
    [future] = stream.prepare_workers(_leak_allowance, jobs=2)[:1]
    assert future.result() == stream.WORKER_GROWTH_BYTES > 300 * 10**6
