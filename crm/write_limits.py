"""Rate limits on what guests write (engagements, itinerary comments, uploads, API tokens).

One guest must not be able to slow the whole office: each kind of write is
counted per user, with limits read from configuration (CRM_GUEST_*_LIMIT).
A request past its limit is refused before the view runs, so nothing is written,
with a 429 page in the user's language.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.errors import render_error
from crm.extensions import limiter

#: config key -> the default limit (Flask-Limiter notation; "; " separates several)
DEFAULT_LIMITS = {
    "GUEST_ENGAGEMENT_LIMIT": "30 per hour; 200 per day",
    "GUEST_COMMENT_LIMIT": "60 per hour; 300 per day",
    "GUEST_UPLOAD_LIMIT": "20 per hour; 100 per day",
    "API_TOKEN_CREATE_LIMIT": "10 per hour; 30 per day",
}
TOO_MANY_WRITES = _l("You have saved a lot in a short time, so this was not saved. "
                     "Please wait a while before you try again.")


def _per_user() -> str:
    return f"user:{getattr(current_user, 'id', '')}"


def _too_many(_limit):
    current_app.logger.warning("write refused (rate limit %s) for user %s", _limit.limit, _per_user())
    return current_app.make_response(render_error(429, TOO_MANY_WRITES))


def write_limit(config_key: str):
    """Limit a view's POSTs per signed-in user, as configured under config_key."""
    default = DEFAULT_LIMITS[config_key]
    return limiter.limit(lambda: current_app.config.get(config_key) or default, key_func=_per_user,
                         methods=["POST"], on_breach=_too_many)
