"""The processes that perform jobs and keep the schedule: `crm worker` and `crm scheduler`.

`crm worker` is an RQ worker on REDIS_URL (one process: a worker killed mid-job loses nothing, its job's lease
runs out and the job is performed again); without Redis it performs jobs straight from the database, polling.
`crm scheduler` keeps the timetable (crm.schedule.timetable) and hands again jobs not performed (crm.jobs.sweep). On
PostgreSQL it holds an advisory lock while it leads, so of several schedulers one acts; the others wait to take
over. The jobs' unique keys make a run exactly one job even without the lock.
"""
import logging
import signal
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text

from crm.extensions import db

log = logging.getLogger("crm.jobs")
#: the advisory lock the leading scheduler holds (any fixed 64-bit number the app uses for nothing else)
SCHEDULER_LOCK = 0x5C1C_0001
TICK_SECONDS = 10.0


class Stop:
    def __init__(self):
        self.asked = False
        signal.signal(signal.SIGTERM, self.ask)
        signal.signal(signal.SIGINT, self.ask)

    def ask(self, *_args):
        self.asked = True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.asked and time.monotonic() < deadline:
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Perform the jobs waiting now, then stop.")
@with_appcontext
def worker_command(burst: bool):
    """Perform background jobs (RQ on REDIS_URL; without it, from the database)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if current_app.config["REDIS_URL"]:
        from redis import Redis
        from rq import Queue, SimpleWorker

        connection = Redis.from_url(current_app.config["REDIS_URL"])
        queue = Queue(current_app.config["JOBS_QUEUE"], connection=connection)
        click.echo(f"crm worker: RQ queue {queue.name!r} on {current_app.config['REDIS_URL']}")
        SimpleWorker([queue], connection=connection).work(burst=burst, logging_level="INFO")
        return
    from crm.jobs.perform import perform
    from crm.jobs.sweep import take_due

    click.echo("crm worker: no REDIS_URL, performing jobs from the database")
    stop = Stop()
    while not stop.asked:
        ids = take_due()
        for job_id in ids:
            perform(job_id)
            db.session.remove()
        if burst and not ids:
            return
        if not ids:
            stop.sleep(2.0)


def try_to_lead(connection) -> bool:
    if connection.dialect.name != "postgresql":
        return True  # SQLite: one host; the unique keys keep each run one job
    return bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK}).scalar())


@click.command("scheduler")
@click.option("--once", is_flag=True, help="One round (the schedule, then the jobs due), then stop.")
@with_appcontext
def scheduler_command(once: bool):
    """Keep the timetable (digests, the purge) and hand again jobs not performed; one leads at a time."""
    from crm.schedule.rounds import tick

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    perform_here = current_app.config["JOBS_RUNNER"] != "rq"
    stop = Stop()
    lock_connection = None
    while not stop.asked:
        try:
            if lock_connection is None:
                lock_connection = db.engine.connect()
                if not try_to_lead(lock_connection):
                    lock_connection.rollback()
                    lock_connection.close()
                    lock_connection = None
                    if once:
                        click.echo("crm scheduler: another scheduler leads; nothing done")
                        return
                    stop.sleep(TICK_SECONDS)
                    continue
                lock_connection.commit()  # the session-level lock stays, held as long as this connection lives
                log.info("crm scheduler: leading")
            ids = tick(perform_here=perform_here)
            if ids:
                log.info("crm scheduler: handed jobs %s", ids)
        except Exception:  # noqa: BLE001  (the database or Redis away: lead again when they are back)
            log.warning("crm scheduler: round failed; trying again", exc_info=True)
            db.session.remove()
            if lock_connection is not None:
                try:
                    lock_connection.close()
                except Exception:  # noqa: BLE001  (already gone with the database)
                    log.debug("lock connection already closed", exc_info=True)
                lock_connection = None
        if once:
            return
        stop.sleep(TICK_SECONDS)


@click.command("jobs")
@click.option("--stuck-after", default=10, show_default=True,
              help="Minutes a job may wait past its time before the queue counts as stuck.")
@with_appcontext
def jobs_command(stuck_after: int):
    """The job queue's health: jobs by status, the oldest waiting, workers and the leading scheduler.

    Exits 1 when a job has waited past its time for longer than --stuck-after minutes, when jobs go to Redis and
    no worker is listening, or (PostgreSQL) when no scheduler leads: a health check for the worker and the
    scheduler processes."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from crm.clock import utcnow
    from crm.jobs.models import QUEUED, Job

    counts = dict(db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    click.echo("jobs: " + (", ".join(f"{status} {count}" for status, count in sorted(counts.items())) or "none"))
    problems = []
    oldest = db.session.scalar(select(func.min(Job.run_after)).where(Job.status == QUEUED))
    if oldest is not None:
        late = utcnow() - oldest
        click.echo(f"oldest waiting: due {int(late.total_seconds())} s ago")
        if late > timedelta(minutes=stuck_after):
            problems.append(f"a job has waited {int(late.total_seconds() // 60)} minutes past its time")
    if current_app.config["JOBS_RUNNER"] == "rq":
        from redis import Redis
        from rq import Worker

        try:
            workers = Worker.all(connection=Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=5),
                                 queue=None)
            listening = [w for w in workers if current_app.config["JOBS_QUEUE"] in w.queue_names()]
            click.echo(f"workers listening on {current_app.config['JOBS_QUEUE']!r}: {len(listening)}")
            if not listening:
                problems.append("no worker listens on the queue")
        except Exception as error:  # noqa: BLE001  (Redis down is what this check is for)
            problems.append(f"Redis did not answer: {error}")
    if db.engine.dialect.name == "postgresql":
        leading = db.session.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                         "AND ((classid::bigint << 32) | objid::bigint) = :key"),
                                    {"key": SCHEDULER_LOCK})
        click.echo(f"scheduler leading: {'yes' if leading else 'no'}")
        if not leading:
            problems.append("no scheduler leads (start `crm scheduler`)")
    for problem in problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    if problems:
        raise SystemExit(1)
