from functools import cached_property

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import EDITORS, STAFF, allow
from crm.attachments.queries import attachments_for
from crm.engagements import operations
from crm.engagements.exports import export_source, filter_form, filtered
from crm.engagements.forms import EngagementForm
from crm.engagements.pages import program_url
from crm.engagements.queries import get_engagement_or_404
from crm.exports.background import background_export_if_large
from crm.exports.writers import export_response, stream
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.pagination import paginate
from crm.partnerships.page import detail_page
from crm.partnerships.queries import get_partnership_or_404
from crm.records import add_child, edit_record
from crm.soft_delete import KEEP_DAYS

bp = Blueprint("engagements", __name__)
#: the list of every engagement counts them up to this many, then says "more than" (counting 500,000 cost 60 ms)
COUNTED_UP_TO = 10_000


@bp.get("/engagements/")
@allow(STAFF)
def index():
    """Every engagement of every partnership, on one list."""
    form = filter_form()
    return render_template("engagements/index.html", form=form,
                           page=paginate(filtered(form), count_up_to=COUNTED_UP_TO))


@bp.get("/engagements/export.csv", defaults={"fmt": "csv"})
@bp.get("/engagements/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    """CSV streams as it is read; a large XLSX (built whole before its first byte) is made in the background."""
    export_columns, query, title, slug = export_source()
    if fmt == "xlsx" and (started := background_export_if_large("engagements", query)) is not None:
        return started
    return export_response(fmt, export_columns, stream(query), title=title, slug=slug)


def _timeline(partnership_id: int) -> str:
    return url_for("partnerships.detail", partnership_id=partnership_id, _anchor="timeline")


@bp.post("/partnerships/<int:partnership_id>/engagements")
@allow(EDITORS)
def log(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    return add_child(EngagementForm(), lambda form: operations.log_engagement(partnership, form, current_user),
                     done=_timeline(partnership.id),
                     saved=lambda engagement: _("“%(title)s” was added to the timeline.", title=engagement.title),
                     not_saved=_("The engagement was not saved. Please correct the marked fields."),
                     page=lambda form: detail_page(partnership_id, engagement_form=form))


def _unless_changed_elsewhere(engagement_id: int, page):
    """The engagement's own page, ``page(engagement)``; missions, exchanges and projects have pages of their own,
    and signings and milestones follow their agreement or project."""
    engagement = get_engagement_or_404(engagement_id)
    if program_page := program_url(engagement.record_type, engagement.id, "edit"):
        return redirect(program_page)
    if engagement.is_derived:
        flash(_("This entry follows its agreement or project; change it there."), "info")
        return redirect(_timeline(engagement.partnership_id))
    return page(engagement)


class _Attachments:
    """An engagement's attachments, read when the form is shown (a saved edit redirects without them)."""

    def __init__(self, engagement_id: int):
        self.engagement_id = engagement_id

    @cached_property
    def rows(self) -> list:
        return attachments_for(engagement_id=self.engagement_id)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(engagement_id: int):
    return _unless_changed_elsewhere(engagement_id, _edit)


def _edit(engagement):
    form = EngagementForm(obj=engagement)
    if request.method == "GET":
        form.substantive.data = "yes" if engagement.substantive else "no"
        form.pillar.data = engagement.pillar.value if engagement.pillar else ""
    return edit_record(engagement, form, operations.apply_form,
                       compare=["kind", "occurred_on", "title", "notes", "visibility"],
                       template="engagements/form.html",
                       done=_timeline(engagement.partnership_id), engagement=engagement,
                       attachments=_Attachments(engagement.id))


@bp.route("/engagements/<int:engagement_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(engagement_id: int):
    return _unless_changed_elsewhere(engagement_id, _delete)


def _delete(engagement):
    form = ConfirmForm()
    if form.validate_on_submit():
        partnership_id = engagement.partnership_id
        title = engagement.title
        operations.delete_engagement(engagement, current_user)
        db.session.commit()
        flash(_("“%(title)s” was deleted.", title=title), "success")
        return redirect(_timeline(partnership_id))
    return render_template("engagements/delete.html", engagement=engagement, form=form, keep_days=KEEP_DAYS)
