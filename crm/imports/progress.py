"""How far a running import is, and which phase it is in, as its progress page shows it.

Progress is kept in this process (SQLite cannot take a second writer while the import writes) and, on
PostgreSQL, written to the job apart from the import's own transaction, with the heartbeat that tells a
running job from an interrupted one (crm.imports.liveness)."""
from sqlalchemy import update
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.extensions import db
from crm.imports.liveness import owned_by
from crm.imports.models import APPLYING, MATCHING, ImportJob

#: progress of running jobs in this process (SQLite cannot take a second writer while the import writes)
PROGRESS: dict[str, tuple[int, int]] = {}
#: the phase each running job of this process is in (see phase_of)
PHASES: dict[str, str] = {}
WAITING, PREPARING, WRITING = "waiting", "preparing", "writing"
LOADING = "loading"  #: matching, the gazetteer still loading


class Superseded(Exception):
    """The job is no longer this process's: a retry took it over, or it was discarded. Nothing is written."""


def report_progress(job: ImportJob):
    """A callback that records (done, total) and the heartbeat, committed apart from the import itself."""
    token, job_id, worker = job.token, job.id, job.worker

    def progress(done: int, total: int) -> None:
        PROGRESS[token] = (done, total)
        engine = db.session.get_bind()
        if engine.dialect.name == "sqlite":
            return
        with Session(bind=engine, join_transaction_mode="create_savepoint") as side:
            found = side.execute(update(ImportJob).where(ImportJob.id == job_id, owned_by(worker))
                                 .values(processed=done, total=total, heartbeat_at=utcnow())).rowcount
            side.commit()
        if worker is not None and not found:
            raise Superseded(job_id)

    return progress


def phase_of(job: ImportJob) -> str:
    """matching (loading the gazetteer first), waiting (for another import to finish writing), preparing (its
    cities) or writing."""
    if job.status == MATCHING and PHASES.get(job.token) == LOADING:
        return LOADING
    if job.status != APPLYING:
        return job.status
    return PHASES.get(job.token) or (WRITING if job.processed else PREPARING)
