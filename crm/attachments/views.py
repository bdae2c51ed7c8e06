from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import EDITORS, GUESTS, STAFF, allow
from crm.agreements.models import Agreement
from crm.attachments import storage
from crm.attachments.forms import VisibilityForm
from crm.attachments.models import Attachment
from crm.attachments.queries import owner_of
from crm.attachments.serving import send_attachment
from crm.attachments.uploads import handle_upload
from crm.engagements.models import Engagement, Visibility
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.i18n import safe_next
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404, get_partnership_or_404
from crm.soft_delete import KEEP_DAYS
from crm.trash.operations import soft_delete

bp = Blueprint("attachments", __name__)
bp.add_app_template_filter(storage.human_size, "filesize")


def _back(partnership_id: int) -> str:
    """Where the page that sent the user here asked to return, else the partnership."""
    fallback = url_for("partnerships.detail", partnership_id=partnership_id)
    return safe_next(request.form.get("next") or request.args.get("next"), fallback)


def _upload(owner: Engagement | Agreement | Partnership):
    return handle_upload(owner, _back(owner.id if isinstance(owner, Partnership) else owner.partnership_id))


@bp.post("/engagements/<int:engagement_id>/attachments")
@allow(EDITORS)
def upload_to_engagement(engagement_id: int):
    return _upload(get_in_scope_or_404(Engagement, engagement_id))


@bp.post("/agreements/<int:agreement_id>/attachments")
@allow(EDITORS)
def upload_to_agreement(agreement_id: int):
    return _upload(get_in_scope_or_404(Agreement, agreement_id))


@bp.post("/partnerships/<int:partnership_id>/attachments")
@allow(EDITORS)
def upload_to_partnership(partnership_id: int):
    return _upload(get_partnership_or_404(partnership_id))


@bp.get("/attachments/<int:attachment_id>")
@allow(STAFF, GUESTS)
def download(attachment_id: int):
    attachment = get_in_scope_or_404(Attachment, attachment_id)
    return send_attachment(attachment, private=True)


@bp.post("/attachments/<int:attachment_id>/visibility")
@allow(EDITORS)
def change_visibility(attachment_id: int):
    """Share a document with the partner, or make it staff only again."""
    attachment = get_in_scope_or_404(Attachment, attachment_id)
    back = _back(attachment.partnership_id)
    form = VisibilityForm()
    if not form.validate_on_submit():
        flash(_("Choose who may see the document."), "error")
        return redirect(back)
    visibility = Visibility(form.visibility.data)
    if visibility == Visibility.SHARED and (attachment.cost_line_id or attachment.gift_id):
        # a receipt or a gift's photo is the office's record (issue 22): never the partner's to see
        flash(_("A receipt or a gift's photo stays with staff."), "error")
        return redirect(back)
    if attachment.visibility != visibility:  # setting a value, not toggling: a second click changes nothing
        attachment.visibility = visibility
        db.session.commit()
    if visibility == Visibility.SHARED:
        flash(_("“%(name)s” is now shared with the partner.", name=attachment.filename), "success")
    else:
        flash(_("“%(name)s” is now seen by staff only.", name=attachment.filename), "success")
    return redirect(back)


@bp.route("/attachments/<int:attachment_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(attachment_id: int):
    attachment = get_in_scope_or_404(Attachment, attachment_id)
    back = _back(attachment.partnership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = attachment.filename
        soft_delete(attachment, current_user)
        db.session.commit()
        flash(_("“%(name)s” was deleted.", name=name), "success")
        return redirect(back)
    return render_template("attachments/delete.html", attachment=attachment, owner=owner_of(attachment),
                           form=form, back=back, keep_days=KEEP_DAYS)
