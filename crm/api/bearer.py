"""Who is calling the API: the bearer token, and only the bearer token.

API views are PUBLIC in the access layer, so the session cookie plays no part:
this module authenticates the Authorization header, makes the token's owner
the current user for the rest of the request, and starts a guest's scope the
way crm.access does for a signed-in guest, so every scoped query and the guest
loader criteria apply exactly as on the web.
"""
import hashlib
from functools import wraps

from flask import g, request
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from crm.api.tokens import record_use, token_for_secret
from crm.guests.scope import start_guest_request
from crm.roles import Role

REALM = 'Bearer realm="Sister City CRM API"'


class MissingToken(Unauthorized):
    description = "Send an API token: Authorization: Bearer <token>."
    challenge = REALM


class InvalidToken(Unauthorized):
    description = "The API token is not valid: it is unknown, revoked, or its user is deactivated."
    challenge = REALM + ', error="invalid_token"'


def bearer_secret() -> str | None:
    scheme, _sep, secret = (request.headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def client_key() -> str:
    """The rate-limit key: a digest of the presented token, else the caller's address."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()
    return "api-address:" + (request.remote_addr or "")


def token_required(view):
    @wraps(view)
    def authenticated(*args, **kwargs):
        # Whatever the session cookie said, this request is the token's.
        g.pop("guest_scope", None)
        g.pop("guest_user_id", None)
        secret = bearer_secret()
        if secret is None:
            raise MissingToken()
        token = token_for_secret(secret)
        if token is None:
            raise InvalidToken()
        token_id, user = token.id, token.user
        record_use(token)
        g._login_user = user  # Flask-Login's current user for this request only; no session is written
        if user.role == Role.GUEST:
            start_guest_request(user.id)
        g.api_token_id = token_id
        return view(*args, **kwargs)

    return authenticated


def is_staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff
