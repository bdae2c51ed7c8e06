"""An import's background work as jobs (crm.jobs): matching a large file's cities, and writing it.

The request claimed the import for the queue (crm.imports.liveness.claim_job(queued=True)); the worker takes the
claim over as it starts, whoever held it last: the request, or a worker that was killed (the job's lease ran
out, crm.jobs.sweep). Writing is one transaction, so an interrupted import wrote nothing and starts again from
the top; one that was written is DONE and is not written again.
"""
from crm.extensions import db
from crm.imports.liveness import claim_job
from crm.imports.models import APPLYING, FAILED, MATCHING, ImportJob
from crm.imports.running import run_apply, run_matching


def _take_over(import_id: int, status: str) -> str | None:
    job = db.session.get(ImportJob, import_id, populate_existing=True)
    if job is None or job.status != status:
        return None  # written, failed, discarded, or taken back to an earlier step: nothing to do
    worker = claim_job(import_id, status, status, seen_worker=job.worker, retry=True)
    db.session.commit()
    return worker


def _run(function, import_id: int, status: str, *args) -> dict:
    worker = _take_over(import_id, status)
    if worker is None:
        return {"ran": False}
    try:
        function(import_id, *args, worker=worker)
    except Exception as error:
        db.session.rollback()
        job = db.session.get(ImportJob, import_id, populate_existing=True)
        if job is not None and job.status == FAILED:
            return {"ran": True, "failed": type(error).__name__}  # the import says why; the user decides
        raise  # not recorded (the database went away meanwhile): the job queue tries again later
    return {"ran": True}


def match(payload: dict) -> dict:
    return _run(run_matching, payload["import_id"], MATCHING)


def apply(payload: dict) -> dict:
    return _run(run_apply, payload["import_id"], APPLYING, payload.get("user_id"))
