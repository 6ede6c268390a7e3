"""Chunked, parallel and bounded-memory running of the per-article stages.

Helpers of :func:`sourcebias.analyze`:

* :class:`TableWriter` writes a table chunk by chunk as Parquet row groups of a
  fixed number of rows, so that the file's bytes depend on the rows only, never
  on how they were chunked or on how many processes made them;
* :func:`run_chunks` maps a function over chunks in local worker processes,
  and :func:`run_on_dask` over the workers of a Dask cluster, yielding the
  results in input order with a bounded number of chunks in flight, so memory
  stays flat however large the batch;
* :func:`atomic_path` gives a file a temporary name until it is complete;
* :class:`Stats` records the wall-clock and CPU seconds, the characters and
  the resident memory of each stage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import os
import re
import resource
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from joblib.externals.loky import get_reusable_executor

#: Parquet compression of every written table.
COMPRESSION = "zstd"


#: Articles per chunk handed to a worker (the default ``chunk_size`` of ``analyze``).
DEFAULT_CHUNK_SIZE = 2000


#: Chunks handed to the workers ahead of the one being consumed, per worker.
AHEAD_PER_WORKER = 2


#: Seconds an idle worker process waits for more work before it exits.
_IDLE_SECONDS = 300


#: Growth of a worker's resident memory past its size after its first task (bytes) at which
#: loky replaces the worker as leaking (loky's own limit is 300 MB).
WORKER_GROWTH_BYTES = 2**30


def cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class TableWriter:
    """Write a Parquet file in row groups of exactly ``row_group_rows`` rows (the last fewer).

    Rows are buffered until a row group is full, and each column of a row
    group is written as one contiguous array (the Parquet writer would cut
    its pages where the tables passed in were cut), so the file is the same
    whatever the sizes of the tables passed to :meth:`write`. The file is
    written beside ``path`` and moved onto it by :meth:`commit`.

    Parameters
    ----------
    path : Path
        The file to make.
    schema : pyarrow.Schema
        Every table written is cast to it.
    row_group_rows : int
    """

    def __init__(self, path: Path, schema: pa.Schema, row_group_rows: int):
        self.path = Path(path)
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.rows = 0
        self._temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        self._writer = pq.ParquetWriter(self._temporary, schema, compression=COMPRESSION)
        self._buffer: list[pa.Table] = []
        self._buffered = 0

    def write(self, table: pa.Table) -> None:
        """Add rows; every full row group is written at once."""
        self._buffer.append(table.select(self.schema.names).cast(self.schema))
        self._buffered += table.num_rows
        self.rows += table.num_rows
        if self._buffered >= self.row_group_rows:
            pending = pa.concat_tables(self._buffer)
            full = self._buffered - self._buffered % self.row_group_rows
            for start in range(0, full, self.row_group_rows):
                self._writer.write_table(
                    pending.slice(start, self.row_group_rows).combine_chunks())
            self._buffer = [pending.slice(full)]
            self._buffered -= full

    def commit(self) -> Path:
        """Write the last rows, close the file and move it into place."""
        if self._buffered or self.rows == 0:
            self._writer.write_table(pa.concat_tables(self._buffer).combine_chunks()
                                     if self._buffer else self.schema.empty_table())
        self._writer.close()
        os.replace(self._temporary, self.path)
        return self.path

    def abort(self) -> None:
        """Close and delete the unfinished file."""
        self._writer.close()
        self._temporary.unlink(missing_ok=True)


@dataclass
class StageStats:
    """What one stage cost, summed over chunks and processes.

    Attributes
    ----------
    seconds : float
        Wall-clock seconds of the chunks of work of the stage, summed over the
        processes that ran them.
    elapsed : float
        Wall-clock seconds from the start to the end of the stage as a whole,
        for stages that the calling process oversees (reading, writing).
    cpu_seconds : float
        CPU seconds of all processes in the stage.
    articles, chars : int
        Articles and characters of article text the stage went through.
    rss : int
        Largest resident memory (bytes) of a process right after the stage.
    cached : int
        Chunks whose result came from the cache.
    computed : int
        Chunks computed.
    """

    seconds: float = 0.0
    elapsed: float = 0.0
    cpu_seconds: float = 0.0
    articles: int = 0
    chars: int = 0
    rss: int = 0
    cached: int = 0
    computed: int = 0

    def add(self, other: StageStats) -> None:
        """Add another record of the same stage."""
        self.seconds += other.seconds
        self.elapsed += other.elapsed
        self.cpu_seconds += other.cpu_seconds
        self.articles += other.articles
        self.chars += other.chars
        self.rss = max(self.rss, other.rss)
        self.cached += other.cached
        self.computed += other.computed


@dataclass
class Stats:
    """Stage records by stage name, in the order the stages first ran."""

    stages: dict[str, StageStats] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, *, articles: int = 0, chars: int = 0, whole: bool = False
              ) -> Iterator[StageStats]:
        """Time a block as a chunk of work of the stage ``name``, or as the stage as a
        ``whole``: its wall-clock time then counts as ``elapsed``, and its CPU time is
        not counted (the chunks' records count it)."""
        record = StageStats(articles=articles, chars=chars)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield record
        finally:
            if whole:
                record.elapsed = time.perf_counter() - wall
            else:
                record.seconds = time.perf_counter() - wall
                record.cpu_seconds = time.process_time() - cpu
            record.rss = resident_bytes()
            self.stages.setdefault(name, StageStats()).add(record)

    def add(self, other: Stats) -> None:
        """Add the records of another process or chunk."""
        for name, record in other.stages.items():
            self.stages.setdefault(name, StageStats()).add(record)

    def as_dict(self) -> dict[str, dict[str, float]]:
        """Plain numbers by stage, for printing or JSON."""
        return {name: vars(record).copy() for name, record in self.stages.items()}


_RSS = re.compile(r"VmRSS:\s+(\d+) kB")


def resident_bytes() -> int:
    """This process's resident memory now, in bytes (its peak so far where that is unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return int(_RSS.search(status.read())[1]) * 1024
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_chunks(
    function: Callable[[object, object], object],
    chunks: Iterable[object],
    *,
    settings: object,
    jobs: int,
) -> Iterator[object]:
    """``function(chunk, settings)`` for every chunk, in input order.

    With ``jobs > 1`` the chunks run in that many worker processes (loky's
    reusable pool, which stays up between calls, so a notebook pays for
    starting the workers once). A chunk is handed out only when fewer than
    :data:`AHEAD_PER_WORKER` chunks per worker wait to be consumed, so memory
    stays flat however many chunks there are and however slowly the results are
    consumed. With ``jobs == 1``, or a single chunk, everything runs in this
    process.

    Parameters
    ----------
    function : callable
        A module-level function.
    chunks : iterable
    settings : object
        Picklable; sent with every chunk.
    jobs : int

    Yields
    ------
    object
        What ``function`` returned, chunk by chunk.
    """
    chunks = iter(chunks)
    head = list(itertools.islice(chunks, 2))
    if jobs == 1 or len(head) < 2:
        for chunk in itertools.chain(head, chunks):
            yield _call_and_release(function, chunk, settings)
        return
    executor = _executor(jobs)
    yield from _in_order(
        (executor.submit(_call_and_release, function, chunk, settings)
         for chunk in itertools.chain(head, chunks)), ahead=AHEAD_PER_WORKER * jobs)


def _executor(jobs: int) -> object:
    """loky's reusable pool of ``jobs`` worker processes (started if needed)."""
    silence_worker_replacement()
    return get_reusable_executor(max_workers=jobs, timeout=_IDLE_SECONDS,
                                 initializer=_allow_worker_growth)


def prepare_workers(function: Callable[..., object], *args: object, jobs: int
                    ) -> list[Future]:
    """Hand ``function(*args)`` to the workers of :func:`run_chunks`'s pool, once per
    worker, without waiting for it.

    For work that each worker would otherwise do at the start of its first chunk
    (importing modules, loading models) while the calling process is busy on its own:
    the chunks handed out next wait behind it. Every worker takes one task when all
    are idle; a worker that takes two finds the second already done.

    Parameters
    ----------
    function : callable
        A module-level function.
    *args : object
        Picklable.
    jobs : int
        The number of workers, as given to :func:`run_chunks`.

    Returns
    -------
    list of concurrent.futures.Future
    """
    executor = _executor(jobs)
    return [executor.submit(function, *args) for _ in range(jobs)]


def _allow_worker_growth() -> None:
    """Let a worker grow by :data:`WORKER_GROWTH_BYTES` before loky replaces it (run in
    each worker as it starts).

    loky measures a worker's memory after its first task and replaces the worker
    once it has grown 300 MB past that. A worker whose first task read a batch part
    grows about that much when it goes on to annotate (the lexicons' automata, the
    target model), so each worker was replaced after its first chunk, and its
    replacement imported the package and loaded every model again (about 2.5 CPU s
    per worker, with both cores idle while they started). Workers release freed
    memory after every chunk (:func:`release_memory`), so a larger allowance still
    catches a real leak.
    """
    from joblib.externals.loky import process_executor

    process_executor._MAX_MEMORY_LEAK_SIZE = WORKER_GROWTH_BYTES


def silence_worker_replacement() -> None:
    """Hide loky's warning that "a worker stopped while some jobs were given".

    loky replaces a worker whose memory has grown 300 MB past what it used after
    its first chunk (its guard against leaks; a worker that read a batch part
    first and then scores sentiment grows that much). The chunks handed to it
    run on the other workers and the tables do not change, so the warning tells
    a researcher nothing to act on. Only that message from loky is hidden.
    """
    warnings.filterwarnings("ignore", message="A worker stopped while some jobs were given",
                            category=UserWarning, module=r"joblib\.externals\.loky\.")


def _in_order(futures: Iterator, *, ahead: int) -> Iterator[object]:
    """The results of the futures in order, submitting at most ``ahead`` more than
    have been consumed (the iterator submits each future as it is drawn)."""
    pending: deque = deque()
    try:
        for future in futures:
            pending.append(future)
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def run_on_dask(
    function: Callable[[object, object], object],
    chunks: Iterable[object],
    *,
    settings: object,
    client: object,
) -> Iterator[object]:
    """:func:`run_chunks` on a Dask cluster: each chunk is a task, results in input order.

    At most :data:`AHEAD_PER_WORKER` tasks per worker of the cluster are in
    flight, so the chunks are made as the cluster takes them.

    Parameters
    ----------
    function : callable
        A module-level function, importable on the workers.
    chunks : iterable
    settings : object
        Picklable; sent with every chunk.
    client : distributed.Client

    Yields
    ------
    object
        What ``function`` returned, chunk by chunk.
    """
    ahead = AHEAD_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
    yield from _in_order((client.submit(_call_and_release, function, chunk, settings, pure=False)
                          for chunk in chunks), ahead=ahead)


def _call_and_release(function: Callable[[object, object], object], chunk: object,
                      settings: object) -> object:
    result = function(chunk, settings)
    release_memory(unless_below=RELEASE_ABOVE_BYTES)
    return result


#: A worker hands freed memory back once its resident size has grown this much since
#: it last did: trimming after every chunk costs more in page faults than it saves.
RELEASE_ABOVE_BYTES = 128 * 2**20


_resident_after_release = 0


def release_memory(*, unless_below: int = 0) -> None:
    """Hand memory freed by the last chunk back to the operating system.

    Both the C heap (glibc's ``malloc_trim``, where there is one) and Arrow's
    memory pool keep freed memory for reuse; over many chunks of different
    shapes that shows as a resident size that creeps up.

    Parameters
    ----------
    unless_below : int, default 0
        Do nothing while this process's resident size is less than this many
        bytes above what it was after the last release.
    """
    global _resident_after_release
    if unless_below and resident_bytes() < _resident_after_release + unless_below:
        return
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
    _resident_after_release = resident_bytes()


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _libc()
