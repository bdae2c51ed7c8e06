"""Error pages in the reader's language."""
import sqlalchemy.exc
from flask import current_app, g, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, SecurityError

from crm import api_errors
from crm.extensions import db
from crm.schema_version import describe_revisions, is_schema_error

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("Your account cannot open this page.")),
    404: (_l("Not found"), _l("There is nothing here. It may have been removed, or the address is mistyped.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("The file is larger than the limit allowed.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes before you try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again in a moment.")),
    503: (_l("Please try again"), _l("The document could not be produced just now. Please try again in a moment.")),
}


def render_error(code: int, message=None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    try:
        return render_template("errors/error.html", code=code, title=title, message=message or default), code
    except sqlalchemy.exc.SQLAlchemyError:  # the layout could not ask who is signed in
        return render_unavailable()


def render_unavailable():
    """The "try again" page, for when the database does not answer.

    A form sent meanwhile comes back filled in, ready to be sent again to the same address (a "try again"
    link would GET an address that only takes POST, and lose what was typed)."""
    try:
        db.session.rollback()
    except sqlalchemy.exc.SQLAlchemyError:
        pass
    # Nobody can be looked up now: render as anonymous (Flask-Login would ask the
    # database again for every template), on a page of its own.
    g._login_user = current_app.login_manager.anonymous_user()
    resend = None if request.method in ("GET", "HEAD") else sent_form()
    return render_template("errors/unavailable.html", resend=resend), 503


#: fields never written back into a page: the old CSRF token (a fresh one is added) and passwords
_NEVER_RESENT = ("csrf_token",)
_password_names: frozenset | None = None


def password_field_names() -> frozenset:
    """The names of every password field of the app's forms ("password", and "confirm" and "current" too)."""
    global _password_names
    if _password_names is None:
        from wtforms import Form, PasswordField
        from wtforms.fields.core import UnboundField

        names, classes = set(), [Form]
        while classes:
            cls = classes.pop()
            classes.extend(cls.__subclasses__())
            names.update(name for name, value in vars(cls).items()
                         if isinstance(value, UnboundField) and issubclass(value.field_class, PasswordField))
        _password_names = frozenset(names)
    return _password_names


def _secret(name: str) -> bool:
    lowered = name.lower()
    return "password" in lowered or "passphrase" in lowered or name in password_field_names()


def sent_form() -> dict:
    """What a form sent: the fields to send again as they were, and the passwords and files the user must
    give again (a page never carries a password, and a browser cannot choose a file for the user)."""
    fields, passwords, files = [], [], []
    try:
        for name, value in request.form.items(multi=True):
            if name in _NEVER_RESENT:
                continue
            if _secret(name):
                if name not in passwords:
                    passwords.append(name)
                continue
            fields.append((name, value))
        for name in request.files:
            if name not in files:
                files.append(name)
    except Exception:  # a body that cannot be read again (too large, cut off): an empty form still re-sends
        current_app.logger.warning("the form sent during the outage could not be read back", exc_info=True)
    return {"fields": fields, "passwords": passwords, "files": files,
            # written text, to copy if the outage lasts (not the choices and dates the form offered)
            "typed": [(name, value) for name, value in fields
                      if name != "next" and (len(value) > 40 or len(value.strip().split()) > 1)]}


def register_error_handlers(app):
    @app.errorhandler(sqlalchemy.exc.OperationalError)
    @app.errorhandler(sqlalchemy.exc.InterfaceError)
    @app.errorhandler(sqlalchemy.exc.PendingRollbackError)
    def database_unavailable(error):
        if is_schema_error(error):  # SQLite says "no such table" with the same exception class
            return schema_not_at_head(error)
        # The database is restarting or unreachable: say so and let the pool reconnect
        # (pool_pre_ping) on a later request; nothing half-done is kept.
        app.logger.warning("database unavailable: %s", error)
        if api_errors.is_api_request():
            return api_errors.unavailable()
        return render_unavailable()

    @app.errorhandler(sqlalchemy.exc.ProgrammingError)
    def database_programming_error(error):
        if is_schema_error(error):
            return schema_not_at_head(error)
        raise error  # any other one is a bug: the usual 500

    def schema_not_at_head(error):
        # Waiting will not help: the migrations were not applied (or a published one was
        # edited after databases had run it). A 500 that says so, not "try again".
        db.session.rollback()
        app.logger.error("database schema is not at the migration head: %s (%s); run `flask db upgrade`",
                         str(getattr(error, "orig", error)).splitlines()[0], describe_revisions())
        if api_errors.is_api_request():
            return api_errors.json_error(500, api_errors.SCHEMA_BEHIND)
        return render_error(500, _l("This page needs a database update that has not been applied yet. "
                                    "The error has been logged for the administrator."))

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page layout; a short answer.
        app.logger.warning("request refused for an untrusted host: %s", request.environ.get("HTTP_HOST", "")[:100])
        if api_errors.is_api_request():
            return api_errors.json_error(400, api_errors.UNTRUSTED_HOST)
        return str(_l("This address is not served here.")), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("The form had expired. Please reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        response = make_response(error_page(error))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # RFC 9110 15.5.6: a 405 names the methods the address does accept
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response

    def error_page(error: HTTPException):
        if api_errors.is_api_request():  # machines read these: JSON, not a page
            return api_errors.error_response(error)
        if error.code == 429 and error.response is not None:  # a limit's own page (crm.write_limits)
            return error.response
        return render_error(error.code if error.code in MESSAGES else 400)

    @app.errorhandler(500)
    def unexpected_error(error):
        # Flask logs the original exception; in testing it propagates instead.
        db.session.rollback()
        if api_errors.is_api_request():
            return api_errors.json_error(500, api_errors.UNEXPECTED)
        return render_error(500)
