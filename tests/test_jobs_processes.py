"""Workers killed with SIGKILL mid-import and mid-digest, on PostgreSQL and Redis: the job is performed again
by another worker, and its work is done exactly once.

Each test runs RQ workers (`flask --app wsgi crm worker`) as real processes on a database of this module's own
(committed rows, no per-test transaction) and a Redis queue of the test's own.
"""
import email
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import create_app
from crm.extensions import db
from crm.jobs.models import DONE, RUNNING, Job
from crm.jobs.runners import runner
from crm.jobs.sweep import take_due
from tests.redis_fixtures import redis_prefix, redis_url  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def jobs_database(app, tmp_path_factory):
    """A database of this module's own on the PostgreSQL lane's server, migrated to the head."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("workers in separate processes need a database server (PostgreSQL)")
    base = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    url = base.set(database=base.database.removesuffix("_test") + "_jobs_test")
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False), tmp_path_factory.mktemp("jobs")


@pytest.fixture
def cluster(jobs_database, redis_url, redis_prefix):  # noqa: F811
    """An app on that database with RQ jobs on a queue of this test's own, and a way to start workers."""
    from flask_migrate import upgrade

    url, folder = jobs_database
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "jobs-secret", "JOBS_RUNNER": "rq",
              "REDIS_URL": redis_url, "JOBS_QUEUE": redis_prefix + "jobs", "PUBLIC_URL": "http://localhost",
              "ATTACHMENTS_DIR": str(folder / "files"), "MAIL_OUTBOX": str(folder / redis_prefix / "outbox")}
    application = create_app(config)
    with application.app_context():
        upgrade()
    workers = []

    def start_worker(**extra_env):
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "CRM_JOBS_QUEUE": config["JOBS_QUEUE"],
               "SECRET_KEY": config["SECRET_KEY"], "CRM_PUBLIC_URL": "http://localhost",
               "CRM_ATTACHMENTS_DIR": config["ATTACHMENTS_DIR"], "MAIL_OUTBOX": config["MAIL_OUTBOX"],
               "MAIL_SERVER": "", "PYTHONUNBUFFERED": "1", **extra_env}
        env.pop("LD_PRELOAD", None)
        log = folder / f"{redis_prefix.strip(':')}-worker-{len(workers)}.log"
        with open(log, "wb") as output:
            process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "crm", "worker"], cwd=ROOT,
                                       env=env, stdout=output, stderr=subprocess.STDOUT)
        process.log = log
        workers.append(process)
        return process

    application.start_worker = start_worker
    yield application
    for process in workers:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    with application.app_context():
        db.engine.dispose()


def wait_for(condition, seconds=60.0, what="the condition", worker=None):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            log = worker.log.read_text(errors="replace")[-3000:] if worker is not None else ""
            pytest.fail(f"timed out waiting for {what}\n{log}")
        time.sleep(0.1)


def waiting_on_a_lock(engine) -> int:
    """Backends of this database waiting for a lock (a fresh transaction: pg_stat_activity is read once per
    transaction)."""
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND wait_event_type = 'Lock'")).scalar()


def job_row(app, job_id) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        db.session.remove()
        return job


def importer(session, name: str):
    """A coordinator and a home city of their own (committed), for an import."""
    from crm.auth.models import User
    from crm.cities.models import City
    from crm.settings.models import HomeCity, OfficeSettings

    user = User(email=f"{name.lower()}-{time.monotonic_ns()}@example.org", name=name, role="coordinator")
    user.set_password("a long enough password")
    home = City(name=f"{name} Kobe", country_code="JP")
    session.add_all([user, home])
    session.flush()
    session.add(HomeCity(city_id=home.id))
    if session.get(OfficeSettings, 1) is None:
        session.add(OfficeSettings(id=1))
    session.commit()
    return user, home


def hand_again(app, clock) -> list[int]:
    """What the scheduler does every round: hand again the jobs whose worker died."""
    clock.shift(timedelta(minutes=3))
    with app.app_context():
        ids = take_due()
        runner(app).deliver(ids)
        db.session.remove()
    return ids


def test_a_worker_killed_mid_import_leaves_nothing_and_the_import_is_written_once(cluster, clock):
    from crm.imports.liveness import claim_job
    from crm.imports.models import ImportJob
    from crm.jobs.queue import enqueue
    from tests.test_once import ready_job

    names = ("Killtown", "Killville", "Killbury")
    engine = sa.create_engine(cluster.config["SQLALCHEMY_DATABASE_URI"])
    with Session(engine, expire_on_commit=False) as session:
        user, home = importer(session, "Kill")
        job = ready_job(session, user, home, names=names)
    with cluster.app_context():
        claim_job(job.id, "ready", "applying", queued=True)
        job_id = enqueue("crm.imports.tasks:apply", {"import_id": job.id, "user_id": user.id})
        db.session.commit()  # handed to Redis
        db.session.remove()
    # Hold the settings row: the import's first write of a partnership waits for it, its cities written already
    with engine.connect() as holder:
        holder.execute(sa.text("SELECT id FROM office_settings WHERE id = 1 FOR UPDATE"))
        worker = cluster.start_worker()
        wait_for(lambda: waiting_on_a_lock(engine), what="the import to be mid-write", worker=worker)
        assert job_row(cluster, job_id).status == RUNNING
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        holder.rollback()
    written = lambda table, column, values: sa.text(  # noqa: E731
        f"SELECT count(*) FROM {table} WHERE {column} IN ({', '.join(repr(v) for v in values)})")
    with engine.connect() as conn:
        assert conn.execute(written("cities", "name", names)).scalar() == 0, "the killed import wrote nothing"
    cluster.start_worker()
    assert hand_again(cluster, clock) == [job_id]
    wait_for(lambda: job_row(cluster, job_id).status == DONE, what="the job to be performed again")
    with engine.connect() as conn:
        assert conn.execute(written("cities", "name", names)).scalar() == 3
        assert conn.execute(sa.text("SELECT count(*) FROM partnerships WHERE home_city_id = :h"),
                            {"h": home.id}).scalar() == 3, "each partnership once"
        assert conn.execute(select(ImportJob.status).where(ImportJob.id == job.id)).scalar() == "done"
    assert job_row(cluster, job_id).attempts == 2
    engine.dispose()


def test_a_worker_killed_mid_digest_sends_it_once_with_one_message_id(cluster, clock):
    from datetime import date

    from crm.auth.models import User
    from crm.cities.models import City
    from crm.jobs.queue import enqueue
    from crm.mail import stable_message_id
    from crm.partnerships.models import Partnership

    engine = sa.create_engine(cluster.config["SQLALCHEMY_DATABASE_URI"])
    with Session(engine, expire_on_commit=False) as session:
        liaison = User(email=f"liaison-{time.monotonic_ns()}@example.org", name="Lucía", role="coordinator",
                       language="es")
        liaison.set_password("a long enough password")
        home, partner = City(name="Digest Home", country_code="US"), City(name="Digest Partner", country_code="MX")
        session.add_all([liaison, home, partner])
        session.flush()
        session.add(Partnership(home_city=home, partner_city=partner, liaison_id=liaison.id, kind="sister_city",
                                status="active", established_on=date(1996, 1, 1)))  # quiet since: ceremonial
        session.commit()
    as_of = "2026-11-25"
    with cluster.app_context():
        job_id = enqueue("crm.health.digest:send_digest_job", {"user_id": liaison.id, "as_of": as_of},
                         key=f"digest:{as_of}:{liaison.id}")
        db.session.commit()
        db.session.remove()
    silent = socket.socket()  # a mail server that takes the connection and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        worker = cluster.start_worker(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(silent.getsockname()[1]),
                                      MAIL_USE_TLS="false")
        wait_for(lambda: job_row(cluster, job_id).status == RUNNING, what="the digest to be sending")
        time.sleep(0.5)  # connected, waiting for the server's greeting
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        silent.close()
    outbox = Path(cluster.config["MAIL_OUTBOX"])
    assert not list(outbox.glob("*.eml"))
    cluster.start_worker()  # the mail server is back (the outbox stands in for it)
    assert hand_again(cluster, clock) == [job_id]
    wait_for(lambda: job_row(cluster, job_id).status == DONE, what="the digest to be sent")
    sent = [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in outbox.glob("*.eml")]
    assert len(sent) == 1 and sent[0]["To"].addresses[0].addr_spec == liaison.email
    with cluster.app_context():
        assert sent[0]["Message-ID"] == stable_message_id(f"digest:{as_of}:{liaison.id}")
    assert job_row(cluster, job_id).attempts == 2
    engine.dispose()


def test_of_two_schedulers_one_leads_and_the_other_takes_over_when_it_goes(jobs_database):
    """The scheduler's advisory lock, on two real PostgreSQL connections."""
    from crm.jobs_cli import try_to_lead

    engine = sa.create_engine(jobs_database[0], poolclass=sa.pool.NullPool)  # a closed connection is gone
    first, second = engine.connect(), engine.connect()
    try:
        assert try_to_lead(first) and not try_to_lead(second)
        first.close()  # its host went down: the session's lock goes with it
        assert try_to_lead(second)
    finally:
        second.close()
        engine.dispose()


def test_a_file_is_matched_by_a_worker_on_postgresql(cluster):
    """Matching runs as a job in a worker of its own, reporting progress on a connection of its own: it must
    never wait on its own transaction (it once did: the job's row, flushed early, held by the matching)."""
    from crm.imports.liveness import claim_job
    from crm.imports.models import ImportJob
    from crm.jobs.queue import enqueue

    engine = sa.create_engine(cluster.config["SQLALCHEMY_DATABASE_URI"])
    with Session(engine, expire_on_commit=False) as session:
        user, home = importer(session, "Match")
        job = ImportJob(token=f"match{time.monotonic_ns()}", user_id=user.id, kind="partnerships", mode="partners",
                        home_city_id=home.id, filename="partners.csv", status="uploaded", total=0, data={
                            "headers": ["Partner city", "Country"],
                            "rows": [["Lyon", "France"], ["Kraków", "Poland"], ["Nowhere-on-Sea", "Atlantis"]],
                            "mapping": {"partner_city": 0, "partner_country": 1}})
        session.add(job)
        session.commit()
    with cluster.app_context():
        claim_job(job.id, "uploaded", "matching", queued=True)
        job_id = enqueue("crm.imports.tasks:match", {"import_id": job.id})
        db.session.commit()
        db.session.remove()
    worker = cluster.start_worker()
    wait_for(lambda: job_row(cluster, job_id).status == DONE, seconds=60, what="the matching job", worker=worker)
    with engine.connect() as conn:
        status, total = conn.execute(select(ImportJob.status, ImportJob.total).where(ImportJob.id == job.id)).one()
    assert (status, total) == ("ready", 3)
    engine.dispose()
