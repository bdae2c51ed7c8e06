"""Invitations: single-use, expiring links whose secret is stored only as a hash."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from crm.auth import sessions
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.guests.models import GuestAccess, Invitation, InvitationState
from crm.jobs.mail import send
from crm.links import public_url_for
from crm.mail import Delivery, build_message
from crm.roles import Role


class InvitationError(ValueError):
    """Why an invitation cannot be used; the message is for the person holding the link."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(contact: Contact, invited_by: User) -> tuple[Invitation, str]:
    """A new invitation for a contact; returns it and the secret for the link (shown once)."""
    if not contact.email:
        raise InvitationError("the contact has no e-mail address")
    token = secrets.token_urlsafe(32)
    days = current_app.config["GUEST_INVITATION_DAYS"]
    invitation = Invitation(partnership_id=contact.partnership_id, contact=contact, email=contact.email.lower(),
                            token_hash=token_hash(token), expires_at=utcnow() + timedelta(days=days),
                            invited_by=invited_by)
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def renew(invitation: Invitation, invited_by: User) -> tuple[Invitation, str]:
    """Resend: a fresh secret and expiry; the old link stops working."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.expires_at = utcnow() + timedelta(days=current_app.config["GUEST_INVITATION_DAYS"])
    invitation.sent_at = utcnow()
    invitation.revoked_at = None
    invitation.invited_by = invited_by
    db.session.flush()
    return invitation, token


def revoke(invitation: Invitation) -> None:
    if invitation.accepted_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()


def invitation_link(token: str) -> str:
    return public_url_for("guests.accept", token=token)


def send_invitation(invitation: Invitation, token: str) -> Delivery:
    """E-mail the link in the contact's language; says whether it was sent, saved in the outbox or not sent."""
    contact = invitation.contact
    language = contact.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        partner = invitation.partnership
        context = dict(contact=contact, partnership=partner, link=invitation_link(token),
                       expires_at=invitation.expires_at, inviter=invitation.invited_by)
        subject = gettext("Invitation to the %(home)s – %(partner)s partnership space",
                          home=partner.home_city.name, partner=partner.partner_city.name)
        message = build_message(invitation.email, contact.name, subject,
                                render_template("email/invitation.txt", **context),
                                render_template("email/invitation.html", **context), language=language)
    return send(message)


def find_by_token(token: str) -> Invitation | None:
    """The invitation behind a link, whatever its state."""
    # The secret is the credential here, so this lookup is outside any guest's scope.
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token[:200]))
                             .execution_options(skip_guest_scope=True))


def find_usable(token: str) -> Invitation:
    """The invitation behind a link, or InvitationError saying why it cannot be used."""
    invitation = find_by_token(token)
    if invitation is None:
        raise InvitationError(gettext("This invitation link is not valid. Check that you copied the whole link."))
    state = invitation.state()
    if state == InvitationState.ACCEPTED:
        raise InvitationError(gettext("This invitation has already been used. Sign in with your e-mail address "
                                      "and password."))
    if state == InvitationState.REVOKED:
        raise InvitationError(gettext("This invitation was withdrawn. Ask your contact at the city for a new one."))
    if state == InvitationState.EXPIRED:
        raise InvitationError(gettext("This invitation has expired. Ask your contact at the city for a new one."))
    return invitation


def existing_user(invitation: Invitation) -> User | None:
    return db.session.scalar(select(User).where(User.email == invitation.email))


def accept(invitation: Invitation, *, password: str, language: str | None, timezone: str | None) -> User:
    """Create (or join) the guest account and grant access; single-use even under a race."""
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow())
        .values(accepted_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise InvitationError(gettext("This invitation has already been used. Sign in with your e-mail address "
                                      "and password."))
    db.session.refresh(invitation)
    user = existing_user(invitation)
    if user is not None and user.role != Role.GUEST:
        raise InvitationError(gettext("This e-mail address belongs to a staff account. Ask the city to invite "
                                      "another address."))
    if user is None:
        user = User(email=invitation.email, name=invitation.contact.name, role=Role.GUEST)
        user.set_password(password)
        db.session.add(user)
    elif not user.check_password(password):
        raise InvitationError(gettext("The password is not right for the existing account."))
    user.language = language or user.language
    user.timezone = timezone or user.timezone
    user.active = True
    user.last_sign_in_at = utcnow()  # accepting is the guest's first sign-in
    db.session.flush()
    access = db.session.scalar(select(GuestAccess).where(GuestAccess.user_id == user.id,
                                                          GuestAccess.partnership_id == invitation.partnership_id))
    if access is None:
        access = GuestAccess(user=user, partnership_id=invitation.partnership_id, contact_id=invitation.contact_id)
        db.session.add(access)
    access.active = True
    invitation.user = user
    db.session.flush()
    return user


def deactivate_guest(access: GuestAccess) -> None:
    """Take a guest's access to one partnership away at once (and end their sessions).

    A guest left with no partnership is deactivated: no sign-in, no session, no API token."""
    from crm.users import offboarding

    access.active = False
    db.session.flush()
    still_in = db.session.scalar(select(GuestAccess.id).where(GuestAccess.user_id == access.user_id,
                                                              GuestAccess.active).limit(1)
                                 .execution_options(skip_guest_scope=True))
    if still_in is None:
        access.user.active = False
        offboarding.end_everything(access.user_id)
    else:
        sessions.end_all(access.user_id)
    db.session.flush()
