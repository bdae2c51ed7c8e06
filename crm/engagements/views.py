from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.access import EDITORS, STAFF, allow
from crm.attachments.queries import attachments_for
from crm.engagements import operations
from crm.engagements.forms import EngagementFilterForm, EngagementForm
from crm.engagements.queries import engagement_list, get_engagement_or_404
from crm.exports import columns
from crm.exports.writers import export_response, stream
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices
from crm.partnerships.queries import get_partnership_or_404
from crm.partnerships.page import detail_page
from crm.soft_delete import KEEP_DAYS
from crm.versioning import save_unless_conflict

bp = Blueprint("engagements", __name__)
FILTERS = ("q", "partnership", "kind", "pillar", "substantive", "date_from", "date_until")


def _filter_form() -> EngagementFilterForm:
    form = EngagementFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


def _filtered(form: EngagementFilterForm):
    return engagement_list(**{name: form.value(name) for name in FILTERS})


@bp.get("/engagements/")
@allow(STAFF)
def index():
    """Every engagement of every partnership, on one list."""
    form = _filter_form()
    return render_template("engagements/index.html", form=form, page=paginate(_filtered(form)),
                           program_pages=PROGRAM_DETAIL_PAGES)


@bp.get("/engagements/export.csv", defaults={"fmt": "csv"})
@bp.get("/engagements/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    return export_response(fmt, columns.ENGAGEMENTS, stream(_filtered(_filter_form())),
                           title=_("Engagements"), slug="engagements")


@bp.post("/partnerships/<int:partnership_id>/engagements")
@allow(EDITORS)
def log(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = EngagementForm()
    if form.validate_on_submit():
        engagement = operations.log_engagement(partnership, form, current_user)
        db.session.commit()
        flash(_("“%(title)s” was added to the timeline.", title=engagement.title), "success")
        return redirect(url_for("partnerships.detail", partnership_id=partnership.id, _anchor="timeline"))
    flash(_("The engagement was not saved. Please correct the marked fields."), "error")
    return detail_page(partnership_id, engagement_form=form), 422


PROGRAM_DETAIL_PAGES = {"trade_mission": ("missions.detail", "mission_id"),
                        "exchange": ("exchanges.detail", "exchange_id"),
                        "joint_project": ("projects.detail", "project_id")}
PROGRAM_PAGES = {"trade_mission": ("missions.edit", "mission_id"), "exchange": ("exchanges.edit", "exchange_id"),
                 "joint_project": ("projects.edit", "project_id")}


def _changed_elsewhere(engagement):
    """Missions, exchanges and projects have their own pages; signings and
    milestones follow their agreement or project."""
    if engagement.record_type in PROGRAM_PAGES:
        endpoint, argument = PROGRAM_PAGES[engagement.record_type]
        return redirect(url_for(endpoint, **{argument: engagement.id}))
    if engagement.is_derived:
        flash(_("This entry follows its agreement or project; change it there."), "info")
        return redirect(url_for("partnerships.detail", partnership_id=engagement.partnership_id, _anchor="timeline"))
    return None


@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    if (elsewhere := _changed_elsewhere(engagement)) is not None:
        return elsewhere
    form = EngagementForm(obj=engagement)
    if request.method == "GET":
        form.substantive.data = "yes" if engagement.substantive else "no"
        form.pillar.data = engagement.pillar.value if engagement.pillar else ""
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, engagement, ["kind", "occurred_on", "title", "notes", "visibility"],
                                        lambda: operations.apply_form(engagement, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for("partnerships.detail", partnership_id=engagement.partnership_id,
                                    _anchor="timeline"))
    return render_template("engagements/form.html", form=form, engagement=engagement, conflict=conflict,
                           attachments=attachments_for(engagement_id=engagement.id)), 409 if conflict else 200


@bp.route("/engagements/<int:engagement_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    if (elsewhere := _changed_elsewhere(engagement)) is not None:
        return elsewhere
    form = ConfirmForm()
    if form.validate_on_submit():
        partnership_id = engagement.partnership_id
        title = engagement.title
        operations.delete_engagement(engagement, current_user)
        db.session.commit()
        flash(_("“%(title)s” was deleted.", title=title), "success")
        return redirect(url_for("partnerships.detail", partnership_id=partnership_id, _anchor="timeline"))
    return render_template("engagements/delete.html", engagement=engagement, form=form, keep_days=KEEP_DAYS)
