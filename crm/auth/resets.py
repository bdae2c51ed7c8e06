"""Password reset by a single-use, expiring e-mailed link."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import case, select, update

from crm.auth import sessions
from crm.auth.addresses import normalise_email
from crm.auth.models import PasswordReset, User
from crm.database import utcnow
from crm.extensions import db
from crm.jobs.mail import send
from crm.links import public_url_for
from crm.mail import build_message

LIFETIME = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lock_links_of(user_id: int) -> None:
    """Take the user's reset links in turn: issuing and using them waits for the other (PostgreSQL row lock;
    SQLite writes one at a time anyway)."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def request_reset(email: str) -> None:
    """E-mail a reset link if the address belongs to an active account; say nothing either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email), User.active))
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    _lock_links_of(user.id)
    now = utcnow()
    # Only the newest link works: every earlier one that still could is ended first.
    db.session.execute(
        update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None),
                                    PasswordReset.expires_at > now)
        .values(expires_at=now).execution_options(synchronize_session=False))
    db.session.add(PasswordReset(user=user, token_hash=_hash(token), expires_at=now + LIFETIME))
    db.session.flush()
    language = user.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        link = public_url_for("auth.reset_password", token=token)
        text = render_template("email/password_reset.txt", user=user, link=link)
        message = build_message(user.email, user.name, gettext("Choose a new password for Sister City CRM"), text,
                                language=language, automatic=True)
    # A mail server that is down is logged (crm.mail); the page answers the same either way, so that it
    # never tells who has an account.
    send(message)


def usable(token: str) -> PasswordReset | None:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token[:200])))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow() or not reset.user.active:
        return None
    return reset


def complete(reset: PasswordReset, password: str) -> bool:
    """Set the new password once; a second use, an older link or a race changes nothing.

    One UPDATE claims this link and ends every other live link of the user: two links used at
    once are taken in turn (the user's row is locked first), so the second finds none live and is refused."""
    _lock_links_of(reset.user_id)
    now = utcnow()  # read after the lock: never before the moment a link ended by the other was given
    ended = db.session.scalars(
        update(PasswordReset).where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None),
                                    PasswordReset.expires_at > now)
        .values(expires_at=now, used_at=case((PasswordReset.id == reset.id, now), else_=None))
        .returning(PasswordReset.id).execution_options(synchronize_session=False)).all()
    if reset.id not in ended:
        return False  # the caller rolls back
    reset.user.set_password(password)
    sessions.end_all(reset.user_id)  # whoever knew the old password is signed out everywhere
    db.session.flush()
    return True
