"""The explorers' worker process (kamlab._util.worker): another process, lower priority, the caller's thread
limit; failures, interrupts and exit never give a wrong answer or a hanging kernel."""

import os
import sys

import pytest

from kamlab._util import worker as wk


def test_worker_process_runs_a_function_in_another_process_at_lower_priority_with_the_callers_thread_limit():
    import os
    import signal

    import kamlab

    worker = wk.WorkerProcess()
    try:
        pid = worker.run(os.getpid)
        assert pid != os.getpid()  # another process
        assert worker.run(os.getppid) == os.getpid()  # started by this one (no fork of a fork)
        assert worker.run(os.nice, 0) == min(19, os.nice(0) + wk.WorkerProcess.NICE)  # the OS prefers the kernel
        with kamlab.threads(3):
            assert worker.run(kamlab.get_threads) == 3  # the fits use the thread limit of the caller
        assert worker.run(kamlab.get_threads) == kamlab.get_threads()
        assert worker.run(divmod, 17, 5) == (3, 2)
        with pytest.raises(ZeroDivisionError, match="by zero"):  # the worker's exception, raised here
            worker.run(divmod, 1, 0)
        assert worker.run(os.getpid) == pid  # one process, kept between calls (also after an exception)
        os.kill(pid, signal.SIGINT)  # interrupting the kernel (Jupyter signals its process group)
        assert worker.run(os.getpid) == pid  # does not end the worker
        with pytest.raises(wk.WorkerUnavailable):  # a lambda cannot go to another process ...
            worker.run(lambda: 1)
        assert worker.failures == 0 and worker.run(os.getpid) == pid  # ... which stays
    finally:
        worker.close()


def test_without_a_worker_process_run_in_worker_computes_in_this_thread(monkeypatch):
    import os

    starts = []

    class Broken(wk.WorkerProcess):
        def _start(self):
            starts.append(1)
            raise OSError("no processes here")  # as in a browser-only Python

    monkeypatch.setattr(wk, "_WORKER", Broken())
    assert wk.run_in_worker(os.getpid) == os.getpid()
    assert wk.run_in_worker(divmod, 17, 5) == (3, 2)
    assert wk.run_in_worker(divmod, 9, 2) == (4, 1)
    assert wk.run_in_worker(lambda x: x + 1, 1) == 2  # not picklable: computed here as well
    assert len(starts) == wk.WorkerProcess.RETRIES  # then not tried again
    with pytest.raises(wk.WorkerUnavailable):
        wk._WORKER.run(os.getpid)


def test_a_worker_process_that_dies_is_replaced_and_a_call_it_cannot_answer_computed_here(monkeypatch):
    import os

    worker = wk.WorkerProcess()
    monkeypatch.setattr(wk, "_WORKER", worker)
    try:
        first = wk.run_in_worker(os.getpid)
        worker._process.kill()  # died between two calls: the next call starts a new one
        worker._process.wait()
        assert wk.run_in_worker(os.getpid) not in (first, os.getpid())
        assert worker.failures == 0
        # a worker that ends without answering (here: it exits at once): the call is computed in this thread
        quits = wk.WorkerProcess([sys.executable, "-c", "pass"])
        monkeypatch.setattr(wk, "_WORKER", quits)
        assert wk.run_in_worker(os.getpid) == os.getpid()
    finally:
        worker.close()


def test_the_worker_process_ends_when_the_kernel_that_started_it_dies():
    import os
    import subprocess
    import textwrap
    import time

    script = textwrap.dedent("""
        import os
        from kamlab._util.worker import WorkerProcess

        worker = WorkerProcess()
        print(worker.run(os.getpid), flush=True)
        os.kill(os.getpid(), 9)  # the kernel dies: no atexit, no closing of the pipes
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    pid = int(run.stdout.split()[0])
    for _ in range(300):  # it notices within about a second; wait up to 30 s on a loaded machine
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        _reap(pid)
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        pytest.fail("the worker process outlived the process that started it")


def _reap(pid):
    import os

    try:  # a worker re-parented to this process (a subreaper) is a zombie until reaped
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def test_an_interrupted_call_never_hands_its_answer_to_the_next_call():
    """Interrupted while the worker computes (KeyboardInterrupt in the kernel), the worker is ended: the next call
    gets its own answer, not the interrupted call's (which was still on its way)."""
    import signal
    import time

    process = wk.WorkerProcess()

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        assert process.run(str, "warm up") == "warm up"
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(KeyboardInterrupt):
            process.run(time.sleep, 2)  # its answer (None) would come 1.7 s later
        assert process.run(str, "second request") == "second request"
        assert process.failures == 0  # an interrupt is not the worker's failure
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        process.close()


def test_at_exit_run_in_worker_computes_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(wk, "_WORKER", wk.WorkerProcess())
    monkeypatch.setattr(wk, "EXITING", __import__("threading").Event())
    wk.EXITING.set()
    with pytest.raises(wk.WorkerUnavailable):
        wk.run_in_worker(calls.append, 1)  # neither in the worker nor in this thread
    assert calls == []


def test_the_worker_imports_the_kernels_kamlab_not_one_in_the_working_folder(tmp_path, monkeypatch):
    import pkgutil

    import kamlab

    shadow = tmp_path / "kamlab"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('the wrong kamlab')\n")
    monkeypatch.chdir(tmp_path)  # a notebook's folder holding a kamlab/ folder of its own
    process = wk.WorkerProcess()
    try:
        assert process.run(pkgutil.resolve_name, "kamlab:__file__") == kamlab.__file__
    finally:
        process.close()


class _Odd(Exception):
    """An exception that pickles but cannot be rebuilt (its __init__ wants two arguments, pickle gives one)."""

    def __init__(self, a, b):
        super().__init__(a)


def _raise_odd():
    raise _Odd("odd", "one")


def test_an_exception_the_kernel_cannot_rebuild_arrives_as_a_runtime_error_with_the_workers_traceback():
    import pickle

    status, value, trace = pickle.loads(wk._answer(_raise_odd, (), {}, None))  # what the worker sends
    assert status == "error" and type(value) is RuntimeError and str(value) == "_Odd: odd"
    assert "_raise_odd" in trace  # the worker's traceback travels with it
    process = wk.WorkerProcess()
    try:
        with pytest.raises(ZeroDivisionError) as raised:
            process.run(divmod, 1, 0)
        assert "In kamlab's worker process" in "\n".join(getattr(raised.value, "__notes__", []))
        assert process.failures == 0 and process.run(os.getpid) != os.getpid()  # an exception is no failure
    finally:
        process.close()
