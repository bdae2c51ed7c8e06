"""Handing again the jobs that were not performed (crm.schedule.rounds runs it every few seconds).

A job is handed again when it is queued and due but was not handed for REDELIVER_SECONDS (Redis restarted and
lost it, a retry's backoff ran out, a host went down between commit and delivery), or when it is running with
a lease that ran out (its worker was killed). Two sweeps at once hand each job once: the hand-over is a
conditional UPDATE of delivered_at.
"""
from datetime import timedelta

from sqlalchemy import or_, select, update

from crm.clock import utcnow
from crm.extensions import db
from crm.jobs.lease import is_stale
from crm.jobs.models import QUEUED, RUNNING, Job
from crm.jobs.perform import heartbeats_recorded

REDELIVER_SECONDS = 120
LIMIT = 100


def take_due() -> list[int]:
    """The jobs to hand again now, marked as handed."""
    now = utcnow()
    quiet = now - timedelta(seconds=REDELIVER_SECONDS)
    unhanded = or_(Job.delivered_at.is_(None), Job.delivered_at < quiet)
    candidates = list(db.session.execute(select(Job.id, Job.delivered_at).where(
        Job.status == QUEUED, Job.run_after <= now, unhanded).order_by(Job.run_after, Job.id).limit(LIMIT)))
    # A running job not handed since its worker took it: handed again as soon as that worker is judged gone.
    since_taken = or_(Job.delivered_at.is_(None), Job.delivered_at < Job.started_at, Job.delivered_at < quiet)
    candidates += [(job.id, job.delivered_at) for job in db.session.scalars(
        select(Job).where(Job.status == RUNNING, since_taken).limit(LIMIT))
        if is_stale(job, now, heartbeats_recorded())]
    taken = []
    for job_id, seen in candidates:
        same = Job.delivered_at.is_(None) if seen is None else Job.delivered_at == seen
        if db.session.execute(update(Job).where(Job.id == job_id, same).values(delivered_at=now)
                              .execution_options(synchronize_session=False)).rowcount:
            taken.append(job_id)
    db.session.commit()
    return taken
