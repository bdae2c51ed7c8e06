"""Imports write one at a time, and each plans its rows only once it holds the write lock.

Two imports of the same file confirmed at once do not both add its cities and partnerships; the second
finds them recorded, skips them and says so. PostgreSQL: an advisory lock held until the transaction ends;
SQLite: its one write lock."""
import time

from sqlalchemy import text, update
from sqlalchemy.exc import OperationalError

from crm.clock import utcnow
from crm.extensions import db
from crm.imports.models import ImportJob
from crm.imports.progress import PHASES, PREPARING, WAITING

#: the advisory lock key every import takes to write (any constant the app uses for nothing else)
WRITE_LOCK = 7_250_325_001
LOCK_POLL_SECONDS = 0.5


def wait_for_other_imports(job: ImportJob, progress=None) -> None:
    """Take the import write lock for this transaction, showing a heartbeat while another import holds it."""
    if db.session.get_bind().dialect.name == "sqlite":
        _take_sqlite_write_lock(job)
    else:
        while not db.session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK}).scalar():
            PHASES[job.token] = WAITING
            if progress:
                progress(0, job.total)  # the heartbeat: waiting is not being stuck
            time.sleep(LOCK_POLL_SECONDS)
    PHASES[job.token] = PREPARING


def _take_sqlite_write_lock(job: ImportJob) -> None:
    """SQLite's one write lock, taken before the plan reads. A transaction whose reads began before another
    import wrote cannot write after it (its snapshot is behind): it is rolled back (it only read) and tries
    again from a fresh snapshot. A transaction that wrote already (the CLI's new job) holds the lock."""
    job_id, token = job.id, job.token
    while True:
        try:
            db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(heartbeat_at=utcnow()))
            return
        except OperationalError as error:
            if "locked" not in str(error.orig):
                raise
            db.session.rollback()
            PHASES[token] = WAITING
            time.sleep(LOCK_POLL_SECONDS)
