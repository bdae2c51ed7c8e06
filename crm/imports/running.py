"""Running an import's work: matching a file's cities, and writing a confirmed import.

Either runs in the request (small files) or as a background job (crm.imports.tasks; crm.imports.views decides). On any error
nothing is written and the job says why; a process whose claim was taken over meanwhile writes nothing."""
import logging

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from crm.claims import claim
from crm.extensions import db
from crm.imports.liveness import WORKING, claim_job, owned_by
from crm.imports.matching import city_index, index_ready
from crm.imports.models import APPLYING, FAILED, MATCHING, READY, ImportJob
from crm.imports.progress import LOADING, PHASES, PROGRESS, Superseded, report_progress
from crm.imports.staging import stage_partnerships
from crm.imports.writing import apply
from crm.partnerships.duplicates import is_pair_violation

PAIR_ATTEMPTS = 3


def fail(job_id: int, message: str, worker: str | None = None) -> None:
    """Record the failure, unless another claim holds the job by now."""
    db.session.rollback()
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id, owned_by(worker))
                       .values(status=FAILED, error=message[:2000]))
    db.session.commit()


def run_apply(job_id: int, user_id: int | None, progress_factory=report_progress, *, worker: str | None = None) -> None:
    """Apply a job in the current app context; on any error nothing is written and the job says why.

    `worker` is the claim the caller took (crm.imports.liveness.claim_job); a ready job is claimed here."""
    if worker is None:
        worker = claim_job(job_id, READY, APPLYING)
        if worker is None:
            raise Superseded(job_id)
        db.session.commit()
    WORKING.add(worker)
    job = db.session.get(ImportJob, job_id, populate_existing=True)
    token = job.token if job else None
    try:
        if job is None or job.status != APPLYING or job.worker != worker:
            raise Superseded(job_id)  # writing's _finish checks the claim loaded here again, as it writes
        for attempt in range(1, PAIR_ATTEMPTS + 1):
            try:
                apply(job, user_id, progress_factory(job))
                db.session.commit()
                break
            except IntegrityError as error:
                # A partnership of the file saved by hand meanwhile (imports wait for each other): plan again,
                # and it is skipped as already recorded.
                if attempt == PAIR_ATTEMPTS or not is_pair_violation(error):
                    raise
                db.session.rollback()
                job = db.session.get(ImportJob, job_id, populate_existing=True)
    except Superseded:
        db.session.rollback()
        logging.getLogger(__name__).warning("import job %s was taken over by another claim; nothing written", job_id)
    except Exception as error:  # noqa: BLE001  (whatever went wrong, the import is all or nothing)
        db.session.rollback()
        fail(job_id, f"{type(error).__name__}: {error}", worker)
        raise
    finally:
        PROGRESS.pop(token, None)
        PHASES.pop(token, None)
        WORKING.discard(worker)


def run_matching(job_id: int, progress_factory=report_progress, *, worker: str | None = None) -> None:
    """Match a partnerships file's cities (contacts files are matched in the request: they are small)."""
    if worker is not None:
        WORKING.add(worker)
    job = db.session.get(ImportJob, job_id, populate_existing=True)
    token = job.token if job else None
    try:
        if job is None or job.status != MATCHING or job.worker != worker:
            raise Superseded(job_id)
        progress = progress_factory(job)
        if not index_ready():  # the first file since the process started: say so while the gazetteer loads
            PHASES[token] = LOADING
            progress(0, job.total)
            city_index()
            PHASES.pop(token, None)
        stage_partnerships(job, progress=progress)
        if not claim(ImportJob, job_id, ImportJob.status == MATCHING, owned_by(worker), status=READY):
            raise Superseded(job_id)
        job.status = READY
        db.session.commit()
    except Superseded:
        db.session.rollback()
        logging.getLogger(__name__).warning("import job %s was taken over by another claim", job_id)
    except Exception as error:  # noqa: BLE001
        fail(job_id, f"{type(error).__name__}: {error}", worker)
        raise
    finally:
        PROGRESS.pop(token, None)
        PHASES.pop(token, None)
        WORKING.discard(worker)
