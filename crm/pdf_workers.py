"""PDF worker processes end with the web process that started them.

A worker blocks on its task queue, whose pipe it holds both ends of, so it
never sees its parent go: a web process stopped with SIGTERM, or killed,
used to leave its workers (hundreds of MB each) running for good. Three walls:

- on Linux the worker asks the kernel for SIGKILL when its parent dies
  (prctl PR_SET_PDEATHSIG). The kernel sends it when the *thread* that started
  the worker ends, so workers are started by one launcher thread that lives
  as long as the process, never by a request's thread;
- a watchdog thread in the worker ends it once its parent is gone (other
  systems, or a parent that died before the prctl);
- a web process stopped with SIGTERM (when nothing else handles that signal)
  kills its workers first, then ends as SIGTERM would have ended it.

The multiprocessing resource tracker (another child of the web process, started
with the first pool) is kept: after a SIGKILL it is what removes the semaphores
the pool leaves in /dev/shm. It ends by itself when the last process holding its
pipe ends, that is the web process and its workers, so the walls above end it too
(tests/test_pdf_workers.py kills a gunicorn worker during a render and checks).
"""
import ctypes
import os
import queue
import resource
import signal
import sys
import threading
import time
import weakref

PR_SET_PDEATHSIG = 1  #: from <linux/prctl.h>
WATCH_INTERVAL = 0.5  #: seconds between the watchdog's looks at the parent

_pools: "weakref.WeakSet" = weakref.WeakSet()  #: every live ProcessPoolExecutor of PDF workers
_jobs: queue.SimpleQueue = queue.SimpleQueue()
_launcher: threading.Thread | None = None
_launcher_lock = threading.Lock()


# -- in the worker ------------------------------------------------------------------------------------------

def start_worker(memory_mb: int, parent_pid: int) -> None:
    """The worker's initializer: end with the parent, then bound the memory."""
    end_with_parent(parent_pid)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def end_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog still ends the worker
    if os.getppid() != parent_pid:  # the parent died before the worker could ask
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="pdf-parent-watchdog").start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


# -- in the web process -------------------------------------------------------------------------------------

def _launch_forever() -> None:
    while True:
        job, answer = _jobs.get()
        try:
            answer.put((job(), None))
        except BaseException as error:  # handed to the caller, who raises it
            answer.put((None, error))


def on_launcher_thread(job):
    """Run job (which starts worker processes) on the process's one long-lived launcher thread."""
    global _launcher
    with _launcher_lock:
        if _launcher is None or not _launcher.is_alive():  # not yet, or the process was forked since
            _launcher = threading.Thread(target=_launch_forever, daemon=True, name="pdf-worker-launcher")
            _launcher.start()
    answer: queue.SimpleQueue = queue.SimpleQueue()
    _jobs.put((job, answer))
    result, error = answer.get()
    if error is not None:
        raise error
    return result


def watch_pool(pool) -> None:
    """Remember a pool of workers, so SIGTERM can stop them; installs the handler when it can."""
    _pools.add(pool)
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        # only in place of the default: a server with its own handler (gunicorn) shuts down cleanly and
        # stops the workers at exit
        signal.signal(signal.SIGTERM, _stop_workers_then_terminate)


def kill_workers() -> None:
    for pool in list(_pools):
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                process.kill()
            except (OSError, ValueError):
                pass


def _stop_workers_then_terminate(signum, _frame) -> None:
    kill_workers()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
