"""What the archive copy of an agreement (PDF/A-3b) carries besides its text: the signed scan.

The agreement's scan is uploaded as a file attached to the agreement (crm.attachments); every PDF attached
to it (not deleted) is taken as part of the signed instrument, and embedded whole, byte for byte, as an
associated file with the relationship "Source": the signed paper is what the printed text comes from.
The worker process reads the files from their paths (crm.pdf.EmbeddedFile)."""
import logging
from datetime import UTC

from flask_babel import gettext

from crm.agreements.models import Agreement
from crm.attachments.queries import attachments_for
from crm.attachments.storage import stored_file
from crm.pdf import EmbeddedFile

PDF_TYPE = "application/pdf"
log = logging.getLogger(__name__)


def signed_scans(agreement: Agreement) -> tuple[EmbeddedFile, ...]:
    """The agreement's PDF attachments as files to embed, oldest first; a file missing from the disk is
    left out (and logged: `flask crm files check` lists it)."""
    files = []
    for attachment in attachments_for(agreement_id=agreement.id):
        if attachment.content_type != PDF_TYPE:
            continue
        path = stored_file(attachment)
        if not path.is_file():
            log.error("attachment %s of agreement %s: its file is missing; not embedded", attachment.id,
                      agreement.id)
            continue
        name = attachment.filename if attachment.filename.lower().endswith(".pdf") else f"{attachment.filename}.pdf"
        files.append(EmbeddedFile(path=str(path), name=name, relationship="Source", modified=attachment.created_at.astimezone(UTC),
                                  description=gettext("Signed agreement (scan): %(name)s", name=attachment.filename)))
    return tuple(files)
