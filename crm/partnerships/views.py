
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.access import EDITORS, STAFF, allow
from crm.clock import office_today
from crm.engagements.forms import EngagementForm
from crm.exports import columns
from crm.exports.writers import export_response
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.i18n import country_choices
from crm.pagination import paginate
from crm.partnerships import operations
from crm.partnerships.choices import fill_filter_form, fill_partnership_form
from crm.partnerships.duplicates import DuplicatePair
from crm.partnerships.forms import PartnershipFilterForm, PartnershipForm
from crm.partnerships.listing import (
    ListChoice,
    every_row,
    health_page,
    matches_health,  # noqa: F401  (imported from here by other lists)
    page_flags,
)
from crm.partnerships.models import Partnership
from crm.partnerships.page import TIMELINE, detail_page
from crm.partnerships.queries import get_partnership_or_404
from crm.records import create_record, edit_record
from crm.settings.service import office_settings

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")
FORM = "partnerships/form.html"
PARTNERSHIP_FIELDS = ["kind", "status", "established_on", "threshold_months", "summary", "staff_notes", "is_public"]


@bp.get("/")
@allow(STAFF)
def index():
    form = _filter_form()
    choice = ListChoice.from_form(form)
    query = choice.query()
    today = office_today()
    if choice.by_health:  # health is decided by the rule, in Python (see health_order)
        page, flags = health_page(choice, query, today)
    else:
        page = paginate(query)
        flags = page_flags(page.items, today)
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


def _partnership_form(partnership: Partnership | None = None) -> PartnershipForm:
    form = PartnershipForm(obj=partnership)
    fill_partnership_form(form)
    return form


def _refused(form: PartnershipForm, partnership: Partnership | None, found: DuplicatePair):
    """The form again, with what was typed and a link to the partnership that already joins the two cities."""
    return render_template(FORM, form=form, partnership=partnership, conflict=None, duplicate=found), 409


def _page(partnership: Partnership) -> str:
    return url_for(".detail", partnership_id=partnership.id)


@bp.route("/new", methods=["GET", "POST"])
@allow(EDITORS)
def create():
    form = _partnership_form()
    if request.method == "GET":
        settings = office_settings()
        form.home_city_id.data = settings.default_home_city_id
        form.status.data = "active"
    try:
        return create_record(
            form, lambda form: operations.apply_form_unless_duplicate(Partnership(), form), template=FORM,
            done=_page, saved=lambda created: _("The partnership with %(city)s was created.",
                                                city=created.partner_city.name),
            partnership=None, duplicate=None)
    except DuplicatePair as found:
        return _refused(form, None, found)


@bp.get("/<int:partnership_id>")
@allow(STAFF)
def detail(partnership_id: int, engagement_form: EngagementForm | None = None):
    """The timeline; ?section= one of the page's other sections (an unknown one is not found)."""
    return detail_page(partnership_id, engagement_form, section=request.args.get("section", TIMELINE))


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = _partnership_form(partnership)
    if request.method == "GET":
        form.priorities.data = [p.value for p in partnership.priorities]
        form.liaison_id.data = partnership.liaison_id or 0
    try:
        return edit_record(partnership, form, operations.apply_form_unless_duplicate, compare=PARTNERSHIP_FIELDS,
                           template=FORM, done=_page(partnership), partnership=partnership, duplicate=None)
    except DuplicatePair as found:
        return _refused(form, partnership, found)


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
            operations.restore(partnership)
            db.session.commit()
        except DuplicatePair as found:
            return render_template("partnerships/duplicate.html", partnership=partnership, duplicate=found), 409
        flash(_("The partnership with %(city)s was restored.", city=partnership.partner_city.name), "success")
    return redirect(url_for(".detail", partnership_id=partnership.id))
