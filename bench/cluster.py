"""The app proven as a cluster on this machine (issue 20 §5). Everything on 127.0.0.1, private to the bench:

- haproxy (Debian's) in front of two gunicorn app hosts (separate processes and folders: gazetteer index,
  outbox, attachments), health-checked on /readyz, `option redispatch`, `retries 3`;
- one RQ worker (`crm worker`) and the scheduler (`crm scheduler`), in a folder of their own;
- PostgreSQL (a cluster of its own: initdb, pg_ctl), Redis (`--save ""`) and moto's S3 server as the file store.

The demo data is seeded (and one coordinator account per client). Then --clients users (threads in a few
processes, each signed in from an address of its own, 127.0.x.y) spend --seconds mixing reads, engagement writes
(unique titles), uploads, downloads of what they uploaded, and agreement and briefing PDFs; one more user imports
/work/shared/data/twin_cities.csv (25,917 rows) through the pages, so it runs as jobs. On the way, at fixed shares
of the run: app host A killed with SIGKILL (10/60) and brought back (15/60); the worker killed while the import is
being written (from 25/60) and started again; Redis restarted (40/60); PostgreSQL restarted (50/60, fast). A client
retries an answer that is no answer, 502, 503 or 504 (each retry counted). After the load, the queue drains
(bounded by --drain; the scheduler hands a job whose worker died again after 120 s).

Reported: requests, answers by status, p50/p95/p99, retries, acknowledged and lost writes, uploaded and lost files
(row, object and sha256 checked), jobs completed once, twice or never (the jobs table, the import's partnerships,
the messages in the outbox), 500s with their tracebacks from the logs; and the goals: 0 lost writes, 0 lost
files, every job exactly once, no 500s, restarts seen by clients only as retries. Results also go to
bench/results/cluster.json and .md, the processes' logs to bench/results/cluster-logs/.

    .venv/bin/python -m bench.cluster [--seconds 60] [--clients 50] [--json] [--drain 300] [--think 0.5]

Needs Debian's haproxy, redis-server and postgresql (initdb, pg_ctl; run as root, they run as postgres). Exits
non-zero only when the bench itself fails, not when a goal is unmet.
"""
import argparse
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from bench.cluster_import import Importer
from bench.cluster_load import run_clients, signed_in
from bench.cluster_services import ROOT, Services, answers, wait_for
from bench.cluster_tally import (
    files_figures,
    goals,
    jobs_figures,
    markdown,
    requests_figures,
    retried_after,
    server_errors,
    writes_figures,
)

RESULTS = ROOT / "bench" / "results"
TWIN_CITIES = Path(os.environ.get("TWIN_CITIES", "/work/shared/data/twin_cities.csv"))
PASSWORD = "cluster-bench-password"
IMPORTER = ("admin@demo.example", "sister-cities-demo", "127.0.0.250")
#: when each fault comes, as a share of the run
KILL_APP, APP_BACK, KILL_WORKER, RESTART_REDIS, RESTART_POSTGRES = 10 / 60, 15 / 60, 25 / 60, 40 / 60, 50 / 60
CONFIRM_IMPORT = 12 / 60  #: the import is confirmed then: its writing job runs when the worker is killed


def address(number: int) -> str:
    return f"127.0.{1 + number // 250}.{1 + number % 250}"


def prepare(services: Services, clients: int) -> None:
    """The database migrated and seeded, one account per client, each host's gazetteer index deployed."""
    env = services.env("a")
    services.run("migrate", services.flask("a", "db", "upgrade"), env=env)
    services.run("seed", services.flask("a", "crm", "seed-demo"), env=env)
    services.run("gazetteer", services.flask("a", "crm", "cities", "build-index"), env=env)
    for host in ("b", "jobs"):
        shutil.copy(services.host_folder("a") / "gazetteer.sqlite3", services.host_folder(host) / "gazetteer.sqlite3")
    script = ("import sys\nfrom crm import create_app\nfrom crm.auth.models import User\nfrom crm.extensions import db\n"
              "from crm.roles import Role\napp = create_app()\nwith app.app_context():\n"
              f"    for n in range({clients}):\n"
              "        user = User(email=f'cluster{n}@bench.example', name=f'Cluster Client {n}', "
              "role=Role.COORDINATOR, language='en')\n"
              f"        user.set_password({PASSWORD!r})\n        db.session.add(user)\n    db.session.commit()\n")
    services.run("accounts", [sys.executable, "-c", script], env=env)


def catalogue(engine) -> dict:
    with engine.connect() as conn:
        return {
            "partnerships": list(conn.scalars(sa.text("SELECT id FROM partnerships WHERE archived_at IS NULL "
                                                      "ORDER BY id"))),
            "agreements": list(conn.scalars(sa.text("SELECT id FROM agreements ORDER BY id"))),
            "missions": list(conn.scalars(sa.text("SELECT m.id FROM trade_missions m JOIN engagements e ON e.id = m.id "
                                                  "WHERE e.deleted_at IS NULL ORDER BY m.id"))),
            "partnerships_count": conn.scalar(sa.text("SELECT count(*) FROM partnerships"))}


def scalar(engine, query: str):
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text(query))
    except sa.exc.SQLAlchemyError:
        return None  # the database restarting


def import_writing(engine) -> bool:
    return (scalar(engine, "SELECT status FROM import_jobs ORDER BY id DESC LIMIT 1") == "applying"
            and scalar(engine, f"SELECT status FROM jobs WHERE task = '{APPLY}' ORDER BY id DESC LIMIT 1") == "running")


APPLY = "crm.imports.tasks:apply"


class Faults:
    """The faults, each at its share of the run; what happened when, and how long it took."""

    def __init__(self, services: Services, engine, start_at: float, seconds: float):
        self.services, self.engine, self.start_at, self.seconds = services, engine, start_at, seconds
        self.events: list[dict] = []

    def at(self, share: float) -> None:
        time.sleep(max(0.0, self.start_at + share * self.seconds - time.time()))

    def note(self, what: str, started: float, **extra) -> None:
        self.events.append({"at": round(started - self.start_at, 1), "what": what,
                            "took": f"{time.time() - started:.1f} s", **extra})
        print(f"  {started - self.start_at:5.1f} s  {what} ({time.time() - started:.1f} s)", file=sys.stderr)

    def run(self) -> None:
        self.at(KILL_APP)
        started = time.time()
        self.services.kill("app_a")
        self.note("app host A killed (SIGKILL to gunicorn, its workers and PDF workers)", started)
        self.at(APP_BACK)
        started = time.time()
        self.services.start_app("a")
        self.note("app host A started again (until it answers /healthz)", started)
        self.at(KILL_WORKER)
        started, writing = time.time(), False
        while time.time() < self.start_at + (RESTART_REDIS - 2 / 60) * self.seconds:
            if import_writing(self.engine):
                writing = True
                time.sleep(1.5)  # well inside the import's one transaction
                break
            time.sleep(0.2)
        phase = scalar(self.engine, "SELECT status FROM import_jobs ORDER BY id DESC LIMIT 1")
        killed = time.time()
        self.services.kill("worker")
        self.services.start_worker()
        self.note(f"worker killed (SIGKILL) while the import was {'being written' if writing else phase}, "
                  f"and started again (waited {killed - started:.1f} s for the writing)", killed)
        self.at(RESTART_REDIS)
        started = time.time()
        self.services.restart_redis()
        self.note("Redis restarted (nothing kept: --save \"\")", started)
        self.at(RESTART_POSTGRES)
        started = time.time()
        self.services.restart_postgres()
        self.note("PostgreSQL restarted (pg_ctl restart -m fast)", started)


def client_process(spec: dict, ready, go, start_at, results) -> None:
    """A spawned client process: sign its users in, say so, wait for the start, run, hand back what it saw."""
    users, out = signed_in({**spec, "start_at": time.time()})
    ready.put(os.getpid())
    go.wait()
    results.put(run_clients(users, out, {**spec, "start_at": start_at.value}))


def run_load(services: Services, engine, ids: dict, importer: Importer, importer_records: list, args) -> dict:
    ctx = multiprocessing.get_context("spawn")
    ready, results, go, start_at = ctx.Queue(), ctx.Queue(), ctx.Event(), ctx.Value("d", 0.0)
    accounts = [(n, (f"cluster{n}@bench.example", address(n))) for n in range(args.clients)]
    share = -(-args.clients // args.processes)
    base_spec = {"base": services.base, "password": PASSWORD, "ids": ids, "seconds": args.seconds,
                 "think": args.think, "seed": args.seed}
    processes = [ctx.Process(target=client_process, daemon=True, args=(
        {**base_spec, "accounts": accounts[i:i + share]}, ready, go, start_at, results))
        for i in range(0, args.clients, share)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=300)  # every user signed in
    start_at.value = time.time() + 1.0
    go.set()
    time.sleep(max(0.0, start_at.value - time.time()))
    print(f"load started: {args.clients} clients, {args.seconds} s", file=sys.stderr)
    importer.confirm_at = start_at.value + CONFIRM_IMPORT * args.seconds
    importer.client.retries.clear()  # retries count from the start of the load
    importer.start()
    faults = Faults(services, engine, start_at.value, args.seconds)
    faults.run()
    gathered = [results.get(timeout=args.seconds + 600) for _ in processes]
    for process in processes:
        process.join(30)
    print("load over; waiting for the jobs to drain…", file=sys.stderr)
    importer.give_up_at = time.time() + args.drain
    drained_at = drain(engine, importer, args.drain)
    importer.join(10)
    for n, record in enumerate(importer_records):  # stamped in wall clock: from the load's start
        importer_records[n] = (round(record[0] - start_at.value, 3), *record[1:])
    merged = {"requests": [r for r in importer_records if 0 <= r[0] <= args.seconds], "writes": [], "uploads": [],
              "downloads": {"same": 0, "different": 0}, "pdf_not_pdf": 0,
              "clients_cpu_seconds": round(sum(out.get("cpu_seconds", 0) for out in gathered), 1),
              "retries": dict(importer.client.retries), "sign_in_failures": []}
    for out in gathered:
        for key in ("requests", "writes", "uploads", "sign_in_failures"):
            merged[key] += out[key]
        for key, value in out["downloads"].items():
            merged["downloads"][key] += value
        merged["pdf_not_pdf"] += out["pdf_not_pdf"]
        for reason, count in out["retries"].items():
            merged["retries"][reason] = merged["retries"].get(reason, 0) + count
    events = {name: round(at - start_at.value, 1) for name, at in importer.events.items()}
    timeline = ", ".join(f"{name} at {at:.0f} s" for name, at in events.items()) or "nothing"
    merged["import"] = {"events": events, "status": importer.status, "error": importer.error,
                        "timeline": timeline, "drained_after_s": drained_at}
    merged["faults"] = faults.events
    return merged


def drain(engine, importer: Importer, seconds: float) -> float | None:
    """Wait until the import is over and no job is queued or running; seconds after the load, or None."""
    started = time.time()
    while time.time() - started < seconds:
        pending = scalar(engine, "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')")
        if pending == 0 and not importer.is_alive():
            return round(time.time() - started, 1)
        time.sleep(2)
    return None


def versions() -> dict:
    def first_line(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False).stdout.split("\n")[0]
        except OSError:
            return "?"

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    pg = first_line([str(Path(shutil.which("pg_ctl") or "/usr/lib/postgresql/15/bin/pg_ctl")), "--version"])
    return {"commit": commit, "postgres": pg.split()[2] if len(pg.split()) > 2 else "?",
            "redis": first_line(["redis-server", "--version"]).split("v=")[-1].split()[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2, help="client processes (the clients are their threads)")
    parser.add_argument("--think", type=float, default=0.5, help="a client's mean pause between actions, seconds")
    parser.add_argument("--drain", type=float, default=300, help="longest wait for the jobs after the load, seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app host")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of Markdown")
    args = parser.parse_args()
    for tool in ("haproxy", "redis-server"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install {tool.split('-')[0]}")
    if not TWIN_CITIES.is_file():
        raise SystemExit(f"{TWIN_CITIES} is missing (set TWIN_CITIES)")

    def stop(_signal, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    services = Services(args.workers, args.threads)
    engine = None
    RESULTS.mkdir(exist_ok=True)
    try:
        print(f"starting the cluster in {services.folder}…", file=sys.stderr)
        services.start_postgres()
        services.start_redis()
        services.start_s3()
        prepare(services, args.clients)
        services.start_app("a")
        services.start_app("b")
        services.start_haproxy()
        services.start_worker()
        services.start_scheduler()
        wait_for(lambda: answers(services.base + "/readyz"), 60, "haproxy → the app")
        engine = sa.create_engine(services.database_url.replace("postgresql://", "postgresql+psycopg://"),
                                  pool_pre_ping=True)
        ids = catalogue(engine)
        importer_records: list[tuple] = []
        lock = threading.Lock()

        def record(kind, answer):
            with lock:
                importer_records.append((time.time(), kind, answer.status, round(answer.seconds, 4), answer.retries))

        email, password, source = IMPORTER
        importer = Importer(services.base, email, password, source, TWIN_CITIES, record)
        print("uploading the import and matching its cities (before the load)…", file=sys.stderr)
        importer.prepare()
        load_before = os.getloadavg()[0]  # the machine's other work (1 min) as the load starts
        seen = run_load(services, engine, {k: v for k, v in ids.items() if k != "partnerships_count"}, importer,
                        importer_records, args)
        retried_after(seen["faults"], seen["requests"])
        result = {
            "settings": {**versions(), "clients": args.clients, "seconds": args.seconds, "think": args.think,
                         "gunicorn": f"--workers {args.workers} --threads {args.threads}",
                         "store": "moto_server (S3 API)", "retry_seconds": 90, "cpus": os.cpu_count(),
                         "load_average_before": load_before},
            "faults": seen["faults"], "requests": requests_figures(seen["requests"]), "retries": seen["retries"],
            "writes": writes_figures(engine, seen["writes"]),
            "files": files_figures(engine, services.s3_client(), "crm-cluster", seen["uploads"], seen["downloads"]),
            "jobs": jobs_figures(engine, [services.host_folder(h) / "outbox" for h in ("a", "b", "jobs")],
                                 ids["partnerships_count"]),
            "import": seen["import"], "pdf_not_pdf": seen["pdf_not_pdf"],
            "clients_cpu_seconds": seen["clients_cpu_seconds"], "sign_in_failures": seen["sign_in_failures"],
            "server_errors": server_errors(services.logs)}
        result["goals"] = goals(result)
    except KeyboardInterrupt:
        print("interrupted: stopping everything the bench started…", file=sys.stderr)
        return 130
    finally:
        if engine is not None:
            engine.dispose()
        services.close(keep_logs=RESULTS / "cluster-logs")
    (RESULTS / "cluster.json").write_text(json.dumps(result, indent=2, default=str))
    text = markdown(result)
    (RESULTS / "cluster.md").write_text(text + "\n")
    print(json.dumps(result, indent=2, default=str) if args.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
