"""What browsers and proxies may keep: static files for a year, nothing of a signed-in page.

Static files are addressed by their content (`/static/css/app.css?v=<sha256 prefix>`, added by
url_for): a changed file gets a new URL, so the browser may keep each one for a year without asking
again. They are served without a session, so no `Vary: Cookie` makes a cache keep a copy per visitor.
Everything else a signed-in user is sent — pages, staff notes, downloads — is `no-store`: after
sign-out on a shared computer, the Back button cannot show it again.
"""
import hashlib
from pathlib import Path

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

VERSION_ARG = "v"
DIGEST_LENGTH = 16  #: hex digits of SHA-256 in a static URL; enough to tell versions apart
A_YEAR = 365 * 24 * 3600
PRIVATE = "private, no-store"


def static_digests(folder: Path) -> dict[str, str]:
    """Each static file's content hash, by its path under the folder (read once, at start)."""
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]
            for path in sorted(folder.rglob("*")) if path.is_file()}


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, except that a static file's answer never carries it.

    Flask-Login reads the session after every request, and any read makes Flask add `Vary: Cookie`
    (and may refresh the cookie); a static file never depends on who asks. Only an error page for a
    static address that wrote to the session (a new CSRF token) is saved as usual."""

    def save_session(self, app: Flask, session, response) -> None:
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)


def configure_caching(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.extensions["static_digests"] = static_digests(Path(app.static_folder)) if app.static_folder else {}
    app.url_defaults(add_static_version)
    app.after_request(set_cache_headers)


def add_static_version(endpoint: str, values: dict) -> None:
    """url_for('static', filename=…) gets ?v=<content hash> (a file not there at start gets none)."""
    if endpoint == "static" and VERSION_ARG not in values:
        digest = current_app.extensions["static_digests"].get(values.get("filename", ""))
        if digest:
            values[VERSION_ARG] = digest


def set_cache_headers(response):
    if request.endpoint == "static":
        filename = (request.view_args or {}).get("filename", "")
        version = request.args.get(VERSION_ARG)
        if response.status_code in (200, 206, 304) and version and (
                version == current_app.extensions["static_digests"].get(filename)):
            cache = response.cache_control
            cache.no_cache = None
            cache.public, cache.max_age, cache.immutable = True, A_YEAR, True
        # Without the current version, Flask's own answer stands: no-cache, revalidated by ETag.
        return response
    if _signed_in():
        response.headers["Cache-Control"] = PRIVATE  # whatever the view set: send_file's no-cache too
    else:
        response.headers.setdefault("Cache-Control", PRIVATE)
    return response


def _signed_in() -> bool:
    try:
        return current_user.is_authenticated
    except SQLAlchemyError:  # the database is down: whoever it is, keep the answer out of caches
        return True
