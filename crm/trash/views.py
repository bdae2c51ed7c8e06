"""Admins see what was deleted in the last 30 days and put it back; whoever deleted something may undo it
for a few minutes, from the message that says it was deleted."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from crm.access import ADMINS, EDITORS, allow
from crm.attachments.models import Attachment
from crm.claims import AlreadyDone
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.i18n import safe_next
from crm.pagination import paginate
from crm.partnerships.queries import get_in_scope_or_404
from crm.roles import Role
from crm.soft_delete import KEEP_DAYS
from crm.trash import operations, undo
from crm.trash.queries import deleted_records, live_attachment, live_engagement, names_of

bp = Blueprint("trash", __name__)

SHOW = ("engagements", "documents")


@bp.get("/admin/deleted/")
@allow(ADMINS)
def index():
    show = request.args.get("show") if request.args.get("show") in SHOW else "engagements"
    model = Engagement if show == "engagements" else Attachment
    page = paginate(deleted_records(model))
    return render_template("trash/index.html", show=show, page=page, keep_days=KEEP_DAYS,
                           deleted_by=names_of({record.deleted_by_id for record in page.items}))


@bp.post("/admin/deleted/engagements/<int:engagement_id>/restore")
@allow(ADMINS)
def restore_engagement(engagement_id: int):
    return _restore(operations.deleted_engagement(engagement_id), "engagements",
                    lambda: live_engagement(engagement_id))


@bp.post("/admin/deleted/documents/<int:attachment_id>/restore")
@allow(ADMINS)
def restore_document(attachment_id: int):
    attachment = operations.deleted_attachment(attachment_id)
    if attachment is not None and operations.engagement_is_deleted(attachment.engagement_id):
        flash(_("This document belongs to a deleted engagement; restore the engagement first."), "error")
        return redirect(url_for(".index", show="documents"))
    return _restore(attachment, "documents", lambda: live_attachment(attachment_id))


def _name(record) -> str:
    return getattr(record, "title", None) or record.filename


def _restore(record, show: str, live=lambda: None):
    if record is None:
        restored = live()  # a second click after the first went through finds it back in place
        if restored is None:
            abort(404)
        flash(_("“%(name)s” was already restored.", name=_name(restored)), "info")
        return redirect(url_for(".index", show=show))
    name = _name(record)
    try:
        operations.restore(record)
    except AlreadyDone:  # restored by another request a moment ago
        db.session.rollback()
        flash(_("“%(name)s” was already restored.", name=name), "info")
        return redirect(url_for(".index", show=show))
    except operations.TooLate:
        flash(ngettext("“%(name)s” was deleted more than %(num)d day ago and can no longer be restored.",
                       "“%(name)s” was deleted more than %(num)d days ago and can no longer be restored.",
                       KEEP_DAYS, name=name), "error")
        return redirect(url_for(".index", show=show))
    db.session.commit()
    flash(_("“%(name)s” was restored.", name=name), "success")
    return redirect(url_for(".index", show=show))


@bp.after_app_request
def offer_undo(response):
    """After a deletion by staff that redirects (the page saying it was deleted), a message with an Undo link."""
    offered = undo.take_offer()
    if offered is None or response.status_code not in (302, 303) or not current_user.is_authenticated \
            or current_user.role not in EDITORS:
        return response
    show, record_id = offered
    endpoint = "trash.undo_engagement" if show == "engagements" else "trash.undo_document"
    link = url_for(endpoint, **{"engagement_id" if show == "engagements" else "attachment_id": record_id},
                   next=safe_next(response.location, None))
    flash(Markup('{} <a href="{}">{}</a>').format(
        ngettext("Deleted by mistake? You can undo it for %(num)d minute.",
                 "Deleted by mistake? You can undo it for %(num)d minutes.", undo.UNDO_MINUTES), link,
        _("Undo")), "info")
    return response


@bp.route("/deleted/engagements/<int:engagement_id>/undo", methods=["GET", "POST"])
@allow(EDITORS)
def undo_engagement(engagement_id: int):
    return _undo(operations.deleted_engagement(engagement_id), lambda: get_in_scope_or_404(Engagement, engagement_id))


@bp.route("/deleted/documents/<int:attachment_id>/undo", methods=["GET", "POST"])
@allow(EDITORS)
def undo_document(attachment_id: int):
    attachment = operations.deleted_attachment(attachment_id)
    if attachment is not None and operations.engagement_is_deleted(attachment.engagement_id):
        abort(404)  # it went with its engagement: undoing that brings it back
    return _undo(attachment, lambda: get_in_scope_or_404(Attachment, attachment_id))


def _undo(record, live):
    """Undo one's own deletion, within the few minutes: GET asks, POST puts the record back."""
    if record is None:
        restored = live()  # undone a moment ago (a double-click), or restored by an admin; 404 if not there
        flash(_("“%(name)s” was already restored.", name=_name(restored)), "info")
        return redirect(safe_next(request.values.get("next"), _partnership_page(restored)))
    back = safe_next(request.values.get("next"), _partnership_page(record))
    if not undo.deleted_by(record, current_user):
        abort(403)  # only the person who deleted it; an admin restores anything from the deleted records
    name = _name(record)
    if not undo.still_undoable(record):
        flash(ngettext("“%(name)s” was deleted more than %(num)d minute ago, so it can no longer be undone here. "
                       "An administrator can restore it.", "“%(name)s” was deleted more than %(num)d minutes ago, "
                       "so it can no longer be undone here. An administrator can restore it.",
                       undo.UNDO_MINUTES, name=name)
              if current_user.role != Role.ADMIN else
              ngettext("“%(name)s” was deleted more than %(num)d minute ago: restore it from the deleted records.",
                       "“%(name)s” was deleted more than %(num)d minutes ago: restore it from the deleted records.",
                       undo.UNDO_MINUTES, name=name), "error")
        return redirect(back)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("confirm.html", form=form, title=_("Undo the deletion of “%(name)s”?", name=name),
                               message=_("It is put back where it was, with everything that went with it."),
                               button=_("Undo"), cancel_url=back)
    try:
        operations.restore(record)
    except AlreadyDone:
        db.session.rollback()
        flash(_("“%(name)s” was already restored.", name=name), "info")
        return redirect(back)
    db.session.commit()
    flash(_("“%(name)s” was restored.", name=name), "success")
    return redirect(back)


def _partnership_page(record) -> str:
    return url_for("partnerships.detail", partnership_id=record.partnership_id)
