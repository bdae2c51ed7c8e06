"""Issuing, checking and revoking API tokens.

A token is shown to its owner once; the database keeps only its SHA-256, so a
copy of the database hands out no working credential. A token carries 256
random bits, so a fast unsalted hash is enough (as for calendar feeds).
"""
import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from crm.api.models import ApiToken
from crm.auth.models import User
from crm.database import utcnow
from crm.extensions import db

#: a recognisable start, so secret scanners and people can tell what leaked
TOKEN_START = "scc_"
PREFIX_LENGTH = 12  # "scc_" and 8 random characters
# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet
_TOKEN_SHAPE = re.compile(r"scc_[A-Za-z0-9_-]{43}")
#: last_used_at is written at most this often per token, so API reads stay reads
USE_RECORDED_EVERY = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user: the stored record and the secret, which is never stored."""
    secret = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), token_hash=digest(secret), prefix=secret[:PREFIX_LENGTH])
    db.session.add(token)
    db.session.flush()
    return token, secret


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token with this secret, its owner loaded: not revoked, owner active; else None."""
    # Anything not shaped like a token is refused before it reaches the database.
    if not isinstance(secret, str) or not _TOKEN_SHAPE.fullmatch(secret):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret))
                              .options(joinedload(ApiToken.user)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


def record_use(token: ApiToken) -> bool:
    """Note that the token was used now, at most once a minute; True when this call wrote it.

    A read within the minute writes nothing. Otherwise the read's transaction is ended first and the
    write is a transaction of its own, committed at once: a reader never turns into a writer (SQLite
    refuses that when another connection wrote meanwhile) and no row lock outlives the statement.
    The UPDATE is conditional, and skips a row another request is writing right now, so of many reads
    at the turn of the minute one writes and none waits. A write the database refuses (busy) is
    dropped with a log line: no read fails for the sake of the last-used time.
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORDED_EVERY:
        return False
    token_id = token.id
    db.session.commit()  # ends the read: nothing was written in it
    due = (select(ApiToken.id).where(ApiToken.id == token_id, or_(
        ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - USE_RECORDED_EVERY))
        .with_for_update(skip_locked=True))  # PostgreSQL; SQLite has one writer at a time anyway
    try:
        written = db.session.execute(update(ApiToken).where(ApiToken.id.in_(due)).values(last_used_at=now)
                                     .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
    except OperationalError as error:
        db.session.rollback()
        current_app.logger.warning("API token %s: last use not recorded: %s", token_id, error.orig)
        return False
    return written == 1


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    """A user's tokens: live ones first, newest first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())))
