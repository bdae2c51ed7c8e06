"""An attachment's bytes as an answer: read from the store (a file its process left under its temporary name is
recovered first), typed as detected on upload and never sniffed; a missing file is a 404, an unreadable store a
503. Staff and guests download it (crm.attachments.views); the public sees a published highlight's photo inline
(crm.public.views)."""
from flask import abort, current_app

from crm.attachments import storage
from crm.downloads import content_disposition
from crm.errors import render_error
from crm.storage import store
from crm.storage.serving import send_stored


def send_attachment(attachment, *, inline: bool = False, private: bool = False):
    files, key = store(), storage.attachment_key(attachment)
    try:
        if files.staged_suffix:  # committed: a file its process left under its temporary name takes its name
            files.recover(key)
        # as_attachment: never rendered in our origin; Werkzeug adds filename*=UTF-8''… for Unicode names.
        response = send_stored(files, key, mimetype=attachment.content_type, as_attachment=not inline,
                               download_name=None if inline else attachment.filename, etag=attachment.sha256)
    except FileNotFoundError:
        current_app.logger.error("attachment %s: stored file %s is missing", attachment.id, files.describe(key))
        abort(404)
    except OSError as error:
        current_app.logger.error("attachment %s: %s could not be read (%s)", attachment.id, files.describe(key),
                                 error)
        return render_error(503)
    # inline: an image the public page shows, never offered under its file name
    response.headers["Content-Disposition"] = "inline" if inline else content_disposition(attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if private:  # a signed-in reader's file: never in a shared cache
        response.cache_control.private = True
    return response
