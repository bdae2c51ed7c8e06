import logging

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import ADMINS, allow
from crm.auth import sessions, two_factor
from crm.confirm import confirm_then
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.links import public_url_for
from crm.pagination import paginate
from crm.roles import Role
from crm.users import offboarding, staff_invitations
from crm.users.forms import RoleForm, StaffInviteForm
from crm.users.queries import (
    email_taken,
    get_invitation_or_404,
    get_live_session_or_404,
    get_staff_or_404,
    get_user_or_404,
    user_list,
)

bp = Blueprint("users", __name__, url_prefix="/admin/users")
log = logging.getLogger("crm.auth")


@bp.get("/")
@allow(ADMINS)
def index():
    guests = request.args.get("show") == "guests"
    return render_template("users/index.html", page=paginate(user_list(guests)), guests=guests,
                           invitations=[] if guests else staff_invitations.open_invitations(),
                           form=ConfirmForm(formdata=None))


@bp.get("/<int:user_id>")
@allow(ADMINS)
def show(user_id: int):
    user = get_user_or_404(user_id)
    return render_template("users/show.html", user=user, sessions=sessions.live_sessions(user.id),
                           this_session=sessions.current_id(current_user))


def _last_admin_message() -> str:
    return _("The office must keep at least one active administrator: make someone else an administrator first.")


@bp.route("/<int:user_id>/role", methods=["GET", "POST"])
@allow(ADMINS)
def change_role(user_id: int):
    user = get_staff_or_404(user_id)
    form = RoleForm(data={"role": user.role.value})
    status = 200
    if form.validate_on_submit():
        old, new = user.role, Role(form.role.data)
        try:
            offboarding.change_role(user, new)
        except offboarding.LastAdminError:
            db.session.rollback()
            form.role.errors.append(_last_admin_message())
            status = 409
        else:
            db.session.commit()
            log.info("role of %s changed from %s to %s by %s", user.email, old, new, current_user.email)
            flash(_("%(name)s is now: %(role)s.", name=user.name, role=new.label), "success")
            return redirect(url_for(".show", user_id=user.id))
    return render_template("users/role.html", user=user, form=form), status


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@allow(ADMINS)
def deactivate(user_id: int):
    user = get_user_or_404(user_id)
    back = url_for(".show", user_id=user.id)
    if not user.active:
        return redirect(back)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        try:
            offboarding.deactivate(user)
        except offboarding.LastAdminError:
            db.session.rollback()
            flash(_last_admin_message(), "error")
            return redirect(back)
        db.session.commit()
        log.info("%s deactivated by %s", user.email, current_user.email)
        flash(_("%(name)s was deactivated: signed out everywhere, every API token revoked.", name=user.name),
              "success")
        return redirect(back)
    return render_template(
        "confirm.html", form=ConfirmForm(), title=_("Deactivate %(name)s?", name=user.name),
        message=_("They are signed out on every device at once, every API token of theirs stops working, and they "
                  "can no longer sign in. You can reactivate the account later."),
        button=_("Deactivate"), cancel_url=back)


@bp.route("/<int:user_id>/reactivate", methods=["GET", "POST"])
@allow(ADMINS)
def reactivate(user_id: int):
    user = get_user_or_404(user_id)
    back = url_for(".show", user_id=user.id)

    def act():
        offboarding.reactivate(user)
        log.info("%s reactivated by %s", user.email, current_user.email)

    return confirm_then(
        act, title=_("Reactivate %(name)s?", name=user.name),
        message=_("They can sign in again with their password. Their old sessions and API tokens stay ended."),
        button=_("Reactivate"), cancel_url=back, done_url=back,
        done_message=_("%(name)s can sign in again.", name=user.name))


@bp.route("/<int:user_id>/sessions/<int:session_id>/end", methods=["GET", "POST"])
@allow(ADMINS)
def end_session(user_id: int, session_id: int):
    user = get_user_or_404(user_id)
    record = get_live_session_or_404(user, session_id)
    back = url_for(".show", user_id=user.id)

    def act():
        if offboarding.end_session(user, record, current_user):
            log.info("session %d of %s ended by %s", record.id, user.email, current_user.email)

    return confirm_then(
        act, title=_("End this session of %(name)s?", name=user.name),
        message=_("The device (%(device)s) is signed out at once.", device=record.device or _("Unknown device")),
        button=_("End session"), cancel_url=back, done_url=back, done_message=_("The session was ended."))


@bp.route("/<int:user_id>/reset-two-factor", methods=["GET", "POST"])
@allow(ADMINS)
def reset_two_factor(user_id: int):
    user = get_staff_or_404(user_id)
    back = url_for(".index")

    def reset():
        two_factor.disable(user)
        sessions.end_all(user.id)  # whoever holds the lost phone is signed out too
        log.info("two-factor sign-in reset for %s by an administrator", user.email)

    return confirm_then(
        reset,
        title=_("Reset two-factor sign-in for %(name)s?", name=user.name),
        message=_("Their authenticator app and recovery codes stop working and they are signed out everywhere. "
                  "They sign in with their password alone, or set up a new app if the office requires it."),
        button=_("Reset two-factor sign-in"),
        cancel_url=back, done_url=back, done_message=_("Two-factor sign-in was reset for %(name)s.", name=user.name))


@bp.route("/invite", methods=["GET", "POST"])
@allow(ADMINS)
def invite():
    form = StaffInviteForm()
    if form.validate_on_submit():
        if email_taken(form.email.data):
            form.email.errors.append(_("An account with this e-mail address exists already."))
        else:
            invitation, token = staff_invitations.invite(form.email.data, Role(form.role.data), current_user)
            delivery = staff_invitations.send_invitation(invitation, token)
            db.session.commit()
            log.info("staff invitation for %s as %s sent by %s", invitation.email, invitation.role,
                     current_user.email)
            # Redirect after sending, so reloading the result page sends nothing; the link goes to that page
            # in the session (never in its address), for one showing.
            session[SENT_LINK] = {"id": invitation.id, "delivery": str(delivery),
                                  "link": public_url_for("staff_invitations.accept", token=token)}
            return redirect(url_for(".invitation_sent", invitation_id=invitation.id), 303)
    return render_template("users/invite.html", form=form), 422 if form.errors else 200


#: the session key that carries a new staff invitation's link to its result page, for one showing
SENT_LINK = "staff_invitation_link"


@bp.get("/invitations/<int:invitation_id>/sent")
@allow(ADMINS)
def invitation_sent(invitation_id: int):
    """The result of an invitation: the link and what became of the e-mail, the first time only."""
    invitation = get_invitation_or_404(invitation_id)
    kept = session.get(SENT_LINK)
    link = delivery = None
    if kept and kept.get("id") == invitation.id:
        session.pop(SENT_LINK)
        link, delivery = kept["link"], kept["delivery"]
    return render_template("users/invitation_sent.html", invitation=invitation, delivery=delivery, link=link)


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@allow(ADMINS)
def revoke_invitation(invitation_id: int):
    invitation = get_invitation_or_404(invitation_id)
    back = url_for(".index")
    return confirm_then(
        lambda: staff_invitations.revoke(invitation),
        title=_("Withdraw the invitation for %(email)s?", email=invitation.email), button=_("Withdraw"),
        message=_("Its link stops working at once."), cancel_url=back, done_url=back,
        done_message=_("The invitation for %(email)s was withdrawn.", email=invitation.email))
