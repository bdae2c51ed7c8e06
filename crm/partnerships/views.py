
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.access import EDITORS, STAFF, allow
from crm.clock import office_today
from crm.engagements.forms import EngagementForm
from crm.exports import columns
from crm.exports.writers import export_response
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.health.queries import flags as health_flags
from crm.i18n import country_choices
from crm.pagination import paginate, paginate_list
from crm.partnerships import operations
from crm.partnerships.choices import fill_filter_form, fill_partnership_form
from crm.partnerships.duplicates import DuplicatePair, one_current_pair
from crm.partnerships.forms import PartnershipFilterForm, PartnershipForm
from crm.partnerships.listing import (
    ListChoice,
    every_row,
    health_order,
    matches_health,  # noqa: F401  (imported from here by other lists)
)
from crm.partnerships.models import Partnership
from crm.partnerships.page import detail_page
from crm.partnerships.queries import get_partnership_or_404
from crm.settings.service import office_settings
from crm.versioning import save_unless_conflict

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")
PARTNERSHIP_FIELDS = ["kind", "status", "established_on", "threshold_months", "summary", "staff_notes"]


@bp.get("/")
@allow(STAFF)
def index():
    form = _filter_form()
    choice = ListChoice.from_form(form)
    query = choice.query()
    today = office_today()
    if choice.by_health:
        # Health is decided by the rule, in Python: evaluate every matching
        # partnership from one aggregate query, then page through the result.
        ordered, flags = health_order(choice, query, today)
        page = paginate_list(ordered)
        rows = {p.id: p for p in db.session.scalars(query.where(Partnership.id.in_(page.items)))}
        page.items = [rows[pid] for pid in page.items if pid in rows]
    else:
        page = paginate(query)
        flags = health_flags(today, [p.id for p in page.items])
    return render_template("partnerships/index.html", form=form, page=page, flags=flags, filtered=choice.filtered)


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    """Every partnership the list shows with these filters, across all its pages and in its order."""
    choice = ListChoice.from_form(_filter_form())
    return export_response(fmt, columns.PARTNERSHIPS, every_row(choice, office_today()),
                           title=_("Partnerships"), slug="partnerships")


def _filter_form() -> PartnershipFilterForm:
    form = PartnershipFilterForm()
    fill_filter_form(form, country_choices())
    return form


@bp.route("/new", methods=["GET", "POST"])
@allow(EDITORS)
def create():
    form = PartnershipForm()
    fill_partnership_form(form)
    if request.method == "GET":
        settings = office_settings()
        form.home_city_id.data = settings.default_home_city_id
        form.status.data = "active"
    if form.validate_on_submit():
        try:
            with one_current_pair(form.home_city_id.data, form.partner_city.data.id, form.status.data):
                partnership = operations.apply_form(Partnership(), form)
                db.session.commit()
        except DuplicatePair as found:  # what was typed stays in the form
            return render_template("partnerships/form.html", form=form, partnership=None,
                                   duplicate=found), 409
        flash(_("The partnership with %(city)s was created.", city=partnership.partner_city.name), "success")
        return redirect(url_for(".detail", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=None)


@bp.get("/<int:partnership_id>")
@allow(STAFF)
def detail(partnership_id: int, engagement_form: EngagementForm | None = None):
    return detail_page(partnership_id, engagement_form)


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = PartnershipForm(obj=partnership)
    fill_partnership_form(form)
    if request.method == "GET":
        form.priorities.data = [p.value for p in partnership.priorities]
        form.liaison_id.data = partnership.liaison_id or 0
    conflict = duplicate = None
    if form.validate_on_submit():
        try:
            with one_current_pair(form.home_city_id.data, form.partner_city.data.id, form.status.data,
                                  archived=partnership.is_archived, excluding=partnership.id):
                conflict = save_unless_conflict(form, partnership, PARTNERSHIP_FIELDS,
                                                lambda: operations.apply_form(partnership, form))
        except DuplicatePair as found:
            duplicate = found
        else:
            if conflict is None:
                flash(_("Your changes were saved."), "success")
                return redirect(url_for(".detail", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=partnership, conflict=conflict,
                           duplicate=duplicate), 409 if conflict or duplicate else 200


@bp.route("/<int:partnership_id>/archive", methods=["GET", "POST"])
@allow(EDITORS)
def archive(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.archive(partnership)  # archived twice (a double-click) is archived once
        db.session.commit()
        flash(_("The partnership with %(city)s was archived. It can be restored from the archived list.",
                city=partnership.partner_city.name), "success")
        return redirect(url_for(".index"))
    return render_template("partnerships/archive.html", partnership=partnership, form=form)


@bp.post("/<int:partnership_id>/restore")
@allow(EDITORS)
def restore(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with one_current_pair(partnership.home_city_id, partnership.partner_city_id, partnership.status,
                                  excluding=partnership.id):
                operations.restore(partnership)
                db.session.commit()
        except DuplicatePair as found:
            return render_template("partnerships/duplicate.html", partnership=partnership, duplicate=found), 409
        flash(_("The partnership with %(city)s was restored.", city=partnership.partner_city.name), "success")
    return redirect(url_for(".detail", partnership_id=partnership.id))
