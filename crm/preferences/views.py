"""The preferences page: a staff member's language and time zone (guests set theirs on the portal profile)."""
from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import STAFF, allow
from crm.clock import office_timezone
from crm.preferences.forms import PreferencesForm
from crm.preferences.operations import apply_form
from crm.records import create_record

bp = Blueprint("preferences", __name__, url_prefix="/preferences")


@bp.route("/", methods=["GET", "POST"])
@allow(STAFF)
def page():
    user = current_user._get_current_object()
    form = PreferencesForm(obj=user, office_zone=office_timezone())

    def save(form):
        # One's own preferences carry no version: nobody else edits them, so there is nothing to conflict with.
        apply_form(user, form)
        return user

    return create_record(form, save, template="preferences/page.html",
                         done=lambda _user: url_for(".page"), saved=lambda _user: _("Your preferences were saved."))
