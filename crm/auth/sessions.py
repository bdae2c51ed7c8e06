"""Signed-in sessions, one record per browser.

The session (and remember) cookie carries "<user id>:<secret>"; the database
keeps only the secret's SHA-256, so a copy of it signs nobody in. A session
works while its record is live: signing out ends that one record, "sign out
everywhere", a password change or reset, and deactivation end the others too.
"""
import hashlib
import re
import secrets
from datetime import timedelta

from flask import g, has_request_context, request
from sqlalchemy import select, update

from crm.auth.models import User, UserSession
from crm.database import utcnow
from crm.extensions import db
from crm.settings.models import SETTINGS_ROW, OfficeSettings

#: last_used_at is written at most this often, not on every request
USE_RECORDED_EVERY = timedelta(minutes=1)

_BROWSERS = (("Edg", "Edge"), ("OPR", "Opera"), ("Firefox", "Firefox"), ("Chrome", "Chrome"),
             ("Safari", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def describe_device(user_agent: str | None) -> str:
    """A short description of a User-Agent in any language: "Firefox · Windows", else its start."""
    agent = (user_agent or "")[:512]
    browser = next((name for token, name in _BROWSERS if re.search(rf"\b{token}/", agent)), None)
    system = next((name for token, name in _SYSTEMS if token in agent), None)
    if browser and system:
        return f"{browser} · {system}"
    text = "".join(ch for ch in agent if ch.isprintable())
    return (browser or system or text)[:120]


def new_record(user: User, device: str = "", address: str = "") -> tuple[UserSession, str]:
    """A live session record for the user and its secret (for any SQLAlchemy session to add)."""
    secret = secrets.token_urlsafe(32)
    record = UserSession(user_id=user.id, token_hash=digest(secret), device=device[:120], address=address[:64],
                         created_at=utcnow(), last_used_at=utcnow())
    return record, secret


def attach(user: User, record: UserSession, secret: str) -> User:
    """Make user.get_id() name this session (Flask-Login stores it in the cookie)."""
    user.session_secret = secret
    user.current_session_id = record.id
    return user


def start(user: User) -> UserSession:
    """Record a new session for the user signing in on this request; call before login_user()."""
    device = describe_device(request.headers.get("User-Agent")) if has_request_context() else ""
    address = (request.remote_addr or "") if has_request_context() else ""
    record, secret = new_record(user, device, address)
    db.session.add(record)
    db.session.flush()
    attach(user, record, secret)
    return record


def load(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of a live session of an active account, else None."""
    user_key, _sep, secret = (user_id or "").partition(":")
    if not user_key.isdigit() or not secret:
        return None
    # The office settings come in the same statement: nearly every page reads them (the office's time zone and
    # "today", the activity stamp of cached figures), and the session keeps them for the rest of the request.
    row = db.session.execute(
        select(UserSession, User, OfficeSettings).join(User, User.id == UserSession.user_id)
        .outerjoin(OfficeSettings, OfficeSettings.id == SETTINGS_ROW)
        .where(UserSession.token_hash == digest(secret[:200]), UserSession.user_id == int(user_key),
               UserSession.revoked_at.is_(None), User.active)).first()
    if row is None:
        return None
    record, user, settings = row
    if has_request_context():
        g.office_settings = settings  # the identity map holds it weakly: a reference keeps it for session.get
    now = utcnow()
    if now - record.last_used_at >= USE_RECORDED_EVERY:
        # Conditional, so it never brings an ended session back; at most one write a minute per session.
        db.session.execute(update(UserSession).where(UserSession.id == record.id, UserSession.revoked_at.is_(None))
                           .values(last_used_at=now).execution_options(synchronize_session=False))
        db.session.commit()
    return attach(user, record, secret)


def current_id(user: User) -> int | None:
    return getattr(user, "current_session_id", None)


def end(user_id: int, session_id: int) -> bool:
    """End one live session of this user; False when there was none."""
    return db.session.execute(
        update(UserSession).where(UserSession.id == session_id, UserSession.user_id == user_id,
                                  UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount == 1


def end_all(user_id: int, keep: int | None = None) -> int:
    """End every live session of the user (but `keep`, the one in use); returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return db.session.execute(query.values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def live_sessions(user_id: int) -> list[UserSession]:
    """The user's sessions that still work, most recently used first."""
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_used_at.desc(), UserSession.id.desc())))
