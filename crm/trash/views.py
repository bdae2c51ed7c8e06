"""Admins see what was deleted in the last 30 days and put it back."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.access import ADMINS, allow
from crm.attachments.models import Attachment
from crm.claims import AlreadyDone
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.pagination import paginate
from crm.soft_delete import KEEP_DAYS
from crm.trash import operations
from crm.trash.queries import deleted_records, live_attachment, live_engagement, names_of

bp = Blueprint("trash", __name__, url_prefix="/admin/deleted")

SHOW = ("engagements", "documents")


@bp.get("/")
@allow(ADMINS)
def index():
    show = request.args.get("show") if request.args.get("show") in SHOW else "engagements"
    model = Engagement if show == "engagements" else Attachment
    page = paginate(deleted_records(model))
    return render_template("trash/index.html", show=show, page=page, keep_days=KEEP_DAYS,
                           deleted_by=names_of({record.deleted_by_id for record in page.items}))


@bp.post("/engagements/<int:engagement_id>/restore")
@allow(ADMINS)
def restore_engagement(engagement_id: int):
    return _restore(operations.deleted_engagement(engagement_id), "engagements",
                    lambda: live_engagement(engagement_id))


@bp.post("/documents/<int:attachment_id>/restore")
@allow(ADMINS)
def restore_document(attachment_id: int):
    attachment = operations.deleted_attachment(attachment_id)
    if attachment is not None and operations.engagement_is_deleted(attachment.engagement_id):
        flash(_("This document belongs to a deleted engagement; restore the engagement first."), "error")
        return redirect(url_for(".index", show="documents"))
    return _restore(attachment, "documents", lambda: live_attachment(attachment_id))


def _restore(record, show: str, live=lambda: None):
    if record is None:
        restored = live()  # a second click after the first went through finds it back in place
        if restored is None:
            abort(404)
        flash(_("“%(name)s” was already restored.", name=getattr(restored, "title", None) or restored.filename),
              "info")
        return redirect(url_for(".index", show=show))
    name = getattr(record, "title", None) or record.filename
    try:
        operations.restore(record)
    except AlreadyDone:  # restored by another request a moment ago
        db.session.rollback()
        flash(_("“%(name)s” was already restored.", name=name), "info")
        return redirect(url_for(".index", show=show))
    except operations.TooLate:
        flash(_("“%(name)s” was deleted more than %(days)d days ago and can no longer be restored.",
                name=name, days=KEEP_DAYS), "error")
        return redirect(url_for(".index", show=show))
    db.session.commit()
    flash(_("“%(name)s” was restored.", name=name), "success")
    return redirect(url_for(".index", show=show))
