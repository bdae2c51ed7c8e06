"""Password reset by a single-use, expiring e-mailed link."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from crm.auth.addresses import normalise_email
from crm.auth.models import PasswordReset, User
from crm.database import utcnow
from crm.extensions import db
from crm.links import public_url_for
from crm.mail import build_message, deliver

LIFETIME = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str) -> None:
    """E-mail a reset link if the address belongs to an active account; say nothing either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email), User.active))
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user=user, token_hash=_hash(token), expires_at=utcnow() + LIFETIME))
    db.session.flush()
    language = user.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        link = public_url_for("auth.reset_password", token=token)
        text = render_template("email/password_reset.txt", user=user, link=link)
        message = build_message(user.email, user.name, gettext("Choose a new password for Sister City CRM"), text,
                                language=language)
    deliver(message)


def usable(token: str) -> PasswordReset | None:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token[:200])))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow() or not reset.user.active:
        return None
    return reset


def complete(reset: PasswordReset, password: str) -> bool:
    """Set the new password once; a second use (or a race) changes nothing."""
    claimed = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return False
    reset.user.set_password(password)  # also ends every existing session
    db.session.flush()
    return True
