"""The privacy pages (issue 22 §7): an administrator gives or withdraws the "protocol and safeguarding"
permission of a staff member, sets how long each sensitive field is kept, and may run the purge at once."""
import logging

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from crm.access import ADMINS, allow
from crm.auth.models import User
from crm.clock import office_today
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.people.privacy_forms import FORM_FIELDS, ProtocolAccessForm, RetentionForm
from crm.people.retention import (
    RulesChanged,
    due_counts,
    fingerprint,
    purge_sensitive,
    retention_rules,
    save_retention_rules,
)
from crm.privacy import SENSITIVE_FIELDS, SENSITIVE_LABELS, set_protocol_access
from crm.roles import Role
from crm.users.queries import get_staff_or_404

bp = Blueprint("privacy", __name__)
log = logging.getLogger("crm.auth")


def permission_holders() -> list[User]:
    """The active staff members who see sensitive values, by name."""
    return list(db.session.scalars(select(User).where(User.protocol_access, User.active, User.role != Role.GUEST)
                                   .order_by(User.name, User.id)))


def _render_retention(form: RetentionForm, rules: dict[str, int], status: int = 200, changed: bool = False):
    return render_template("privacy/retention.html", form=form, rules=rules, changed=changed,
                           due=due_counts(office_today()), holders=permission_holders(),
                           labels=SENSITIVE_LABELS, fields=SENSITIVE_FIELDS), status


@bp.get("/settings/retention")
@allow(ADMINS)
def retention():
    rules = retention_rules()
    form = RetentionForm(formdata=None, seen=fingerprint(rules),
                         **{FORM_FIELDS[name]: days for name, days in rules.items()})
    return _render_retention(form, rules)


@bp.post("/settings/retention")
@allow(ADMINS)
def save_retention():
    form = RetentionForm()
    if not form.validate_on_submit():
        return _render_retention(form, retention_rules(), 422)
    try:
        save_retention_rules(form.chosen(), form.seen.data or "")
    except RulesChanged:
        db.session.rollback()
        rules = retention_rules()
        form.seen.data = fingerprint(rules)  # saving again replaces theirs, deliberately
        return _render_retention(form, rules, 409, changed=True)
    db.session.commit()
    flash(_("The retention rules were saved."), "success")
    return redirect(url_for(".retention"))


@bp.route("/settings/retention/purge", methods=["GET", "POST"])
@allow(ADMINS)
def purge_now():
    """The nightly purge of sensitive values, at once, after asking."""
    back = url_for(".retention")
    form = ConfirmForm()
    if form.validate_on_submit():
        purged = purge_sensitive(office_today())
        db.session.commit()
        log.info("%d sensitive values purged at once by %s", purged, current_user.email)
        flash(ngettext("%(num)d sensitive value was purged.", "%(num)d sensitive values were purged.", purged)
              if purged else _("Nothing was past its retention: nothing was purged."), "success")
        return redirect(back)
    return render_template(
        "confirm.html", form=form, title=_("Purge the sensitive values past their retention now?"),
        message=_("Every passport number, date of birth, dietary or medical note and vetting result kept longer "
                  "than the rules allow is removed for good. The audit trail records which fields of which "
                  "records were purged, never their values. The nightly purge does the same."),
        button=_("Purge now"), cancel_url=back)


@bp.route("/admin/users/<int:user_id>/protocol-access", methods=["GET", "POST"])
@allow(ADMINS)
def protocol_access(user_id: int):
    """Give or withdraw the permission; a guest's account is not found here (guests never get it)."""
    user = get_staff_or_404(user_id)
    form = ProtocolAccessForm(data={"grant": "0" if user.protocol_access else "1"})
    if form.validate_on_submit():
        granted = form.grant.data == "1"
        if set_protocol_access(user, granted):
            log.info("protocol access of %s %s by %s", user.email, "given" if granted else "withdrawn",
                     current_user.email)
        db.session.commit()
        flash(_("%(name)s now sees passport numbers, dates of birth, medical and dietary notes and vetting results.",
                name=user.name) if granted else
              _("%(name)s no longer sees passport numbers, dates of birth, medical and dietary notes and vetting "
                "results.", name=user.name), "success")
        return redirect(url_for("users.show", user_id=user.id))
    return render_template("privacy/access.html", user=user, form=form), 422 if form.errors else 200
