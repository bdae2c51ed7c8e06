"""PDF worker processes end with their web process: stopped with SIGTERM or killed, it leaves none behind."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crm.pdf import Renderer

ROOT = Path(__file__).resolve().parents[1]
#: a web process in miniature: the app's own renderer renders one PDF, says so, then waits to be stopped
WEB_PROCESS = """
import sys, time, types
from crm.pdf import renderer
config = {"PDF_TIMEOUT_SECONDS": 60, "PDF_MEMORY_MB": 2048, "PDF_WORKERS": 2, "PDF_RENDERS_PER_USER": 1}
pdf, _refused = renderer(types.SimpleNamespace(config=config)).render("<html><body><p>Hello</p></body></html>")
assert pdf.startswith(b"%PDF")
print("rendered", flush=True)
time.sleep(300)
"""
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")


def alive(pid: int) -> bool:
    """Running (a zombie nobody has reaped yet has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def pdf_workers_of(parent: int) -> list[int]:
    workers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"spawn_main" in command:
            workers.append(int(entry.name))
    return workers


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return not any(alive(pid) for pid in pids)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_stopped_web_process_leaves_no_pdf_worker_behind(stop):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    web = subprocess.Popen([sys.executable, "-c", WEB_PROCESS], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    workers = []
    try:
        assert web.stdout.readline().strip() == "rendered"
        workers = pdf_workers_of(web.pid)
        assert workers and all(alive(pid) for pid in workers)
        web.send_signal(stop)
        web.wait(timeout=10)
        assert gone_within(workers, 5), f"PDF workers {workers} outlived their web process ({stop.name})"
    finally:
        web.kill()
        web.wait()
        for pid in workers:  # never leave one running, even when the test fails
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def test_a_worker_started_for_a_request_thread_outlives_that_thread():
    """The kernel's parent-death signal follows the thread that started a worker: a request's thread ending
    must not take the worker (and the next render) with it."""
    renderer = Renderer(timeout=60, memory_mb=2048)
    try:
        first = threading.Thread(target=renderer.render, args=("<html><body><p>one</p></body></html>",))
        first.start()
        first.join()
        workers = pdf_workers_of(os.getpid())
        assert workers
        time.sleep(0.5)  # a worker killed by its thread's end would be gone by now
        assert all(alive(pid) for pid in workers)
        pdf, _refused = renderer.render("<html><body><p>two</p></body></html>")
        assert pdf.startswith(b"%PDF") and pdf_workers_of(os.getpid()) == workers
    finally:
        renderer.shutdown(kill=True)
