"""Accepting a staff invitation: the invitee chooses a name and password, and is signed in."""
import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from crm.access import PUBLIC, allow
from crm.auth import sessions
from crm.extensions import db, limiter
from crm.users import staff_invitations
from crm.users.forms import JoinForm

bp = Blueprint("staff_invitations", __name__)
log = logging.getLogger("crm.auth")


def _problem(error: staff_invitations.StaffInvitationError):
    """The page that says why the link cannot be used (410: it will not work again)."""
    return render_template("guests/invitation_problem.html", message=str(error)), 410


@bp.route("/join/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("30 per minute; 200 per hour", methods=["POST"])
def accept(token: str):
    try:
        invitation = staff_invitations.find_usable(token)
    except staff_invitations.StaffInvitationError as error:
        return _problem(error)
    if current_user.is_authenticated:
        # The link alone never ends anyone's session: whoever is signed in here signs out first.
        flash(_("Sign out first to accept an invitation for another account."), "info")
        return redirect(url_for("main.home"))
    form = JoinForm(email=invitation.email)
    if form.validate_on_submit():
        try:
            user = staff_invitations.accept(invitation, name=form.name.data, password=form.password.data)
        except staff_invitations.StaffInvitationError as error:
            db.session.rollback()
            return _problem(error)
        sessions.start(user)
        db.session.commit()
        login_user(user)
        log.info("staff invitation accepted by %s from %s", user.email, request.remote_addr)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(url_for("main.home"))
    return render_template("users/join.html", form=form, invitation=invitation), 422 if form.errors else 200
