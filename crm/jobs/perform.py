"""Performing one job: claim it, run its task, record the outcome; retry with backoff, or give up.

The claim is a conditional UPDATE (queued and due, or running with a lease that ran out), so of two deliveries of
one job, or two hosts sweeping at once, one performs it. A task is a plain function taking the payload; it
runs in the caller's app context with a session of its own, and must be safe to start again from the top
(an import is one transaction; a message carries the same Message-ID every time).
"""
import importlib
import logging
import threading
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.extensions import db
from crm.jobs.lease import HELD, is_stale, lease_seconds
from crm.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from crm.mail import MailNotSent
from crm.processes import Worker

log = logging.getLogger("crm.jobs")
BACKOFF_SECONDS = 30  #: the first retry's wait; each later one waits twice as long, up to an hour
MAX_BACKOFF_SECONDS = 3600


class Retry(Exception):
    """Raised by a task to be run again later (a mail server that is down); counts as an attempt."""


def heartbeats_recorded() -> bool:
    return db.engine.dialect.name != "sqlite"


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** max(0, attempts - 1)))


def task_function(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def claim(job_id: int) -> str | None:
    """Take the job for this process; None when it is not due, done, or held by a live process."""
    now = utcnow()
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.status in (DONE, FAILED):
        return None
    if job.status == QUEUED and job.run_after > now:
        return None
    if job.status == RUNNING and not is_stale(job, now, heartbeats_recorded()):
        return None
    if job.status == RUNNING and job.attempts >= job.max_attempts:  # its workers died every time: give up
        db.session.execute(update(Job).where(Job.id == job_id, Job.status == RUNNING, Job.lease == job.lease)
                           .values(status=FAILED, lease=None, finished_at=now,
                                   error=f"its worker stopped during each of its {job.attempts} attempts")
                           .execution_options(synchronize_session=False))
        db.session.commit()
        log.error("job %s (%s) failed for good: its worker stopped during each of its %s attempts", job_id,
                  job.task, job.attempts)
        return None
    lease = str(Worker.new())
    taken = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == job.status,
                          Job.lease.is_(None) if job.lease is None else Job.lease == job.lease)
        .values(status=RUNNING, lease=lease, attempts=Job.attempts + 1, started_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return lease if taken else None


def _settle(job_id: int, held: str, **values) -> bool:
    """Record the outcome, if the job is still this lease's (else another process took it over: it decides)."""
    found = db.session.execute(update(Job).where(Job.id == job_id, Job.lease == held).values(**values)
                               .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(found)


class Heartbeat:
    """Writes the job's heartbeat every third of a lease, on a connection of its own (PostgreSQL only)."""

    def __init__(self, job_id: int, lease: str):
        self.job_id, self.lease = job_id, lease
        self.stop = threading.Event()
        self.engine = db.engine
        self.every = max(1.0, lease_seconds() / 3)
        self.thread = None
        if heartbeats_recorded() and not current_app.testing:
            self.thread = threading.Thread(target=self.beat, daemon=True, name=f"job-heartbeat-{job_id}")

    def beat(self):
        while not self.stop.wait(self.every):
            try:
                with Session(self.engine) as session:
                    session.execute(update(Job).where(Job.id == self.job_id, Job.lease == self.lease)
                                    .values(heartbeat_at=utcnow()))
                    session.commit()
            except Exception:  # noqa: BLE001  (the database away for a moment: the next beat tries again)
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)

    def __enter__(self):
        if self.thread is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()


def perform(job_id: int) -> str | None:
    """Perform the job if it is this process's to do; returns its status afterwards (None: not ours)."""
    lease = claim(job_id)
    if lease is None:
        return None
    HELD.add(lease)
    job = db.session.get(Job, job_id, populate_existing=True)
    task, payload, attempts, max_attempts = job.task, dict(job.payload or {}), job.attempts, job.max_attempts
    try:
        with Heartbeat(job_id, lease):
            result = task_function(task)(payload)
            # What the task left in its transaction is its own to keep; ending it also starts the outcome's
            # write from a fresh snapshot (SQLite refuses a write from a read older than another's commit).
            db.session.commit()
    except Exception as error:  # noqa: BLE001  (whatever the task raised, the job says so and may run again)
        db.session.rollback()
        message = f"{type(error).__name__}: {error}"[:2000]
        if attempts >= max_attempts:
            log.error("job %s (%s) failed for good after %s attempts: %s", job_id, task, attempts, message)
            _settle(job_id, lease, status=FAILED, error=message, finished_at=utcnow(), lease=None)
            return FAILED
        if not isinstance(error, (Retry, MailNotSent)):  # expected now and then: no traceback
            log.warning("job %s (%s) failed, attempt %s of %s: %s", job_id, task, attempts, max_attempts, message,
                        exc_info=True)
        _settle(job_id, lease, status=QUEUED, error=message, run_after=utcnow() + backoff(attempts), lease=None,
                delivered_at=None)
        return QUEUED
    finally:
        HELD.discard(lease)
    _settle(job_id, lease, status=DONE, result=result if isinstance(result, dict) else None, error=None,
            finished_at=utcnow(), lease=None)
    return DONE
