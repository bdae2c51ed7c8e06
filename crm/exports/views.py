"""A large export's own page: its progress, then its download (crm.exports.background)."""
from flask import Blueprint, abort, jsonify, render_template, url_for

from crm.access import STAFF, allow
from crm.downloads import content_disposition
from crm.exports.background import users_export
from crm.exports.writers import XLSX_MIMETYPE
from crm.jobs.models import DONE, FAILED
from crm.storage import store
from crm.storage.serving import send_stored

bp = Blueprint("exports", __name__, url_prefix="/exports")


def _progress(job) -> tuple[int, int]:
    result = job.result or {}
    return int(result.get("done", 0)), int(result.get("total", 0))


@bp.get("/<token>")
@allow(STAFF)
def status(token: str):
    job = users_export(token) or abort(404)
    done, total = _progress(job)
    ready = job.status == DONE and "key" in (job.result or {}) and store().exists(job.result["key"])
    return render_template("exports/progress.html", job=job, token=token, done=done, total=total, ready=ready,
                           failed=job.status == FAILED or (job.status == DONE and not ready))


@bp.get("/<token>/status")
@allow(STAFF)
def progress(token: str):
    job = users_export(token) or abort(404)
    done, total = _progress(job)
    return jsonify(status=job.status, done=done, total=total, percent=round(100 * done / total) if total else 0,
                   finished=job.status in (DONE, FAILED), url=url_for(".status", token=token))


@bp.get("/<token>/download")
@allow(STAFF)
def download(token: str):
    job = users_export(token) or abort(404)
    result = job.result or {}
    if job.status != DONE or "key" not in result:
        abort(404)
    try:
        response = send_stored(store(), result["key"], mimetype=XLSX_MIMETYPE, etag=True)
    except FileNotFoundError:
        abort(404)  # removed after EXPORT_KEEP_HOURS: the page says so
    response.headers["Content-Disposition"] = content_disposition(result["filename"], fallback=result["ascii"])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
