from flask import Blueprint, redirect, url_for
from flask_login import current_user

from crm.access import PUBLIC, allow

bp = Blueprint("main", __name__)


@bp.get("/")
@allow(PUBLIC)
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    if not current_user.is_staff:
        return redirect(url_for("portal.home"))
    return redirect(url_for("dashboard.index"))
