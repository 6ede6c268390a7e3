"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces ``path`` when the block succeeds.

    Write the file to the yielded path. When the ``with`` block ends normally
    the file is flushed to disk and moved onto ``path`` with :func:`os.replace`
    (atomic within one file system); when it raises, the temporary file is
    removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or Path
        The file to (re)write; its folder must exist.

    Yields
    ------
    Path
        ``.<stem>.<random>.tmp<suffix>`` in the same folder, keeping the
        suffix for writers that look at it.

    Examples
    --------
    >>> with atomic_path("reports/seed/articles.parquet") as tmp:  # doctest: +SKIP
    ...     articles.to_parquet(tmp)
    """
    target = Path(path)
    temporary = target.with_name(f".{target.stem}.{uuid.uuid4().hex}.tmp{target.suffix}")
    try:
        yield temporary
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
