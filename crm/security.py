"""Response headers every page carries, and the liveness and readiness endpoints."""
import sqlalchemy.exc
from flask import Blueprint, current_app, jsonify

from crm.access import PUBLIC, allow
from crm.extensions import db
from crm.schema_version import database_revisions, describe_revisions, is_schema_error, migration_heads

_POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    """The policy, with the pages that may frame this one: none, except the public face's (crm.public.headers)."""
    return "; ".join([*_POLICY, f"frame-ancestors {frame_ancestors}"])


CONTENT_SECURITY_POLICY = content_security_policy()

bp = Blueprint("health_checks", __name__)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
        headers.setdefault("X-Frame-Options", "DENY")  # a page that may be framed (the public face) sets its own
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


@bp.get("/healthz")
@allow(PUBLIC)
def liveness():
    """The process answers (for a load balancer's liveness probe)."""
    return jsonify(status="ok")


@bp.get("/readyz")
@allow(PUBLIC)
def readiness():
    """The process can serve: the database answers, and is at the head of this code's migrations."""
    try:
        revisions = database_revisions()  # one small query; the scripts' head is read once per process
    except Exception as error:  # any database failure means "not ready", never a 500 page
        db.session.rollback()
        if isinstance(error, sqlalchemy.exc.DBAPIError) and is_schema_error(error):
            revisions = None  # no alembic_version table: never migrated
        else:
            current_app.logger.warning("readiness check: database unavailable", exc_info=True)
            return jsonify(status="unavailable", database="down"), 503
    if revisions != migration_heads():
        current_app.logger.warning("readiness check: database schema is not at the migration head (%s); "
                                   "run `flask db upgrade`", describe_revisions(revisions))
        return jsonify(status="unavailable", database="up", migrations="not at head"), 503
    return jsonify(status="ok", database="up", migrations="at head")
