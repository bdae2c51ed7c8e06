"""PDF worker processes end with their web process: stopped with SIGTERM or killed (during a render too, and
as a gunicorn worker), it leaves none behind, nor the multiprocessing resource tracker."""
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


# -- killed in the middle of a render (the out-of-memory killer's way), resource tracker included --------------

#: a document that keeps a worker busy for seconds (an expression: the text itself is too long for a command line)
LONG_DOCUMENT = '"<html><body>" + "<p>Sister cities exchange delegations every year.</p>" * 10000 + "</body></html>"'

RENDERING_PROCESS = """
import threading, time, types
from crm.pdf import renderer
config = {"PDF_TIMEOUT_SECONDS": 120, "PDF_MEMORY_MB": 2048, "PDF_WORKERS": 2, "PDF_RENDERS_PER_USER": 1}
pool = renderer(types.SimpleNamespace(config=config))
pool.render("<html><body><p>Hello</p></body></html>")
def render_on():  # one render after another, so a worker is busy whenever the test looks, however fast it is
    while True:
        pool.render(%s)
threading.Thread(target=render_on, daemon=True).start()
print("rendering", flush=True)
time.sleep(300)
""" % LONG_DOCUMENT

#: the smallest WSGI app that renders a PDF on the app's own pool, for a real gunicorn
GUNICORN_APP = """
import types
from crm.pdf import renderer
CONFIG = {"PDF_TIMEOUT_SECONDS": 120, "PDF_MEMORY_MB": 2048, "PDF_WORKERS": 2, "PDF_RENDERS_PER_USER": 1}
LONG_DOCUMENT = %s

def app(environ, start_response):
    html = LONG_DOCUMENT if environ["PATH_INFO"] == "/long" else "<p>Hello</p>"
    pdf, _refused = renderer(types.SimpleNamespace(config=CONFIG)).render(html)
    start_response("200 OK", [("Content-Type", "application/pdf")])
    return [pdf]
""" % LONG_DOCUMENT


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def descendants_of(root: int) -> list[int]:
    """Every process below root: PDF workers and the multiprocessing resource tracker among them."""
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and parent_of(int(entry.name)) == parent:
                found.append(int(entry.name))
                frontier.append(int(entry.name))
    return found


def command_of(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def busy(pid: int, seconds: float = 0.5) -> bool:
    """The process used CPU time in the last moment (a render is running in it)."""
    def cpu():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    try:
        before = cpu()
        time.sleep(seconds)
        return cpu() > before
    except OSError:
        return False


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def assert_killed_during_a_render_leaves_nothing(owner: int) -> None:
    children = descendants_of(owner)
    workers = [pid for pid in children if b"spawn_main" in command_of(pid)]
    trackers = [pid for pid in children if b"resource_tracker" in command_of(pid)]
    assert workers and trackers, [command_of(pid) for pid in children]
    deadline = time.monotonic() + 30
    while not any(busy(pid) for pid in workers):
        assert time.monotonic() < deadline, "no worker started rendering"
    try:
        os.kill(owner, signal.SIGKILL)
        left = [pid for pid in children if not gone_within([pid], 5)]
        assert not left, f"outlived their process: {[command_of(pid) for pid in left]}"
    finally:
        kill_all(children)


def test_a_process_killed_during_a_render_leaves_no_worker_nor_resource_tracker():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    web = subprocess.Popen([sys.executable, "-c", RENDERING_PROCESS], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           text=True)
    try:
        assert web.stdout.readline().strip() == "rendering"
        assert_killed_during_a_render_leaves_nothing(web.pid)
    finally:
        web.kill()
        web.wait()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_gunicorn_worker_killed_during_a_render_leaves_no_process_behind(tmp_path):
    """As the out-of-memory killer does it: SIGKILL to the gunicorn worker while it waits on a PDF."""
    import urllib.error
    import urllib.request

    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed beside this Python")
    (tmp_path / "pdf_app.py").write_text(GUNICORN_APP)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}
    master = subprocess.Popen([str(gunicorn), "--config", "/dev/null", "--workers", "1", "--threads", "2",
                               "--timeout", "120", "--bind", f"127.0.0.1:{port}", "--no-control-socket", "pdf_app:app"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    answers = []
    try:
        deadline = time.monotonic() + 60
        while True:  # up, with its workers started by a first render
            try:
                assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read().startswith(b"%PDF")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)

        def ask_for_the_long_document():
            try:
                answers.append(urllib.request.urlopen(f"http://127.0.0.1:{port}/long", timeout=120).read())
            except (urllib.error.URLError, ConnectionError, OSError) as error:
                answers.append(error)

        asking = threading.Thread(target=ask_for_the_long_document, daemon=True)
        asking.start()
        worker = next(pid for pid in descendants_of(master.pid) if parent_of(pid) == master.pid)
        assert_killed_during_a_render_leaves_nothing(worker)
        asking.join(timeout=30)
        assert answers and not isinstance(answers[0], bytes)  # killed before the PDF was sent: during the render
    finally:
        master.terminate()
        master.wait(timeout=30)


# -- warmed at start: the first document and the first lookup after a start do not wait ----------------------

def test_warming_is_on_by_default_in_production_only(app, tmp_path, monkeypatch):
    from crm.config import load_config

    monkeypatch.delenv("CRM_PDF_WARM_AT_START", raising=False)
    production = {"ENV": "production", "SECRET_KEY": "x", "PUBLIC_URL": "https://partners.example.org"}
    assert load_config(tmp_path, production)["PDF_WARM_AT_START"] is True
    assert load_config(tmp_path, {"SECRET_KEY": "x"})["PDF_WARM_AT_START"] is False
    assert app.config["PDF_WARM_AT_START"] is False  # the tests' app: nothing started behind their back
    monkeypatch.setenv("CRM_PDF_WARM_AT_START", "false")
    assert load_config(tmp_path, production)["PDF_WARM_AT_START"] is False
    monkeypatch.setenv("CRM_PDF_WARM_AT_START", "true")
    assert load_config(tmp_path, {"SECRET_KEY": "x"})["PDF_WARM_AT_START"] is True


def test_warming_starts_the_office_workers_and_loads_templates_and_the_gazetteer(app, monkeypatch):
    from crm.documents.warming import warm_at_start
    from crm.pdf import renderer

    assert warm_at_start(app) == []  # off: nothing started
    assert warm_at_start(object()) == []  # not the app (another WSGI callable): nothing either
    monkeypatch.setitem(app.config, "PDF_WARM_AT_START", True)
    app.jinja_env.cache.clear()
    threads = warm_at_start(app)
    assert len(threads) == 2
    for thread in threads:
        thread.join(timeout=180)
        assert not thread.is_alive()
    pool = renderer(app)
    assert all(worker.started for worker in pool.workers)
    templates = app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html"))
    assert len(app.jinja_env.cache) >= min(len(templates), 400)  # compiled (Jinja keeps 400)
    pdf, _refused = pool.render("<html lang='en'><body><p>after warming</p></body></html>")
    assert pdf.startswith(b"%PDF")


#: the app as gunicorn loads it (no preload), warming on, on a SQLite database of its own; /warmth says what is warm
WARMED_APP = """
from crm import create_app
from crm.access import PUBLIC
from crm.extensions import db

app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///%(folder)s/warm.sqlite3", "SECRET_KEY": "warm-test",
                  "ATTACHMENTS_DIR": "%(folder)s/files", "PDF_WARM_AT_START": True, "PDF_WORKERS": 2,
                  "RATELIMIT_ENABLED": False})
with app.app_context():
    db.create_all()


def warmth():
    import os
    from crm import pdf
    workers = pdf._renderer.workers if pdf._renderer else []
    return {"pid": os.getpid(), "pdf_workers_started": sum(worker.started for worker in workers),
            "templates_compiled": len(app.jinja_env.cache)}


warmth.allowed_roles = frozenset({PUBLIC})
app.add_url_rule("/warmth", view_func=warmth)
"""


def test_a_gunicorn_worker_warms_itself_after_the_fork_without_delaying_its_start(tmp_path):
    """gunicorn.conf.py's post_worker_init: each worker (never the master) starts its PDF workers and compiles
    its templates in the background, and answers requests meanwhile."""
    import json
    import urllib.error
    import urllib.request

    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed beside this Python")
    (tmp_path / "warmed_app.py").write_text(WARMED_APP % {"folder": tmp_path})
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}
    master = subprocess.Popen([str(gunicorn), "--config", str(ROOT / "gunicorn.conf.py"), "--workers", "1",
                               "--threads", "2", "--timeout", "120", "--bind", f"127.0.0.1:{port}",
                               "--no-control-socket", "warmed_app:app"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=(tmp_path / "gunicorn.log").open("w"))

    def warmth():
        return json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/warmth", timeout=60).read())

    try:
        deadline = time.monotonic() + 120  # a busy machine: the app takes a while to load
        while True:  # it answers while it warms: the answer may come before the workers are up
            try:
                first = warmth()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
        deadline = time.monotonic() + 120
        while (state := warmth())["pdf_workers_started"] < 2:  # no document was asked for
            assert time.monotonic() < deadline, f"the PDF workers were not started: {state}"
            time.sleep(0.5)
        assert state["pid"] == first["pid"] and state["templates_compiled"] > 50
        worker = state["pid"]
        assert parent_of(worker) == master.pid
        assert len(pdf_workers_of(worker)) == 2  # in the worker, after the fork
        assert pdf_workers_of(master.pid) == []  # and none in the master
    finally:
        master.terminate()
        master.wait(timeout=30)
