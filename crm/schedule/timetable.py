"""The app's own timetable: what is due when, so nothing depends on the operator's cron.

Each run of a scheduled piece of work is a job with a key naming its day (and its liaison), enqueued once its
time has come: however many schedulers, threads or hosts ask, the unique key lets one job exist per run. A run
missed while every host was down is asked for when they come back, once: only the current day is ever asked
for, never the days missed.

- the purge of what was deleted more than 30 days ago, of large exports made more than a day ago and of jobs
  finished more than 30 days ago: daily, from 03:00 at the office;
- each liaison's digest (partnerships needing attention, agreements expiring, events coming), in their
  language, from DIGEST_HOUR of their own morning (their time zone, else the office's), Monday to Friday;
- each liaison's daily digest of what partners did, for those who chose it, from the same hour, every day;
- the reminders due that day (agreement expiries, anniversaries, reviews, commitments, milestones), from
  REMINDERS_HOUR at the office, every day.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from crm.auth.models import User
from crm.clock import office_timezone, utcnow
from crm.extensions import db
from crm.jobs.models import Job
from crm.jobs.queue import enqueue
from crm.localtime import is_time_zone
from crm.partnerships.models import Partnership
from crm.roles import Role

PURGE_HOUR = 3
PURGE = "crm.trash.tasks:purge_deleted"
DIGEST = "crm.health.digest:send_digest_job"
PARTNER_DIGEST = "crm.dashboard.partner_mail:send_partner_digest_job"
OLD_EXPORTS = "crm.exports.background:remove_old_exports"
OLD_JOBS = "crm.jobs.queue:prune_finished"
REMINDERS_HOUR = 7
REMINDERS = "crm.governance.reminders.sending:send_reminders_job"


def local_now(zone: str | None, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(zone if is_time_zone(zone) else office_timezone()))


def due_work(now: datetime) -> list[tuple[str, str, dict]]:
    """(key, task, payload) of every scheduled run whose time has come today."""
    from crm.dashboard.partner_activity import DAILY

    work = []
    office = local_now(office_timezone(), now)
    today = office.date()  # the office's today (crm.clock.office_today) at that moment
    if office.hour >= PURGE_HOUR:
        work.append((f"purge:{today.isoformat()}", PURGE, {}))
        work.append((f"old-exports:{today.isoformat()}", OLD_EXPORTS, {}))
        work.append((f"old-jobs:{today.isoformat()}", OLD_JOBS, {}))
    if office.hour >= REMINDERS_HOUR:
        work.append((f"reminders:{today.isoformat()}", REMINDERS, {"as_of": today.isoformat()}))
    hour = int(current_app.config.get("DIGEST_HOUR", 7))
    liaisons = db.session.execute(
        select(User.id, User.timezone, User.partner_news_mail).where(
            User.id.in_(select(Partnership.liaison_id).where(Partnership.archived_at.is_(None))),
            User.active, User.role != Role.GUEST))
    for user_id, zone, news_mail in liaisons:
        local = local_now(zone, now)
        if local.hour < hour:
            continue
        payload = {"user_id": user_id, "as_of": today.isoformat()}
        if local.weekday() < 5:
            work.append((f"digest:{local.date().isoformat()}:{user_id}", DIGEST, payload))
        if news_mail == DAILY:
            work.append((f"partner-digest:{local.date().isoformat()}:{user_id}", PARTNER_DIGEST, payload))
    return work


def keep_schedule(now: datetime | None = None) -> list[int]:
    """Ask for every run that is due and not asked for yet; returns the ids of the jobs added."""
    now = now or utcnow()
    work = due_work(now)
    asked = set(db.session.scalars(select(Job.key).where(Job.key.in_([key for key, _t, _p in work])))) if work else set()
    added = [job_id for key, task, payload in work if key not in asked
             if (job_id := enqueue(task, payload, key=key, max_attempts=8)) is not None]
    db.session.commit()
    return added
