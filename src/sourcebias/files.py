"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class FolderBusy(RuntimeError):
    """Another process holds the lock of a folder (see :func:`folder_lock`)."""


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
        ``.<stem>.<pid>-<random>.tmp<suffix>`` in the same folder, keeping
        the suffix for writers that look at it (see :func:`clear_stale`).

    Examples
    --------
    >>> with atomic_path("reports/seed/articles.parquet") as tmp:  # doctest: +SKIP
    ...     articles.to_parquet(tmp)
    """
    target = Path(path)
    temporary = target.with_name(
        f".{target.stem}.{os.getpid()}-{uuid.uuid4().hex}.tmp{target.suffix}")
    try:
        yield temporary
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def folder_lock(lock: str | Path, *, what: str | Path) -> Iterator[None]:
    """Hold an exclusive lock while writing ``what``, or raise :class:`FolderBusy`.

    The lock is an advisory ``flock`` on the file ``lock`` (created when missing,
    never removed), which holds the owner's process id for the message. The system
    releases it when the process ends, however it ends, so a killed run never
    leaves a stale lock.

    Parameters
    ----------
    lock : str or Path
        The lock file, e.g. ``.seed.lock`` beside the report folder ``seed``.
    what : str or Path
        What the lock guards, named in the message.

    Raises
    ------
    FolderBusy
        When another process holds the lock.
    """
    with open(lock, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise FolderBusy(f"{what}: another run ({holder}) is writing there; wait for it "
                             "to finish, or write elsewhere") from None
        handle.truncate(0)
        handle.write(f"process {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def process_running(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def clear_stale(folder: str | Path, pattern: str = ".*.tmp*") -> int:
    """Remove the temporary files and folders in ``folder`` that :func:`atomic_path` or
    another writer that names them alike (``.<name>.<pid>[-<random>].tmp...``) left when
    its process was killed; those of processes still running are kept.

    Parameters
    ----------
    folder : str or Path
    pattern : str
        A glob, relative to ``folder``, of the temporary names.

    Returns
    -------
    int
        How many were removed.
    """
    cleared = 0
    for temporary in Path(folder).glob(pattern):
        owner = re.search(r"\.(\d+)(?:-[0-9a-f]+)?\.tmp", temporary.name)
        if owner and not process_running(int(owner.group(1))):
            if temporary.is_dir():
                shutil.rmtree(temporary, ignore_errors=True)
            else:
                temporary.unlink(missing_ok=True)
            cleared += 1
    return cleared
