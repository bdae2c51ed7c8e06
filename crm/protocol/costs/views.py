"""The pages of trip costs (issue 22 §3): cost lines and their receipts, the trip's approval, the totals per
year and partnership with their exports, the disclosure of travel paid by others, and the admins' setting of
when a trip without approval is flagged. Staff only: a guest never sees a cost or an approval."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.access import ADMINS, EDITORS, STAFF, allow
from crm.attachments.forms import UploadForm
from crm.attachments.storage import UploadRefused
from crm.confirm import confirm_then
from crm.engagements.queries import get_engagement_or_404
from crm.exports.writers import export_response
from crm.extensions import db
from crm.forms import options
from crm.pagination import paginate_list
from crm.partnerships.choices import partnership_filter_choices
from crm.protocol.costs import operations
from crm.protocol.costs.disclosure import COLUMNS as DISCLOSURE_COLUMNS
from crm.protocol.costs.disclosure import disclosure_rows
from crm.protocol.costs.exports import PAID_BY, TOTAL_COLUMNS
from crm.protocol.costs.forms import ApprovalForm, ApprovalSettingsForm, CostsFilterForm, make_line_form
from crm.protocol.costs.queries import (
    approval_of,
    cost_years,
    get_cost_line_or_404,
    receipts_of,
    year_summary,
    year_totals,
)
from crm.records import back_to, create_record, edit_record
from crm.settings.service import office_settings
from crm.versioning import conflict_for

bp = Blueprint("costs", __name__)

#: rows of the totals page per page (a year × partnership × currency each)
TOTALS_PER_PAGE = 50
#: what the conflict page compares when a line changed meanwhile (the amount is shown with its currency)
LINE_FIELDS = ["stage", "category", "description", "currency", "paid_by", "payer_name"]
APPROVAL_FIELDS = ["body", "approved_on", "reference", "notes"]


def _hub(engagement_id: int) -> str:
    """The engagement's "People and protocol" page, at its costs section."""
    return url_for("protocol.engagement", engagement_id=engagement_id, _anchor="costs")


# -- cost lines ----------------------------------------------------------------------------------------------

@bp.route("/engagements/<int:engagement_id>/costs/new", methods=["GET", "POST"])
@allow(EDITORS)
def new(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    form = make_line_form(engagement)
    if request.method == "GET" and request.args.get("stage") in ("budget", "actual"):
        form.stage.data = request.args["stage"]
    return create_record(form, lambda form: operations.new_line(engagement, form), template="costs/line_form.html",
                         done=lambda _line: _hub(engagement.id), saved=_("The cost line was added."),
                         engagement=engagement, line=None, receipts=[], cancel=_hub(engagement.id))


@bp.route("/costs/lines/<int:cost_line_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(cost_line_id: int):
    line = get_cost_line_or_404(cost_line_id)
    back = _hub(line.engagement_id)
    return edit_record(line, make_line_form(line.engagement, line), operations.apply_line, compare=LINE_FIELDS,
                       done=back, template="costs/line_form.html", engagement=line.engagement, line=line,
                       receipts=receipts_of(line.id), upload_form=UploadForm(formdata=None), cancel=back)


@bp.route("/costs/lines/<int:cost_line_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(cost_line_id: int):
    line = get_cost_line_or_404(cost_line_id)
    back = _hub(line.engagement_id)
    receipts = len(receipts_of(line.id))
    message = _("Its receipts are deleted with it.") if receipts else ""
    return confirm_then(lambda: operations.delete_line(line),
                        title=_("Delete the cost line “%(description)s”?", description=line.description
                                or line.category.label),
                        message=message, cancel_url=back, done_url=back, done_message=_("The cost line was deleted."))


@bp.post("/costs/lines/<int:cost_line_id>/receipts")
@allow(EDITORS)
def upload_receipt(cost_line_id: int):
    line = get_cost_line_or_404(cost_line_id)
    back = back_to(url_for(".edit", cost_line_id=line.id))
    form = UploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    try:
        receipt = operations.add_receipt(line, form.file.data)
    except UploadRefused as refusal:
        flash(str(refusal.message), "error")
        return redirect(back)
    name = receipt.filename
    db.session.commit()
    flash(_("The receipt “%(name)s” was uploaded.", name=name), "success")
    return redirect(back)


# -- the trip's approval -------------------------------------------------------------------------------------

@bp.route("/engagements/<int:engagement_id>/approval", methods=["GET", "POST"])
@allow(EDITORS)
def approval(engagement_id: int):
    """Record the trip's approval, or edit the one recorded (one per trip)."""
    engagement = get_engagement_or_404(engagement_id)
    back = _hub(engagement.id)
    existing = approval_of(engagement.id)
    context = {"engagement": engagement, "cancel": back}
    if existing is not None:
        return edit_record(existing, ApprovalForm(obj=existing), operations.apply_approval, compare=APPROVAL_FIELDS,
                           done=back, template="costs/approval_form.html", approval=existing, **context)
    form = ApprovalForm()
    try:
        return create_record(form, lambda form: operations.new_approval(engagement, form),
                             template="costs/approval_form.html", done=lambda _approval: back,
                             saved=_("The approval was recorded."), approval=None, **context)
    except operations.AlreadyApproved as race:  # recorded by someone else since this page was opened
        winner = race.approval
        conflict = conflict_for(form, winner, APPROVAL_FIELDS)
        return render_template("costs/approval_form.html", form=form, conflict=conflict, approval=winner,
                               **context), 409


@bp.route("/engagements/<int:engagement_id>/approval/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_approval(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    back = _hub(engagement.id)
    existing = approval_of(engagement.id)
    if existing is None:
        flash(_("This trip has no approval on record."), "error")
        return redirect(back)
    return confirm_then(lambda: operations.delete_approval(existing),
                        title=_("Remove the approval of “%(title)s”?", title=engagement.title),
                        message=_("Remove it only if it was recorded by mistake: the trip is then listed as "
                                  "without approval."),
                        button=_("Remove"), cancel_url=back, done_url=back, done_message=_("The approval was removed."))


# -- totals, exports and the disclosure ----------------------------------------------------------------------

def _filter_form() -> CostsFilterForm:
    form = CostsFilterForm()
    form.year.choices = options([(0, _l("All years"))] + [(year, str(year)) for year in cost_years()])
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


@bp.get("/costs/")
@allow(STAFF)
def index():
    form = _filter_form()
    year = form.value("year")
    rows = year_totals(year, form.value("partnership"))
    return render_template("costs/index.html", form=form, year=year, page=paginate_list(rows, TOTALS_PER_PAGE),
                           summary=year_summary(rows), paid_by=PAID_BY)


@bp.get("/costs/export.csv", defaults={"fmt": "csv"})
@bp.get("/costs/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    form = _filter_form()
    rows = year_totals(form.value("year"), form.value("partnership"))
    return export_response(fmt, TOTAL_COLUMNS, rows, title=_("Trip costs"), slug="trip-costs")


@bp.get("/costs/disclosure.csv", defaults={"fmt": "csv"})
@bp.get("/costs/disclosure.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def disclosure(fmt: str):
    """What partners and third parties paid for officials' travel (the shape of California's Form 801)."""
    year = request.args.get("year", type=int)
    title = (_("Travel paid by others %(year)s", year=year) if year else _("Travel paid by others"))
    return export_response(fmt, DISCLOSURE_COLUMNS, disclosure_rows(year), title=title, slug="travel-disclosure")


# -- the setting ---------------------------------------------------------------------------------------------

@bp.route("/settings/costs", methods=["GET", "POST"])
@allow(ADMINS)
def settings():
    current = office_settings()
    return edit_record(current, ApprovalSettingsForm(obj=current), operations.apply_settings,
                       compare=["approval_lead_days"], done=url_for(".settings"), template="costs/settings.html",
                       saved=_("The approval setting was saved."))
