"""Every error of the API as JSON in the documented shape, {"error": {"status", "code", "message"}}:
the app's own refusals, a database that does not answer (503), an unexpected failure (500), and
(through crm.gunicorn_errors) what the server refuses before the app sees the request."""
import json

import sqlalchemy.exc
from flask import current_app, jsonify
from werkzeug.exceptions import HTTPException

from crm.extensions import db
from crm.schema_version import describe_revisions, is_schema_error

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         413: "payload_too_large", 414: "uri_too_long", 417: "expectation_failed", 429: "too_many_requests",
         431: "header_fields_too_large", 500: "internal_error", 501: "not_implemented", 503: "unavailable"}
UNAVAILABLE = "The database did not answer. Please try again in a moment."
UNEXPECTED = "Something went wrong; the error has been logged. Please try again in a moment."
SCHEMA_BEHIND = "The server needs a database update that has not been applied yet; the error has been logged."
#: seconds a client is asked to wait after a 503
RETRY_AFTER = 5


def error_body(status: int, message: str, code: str | None = None) -> dict:
    return {"error": {"status": status, "code": code or CODES.get(status, "error"), "message": message}}


def error_bytes(status: int, message: str) -> bytes:
    """The body without an application (for the server's own refusals)."""
    return json.dumps(error_body(status, message)).encode()


def json_error(status: int, message: str, headers: dict | None = None):
    response = jsonify(error_body(status, message))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def error_response(error: HTTPException):
    """Any HTTP error under /api/ (crm.errors sends them here)."""
    response = json_error(error.code, error.description)
    challenge = getattr(error, "challenge", None)
    if challenge:
        response.headers["WWW-Authenticate"] = challenge
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 429 and error.response is not None and "Retry-After" in error.response.headers:
        response.headers["Retry-After"] = error.response.headers["Retry-After"]
    return response


def _rollback() -> None:
    try:
        db.session.rollback()
    except sqlalchemy.exc.SQLAlchemyError:
        pass


def register(bp) -> None:
    """Handlers for errors raised while an API view runs; they take precedence over the web pages' ones."""

    @bp.errorhandler(sqlalchemy.exc.OperationalError)
    @bp.errorhandler(sqlalchemy.exc.InterfaceError)
    @bp.errorhandler(sqlalchemy.exc.PendingRollbackError)
    @bp.errorhandler(sqlalchemy.exc.TimeoutError)  # no pooled connection came free in time
    def database_unavailable(error):
        if isinstance(error, sqlalchemy.exc.DBAPIError) and is_schema_error(error):
            return schema_behind(error)
        _rollback()
        current_app.logger.warning("database unavailable: %s", error)
        return json_error(503, UNAVAILABLE, {"Retry-After": str(RETRY_AFTER)})

    @bp.errorhandler(sqlalchemy.exc.ProgrammingError)
    def database_programming_error(error):
        if is_schema_error(error):
            return schema_behind(error)
        raise error  # any other one is a bug: the usual 500

    def schema_behind(error):
        _rollback()
        current_app.logger.error("database schema is not at the migration head: %s (%s); run `flask db upgrade`",
                                 str(getattr(error, "orig", error)).splitlines()[0], describe_revisions())
        return json_error(500, SCHEMA_BEHIND)

    @bp.errorhandler(500)
    def unexpected(error):
        _rollback()  # Flask has logged the original exception
        return json_error(500, UNEXPECTED)
