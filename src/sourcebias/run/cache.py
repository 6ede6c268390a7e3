"""A content-addressed cache of the slow per-article stages of :mod:`sourcebias.run.analysis`.

Reading a batch, segmenting it and scoring its sentiment do not depend on the
lexicons, so a rerun after a lexicon edit takes their results from here and
recomputes only the loaded terms and the actor mentions.

Every entry is a folder named by a key: the sha256 of what the result depends
on, that is the content (the batch's bytes, or each article's ``doc_id``,
title and text) and the code version (:func:`code_version`: the package
version, the source of every module of the package and the hashes of
the rules and valence files). Whatever changes gives a new key, so an entry is
never stale; it is only ever unused. Entries are written to a temporary folder
and renamed into place, so processes that share a cache never see half an
entry. Delete the cache folder at any time to reclaim the space.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from sourcebias import __version__
from sourcebias.files import clear_stale
from sourcebias.read.inputs import MANIFEST, batch_files, stays_inside

#: Arrow IPC compression of cached tables: fast to write and to read back.
_COMPRESSION = "lz4"


_PACKAGE = Path(__file__).resolve().parents[1]


def digest_bytes(*parts: str | bytes) -> bytes:
    """The sha256 of the parts, each length-prefixed so that no two lists collide."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "little"))
        hashed.update(data)
    return hashed.digest()


def digest(*parts: str | bytes) -> str:
    """:func:`digest_bytes` in hexadecimal."""
    return digest_bytes(*parts).hex()


def file_digest(path: str | os.PathLike[str]) -> str:
    """The sha256 (hex) of a file's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def folder_digest(folder: Path) -> str:
    """The sha256 (hex) of every file under a folder: relative paths and bytes, in path order.

    The files are those :func:`sourcebias.read_batch` may read: hidden files and
    folders are skipped, and so is every path that leads outside the folder through
    a symbolic link (it is never opened).
    """
    inside = folder.resolve()
    entries = sorted(name for name in [*batch_files(folder), MANIFEST]
                     if stays_inside(inside, name) and (folder / name).is_file())
    return digest(*(part for name in entries for part in (name, file_digest(folder / name))))


@cache
def package_digest() -> str:
    """The sha256 (hex) of every Python source of the package: relative paths and bytes.

    No list of modules to keep up to date: any change to any module of the
    package gives every stage a new version, so a cached result can never be
    served by code other than the code that made it.
    """
    sources = sorted(_PACKAGE.rglob("*.py"), key=lambda path: path.relative_to(_PACKAGE).as_posix())
    return digest(*(part for path in sources
                    for part in (path.relative_to(_PACKAGE).as_posix(), file_digest(path))))


@cache
def code_version(stage: str, *files: str) -> str:
    """The version of a stage's code: package version and sources, and the stage's data files.

    Parameters
    ----------
    stage : str
        The stage's name, which keeps stages with the same files apart.
    *files : str
        Paths of the data files the stage reads (rules, valence entries).

    Returns
    -------
    str
        A sha256 that changes whenever any of them changes.
    """
    parts = [stage, __version__, metadata.version("vaderSentiment"), package_digest()]
    parts += [file_digest(path) for path in files]
    return digest(*parts)


@dataclass(frozen=True)
class Cache:
    """A cache folder, or a disabled cache (``root=None``) that holds nothing.

    Attributes
    ----------
    root : Path or None
    """

    root: Path | None

    def clear_stale(self) -> int:
        """Remove the temporary entries that killed processes left behind (an
        interrupted one removes its own); returns how many."""
        return 0 if self.root is None else clear_stale(self.root, "*/*/.*.tmp")

    def entry(self, stage: str, key: str) -> Path | None:
        """The folder of an entry if it is complete, else None."""
        if self.root is None:
            return None
        folder = self.root / stage / key[:2] / key
        return folder if (folder / "complete.json").is_file() else None

    def load(self, stage: str, key: str, names: Iterable[str]) -> dict[str, pa.Table] | None:
        """The cached tables of an entry, or None when it is not cached.

        Parameters
        ----------
        stage, key : str
        names : iterable of str
            The tables to read.

        Returns
        -------
        dict of str to pyarrow.Table, or None
        """
        folder = self.entry(stage, key)
        if folder is None:
            return None
        tables = {}
        for name in names:
            with pa.memory_map(str(folder / f"{name}.arrow")) as source:
                tables[name] = ipc.open_file(source).read_all()
        return tables

    def store(self, stage: str, key: str, tables: dict[str, pa.Table], *,
              compress: bool = True) -> None:
        """Cache tables as one entry (a no-op for a disabled cache or a present entry),
        compressed unless ``compress`` is False."""
        if self.root is None or self.entry(stage, key) is not None:
            return
        options = ipc.IpcWriteOptions(compression=_COMPRESSION if compress else None)

        def write(folder: Path) -> None:
            for name, table in tables.items():
                with ipc.new_file(str(folder / f"{name}.arrow"), table.schema,
                                  options=options) as writer:
                    writer.write_table(table)

        self.store_folder(stage, key, write)

    def store_folder(self, stage: str, key: str, write) -> Path | None:
        """Make an entry by calling ``write(folder)`` on a temporary folder, then renaming it.

        Returns
        -------
        Path or None
            The entry's folder; None for a disabled cache.
        """
        if self.root is None:
            return None
        final = self.root / stage / key[:2] / key
        temporary = final.with_name(f".{key}.{os.getpid()}-{uuid.uuid4().hex}.tmp")
        temporary.mkdir(parents=True)
        try:
            write(temporary)
            (temporary / "complete.json").write_text(json.dumps({"key": key}) + "\n")
            try:
                os.replace(temporary, final)
            except OSError:
                if not final.exists():
                    raise
                shutil.rmtree(temporary)  # made meanwhile by another process: keep that one
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        return final
