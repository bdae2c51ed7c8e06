"""Error pages in the reader's language."""
import sqlalchemy.exc
from flask import current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

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
    """The "try again" page, for when the database does not answer."""
    try:
        db.session.rollback()
    except sqlalchemy.exc.SQLAlchemyError:
        pass
    # Nobody can be looked up now: render as anonymous (Flask-Login would ask the
    # database again for every template), on a page of its own.
    g._login_user = current_app.login_manager.anonymous_user()
    return render_template("errors/unavailable.html"), 503


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
        return render_error(500, _l("This page needs a database update that has not been applied yet. "
                                    "The error has been logged for the administrator."))

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page layout; a short answer.
        app.logger.warning("request refused for an untrusted host: %s", request.environ.get("HTTP_HOST", "")[:100])
        return str(_l("This address is not served here.")), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("The form had expired. Please reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        if request.path.startswith("/api/"):  # machines read these: JSON, not a page
            from crm.api.bearer import error_response

            return error_response(error)
        if error.code == 429 and error.response is not None:  # a limit's own page (crm.guests.limits)
            return error.response
        return render_error(error.code if error.code in MESSAGES else 400)

    @app.errorhandler(500)
    def unexpected_error(error):
        # Flask logs the original exception; in testing it propagates instead.
        db.session.rollback()
        return render_error(500)
