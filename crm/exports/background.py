"""Large spreadsheets made in the background: a job (crm.jobs) builds the XLSX, keeps it in the file store
(crm.storage) and the page that asked for it shows its progress, then a download link, whichever host answers.

An XLSX is built whole before its first byte can go (100,000 engagements took 34 s), so past EXPORT_INLINE_ROWS
rows the request starts a job instead. CSV needs none of this: it streams as it is read. The job reads the list
again as the request would have (its filters, its language and the user it is for), keeps the file for a day
(EXPORT_KEEP_HOURS) under exports/<token>.xlsx, and only that user may fetch it.
"""
import importlib
import io
import re
import secrets
from datetime import timedelta

from flask import current_app, redirect, request, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user, login_user
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, lazyload

from crm.attachments.consistency import StoredKind, register
from crm.clock import office_today, utcnow
from crm.exports.writers import file_name, xlsx_bytes
from crm.extensions import db
from crm.jobs.models import DONE, Job
from crm.jobs.queue import asked_for, enqueue
from crm.storage import store

TASK = "crm.exports.background:build"
#: what each kind of list is read with: "module:function" giving (columns, query, title, slug) for the request
SOURCES = {"engagements": "crm.engagements.exports:export_source"}
FOLDER = "exports/"
PROGRESS_EVERY = 2000


def inline_limit() -> int:
    return int(current_app.config.get("EXPORT_INLINE_ROWS", 20_000))


def job_key(token: str) -> str:
    return f"export:{token}"


def background_export_if_large(kind: str, query):
    """A redirect to the export's progress page when the list is over the limit (its job started), else None."""
    limit = inline_limit()
    counted = query.options(lazyload("*")).order_by(None).limit(limit + 1).subquery()
    if db.session.execute(select(func.count()).select_from(counted)).scalar() <= limit:
        return None
    token = secrets.token_urlsafe(16)
    arguments = [[key, value] for key, values in request.args.lists() for value in values]
    enqueue(TASK, {"token": token, "kind": kind, "args": arguments, "user_id": current_user.id,
                   "locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])},
            key=job_key(token), max_attempts=3)
    db.session.commit()
    return redirect(url_for("exports.status", token=token))


def users_export(token: str) -> Job | None:
    """The export job of this token, if it is the current user's."""
    job = asked_for(job_key(token))
    if job is None or job.task != TASK or job.payload.get("user_id") != current_user.id:
        return None
    return job


def source(kind: str):
    module, _, name = SOURCES[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def _report(job_id: int, done: int, total: int) -> None:
    """How far the export is, written apart from its own reading (the progress page reads it)."""
    with Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint") as side:
        side.execute(update(Job).where(Job.id == job_id).values(result={"done": done, "total": total},
                                                              heartbeat_at=utcnow()))
        side.commit()


def _counting(rows, job_id: int, total: int):
    """The rows, recording how many were written every PROGRESS_EVERY."""
    _report(job_id, 0, total)  # the page shows the whole from the start
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            _report(job_id, done, total)
        yield row


def build(payload: dict) -> dict:
    """The job: read the list as the user's request would, write the XLSX to the store."""
    from crm.auth.models import User

    user = db.session.get(User, payload["user_id"])
    if user is None or not user.active or not user.is_staff:
        return {"refused": True}
    job_id = asked_for(job_key(payload["token"])).id
    with current_app.test_request_context("/", query_string=[tuple(pair) for pair in payload["args"]],
                                          base_url=current_app.config["PUBLIC_URL"]), \
            force_locale(payload.get("locale")):
        login_user(user)
        columns, query, title, slug = source(payload["kind"])()
        total = db.session.execute(select(func.count()).select_from(
            query.options(lazyload("*")).order_by(None).subquery())).scalar()
        rows = _counting(db.session.scalars(query.execution_options(yield_per=1000)), job_id, total)
        data = xlsx_bytes(columns, rows, str(title))
        name, ascii_name = file_name(str(title), slug, "xlsx", office_today())
    key = f"{FOLDER}{payload['token']}.xlsx"
    store().put(key, io.BytesIO(data))
    return {"done": total, "total": total, "key": key, "filename": name, "ascii": ascii_name, "size": len(data)}


def _named_exports() -> dict[str, str]:
    """The export files the job rows name (for `crm files check`)."""
    return {job.result["key"]: f"export {job.payload.get('token')}" for job in db.session.scalars(
        select(Job).where(Job.task == TASK, Job.status == DONE)) if (job.result or {}).get("key")}


register(StoredKind(re.compile(FOLDER + r"[A-Za-z0-9_-]+\.xlsx"), _named_exports))  # for `crm files check`


def remove_old_exports(payload: dict | None = None) -> dict:
    """The nightly round: files made more than EXPORT_KEEP_HOURS ago go (their pages then say so)."""
    keep = timedelta(hours=int(current_app.config.get("EXPORT_KEEP_HOURS", 24)))
    cutoff = (utcnow() - keep).timestamp()
    files = store()
    removed = 0
    for found in list(files.list(FOLDER)):
        if found.modified < cutoff:
            files.remove(found.key)
            removed += 1
    return {"removed": removed}
