"""Shared pieces of the benchmarks: a fresh PostgreSQL database, timing and query counting, wrk, memory."""
import os
import re
import statistics
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import event

from crm import create_app
from crm.config import normalise_database_url
from crm.extensions import db

BASE_URL = normalise_database_url(os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@localhost/postgres"))


def fresh_app(database: str):
    """An app on a newly created PostgreSQL database with the schema applied."""
    url = sa.make_url(BASE_URL)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.set(database=database).render_as_string(hide_password=False),
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "TESTING": False})
    with app.app_context():
        upgrade()
    return app


def median_seconds(action, repeat: int = 7, warmup: int = 2) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@contextmanager
def counting_queries(app):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def session_secret(user) -> str:
    """A live sign-in session for the user (in an app context): the secret its cookie carries."""
    from crm.auth import sessions
    from crm.extensions import db

    record, secret = sessions.new_record(user)
    db.session.add(record)
    db.session.commit()
    return secret


def signed_in_client(app, user_id: int, session_token: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{session_token}"
        session["_fresh"] = True
    return client


WRK_UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}


def run_wrk(url: str, seconds: int, headers: dict | None = None, threads: int = 2, connections: int = 16) -> dict:
    """Load one address with wrk (Debian's, `apt-get install wrk`): requests per second, p99 in ms, requests,
    and errors (socket errors plus answers outside 2xx/3xx). Requests slower than 60 s count as errors."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "60s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p99_ms": round(float(p99.group(1)) * WRK_UNITS[p99.group(2)], 1) if p99 else None,
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "errors": (sum(map(int, errors.groups())) if errors else 0) + (int(non_2xx.group(1)) if non_2xx else 0)}


def process_tree_rss(root: int) -> dict[int, tuple[int, str, int]]:
    """A process and its descendants (Linux /proc): pid → (parent pid, command line, RSS in MB)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children.setdefault(int(stat.read_text().rsplit(")", 1)[1].split()[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    found, queue = {}, [(root, 0)]
    while queue:
        pid, parent = queue.pop()
        try:
            rss = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        found[pid] = (parent, command.strip(), int(rss.group(1)) // 1024 if rss else 0)
        queue += [(child, pid) for child in children.get(pid, [])]
    return found
