"""Invitations: staff invite, resend, revoke and deactivate; the invited contact accepts."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from crm.access import EDITORS, PUBLIC, STAFF, allow
from crm.auth import sessions
from crm.auth.addresses import account_key, limit_password_guesses, normalise_email
from crm.confirm import confirm_then
from crm.extensions import db, limiter
from crm.forms import ConfirmForm, options
from crm.guests import invitations
from crm.guests.forms import AcceptExistingForm, AcceptNewForm, InviteForm
from crm.guests.models import GuestAccess, Invitation
from crm.guests.queries import guest_accesses, guest_contributions, invitable_contacts, invitations_of, invited_contact
from crm.i18n import LANGUAGES
from crm.partnerships.queries import get_in_scope_or_404, get_partnership_or_404

bp = Blueprint("guests", __name__)


@bp.get("/partnerships/<int:partnership_id>/guests")
@allow(STAFF)
def index(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    invites = invitations_of(partnership.id)
    accesses = guest_accesses(partnership.id)
    added, uploaded = guest_contributions(partnership.id, [access.user_id for access in accesses])
    form = InviteForm()
    form.contact_id.choices = options((c.id, f"{c.name} <{c.email}>") for c in invitable_contacts(partnership.id))
    return render_template("guests/index.html", partnership=partnership, invitations=invites, accesses=accesses,
                           added=added, uploaded=uploaded, form=form)


#: the session key that carries a new invitation's link to its result page, for one showing
SENT_LINK = "guest_invitation_link"


def _keep_link_once(invitation: Invitation, link: str, delivery) -> None:
    session[SENT_LINK] = {"id": invitation.id, "link": link, "delivery": str(delivery)}


def _take_link(invitation: Invitation) -> tuple[str | None, str | None]:
    """The link and delivery kept for this invitation's result page, removed as they are read: shown once."""
    kept = session.get(SENT_LINK)
    if not kept or kept.get("id") != invitation.id:
        return None, None
    session.pop(SENT_LINK)
    return kept["link"], kept["delivery"]


def _sent_page(invitation: Invitation, token: str):
    """Send, then redirect to the result page, so that reloading it sends nothing.

    Always show the link: cities often pass it on through their own channels. It goes to the result page in
    the session (never in its address), for that one page only."""
    delivery = invitations.send_invitation(invitation, token)
    db.session.commit()
    _keep_link_once(invitation, invitations.invitation_link(token), delivery)
    return redirect(url_for(".sent", invitation_id=invitation.id), 303)


@bp.get("/invitations/<int:invitation_id>/sent")
@allow(EDITORS)
def sent(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    link, delivery = _take_link(invitation)
    return render_template("guests/invitation_sent.html", invitation=invitation, link=link, delivery=delivery)


@bp.post("/partnerships/<int:partnership_id>/invitations")
@allow(EDITORS)
def invite(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = InviteForm()
    form.contact_id.choices = options((c.id, c.name) for c in invitable_contacts(partnership.id))
    if not form.validate():
        flash(_("Choose a partner-side contact with an e-mail address."), "error")
        return redirect(url_for(".index", partnership_id=partnership.id))
    contact = invited_contact(form.contact_id.data)
    invitation, token = invitations.invite(contact, current_user)
    return _sent_page(invitation, token)


def _invitation_or_404(invitation_id: int) -> Invitation:
    return get_in_scope_or_404(Invitation, invitation_id, joinedload(Invitation.contact))


@bp.post("/invitations/<int:invitation_id>/resend")
@allow(EDITORS)
def resend(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    if not ConfirmForm().validate_on_submit() or invitation.accepted_at is not None:
        abort(400)
    invitation, token = invitations.renew(invitation, current_user)
    return _sent_page(invitation, token)


@bp.post("/invitations/<int:invitation_id>/revoke")
@allow(EDITORS)
def revoke(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    if ConfirmForm().validate_on_submit():
        invitations.revoke(invitation)
        db.session.commit()
        flash(_("The invitation for %(name)s was withdrawn; its link no longer works.", name=invitation.contact.name),
              "success")
    return redirect(url_for(".index", partnership_id=invitation.partnership_id))


@bp.route("/guest-access/<int:access_id>/deactivate", methods=["GET", "POST"])
@allow(EDITORS)
def deactivate(access_id: int):
    access = get_in_scope_or_404(GuestAccess, access_id, joinedload(GuestAccess.user))
    back = url_for(".index", partnership_id=access.partnership_id)
    return confirm_then(
        lambda: invitations.deactivate_guest(access),
        title=_("Deactivate %(name)s?", name=access.user.name),
        message=_("They are signed out at once and can no longer see this partnership. You can invite them again."),
        cancel_url=back, done_url=back, done_message=_("%(name)s can no longer sign in to this partnership.",
                                                        name=access.user.name), button=_("Deactivate"))


def _switch_accounts(invitation: Invitation, token: str):
    """Ask the signed-in user before signing them out for someone else's invitation; sign out once confirmed."""
    form = ConfirmForm()
    if form.validate_on_submit():
        sessions.end(current_user.id, sessions.current_id(current_user))
        db.session.commit()
        logout_user()
        flash(_("You are signed out. You can now accept the invitation."), "info")
        return redirect(url_for(".accept", token=token))
    return render_template(
        "confirm.html", form=form, title=_("Switch accounts?"),
        message=_("You are signed in as %(name)s. This invitation is for %(email)s: to accept it, you will be "
                  "signed out first.", name=current_user.name, email=invitation.email),
        button=_("Sign out and continue"), cancel_url=url_for("main.home"))


def _invitation_account_key() -> str:
    """The account an invitation link asks a password for: its guesses count as sign-in guesses."""
    invitation = invitations.find_by_token((request.view_args or {}).get("token") or "")
    return account_key(invitation.email) if invitation else "invitation:unknown"


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("30 per minute; 200 per hour", methods=["POST"])  # per address, as at sign-in
@limit_password_guesses(_invitation_account_key)
def accept(token: str):
    try:
        invitation = invitations.find_usable(token)
    except invitations.InvitationError as error:
        return render_template("guests/invitation_problem.html", message=str(error)), 410
    if current_user.is_authenticated:
        if normalise_email(current_user.email) != normalise_email(invitation.email):
            # The link is for its invitee: someone else signed in here is asked before being signed out,
            # so a link alone never ends anyone's session.
            return _switch_accounts(invitation, token)
        g.pop("guest_scope", None)  # the invitee: the partnership they join is not in their scope yet
    existing = invitations.existing_user(invitation)
    if existing is not None:
        form = AcceptExistingForm()
    else:
        form = AcceptNewForm(email=invitation.email)
        if request.method == "GET":
            form.language.data = invitation.contact.language if invitation.contact.language in LANGUAGES else None
            form.timezone.data = invitation.partnership.partner_city.timezone
    if form.validate_on_submit():
        try:
            user = invitations.accept(invitation, password=form.password.data,
                                      language=getattr(form, "language", None) and form.language.data,
                                      timezone=getattr(form, "timezone", None) and form.timezone.data)
        except invitations.InvitationError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            if current_user.is_authenticated:  # the invitee, signed in already: this browser's session is renewed
                sessions.end(current_user.id, sessions.current_id(current_user))
            sessions.start(user)
            db.session.commit()
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(url_for("portal.partnership", partnership_id=invitation.partnership_id))
    return render_template("guests/accept.html", form=form, invitation=invitation, existing=existing)
