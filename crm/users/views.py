import logging

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from crm.access import ADMINS, allow
from crm.auth import two_factor
from crm.auth.models import User
from crm.auth.roles import Role
from crm.confirm import confirm_then
from crm.extensions import db
from crm.pagination import paginate

bp = Blueprint("users", __name__, url_prefix="/admin/users")
log = logging.getLogger("crm.auth")


@bp.get("/")
@allow(ADMINS)
def index():
    query = select(User).where(User.role != Role.GUEST).order_by(User.name, User.id)
    return render_template("users/index.html", page=paginate(query))


@bp.route("/<int:user_id>/reset-two-factor", methods=["GET", "POST"])
@allow(ADMINS)
def reset_two_factor(user_id: int):
    user = db.get_or_404(User, user_id)
    if not user.is_staff:
        abort(404)

    def reset():
        two_factor.disable(user)
        user.end_sessions()  # whoever holds the lost phone is signed out too
        log.info("two-factor sign-in reset for %s by an administrator", user.email)

    return confirm_then(
        reset,
        title=_("Reset two-factor sign-in for %(name)s?", name=user.name),
        message=_("Their authenticator app and recovery codes stop working and they are signed out everywhere. "
                  "They sign in with their password alone, or set up a new app if the office requires it."),
        button=_("Reset two-factor sign-in"),
        cancel_url=url_for(".index"), done_url=url_for(".index"),
        done_message=_("Two-factor sign-in was reset for %(name)s.", name=user.name))
