"""Receiving one uploaded file from a form: staff pages and the guest portal share it."""
from flask import flash, redirect
from flask_babel import gettext as _

from crm.agreements.models import Agreement
from crm.attachments import storage
from crm.attachments.forms import UploadForm
from crm.engagements.models import Engagement, Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership


def handle_upload(owner: Engagement | Agreement | Partnership, back: str):
    """Validate, store and commit one uploaded file, then go back with a message either way."""
    form = UploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    try:
        attachment = storage.save_upload(form.file.data, owner, Visibility(form.visibility.data))
    except storage.UploadRefused as refusal:
        flash(str(refusal.message), "error")
        return redirect(back)
    name = attachment.filename
    # The file takes its name only when this commit succeeds; a failed commit's rollback removes it
    # (crm.attachments.storage), and a database that does not answer gets the page to send the form again.
    db.session.commit()
    flash(_("“%(name)s” was uploaded.", name=name), "success")
    return redirect(back)
