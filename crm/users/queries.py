"""The lookups of the user administration pages."""
from flask import abort
from sqlalchemy import Select, select

from crm.auth.models import User, UserSession
from crm.extensions import db
from crm.roles import Role
from crm.users.models import StaffInvitation


def user_list(guests: bool) -> Select:
    """The partner-city guests' accounts, or else the staff's, by name."""
    return (select(User).where(User.role == Role.GUEST if guests else User.role != Role.GUEST)
            .order_by(User.name, User.id))


def get_user_or_404(user_id: int) -> User:
    """Any account, staff or guest, active or not."""
    return db.get_or_404(User, user_id)


def get_staff_or_404(user_id: int) -> User:
    """A staff account (a guest's is not found here: guests have no role to change or two-factor to reset)."""
    user = get_user_or_404(user_id)
    if not user.is_staff:
        abort(404)
    return user


def get_live_session_or_404(user: User, session_id: int) -> UserSession:
    """One of the user's sessions that still works."""
    record = db.session.scalar(select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id,
                                                         UserSession.revoked_at.is_(None)))
    return record if record is not None else abort(404)


def email_taken(email: str) -> bool:
    """Whether an account with this address exists already."""
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def get_invitation_or_404(invitation_id: int) -> StaffInvitation:
    """A staff invitation, open, used or withdrawn."""
    return db.get_or_404(StaffInvitation, invitation_id)
