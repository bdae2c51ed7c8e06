from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import joinedload
from wtforms import SelectField
from wtforms.validators import Optional

from crm.access import EDITORS, STAFF, allow
from crm.attachments.queries import attachments_for
from crm.cities.forms import timezone_choices
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.engagements.operations import delete_engagement
from crm.exports import columns
from crm.exports.writers import export_response, stream
from crm.extensions import db
from crm.forms import enum_choices
from crm.pagination import paginate
from crm.partnerships.choices import liaison_choices, partnership_filter_choices
from crm.partnerships.queries import get_partnership_or_404
from crm.programs.lists import ProgramFilterForm, scoped_program_list
from crm.programs.missions import operations
from crm.programs.missions.forms import DelegateForm, ItineraryForm, MissionForm, OutcomeForm
from crm.programs.missions.itinerary import itinerary_days
from crm.programs.missions.models import Delegate, ItineraryItem, MissionDirection, MissionOutcome, TradeMission
from crm.programs.missions.queries import (
    comments_by_item,
    contact_choices,
    get_child_or_404,
    get_mission_or_404,
    organization_choices,
)
from crm.soft_delete import KEEP_DAYS
from crm.versioning import save_unless_conflict

bp = Blueprint("missions", __name__)


class MissionFilterForm(ProgramFilterForm):
    direction = SelectField(_l("Direction"), choices=enum_choices(MissionDirection, blank=_l("Both directions")),
                            validators=[Optional()])


def _filter_form() -> MissionFilterForm:
    form = MissionFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


def mission_list(form: MissionFilterForm) -> Select:
    """The missions the list shows with these filters, newest first (the page and its export)."""
    query = scoped_program_list(TradeMission, form, joinedload(TradeMission.destination),
                                joinedload(TradeMission.lead))
    if direction := form.value("direction"):
        query = query.where(TradeMission.direction == direction)
    return query.order_by(TradeMission.occurred_on.desc(), TradeMission.id.desc())


@bp.get("/missions/")
@allow(STAFF)
def index():
    form = _filter_form()
    return render_template("missions/index.html", form=form, page=paginate(mission_list(form)), today=office_today())


@bp.get("/missions/export.csv", defaults={"fmt": "csv"})
@bp.get("/missions/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    return export_response(fmt, columns.MISSIONS, stream(mission_list(_filter_form())),
                           title=_("Trade missions"), slug="trade-missions")


def _mission_form(mission=None):
    form = MissionForm(obj=mission)
    form.lead_id.choices = liaison_choices(_l("No lead"))
    if mission is not None and request.method == "GET":
        form.lead_id.data = mission.lead_id or 0
    return form


@bp.route("/partnerships/<int:partnership_id>/missions/new", methods=["GET", "POST"])
@allow(EDITORS)
def create(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = _mission_form()
    if form.validate_on_submit():
        mission = operations.create_mission(partnership, form, current_user)
        db.session.commit()
        flash(_("The trade mission was created. Add its delegation and itinerary next."), "success")
        return redirect(url_for(".detail", mission_id=mission.id))
    return render_template("missions/form.html", form=form, partnership=partnership, mission=None)


@bp.get("/missions/<int:mission_id>")
@allow(STAFF)
def detail(mission_id: int, itinerary_form=None, delegate_form=None, outcome_form=None):
    mission = get_mission_or_404(mission_id)
    partnership = mission.partnership
    itinerary_form = itinerary_form or _itinerary_form(mission, blank=True)
    delegate_form = delegate_form or _delegate_form(mission, formdata=None)
    outcome_form = outcome_form or OutcomeForm(formdata=None)
    return render_template(
        "missions/detail.html", mission=mission, partnership=partnership,
        days=itinerary_days(mission.itinerary, partnership.home_city.timezone),
        itinerary_form=itinerary_form, delegate_form=delegate_form, outcome_form=outcome_form,
        attachments=attachments_for(engagement_id=mission.id), home_zone=partnership.home_city.timezone,
        comments=comments_by_item(mission),
    )


@bp.route("/missions/<int:mission_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(mission_id: int):
    mission = get_mission_or_404(mission_id)
    form = _mission_form(mission)
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, mission, ["title", "direction", "starts_on", "ends_on", "objectives",
                                                        "sectors", "notes"],
                                        lambda: operations.apply_form(mission, form, mission.partnership))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", mission_id=mission.id))
    return render_template("missions/form.html", form=form, partnership=mission.partnership, mission=mission,
                           conflict=conflict), 409 if conflict else 200


@bp.route("/missions/<int:mission_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(mission_id: int):
    mission = get_mission_or_404(mission_id)
    return confirm_then(
        lambda: delete_engagement(mission, current_user),
        title=_("Delete the trade mission “%(title)s”?", title=mission.title),
        message=_("Its itinerary, delegation, outcomes and documents go with it. An administrator can restore it "
                  "within %(days)d days.", days=KEEP_DAYS),
        cancel_url=url_for(".detail", mission_id=mission.id),
        done_url=url_for("partnerships.detail", partnership_id=mission.partnership_id),
        done_message=_("The trade mission was deleted."))


def _itinerary_form(mission: TradeMission, item: ItineraryItem | None = None, blank: bool = False):
    """The itinerary form; blank (for the mission page) starts on the first day, in the destination's zone."""
    form = ItineraryForm(mission=mission, obj=item, **({"formdata": None} if blank else {}))
    form.timezone.choices = timezone_choices()
    form.contact_id.choices = contact_choices(mission.partnership_id, _l("Nobody in particular"))
    if blank:
        destination = mission.destination or mission.partnership.partner_city
        form.timezone.data = destination.timezone or "UTC"
        form.day.data = mission.starts_on
    if item is not None and request.method == "GET":
        local_start = item.starts_at.astimezone(ZoneInfo(item.timezone))
        form.day.data = local_start.date()
        form.starts.data = local_start.time()
        form.ends.data = item.ends_at.astimezone(local_start.tzinfo).time()
        form.contact_id.data = item.contact_id or 0
    return form


def _delegate_form(mission: TradeMission, **kwargs):
    form = DelegateForm(**kwargs)
    form.contact_id.choices = contact_choices(mission.partnership_id, _l("No one"))
    form.organization_id.choices = organization_choices(mission.partnership_id, _l("No organization"))
    return form


@bp.post("/missions/<int:mission_id>/itinerary")
@allow(EDITORS)
def add_itinerary_item(mission_id: int):
    mission = get_mission_or_404(mission_id)
    form = _itinerary_form(mission)
    if form.validate_on_submit():
        operations.apply_itinerary_form(ItineraryItem(mission_id=mission.id), form)
        db.session.commit()
        flash(_("“%(title)s” was added to the itinerary.", title=form.title.data), "success")
        return redirect(url_for(".detail", mission_id=mission.id, _anchor="itinerary"))
    flash(_("The itinerary item was not saved. Please correct the marked fields."), "error")
    return detail(mission.id, itinerary_form=form), 422


@bp.route("/itinerary/<int:item_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_itinerary_item(item_id: int):
    item = get_child_or_404(ItineraryItem, item_id)
    mission = get_mission_or_404(item.mission_id)
    form = _itinerary_form(mission, item)
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, item, ["title", "timezone", "location", "notes"],
                                        lambda: operations.apply_itinerary_form(item, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", mission_id=mission.id, _anchor="itinerary"))
    return render_template("missions/itinerary_form.html", form=form, mission=mission, item=item,
                           conflict=conflict), 409 if conflict else 200


def _confirm_child_delete(child, mission: TradeMission, anchor: str, title: str):
    back = url_for(".detail", mission_id=mission.id, _anchor=anchor)
    return confirm_then(lambda: db.session.delete(child), title=title, cancel_url=back, done_url=back,
                        done_message=_("Deleted."))


@bp.route("/itinerary/<int:item_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_itinerary_item(item_id: int):
    item = get_child_or_404(ItineraryItem, item_id)
    return _confirm_child_delete(item, item.mission, "itinerary",
                                 _("Remove “%(title)s” from the itinerary?", title=item.title))


@bp.post("/missions/<int:mission_id>/delegates")
@allow(EDITORS)
def add_delegate(mission_id: int):
    mission = get_mission_or_404(mission_id)
    form = _delegate_form(mission)
    if form.validate_on_submit():
        operations.add_delegate(mission, form)
        db.session.commit()
        flash(_("The delegation was updated."), "success")
        return redirect(url_for(".detail", mission_id=mission.id, _anchor="delegation"))
    flash(_("The delegate was not added. Please correct the marked fields."), "error")
    return detail(mission.id, delegate_form=form), 422


@bp.route("/delegates/<int:delegate_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_delegate(delegate_id: int):
    delegate = get_child_or_404(Delegate, delegate_id)
    name = delegate.contact.name if delegate.contact else delegate.organization.name
    return _confirm_child_delete(delegate, delegate.mission, "delegation",
                                 _("Remove %(name)s from the delegation?", name=name))


@bp.post("/missions/<int:mission_id>/outcomes")
@allow(EDITORS)
def add_outcome(mission_id: int):
    mission = get_mission_or_404(mission_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        operations.add_outcome(mission, form)
        db.session.commit()
        flash(_("The outcome was recorded."), "success")
        return redirect(url_for(".detail", mission_id=mission.id, _anchor="outcomes"))
    flash(_("The outcome was not saved. Please correct the marked fields."), "error")
    return detail(mission.id, outcome_form=form), 422


@bp.route("/outcomes/<int:outcome_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_outcome(outcome_id: int):
    outcome = get_child_or_404(MissionOutcome, outcome_id)
    return _confirm_child_delete(outcome, outcome.mission, "outcomes",
                                 _("Delete the outcome “%(title)s”?", title=outcome.description))

