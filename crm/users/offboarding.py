"""Changing who may do what: roles, deactivation and reactivation, settled in the database.

Deactivating ends every session and revokes every API token in the same
transaction, so the account's next request, on the web or the API, is
refused. The office always keeps one active administrator: the change that
would take the last one away counts the active administrators under a row lock
(PostgreSQL) in the same transaction, so two admins demoting each other at once
cannot both succeed.
"""
from sqlalchemy import insert, select, update

from crm.api.models import ApiToken
from crm.audit.models import AuditEvent
from crm.auth import sessions
from crm.auth.models import User, UserSession
from crm.database import utcnow
from crm.extensions import db
from crm.roles import Role


class LastAdminError(ValueError):
    """The change would leave the office without an active administrator."""


def _locked(user: User) -> User:
    """Lock every active administrator's row, then the user's own, and read the user afresh."""
    db.session.flush()
    db.session.execute(select(User.id).where(User.role == Role.ADMIN, User.active).order_by(User.id)
                       .with_for_update())
    return db.session.scalars(select(User).where(User.id == user.id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def _check_admins_left(user: User, role: Role, active: bool) -> None:
    """Refuse (LastAdminError) when the user is an active administrator and would be the last one to go."""
    if not (user.role == Role.ADMIN and user.active) or (role == Role.ADMIN and active):
        return
    others = db.session.scalar(select(db.func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active, User.id != user.id))
    if not others:
        raise LastAdminError(user.email)


def end_everything(user_id: int) -> None:
    """Sign the user out everywhere and revoke every API token they hold."""
    sessions.end_all(user_id)
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def end_session(user: User, record: UserSession, ended_by: User) -> bool:
    """End one live session of the user and write it in the audit trail (the bulk update that ends it is one the
    trail does not see); False when it had ended already."""
    if not sessions.end(user.id, record.id):
        return False
    db.session.execute(insert(AuditEvent), {
        "occurred_at": utcnow(), "user_id": ended_by.id, "action": "update",
        "record_type": "user_sessions", "record_id": record.id, "partnership_id": None,
        "changes": {"user_id": [user.id, user.id], "device": [record.device, record.device],
                    "revoked_at": [None, utcnow().isoformat()]}})
    return True


def change_role(user: User, role: Role) -> User:
    user = _locked(user)
    _check_admins_left(user, role, user.active)
    user.role = role
    db.session.flush()
    return user


def deactivate(user: User) -> User:
    user = _locked(user)
    _check_admins_left(user, user.role, False)
    user.active = False
    db.session.flush()
    end_everything(user.id)
    return user


def reactivate(user: User) -> User:
    """The account may sign in again; its ended sessions and revoked tokens stay ended."""
    user.active = True
    db.session.flush()
    return user
