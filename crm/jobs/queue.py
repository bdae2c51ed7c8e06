"""Asking for a job: a row added in the caller's transaction, delivered to a runner once that commits.

So a job exists exactly when the work that asked for it was saved: a rolled-back request asks for nothing, and a
runner never sees a job before its row can be read.
"""
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.extensions import db
from crm.jobs.models import QUEUED, Job

_PENDING = "crm.jobs.pending"  #: Session.info key: ids of the jobs this transaction added


def enqueue(task: str, payload: dict | None = None, *, key: str | None = None, run_after: datetime | None = None,
            max_attempts: int = 5, session: Session | None = None) -> int | None:
    """Add a job to the caller's transaction; runs once that commits. With a key already asked for, nothing is
    added and None is returned (the work is asked for once)."""
    session = session or db.session
    values = dict(task=task, payload=payload or {}, key=key, status=QUEUED, attempts=0, max_attempts=max_attempts,
                  run_after=run_after or utcnow(), created_at=utcnow(), delivered_at=utcnow())
    if key is None:
        job_id = session.execute(insert(Job).values(**values).returning(Job.id)).scalar_one()
    else:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        job_id = session.execute(dialect_insert(Job).values(**values).on_conflict_do_nothing(index_elements=["key"])
                                 .returning(Job.id)).scalar()
    if job_id is not None:
        session.info.setdefault(_PENDING, []).append(job_id)
    return job_id


def asked_for(key: str, session: Session | None = None) -> Job | None:
    return (session or db.session).scalar(select(Job).where(Job.key == key))


@event.listens_for(Session, "after_commit")
def _deliver(session) -> None:
    if session.get_nested_transaction() is not None or not session.info.get(_PENDING):
        return
    ids = session.info.pop(_PENDING)
    if not has_app_context():
        return  # a session of its own outside the app (a script): the next sweep hands its jobs
    from crm.jobs.runners import runner

    runner(current_app._get_current_object()).deliver(ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


KEEP_FINISHED_DAYS = 30


def prune_finished(payload: dict | None = None) -> dict:
    """The nightly round: jobs done or failed more than KEEP_FINISHED_DAYS ago go (their keys have long served:
    a digest's key names its day)."""
    from datetime import timedelta

    from sqlalchemy import delete

    from crm.jobs.models import DONE, FAILED

    cutoff = utcnow() - timedelta(days=KEEP_FINISHED_DAYS)
    removed = db.session.execute(delete(Job).where(Job.status.in_((DONE, FAILED)), Job.finished_at < cutoff)).rowcount
    db.session.commit()
    return {"removed": removed}
