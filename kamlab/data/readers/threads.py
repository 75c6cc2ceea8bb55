"""The reader's worker threads (two, made at the first big read and kept for the process), big arrays in
memory from Arrow's pool, and the handing back of the memory a big read's temporary arrays took (used by the
Parquet and text fast paths and the conversion)."""

from __future__ import annotations

import functools
import threading

import numpy as np


def _thread_pool(jobs):
    """A ``with`` block giving the reader's worker threads for ``jobs`` pieces of work on big columns (leaving
    it waits for the work handed to them there), or a block giving None: no jobs, ``kamlab.get_threads()`` is
    1, or the caller is one of those threads itself."""
    import contextlib

    if not jobs or not _threads_allowed():
        return contextlib.nullcontext()
    return _Jobs(_workers())


def _threads_allowed():
    """True unless ``kamlab.get_threads()`` is 1 or the caller is one of the reader's worker threads."""
    from kamlab.config import get_threads

    return get_threads() != 1 and not _in_worker()


def _start(function, *args):
    """The future of ``function(*args)`` started now in a worker thread, in the caller's context (its
    language), for a caller that waits for it or cancels it itself; None where the reader works in one thread
    (:func:`_threads_allowed`)."""
    import contextvars

    if not _threads_allowed():
        return None
    return _workers().submit(contextvars.copy_context().run, function, *args)


class _Jobs:
    """The work handed to the reader's workers in one ``with`` block, waited for when it ends."""

    def __init__(self, pool):
        self._pool, self._futures = pool, []

    def submit(self, function, *args):
        """The future of ``function(*args)``, run in the caller's context (its language)."""
        import contextvars

        future = self._pool.submit(contextvars.copy_context().run, function, *args)
        self._futures.append(future)
        return future

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        import concurrent.futures

        concurrent.futures.wait(self._futures)


_WORKER = "kamlab-reader"
_POOL = {}  # the reader's two worker threads and the process that made them
_POOL_LOCK = threading.Lock()


def _workers():
    """The reader's two worker threads, made at the first big read of the process and kept for the next ones.

    Kept, not made for each read: the memory a thread's allocators hold (Arrow's mimalloc and the C
    library give each thread its own) is used again by the next read instead of being handed back to the
    system at the thread's end and asked for anew (on 10 million Parquet lines that was half of the system
    time of a read). Idle threads cost nothing; a forked child makes its own.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    with _POOL_LOCK:  # two threads reading their first big files at once make one pool
        if _POOL.get("pid") != os.getpid():
            _POOL.update(pool=ThreadPoolExecutor(2, thread_name_prefix=_WORKER), pid=os.getpid())
        return _POOL["pool"]


def _in_worker():
    """True in one of the reader's worker threads (work started there is done there: waiting for the other
    worker from inside one could wait for ever)."""
    return threading.current_thread().name.startswith(_WORKER)


def _hand_back_memory():
    """Hand the memory the allocators keep after a big read's temporary arrays are freed back to the system:
    what Arrow's default pool holds (mimalloc keeps what its threads freed) and the free memory of the C
    library's heaps (glibc keeps freed chunks in each thread's heap). No change of any setting; a few ms.
    Measured on a 3 M-line German CSV: the read's peak about 50 MB lower."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_POOL_MIN = 1 << 16  # arrays from this many items are made in Arrow's pool (:func:`_pool_empty`)


def _pool_empty(n, dtype):
    """``np.empty(n, dtype)``, for a big array in memory from Arrow's default pool: it keeps the memory freed by
    earlier arrays for the next ones, where numpy's big arrays are fresh pages from the system each time
    (measured here: 80 MB of them 0.01 s in the pool's memory, up to 0.25 s fresh, which a VM is slow to hand
    out). Writable and 64-byte aligned; the array holds its memory and gives it back to the pool when it goes."""
    dtype = np.dtype(dtype)
    if n < _POOL_MIN or dtype.hasobject:
        return np.empty(n, dtype=dtype)
    import pyarrow as pa

    return np.frombuffer(pa.allocate_buffer(n * dtype.itemsize), dtype=dtype)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library, another system)."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


def _in_threads(function, items):
    """``[function(item) for item in items]``, two at a time in the reader's worker threads (Arrow and numpy
    release the GIL), each in the caller's context (its language); one at a time when ``kamlab.get_threads()``
    is 1 or the caller is a worker itself."""
    if len(items) < 2 or not _threads_allowed():
        return [function(item) for item in items]
    with _Jobs(_workers()) as jobs:
        futures = [jobs.submit(function, item) for item in items]
    return [future.result() for future in futures]
