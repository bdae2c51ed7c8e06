"""What the archive copy of an agreement (PDF/A-3b) carries besides its text: the signed scan.

The agreement's scan is uploaded as a file attached to the agreement (crm.attachments); every PDF attached
to it (not deleted) is taken as part of the signed instrument, and embedded whole, byte for byte, as an
associated file with the relationship "Source": the signed paper is what the printed text comes from.
The worker process reads the files from their paths (crm.pdf.EmbeddedFile): the local store's own files, or
copies of an object store's, made in a folder the caller gives and removes after the render."""
import logging
from datetime import UTC
from pathlib import Path

from flask_babel import gettext

from crm.agreements.models import Agreement
from crm.attachments.queries import attachments_for
from crm.attachments.storage import attachment_key
from crm.pdf import EmbeddedFile
from crm.storage import LocalStore, store
from crm.storage.copies import copy_out

PDF_TYPE = "application/pdf"
log = logging.getLogger(__name__)


def signed_scans(agreement: Agreement, copies: Path | None = None) -> tuple[EmbeddedFile, ...]:
    """The agreement's PDF attachments as files to embed, oldest first; a file missing from the store is
    left out (and logged: `flask crm files check` lists it). With an object store the files are copied into
    the folder `copies` first (required then)."""
    files_store, files = store(), []
    for attachment in attachments_for(agreement_id=agreement.id):
        if attachment.content_type != PDF_TYPE:
            continue
        key = attachment_key(attachment)
        if isinstance(files_store, LocalStore):
            found, path = files_store.recover(key), files_store.path(key)
        else:
            if copies is None:
                raise ValueError("signed_scans needs a folder for copies of an object store's files")
            path = copies / attachment.stored_name
            try:
                found = copy_out(files_store, key, path)
            except OSError as error:
                log.error("attachment %s of agreement %s could not be read (%s); not embedded", attachment.id,
                          agreement.id, error)
                continue
        if not found:
            log.error("attachment %s of agreement %s: its file is missing; not embedded", attachment.id,
                      agreement.id)
            continue
        name = attachment.filename if attachment.filename.lower().endswith(".pdf") else f"{attachment.filename}.pdf"
        files.append(EmbeddedFile(path=str(path), name=name, relationship="Source", modified=attachment.created_at.astimezone(UTC),
                                  description=gettext("Signed agreement (scan): %(name)s", name=attachment.filename)))
    return tuple(files)
