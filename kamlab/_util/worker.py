"""The explorers' worker process: heavy background work (model fits ahead) outside the kernel's process.

Fits ahead (settings a student will likely ask for next) in a thread of the kernel hold the interpreter
lock for much of their time (scikit-learn's Python between its compiled loops) and share the CPU with
the kernel at the same priority: another explorer moved meanwhile answers slower. In a
:class:`WorkerProcess` they hold neither.
"""

from __future__ import annotations

import threading

__all__ = ["WorkerProcess", "WorkerUnavailable", "run_in_worker", "EXITING"]

#: Set when the interpreter exits (kamlab._util.live's exit handler): no worker is started, no call made.
EXITING = threading.Event()

_SIZE = 8  # bytes of the length before each message (little-endian)


class WorkerUnavailable(RuntimeError):
    """The worker process could not be started or died (the caller computes in its own thread instead)."""


def _send(stream, data):
    stream.write(len(data).to_bytes(_SIZE, "little") + data)
    stream.flush()


def _receive(stream):
    """One message (bytes); EOFError when the other side closed the pipe."""
    head = stream.read(_SIZE)
    if len(head) < _SIZE:
        raise EOFError("the pipe closed")
    size = int.from_bytes(head, "little")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the pipe closed in a message")
    return data


class WorkerProcess:
    """A low-priority Python process that runs the explorers' heavy background work, one call at a time.

    It is started with :mod:`subprocess` (a new interpreter, never a fork of the kernel and its
    threads) and imports the kamlab the kernel uses (its folder first on the worker's path), lowers its
    own priority by :attr:`NICE`, runs ``function(*args, **kwargs)`` with kamlab's thread limit of the
    caller, and sends the result back (pickled, over its standard input and output, between the
    kernel and its own child: never data read from a file). It ends when the kernel ends (its input
    closes, or its parent process changes) and at the kernel's exit.

    :meth:`run` raises :class:`WorkerUnavailable` when the process cannot start (no subprocesses, as in
    a browser-only Python) or dies; after :attr:`RETRIES` such failures it is not started again. An
    exception of the function is raised in the caller (as a :class:`RuntimeError` naming it where it
    cannot be rebuilt there), with the worker's traceback as a note.
    """

    #: added to the worker's niceness (POSIX): the system prefers the kernel and the browser
    NICE = 10
    #: failures (could not start, died) after which no worker is started again in this kernel
    RETRIES = 2

    def __init__(self, command=None):
        self.command = command
        self.failures = 0
        self._process = None
        self._lock = threading.Lock()

    def _start(self):
        import subprocess
        import sys
        from pathlib import Path

        import kamlab

        here = str(Path(kamlab.__file__).resolve().parents[1])  # this kamlab, ahead of the working folder's
        code = f"import sys; sys.path.insert(0, {here!r}); from kamlab._util.worker import _main; _main()"
        command = self.command or [sys.executable, "-c", code, str(self.NICE)]
        if not command[0]:
            raise OSError("no Python executable to start")
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                close_fds=True)

    @property
    def available(self):
        """False after :attr:`RETRIES` failures or at exit: :meth:`run` raises at once."""
        return self.failures < self.RETRIES and not EXITING.is_set()

    def run(self, function, *args, **kwargs):
        """``function(*args, **kwargs)`` in the worker process; its result, or the exception it raised.

        ``function`` and the arguments must be picklable (a function of a module, data). Raises
        :class:`WorkerUnavailable` if they are not, or if the process cannot start, dies or answers
        something that cannot be read here. Interrupted (``KeyboardInterrupt``) while it waits, it ends
        the worker (its answer would belong to this call) and the next call starts a new one.
        """
        import pickle

        from kamlab.config import get_threads

        try:
            request = pickle.dumps((function, args, kwargs, get_threads()), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 -- a lambda, an open file, ...: not for another process
            raise WorkerUnavailable(f"cannot be sent to the worker process: {error!r}") from error
        with self._lock:
            if not self.available:
                raise WorkerUnavailable("no worker process")
            try:
                if self._process is None or self._process.poll() is not None:
                    self._process = self._start()
                _send(self._process.stdin, request)
                status, value, trace = pickle.loads(_receive(self._process.stdout))
            except Exception as error:  # noqa: BLE001 -- died, or an answer half read: a new worker next time
                self.failures += 1
                self._stop()
                raise WorkerUnavailable(f"the worker process failed: {error!r}") from error
            except BaseException:  # interrupted: the answer still to come is this call's, never the next one's
                self._stop()
                raise
        if status == "error":
            if trace and hasattr(value, "add_note"):
                value.add_note("In kamlab's worker process:\n" + trace)
            raise value
        return value

    def _stop(self):
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:  # pragma: no cover - a pipe already broken
                pass
        try:
            process.kill()
            process.wait(5)
        except Exception:  # noqa: BLE001  # pragma: no cover - already gone
            pass

    def close(self):
        """End the worker process (at exit; a later :meth:`run` starts a new one unless exiting)."""
        process = self._process
        if process is not None:  # without the lock: a run waiting for the worker gets EOF and returns
            try:
                process.kill()
            except OSError:  # pragma: no cover
                pass
        with self._lock:
            self._stop()


_WORKER = WorkerProcess()


def run_in_worker(function, *args, **kwargs):
    """``function(*args, **kwargs)`` in the kernel's low-priority worker process (:class:`WorkerProcess`), or in
    this thread where no worker process can run. The same result either way (same code, same thread limit).
    At exit it computes nothing: it raises :class:`WorkerUnavailable` (a fit ahead is not worth the wait)."""
    try:
        return _WORKER.run(function, *args, **kwargs)
    except WorkerUnavailable:
        if EXITING.is_set():
            raise
        return function(*args, **kwargs)


def _answer(function, args, kwargs, limit):
    """``(status, value, traceback text)`` of a call, made so that the kernel can read it back."""
    import pickle
    import traceback

    from kamlab.config import threads

    try:
        with threads(limit):
            return pickle.dumps(("ok", function(*args, **kwargs), ""), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001 -- sent to the kernel, raised there
        trace = traceback.format_exc()
        try:
            data = pickle.dumps(("error", error, trace), protocol=pickle.HIGHEST_PROTOCOL)
            pickle.loads(data)  # an exception that cannot be rebuilt there is sent as its text
            return data
        except Exception:  # noqa: BLE001
            return pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}"), trace))


def _main():
    """The worker process: read requests (function, args, kwargs, threads), answer each ("ok"/"error", value, trace)."""
    import os
    import pickle
    import signal
    import sys
    import time

    try:  # interrupting the kernel (Jupyter signals its process group) interrupts the kernel, not its fits ahead
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (AttributeError, ValueError):  # pragma: no cover
        pass
    if len(sys.argv) > 1:
        try:
            os.nice(int(sys.argv[1]))
        except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX, or not allowed
            pass
    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to standard error, never into the answers
    sys.stdout = sys.stderr
    parent = os.getppid()

    def watch():  # the kernel died in the middle of a fit: end now, not after it
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    while True:
        try:
            request = _receive(inp)
        except (EOFError, OSError):
            return  # the kernel closed the pipe: it ended
        try:
            function, args, kwargs, limit = pickle.loads(request)
        except Exception as error:  # noqa: BLE001 -- e.g. a function of the kernel's __main__: answered, not fatal
            data = pickle.dumps(("error", RuntimeError(f"the worker cannot read the call: {error!r}"), ""))
        else:
            data = _answer(function, args, kwargs, limit)
        try:
            _send(out, data)
        except OSError:
            return
