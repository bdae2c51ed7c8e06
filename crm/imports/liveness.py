"""Whether the process matching or writing an import is still at it, or was interrupted.

A worker restart, a deploy or a crash ends the process in the middle of a job and
nothing is left to say so: the job would read "running" forever. So each start of
the work is a claim recorded on the job — which host, which process (its pid and
when it started, so a new process that got the same pid is not mistaken for it), and
a fresh random part — and the work writes a heartbeat as it progresses. A job is
interrupted when its process is gone, or when it has shown no progress for
IMPORT_STALL_SECONDS. Because writing is one transaction, an interrupted import
wrote nothing, and the claim lets exactly one retry take it over.

This is an interim guard; a job queue with its own leases replaces it.
"""
import os
import secrets
from datetime import datetime, timedelta

from flask import current_app

from crm.claims import claim
from crm.clock import utcnow
from crm.imports.models import RUNNING, ImportJob
from crm.processes import HOST, Worker, process_alive, process_started  # noqa: F401  (named here by the tests)

#: the claims this process is working on right now (a thread of ours, or the request itself)
WORKING: set[str] = set()
DEFAULT_STALL_SECONDS = 300


def stall_seconds() -> int:
    return int(current_app.config.get("IMPORT_STALL_SECONDS", DEFAULT_STALL_SECONDS))


def heartbeats_recorded() -> bool:
    """SQLite has one writer: the import's own transaction holds it, so no heartbeat can be written then."""
    from crm.extensions import db

    return db.session.get_bind().dialect.name != "sqlite"


def is_interrupted(job: ImportJob, now: datetime, stall: int | None = None, heartbeats: bool | None = None) -> bool:
    """Whether a job that reads "running" has no live process behind it any more."""
    if job.status not in RUNNING:
        return False
    worker = Worker.parse(job.worker)
    if worker is not None and str(worker) in WORKING:
        return False  # this very process is at it
    if worker is not None and worker.host == HOST:
        if worker.pid == os.getpid() and worker.started == process_started(worker.pid):
            return True  # our process, but none of its threads holds this claim: the work ended unrecorded
        if not process_alive(worker.pid, worker.started):
            return True
        checkable = True
    else:
        checkable = False  # another host's process (or none recorded): only its heartbeat can tell
    heartbeats = heartbeats_recorded() if heartbeats is None else heartbeats
    if checkable and not heartbeats:
        return False  # alive, and no heartbeat could have been written meanwhile
    last = job.heartbeat_at or job.updated_at or job.created_at
    return last is None or now - last > timedelta(seconds=stall if stall is not None else stall_seconds())


def owned_by(worker: str | None):
    """The condition that the job is still held by this claim (or, for work started without one, by none)."""
    return ImportJob.worker.is_(None) if worker is None else ImportJob.worker == worker


#: the host named by the claim of a job handed to the job queue, until a worker takes it over (crm.imports.tasks):
#: judged by its heartbeat, like another host's
QUEUE_HOST = "job-queue"


def claim_job(job_id: int, seen_status: str, status: str, *, seen_worker: str | None = None,
              retry: bool = False, queued: bool = False) -> str | None:
    """Take the job for this process with a conditional UPDATE from the state the caller saw.

    Returns the new claim, or None when someone else took the job first (a double-click, a second
    tab, a second retry). A retry must also find the same (stale) claim it judged interrupted. A job
    `queued` for a background worker is claimed for the queue: the worker takes the claim over as it starts."""
    worker = str(Worker(QUEUE_HOST, 0, "", secrets.token_hex(8)) if queued else Worker.new())
    conditions = [ImportJob.status == seen_status] + ([owned_by(seen_worker)] if retry else [])
    # Progress starts again from nothing: matching's 100 % is not writing's.
    if not claim(ImportJob, job_id, *conditions, status=status, worker=worker, heartbeat_at=utcnow(), error=None,
                 processed=0):
        return None
    if not queued:
        WORKING.add(worker)
    return worker


def discard_job(job: ImportJob) -> bool:
    """Delete the job in the state (status and claim) the caller judged it in; False when it changed meanwhile.

    A retry that took the job since goes on: only the state judged is discarded."""
    from sqlalchemy import delete

    from crm.extensions import db

    return bool(db.session.execute(delete(ImportJob).where(ImportJob.id == job.id, ImportJob.status == job.status,
                                                           owned_by(job.worker))
                                   .execution_options(synchronize_session=False)).rowcount)
