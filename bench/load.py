"""Load and fault test (issue: security and reliability). Not a timed test: a script.

gunicorn with 4 workers on PostgreSQL; 50 concurrent clients for 60 seconds
mixing reads, engagement logging and edits of the same record; then a second
run with PostgreSQL restarted in the middle. Counts requests, errors (the
designed 409 conflicts apart), p50/p95/p99 latency, and checks that every
acknowledged write is in the database afterwards. Only 127.0.0.1 is used.

    .venv/bin/python -m bench.load [--seconds 60] [--clients 50]
"""
import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from bench.common import fresh_app
from crm.demo.seed import seed_demo
from crm.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


class Client:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        except OSError:
            status, text = 0, ""  # connection refused or reset
        return status, text, time.perf_counter() - started

    def token(self, text):
        match = TOKEN.search(text)
        return (match.group(1) or match.group(2)) if match else ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def worker(base, stop_at, results, acknowledged, partnership_ids, lock, home_city_id=1):
    client = Client(base)
    status, page, _ = client.request("/sign-in")
    client.request("/sign-in", {"csrf_token": client.token(page), "email": "coordinator@demo.example",
                                "password": "sister-cities-demo"})
    rng = random.Random(threading.get_ident())
    while time.monotonic() < stop_at:
        roll = rng.random()
        pid = rng.choice(partnership_ids)
        if roll < 0.6:
            path = rng.choice(["/dashboard", "/partnerships/", f"/partnerships/{pid}", "/partnerships/?sort=health"])
            status, _text, elapsed = client.request(path)
            kind = "read"
        elif roll < 0.85:
            status, page, _ = client.request(f"/partnerships/{pid}")
            title = f"load {threading.get_ident()} {time.monotonic_ns()}"
            status, _text, elapsed = client.request(f"/partnerships/{pid}/engagements", {
                "csrf_token": client.token(page), "kind": "call", "occurred_on": "2026-11-01", "title": title,
                "substantive": "yes", "visibility": "shared", "initiated_by": "home"})
            kind = "log"
            if status == 302:
                with lock:
                    acknowledged.append(title)
        else:
            status, page, _ = client.request(f"/partnerships/{partnership_ids[0]}/edit")
            version = VERSION.search(page)
            form = {key: value for key, value in re.findall(
                r'<(?:input|textarea)[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)}
            form.update({"csrf_token": client.token(page), "summary": f"edited {time.monotonic_ns()}",
                         "kind": "sister_city", "status": "active", "liaison_id": "0", "home_city_id": home_city_id,
                         "version": version.group(1) if version else ""})
            status, _text, elapsed = client.request(f"/partnerships/{partnership_ids[0]}/edit", form)
            kind = "edit"
        with lock:
            results.append((time.monotonic(), kind, status, elapsed))


def run(base, seconds, clients, partnership_ids, on_the_way=None):
    results, acknowledged, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=worker, args=(base, stop_at, results, acknowledged, partnership_ids, lock))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    if on_the_way:
        on_the_way()
    for thread in threads:
        thread.join()
    return results, acknowledged


def summary(results):
    latencies = sorted(elapsed for _at, _kind, _status, elapsed in results)
    errors = [r for r in results if r[2] not in (200, 302, 409)]

    def pct(p):
        return latencies[min(int(len(latencies) * p), len(latencies) - 1)] * 1000 if latencies else 0

    return {"requests": len(results), "errors": len(errors), "conflicts_409": sum(r[2] == 409 for r in results),
            "p50_ms": round(pct(0.50)), "p95_ms": round(pct(0.95)), "p99_ms": round(pct(0.99)),
            "by_status": {str(s): sum(r[2] == s for r in results) for s in sorted({r[2] for r in results})}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    app = fresh_app("crm_bench_load")
    with app.app_context():
        seed_demo()
        db.session.commit()
        url = str(db.engine.url.render_as_string(hide_password=False))
        ids = list(db.session.scalars(sa.text("SELECT id FROM partnerships ORDER BY id")))
        db.engine.dispose()
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    port = 8765
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "load-test-secret", "CRM_RATELIMIT_ENABLED": "false"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", "4", "--threads", "4",
                               "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(ROOT / "bench" / "results" / "gunicorn.log", "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        steady, acknowledged = run(base, args.seconds, args.clients, ids)
        engine = sa.create_engine(url, pool_pre_ping=True)
        with engine.connect() as conn:
            stored = set(conn.execute(sa.text("SELECT title FROM engagements WHERE title LIKE 'load %'")).scalars())
        lost = [t for t in acknowledged if t not in stored]

        def restart_database():
            time.sleep(args.seconds / 3)
            cluster = sorted(os.listdir("/etc/postgresql"))[0]
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart", "-m", "fast"],
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        faulted, acknowledged_2 = run(base, args.seconds, args.clients, ids, on_the_way=restart_database)
        with engine.connect() as conn:
            stored = set(conn.execute(sa.text("SELECT title FROM engagements WHERE title LIKE 'load %'")).scalars())
        lost_2 = [t for t in acknowledged_2 if t not in stored]
        tail = [r for r in faulted if r[0] > max(r[0] for r in faulted) - 3]
        report = {
            "steady": {**summary(steady), "writes_acknowledged": len(acknowledged), "writes_lost": len(lost)},
            "database_restarted": {**summary(faulted), "writes_acknowledged": len(acknowledged_2),
                                   "writes_lost": len(lost_2),
                                   "recovered": bool(tail) and all(r[2] in (200, 302, 409) for r in tail)},
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    ok = report["steady"]["errors"] == 0 and not lost and not lost_2 and report["database_restarted"]["recovered"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
