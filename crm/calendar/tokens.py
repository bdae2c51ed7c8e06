"""The secret in a user's calendar feed URL.

Calendar programs cannot sign in, so the URL itself is the credential. Only
its SHA-256 is stored: a copy of the database does not hand out working feed
addresses. A token carries 256 random bits, so a fast unsalted hash is enough.
"""
import hashlib
import re
import secrets

from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db

# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue_feed_token(user: User) -> str:
    """A new feed token for the user; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = _digest(token)
    db.session.flush()
    return token


def revoke_feed_token(user: User) -> None:
    user.calendar_token_hash = None
    db.session.flush()


def has_feed(user: User) -> bool:
    return user.calendar_token_hash is not None


def user_for_feed_token(token: str) -> User | None:
    """The active user whose feed this token opens, or None."""
    # Anything not shaped like a token is refused before it reaches the database.
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    user = db.session.scalar(select(User).where(User.calendar_token_hash == _digest(token)))
    if user is None or not user.active:
        return None
    return user
