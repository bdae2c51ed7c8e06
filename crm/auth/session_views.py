"""The signed-in user's own sessions: see them, end one, or sign out everywhere."""
import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from crm.access import GUESTS, STAFF, allow
from crm.auth import sessions
from crm.auth.views import bp
from crm.extensions import db
from crm.forms import ConfirmForm

log = logging.getLogger("crm.auth")


@bp.get("/account/sessions")
@allow(STAFF, GUESTS)
def sessions_page():
    return render_template("auth/sessions.html", sessions=sessions.live_sessions(current_user.id),
                           this_session=sessions.current_id(current_user), form=ConfirmForm(formdata=None))


@bp.post("/account/sessions/<int:session_id>/end")
@allow(STAFF, GUESTS)
def end_session(session_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not sessions.end(current_user.id, session_id):
        abort(404)  # another user's session, or one already ended
    db.session.commit()
    log.info("session %d ended by %s from %s", session_id, current_user.email, request.remote_addr)
    if session_id == sessions.current_id(current_user):
        logout_user()
        flash(_("You are signed out."), "info")
        return redirect(url_for(".sign_in"))
    flash(_("That session was ended: the device is signed out."), "success")
    return redirect(url_for(".sessions_page"))


@bp.post("/account/sessions/end-all")
@allow(STAFF, GUESTS)
def sign_out_everywhere():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sessions.end_all(current_user.id)
    db.session.commit()
    log.info("signed out everywhere: %s from %s", current_user.email, request.remote_addr)
    logout_user()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for(".sign_in"))
