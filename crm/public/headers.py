"""The headers of the public face (issue 23 §1): the directory's pages and the open-data feed.

- **Caching.** An anonymous GET that succeeds is `Cache-Control: public, max-age=CRM_PUBLIC_MAX_AGE` with an ETag,
  and a repeated GET naming that ETag (If-None-Match) gets a 304 without a body. A signed-in reader's answer stays
  `private, no-store` (crm.caching decides that after us), and so does an answer that would set a cookie: a shared
  cache must never hand one visitor's session to another.
- **Embedding.** The city's website may frame these pages: their `frame-ancestors` is `'self'` and the origins the
  admins listed (OfficeSettings.public_frame_ancestors). X-Frame-Options cannot name origins, so it is left out
  when origins are listed (SAMEORIGIN otherwise). Every other page keeps `frame-ancestors 'none'` and
  `X-Frame-Options: DENY` (crm.security).
- **Rate limit.** One counter per address across both blueprints (CRM_PUBLIC_RATE_LIMIT); past it a 429 in the
  visitor's language (the page's, from its URL), JSON for the feed's .json addresses.
"""
from flask import Flask, current_app, jsonify, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from crm.errors import render_error
from crm.extensions import limiter
from crm.security import content_security_policy
from crm.settings.service import stored_office_settings

#: the blueprints whose answers are public: the directory (crm.public.views) and the feed (crm.public.open_data)
PUBLIC_BLUEPRINTS = ("public", "open_data")
DEFAULT_MAX_AGE = 300
DEFAULT_RATE_LIMIT = "300 per minute"
TOO_MANY_REQUESTS = _l("Too many requests came from your address in a short time. Please wait a minute and try again.")


def frame_origins(settings=None) -> list[str]:
    """The origins the office lets frame the public pages, as saved (one per line)."""
    if settings is None:
        try:
            settings = stored_office_settings()
        except SQLAlchemyError:  # the database is down: frame nothing but ourselves
            return []
    text = (settings.public_frame_ancestors or "") if settings is not None else ""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _rate_limit() -> str:
    return current_app.config.get("PUBLIC_RATE_LIMIT") or DEFAULT_RATE_LIMIT


def _too_many(_limit):
    current_app.logger.warning("public face: rate limit %s reached by %s", _limit.limit, request.remote_addr)
    if request.path.endswith(".json"):
        response = jsonify(error="too_many_requests", message=str(TOO_MANY_REQUESTS))
        response.status_code = 429
        return response
    return current_app.make_response(render_error(429, TOO_MANY_REQUESTS))


#: one counter per address, shared by every public route (a page and its photos count together)
_PUBLIC_LIMIT = limiter.shared_limit(_rate_limit, scope="public-face", on_breach=_too_many)


def configure_public_headers(app: Flask) -> None:
    """Limit the public blueprints and give their answers these headers.

    Called after crm.caching and crm.security registered theirs, so this runs before both: they only fill in
    what is still missing (and crm.caching makes a signed-in reader's answer private)."""
    for name in PUBLIC_BLUEPRINTS:
        _PUBLIC_LIMIT(app.blueprints[name])  # the same limit object every time: registering it again is a no-op
    app.after_request(add_public_headers)


def add_public_headers(response):
    if request.blueprint not in PUBLIC_BLUEPRINTS:
        return response
    origins = frame_origins()
    response.headers["Content-Security-Policy"] = content_security_policy(" ".join(["'self'", *origins]))
    if origins:
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    if request.blueprint == "open_data":
        response.vary.add("Accept-Language")  # its human page (no language in its URL) follows the browser's
    if _cacheable(response):
        cache = response.cache_control
        cache.no_cache = cache.no_store = cache.private = None
        cache.public, cache.max_age = True, current_app.config.get("PUBLIC_MAX_AGE", DEFAULT_MAX_AGE)
        if not response.direct_passthrough:  # a file sent as it is read carries its own ETag (send_file)
            response.add_etag()
        response.make_conditional(request)
    return response


def _cacheable(response) -> bool:
    """An anonymous visitor's successful GET that sets no cookie: the same for everyone who asks."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if session.modified:  # it would carry a Set-Cookie: never into a shared cache
        return False
    try:
        return not current_user.is_authenticated
    except SQLAlchemyError:
        return False
