"""Inviting staff: a single-use, expiring link (only its secret's hash is stored), claimed by one
conditional UPDATE so two uses at once make one account."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from crm.auth.models import User
from crm.database import utcnow
from crm.extensions import db
from crm.jobs.mail import send
from crm.links import public_url_for
from crm.mail import Delivery, build_message
from crm.roles import Role
from crm.users.models import StaffInvitation


class StaffInvitationError(ValueError):
    """Why a staff invitation cannot be used; the message is for the person holding the link."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def invite(email: str, role: Role, invited_by: User) -> tuple[StaffInvitation, str]:
    """A new invitation; earlier open invitations for the same address stop working. Returns it and its secret."""
    email = email.strip().lower()
    now = utcnow()
    db.session.execute(update(StaffInvitation).where(
        StaffInvitation.email == email, StaffInvitation.accepted_at.is_(None), StaffInvitation.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation(email=email, role=role, token_hash=token_hash(token), invited_by=invited_by,
                                 expires_at=now + timedelta(days=current_app.config["GUEST_INVITATION_DAYS"]))
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def send_invitation(invitation: StaffInvitation, token: str) -> Delivery:
    language = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        link = public_url_for("staff_invitations.accept", token=token)
        text = render_template("email/staff_invitation.txt", invitation=invitation, link=link,
                               inviter=invitation.invited_by)
        message = build_message(invitation.email, invitation.email, gettext("Your staff account in Sister City CRM"),
                                text, language=language)
    return send(message)


def find_usable(token: str) -> StaffInvitation:
    invitation = db.session.scalar(select(StaffInvitation).where(StaffInvitation.token_hash == token_hash(token[:200])))
    if invitation is None:
        raise StaffInvitationError(gettext("This invitation link is not valid. Check that you copied the whole link."))
    if invitation.accepted_at is not None:
        raise StaffInvitationError(gettext("This invitation has already been used. Sign in with your e-mail address "
                                           "and password."))
    if invitation.revoked_at is not None:
        raise StaffInvitationError(gettext("This invitation was withdrawn. Ask your administrator for a new one."))
    if invitation.expires_at <= utcnow():
        raise StaffInvitationError(gettext("This invitation has expired. Ask your administrator for a new one."))
    return invitation


def revoke(invitation: StaffInvitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()


def accept(invitation: StaffInvitation, *, name: str, password: str) -> User:
    """Create the staff account once, even when the link is used twice at once."""
    now = utcnow()
    claimed = db.session.execute(
        update(StaffInvitation).where(StaffInvitation.id == invitation.id, StaffInvitation.accepted_at.is_(None),
                                      StaffInvitation.revoked_at.is_(None), StaffInvitation.expires_at > now)
        .values(accepted_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise StaffInvitationError(gettext("This invitation has already been used. Sign in with your e-mail address "
                                           "and password."))
    db.session.refresh(invitation)
    if db.session.scalar(select(User.id).where(User.email == invitation.email)) is not None:
        raise StaffInvitationError(gettext("An account with this e-mail address exists already. Sign in with it, "
                                           "or ask your administrator."))
    user = User(email=invitation.email, name=name.strip(), role=invitation.role, last_sign_in_at=now)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    invitation.user = user
    db.session.flush()
    return user


def open_invitations() -> list[StaffInvitation]:
    return list(db.session.scalars(
        select(StaffInvitation).where(StaffInvitation.accepted_at.is_(None), StaffInvitation.revoked_at.is_(None),
                                      StaffInvitation.expires_at > utcnow())
        .order_by(StaffInvitation.created_at.desc(), StaffInvitation.id.desc())))
