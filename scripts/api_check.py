"""`make api-check`: schemathesis, every check, 4 workers, against a live server, as every role, on both databases.

For each database (a throwaway SQLite file, and the PostgreSQL database API_CHECK_DATABASE_URL, default
postgresql+psycopg://postgres@localhost/crm_api_check, whose name must end in _check or _test because
its public schema is dropped): migrate, load the demo data, give one user of each role a token, serve
the app with gunicorn (the project's gunicorn.conf.py), and run `schemathesis run --checks all
--workers 4` on /api/v1/openapi.json once per role. Prints cases run and failures per role and
database; exits non-zero if anything failed or did not run.

The per-token rate limit is raised for the run (CRM_API_RATE_LIMIT): schemathesis sends thousands of
requests a minute from one token, and every answer would otherwise be a (documented) 429.

    python -m scripts.api_check [--max-examples N] [--databases sqlite,postgresql]
"""
import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@localhost/crm_api_check"
ROLES = ("admin", "coordinator", "viewer", "guest")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_postgres(url: str) -> str:
    from crm.config import normalise_database_url

    url = normalise_database_url(url)
    parsed = sa.make_url(url)
    if not (parsed.database or "").endswith(("_check", "_test")):
        sys.exit(f"API_CHECK_DATABASE_URL names {parsed.database!r}; its public schema is dropped, so its name "
                 "must end in _check or _test (e.g. crm_api_check)")
    with psycopg.connect(host=parsed.host or "localhost", port=parsed.port or 5432, user=parsed.username,
                         password=parsed.password, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def prepare(env: dict) -> None:
    """Migrate and load the demo data, as `make db` does."""
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["crm", "seed-demo"]):
        done = subprocess.run(flask + command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def tokens(database_url: str) -> dict[str, str]:
    """A new token for one active user of each role."""
    from sqlalchemy import select

    from crm import create_app
    from crm.api.tokens import issue_token
    from crm.auth.models import User
    from crm.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secrets.token_hex(16)})
    secrets_by_role = {}
    with app.app_context():
        for role in ROLES:
            user = db.session.scalars(select(User).where(User.role == role, User.active).order_by(User.id)).first()
            if user is None:
                sys.exit(f"the demo data has no {role}")
            _token, secrets_by_role[role] = issue_token(user, f"make api-check ({role})")
        db.session.commit()
        db.engine.dispose()
    return secrets_by_role


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), "--workers", "2", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                sys.exit(f"gunicorn did not start; see {log}")
            time.sleep(0.3)


def run_schemathesis(port: int, secret: str, report: Path, max_examples: int) -> dict:
    command = [str(VENV_BIN / "schemathesis"), "--config-file", str(ROOT / "scripts" / "schemathesis.toml"), "run",
               f"http://127.0.0.1:{port}/api/v1/openapi.json",
               "--checks", "all", "--workers", "4", "--header", f"Authorization: Bearer {secret}",
               "--max-examples", str(max_examples), "--suppress-health-check", "all",
               "--report", "ndjson", "--report-ndjson-path", str(report), "--no-color"]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    output = finished.stdout + finished.stderr
    return {"exit": finished.returncode, "output": output, **figures(output)}


def figures(output: str) -> dict:
    """From schemathesis' summary: "Test cases: 946 generated, 946 passed" or "…, 3 found 2 unique failures"."""
    generated = re.search(r"(\d+) generated", output)
    failing = re.search(r"(\d+) found (\d+) unique failures?", output)
    errors = re.findall(r"🚫 .*: (\d+)", output)
    return {"cases": int(generated.group(1)) if generated else 0,
            "failures": int(failing.group(2)) if failing else 0,
            "errors": sum(map(int, errors))}


def shortened(output: str, width: int = 400) -> str:
    """schemathesis' report with each line cut to a readable width (generated URLs run to kilobytes)."""
    return "\n".join(line if len(line) <= width else line[:width] + "…" for line in output.splitlines())


def check_database(name: str, database_url: str, max_examples: int, workdir: Path) -> dict[str, dict]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(16),
           "CRM_PUBLIC_URL": f"http://127.0.0.1:{port}", "CRM_API_RATE_LIMIT": "1000000 per minute",
           "CRM_PDF_WORKERS": "1"}
    prepare(env)
    by_role = tokens(database_url)
    server = serve(env, port, workdir / f"gunicorn-{name}.log")
    results = {}
    try:
        for role in ROLES:
            started = time.monotonic()
            results[role] = run_schemathesis(port, by_role[role], workdir / f"{name}-{role}.ndjson", max_examples)
            results[role]["seconds"] = time.monotonic() - started
            result = results[role]
            print(f"  {name:<10} {role:<12} {result['cases']:>6} cases  {result['failures']:>3} failures  "
                  f"{result['errors']:>3} errors  ({result['seconds']:.0f} s)", flush=True)
            if result["exit"] != 0 or result["failures"] or result["errors"]:
                print(shortened(result["output"]), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("API_CHECK_MAX_EXAMPLES", "100")),
                        help="test cases per operation and phase (default 100)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="api-check-"))
    print(f"schemathesis --checks all --workers 4, at most {args.max_examples} examples per operation and phase")
    all_results = {}
    for name in args.databases.split(","):
        if name == "sqlite":
            url = f"sqlite:///{workdir / 'api-check.sqlite3'}"
        elif name == "postgresql":
            url = fresh_postgres(os.environ.get("API_CHECK_DATABASE_URL") or DEFAULT_POSTGRES_URL)
        else:
            sys.exit(f"unknown database {name!r}: sqlite or postgresql")
        all_results[name] = check_database(name, url, args.max_examples, workdir)

    print("\n| database | role | cases | failures | errors |\n|---|---|---:|---:|---:|")
    ok = True
    for name, by_role in all_results.items():
        for role, result in by_role.items():
            print(f"| {name} | {role} | {result['cases']} | {result['failures']} | {result['errors']} |")
            ok = ok and result["exit"] == 0 and not result["failures"] and not result["errors"] and result["cases"] > 0
    if ok:
        shutil.rmtree(workdir)
        print("\nAPI check passed: 0 failures.")
        return 0
    print(f"\nAPI check FAILED (details above; schemathesis' reports in {workdir}).")
    return 1


if __name__ == "__main__":
    sys.exit(main())
