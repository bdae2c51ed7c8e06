"""Error pages in the reader's language."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crm.extensions import db

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
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("The form had expired. Please reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code if error.code in MESSAGES else 400)

    @app.errorhandler(500)
    def unexpected_error(error):
        # Flask logs the original exception; in testing it propagates instead.
        db.session.rollback()
        return render_error(500)
