"""Every error of the API as JSON in the documented shape, {"error": {"status", "code", "message"}}:
crm.errors answers with these under /api/ (the app's refusals, a database that does not answer (503),
an unexpected failure (500)), and crm.gunicorn_errors for what gunicorn refuses before the app runs.
Messages are in English, like the rest of the API."""
import json

import sqlalchemy.exc
from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from crm.extensions import db

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         413: "payload_too_large", 414: "uri_too_long", 417: "expectation_failed", 429: "too_many_requests",
         431: "header_fields_too_large", 500: "internal_error", 501: "not_implemented", 503: "unavailable"}
UNAVAILABLE = "The database did not answer. Please try again in a moment."
UNEXPECTED = "Something went wrong; the error has been logged. Please try again in a moment."
SCHEMA_BEHIND = "The server needs a database update that has not been applied yet; the error has been logged."
UNTRUSTED_HOST = "This address is not served here."
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


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def unavailable():
    """The database did not answer (crm.errors has logged it): a 503 to try again after a few seconds."""
    try:
        db.session.rollback()
    except sqlalchemy.exc.SQLAlchemyError:
        pass
    return json_error(503, UNAVAILABLE, {"Retry-After": str(RETRY_AFTER)})
