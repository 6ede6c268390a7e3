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
