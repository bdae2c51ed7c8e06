"""The pages of commitments: the staff's list, the form, the one-click steps (done, drop, reopen), deleting;
and the partner portal's page, where a guest marks their side's commitments done."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.access import EDITORS, GUESTS, STAFF, allow
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.enums import Side
from crm.extensions import db
from crm.forms import ConfirmForm, id_arg
from crm.governance.commitments import operations
from crm.governance.commitments.forms import CommitmentFilterForm, make_form
from crm.governance.commitments.queries import commitment_list, get_commitment_or_404, partnership_commitments
from crm.governance.commitments.responsiveness import responsiveness
from crm.governance.commitments.rules import guest_may_mark_done, is_overdue
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices
from crm.partnerships.queries import get_partnership_or_404
from crm.records import back_to, create_record, edit_record

bp = Blueprint("commitments", __name__)


@bp.app_template_global()
def partner_responsiveness(partnership_id: int):
    """For the partnership page's health figures, beside the partner-started share (one query)."""
    return responsiveness(partnership_id, office_today())


@bp.app_template_global()
def commitment_overdue(commitment) -> bool:
    return is_overdue(commitment.status, commitment.due_on, office_today())


def _section(partnership_id: int) -> str:
    return url_for("partnerships.detail", partnership_id=partnership_id, section="governance", _anchor="commitments")


@bp.get("/commitments/")
@allow(STAFF)
def index():
    form = CommitmentFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    query = commitment_list(status=form.value("status"),
                            owner_id=current_user.id if form.value("owner") == "mine" else None,
                            partnership_id=form.value("partnership"), q=form.value("q"), today=office_today())
    return render_template("commitments/index.html", form=form, page=paginate(query), today=office_today(),
                           step_form=ConfirmForm(formdata=None))


@bp.route("/partnerships/<int:partnership_id>/commitments/new", methods=["GET", "POST"])
@allow(EDITORS)
def new(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = make_form(partnership.id, engagement_id=id_arg("engagement_id"))
    return create_record(form, lambda form: operations.new_commitment(partnership.id, form, current_user),
                         template="commitments/form.html", done=lambda _record: _section(partnership.id),
                         saved=_("The commitment was recorded."), partnership=partnership, commitment=None)


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(commitment_id: int):
    commitment = get_commitment_or_404(commitment_id)
    return edit_record(commitment, make_form(commitment.partnership_id, commitment), operations.apply_form,
                       compare=["side", "description", "owner_id", "owner_name", "due_on", "visibility"],
                       template="commitments/form.html", done=_section(commitment.partnership_id),
                       partnership=commitment.partnership, commitment=commitment)


def _step(commitment_id: int, change, message: str):
    """A one-click change (POST with its CSRF token), then back to where the button was."""
    commitment = get_commitment_or_404(commitment_id)
    if ConfirmForm().validate_on_submit():
        change(commitment)
        db.session.commit()
        flash(message, "success")
    else:
        flash(_("The page had expired. Please try again."), "error")
    return redirect(back_to(_section(commitment.partnership_id)))


@bp.post("/commitments/<int:commitment_id>/done")
@allow(EDITORS)
def mark_done(commitment_id: int):
    return _step(commitment_id, lambda c: operations.mark_done(c, current_user, office_today()),
                 _("The commitment was marked done."))


@bp.post("/commitments/<int:commitment_id>/drop")
@allow(EDITORS)
def drop(commitment_id: int):
    return _step(commitment_id, operations.drop, _("The commitment was dropped."))


@bp.post("/commitments/<int:commitment_id>/reopen")
@allow(EDITORS)
def reopen(commitment_id: int):
    return _step(commitment_id, operations.reopen, _("The commitment is open again."))


@bp.route("/commitments/<int:commitment_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(commitment_id: int):
    commitment = get_commitment_or_404(commitment_id)
    back = _section(commitment.partnership_id)
    return confirm_then(
        lambda: operations.delete(commitment),
        title=_("Delete the commitment “%(description)s”?", description=commitment.description),
        message=_("To keep it on record as given up, drop it instead."), cancel_url=back, done_url=back,
        done_message=_("The commitment was deleted."))


@bp.get("/portal/partnerships/<int:partnership_id>/commitments")
@allow(GUESTS)
def portal(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    rows = partnership_commitments(partnership.id)  # the guest's scope leaves out staff-only ones
    return render_template("commitments/portal.html", partnership=partnership,
                           made_to_you=[c for c in rows if c.side == Side.HOME],
                           yours=[c for c in rows if c.side == Side.PARTNER],
                           today=office_today(), step_form=ConfirmForm(formdata=None))


@bp.post("/portal/commitments/<int:commitment_id>/done")
@allow(GUESTS)
def portal_done(commitment_id: int):
    commitment = get_commitment_or_404(commitment_id)
    back = url_for(".portal", partnership_id=commitment.partnership_id)
    if not guest_may_mark_done(commitment.side, commitment.visibility, commitment.status):
        if commitment.side != Side.PARTNER:
            abort(403)  # what our side promised is ours to mark
        flash(_("This commitment is no longer open."), "error")
    elif ConfirmForm().validate_on_submit():
        operations.mark_done(commitment, current_user, office_today())
        db.session.commit()
        flash(_("Thank you: it is marked done. The city's staff will see it."), "success")
    else:
        flash(_("The page had expired. Please try again."), "error")
    return redirect(back)

