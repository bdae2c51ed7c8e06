"""The pages of reminders: the admins' choice of lead times (/settings/reminders)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from crm.access import ADMINS, allow
from crm.extensions import db
from crm.governance.reminders.forms import FIELDS, ReminderSettingsForm, lead_days_text
from crm.governance.reminders.leadtimes import DEFAULTS, chosen_lead_times, save_lead_times
from crm.settings.service import office_settings

bp = Blueprint("reminders", __name__)


def _render(form: ReminderSettingsForm, status: int = 200):
    return render_template("reminders/settings.html", form=form, defaults=DEFAULTS, fields=FIELDS), status


@bp.get("/settings/reminders")
@allow(ADMINS)
def settings():
    chosen = chosen_lead_times()
    form = ReminderSettingsForm(formdata=None, anniversary_lead_months=office_settings().anniversary_lead_months,
                                **{name: lead_days_text(chosen.get(kind, ())) for kind, name in FIELDS.items()})
    return _render(form)


@bp.post("/settings/reminders")
@allow(ADMINS)
def save_settings():
    form = ReminderSettingsForm()
    if not form.validate_on_submit():
        flash(_("The reminder settings were not saved: please correct the marked fields."), "error")
        return _render(form, 422)
    save_lead_times({kind: form[name].days for kind, name in FIELDS.items()})
    office_settings().anniversary_lead_months = form.anniversary_lead_months.data
    db.session.commit()
    flash(_("The reminder settings were saved."), "success")
    return redirect(url_for(".settings"))
