"""Whether the process holding a job is still at it.

A lease names its process as crm.imports.liveness.Worker does (host, pid, when the process started, a nonce). A
process on this host is judged by whether it still exists; any process, on PostgreSQL, also by its heartbeat
(written every few seconds while the job runs), so a job of a host that went away is taken up again once its
lease runs out. SQLite runs on one host, and its one writer may be busy with the job itself: there the process
check alone decides.
"""
import os
from datetime import datetime, timedelta

from flask import current_app

from crm.jobs.models import RUNNING, Job
from crm.processes import HOST, Worker, process_alive, process_started

#: the leases this process is performing right now
HELD: set[str] = set()


def lease_seconds() -> int:
    return int(current_app.config.get("JOB_LEASE_SECONDS", 60))


def is_stale(job: Job, now: datetime, heartbeats: bool) -> bool:
    """A running job whose process has gone (or shown no sign of life for a lease) may be taken up again."""
    if job.status != RUNNING:
        return False
    if job.lease in HELD:
        return False
    worker = Worker.parse(job.lease)
    if worker is not None and worker.host == HOST:
        if worker.pid == os.getpid() and worker.started == process_started(worker.pid):
            return True  # ours, and none of our threads holds it: the work ended unrecorded
        if not process_alive(worker.pid, worker.started):
            return True
        if not heartbeats:
            return False
    last = job.heartbeat_at or job.started_at
    return last is None or now - last > timedelta(seconds=lease_seconds())
