"""One round of the scheduler: ask for the timetable's due work, then hand again the jobs not performed."""
from flask import current_app

from crm.extensions import db
from crm.jobs.perform import perform
from crm.jobs.runners import runner
from crm.jobs.sweep import take_due
from crm.schedule.timetable import keep_schedule


def tick(perform_here: bool) -> list[int]:
    """A thread runner performs the jobs due itself; the scheduler process hands them to the RQ workers."""
    keep_schedule()
    ids = take_due()
    if perform_here:
        for job_id in ids:
            perform(job_id)
            db.session.remove()
    elif ids:
        runner(current_app._get_current_object()).deliver(ids)
    return ids
