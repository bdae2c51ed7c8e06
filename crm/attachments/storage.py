"""Storing uploaded files: checked from their content, kept in the file store (crm.storage: a local folder
or an S3-compatible object store) under generated names (crm.attachments.filenames makes the name shown).
These functions flush; the request commits.

A file is written before its row is flushed and published when the transaction that adds the row commits;
a rollback, or a session closed without a commit, removes it; a deleted row's file goes only once that
deletion commits (crm.storage.transactions). So a failure anywhere before the commit leaves no file a row
does not name, and a process killed before it leaves only a file no row names (in the local folder under
its temporary name `<stored name>.part`), which `flask crm files check --remove` clears."""
import errno
import hashlib
import re
import secrets
from pathlib import Path
from typing import IO

import filetype
from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from crm.agreements.models import Agreement
from crm.attachments import quota
from crm.attachments.filenames import display_name
from crm.attachments.models import Attachment
from crm.engagements.models import Engagement, Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership, Side
from crm.storage import store, transactions
from crm.storage.local import PART_SUFFIX

#: what may be attached: the extension filetype reports -> the MIME type recorded and served
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
HEAD_BYTES = 8192  # as much as filetype ever looks at
_CHUNK = 64 * 1024
_STORED_NAME = re.compile(r"[0-9a-f]{32}")


class UploadRefused(Exception):
    """The upload was not stored; `message` tells the uploader why, in their language."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


WRONG_TYPE = _l("This kind of file cannot be attached. Upload a PDF, a PNG or JPEG image, "
                "or an office document (Word, Excel, PowerPoint or OpenDocument).")
EMPTY = _l("The file is empty.")
PATH_NAME = _l("The file name contains a folder path. Rename the file without “/” or “\\” and try again.")
STORAGE_FULL = _l("The file could not be stored: the server's storage is full. Nothing was saved. "
                  "Please tell the administrator.")
STORAGE_READ_ONLY = _l("The file could not be stored: the server's storage cannot be written to just now. "
                       "Nothing was saved. Please tell the administrator.")
STORAGE_FAILED = _l("The file could not be stored because of a problem with the server's storage. "
                    "Nothing was saved. Please tell the administrator.")
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def human_size(size: int) -> str:
    """A byte count as people read it, in the reader's language."""
    if size < 1024:
        return ngettext("%(count)s byte", "%(count)s bytes", size, count=format_decimal(size))
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(size / 1024, "#,##0.#"))
    return _("%(size)s MB", size=format_decimal(size / (1024 * 1024), "#,##0.#"))


def detect_type(head: bytes) -> tuple[str, str] | None:
    """(extension, MIME type) of an allowed kind of file, judged from its first bytes; None otherwise."""
    kind = filetype.guess(bytes(head)) if head else None
    if kind is None or kind.extension not in ALLOWED_TYPES:
        return None
    return kind.extension, ALLOWED_TYPES[kind.extension]



def attachment_key(attachment: Attachment) -> str:
    """The key of an attachment's file in the store: "<first two letters>/<stored name>"."""
    name = attachment.stored_name
    if not _STORED_NAME.fullmatch(name or ""):
        raise ValueError(f"attachment {attachment.id} has an unexpected stored name")
    return f"{name[:2]}/{name}"


def attachment_path(attachment: Attachment) -> Path:
    """Where the local folder (CRM_STORAGE=local) keeps an attachment's file."""
    return Path(current_app.config["ATTACHMENTS_DIR"]) / attachment_key(attachment)


def _inspect(stream: IO[bytes]) -> tuple[bytes, int, str]:
    """The file's first bytes, size and SHA-256 in one pass, refusing it as
    soon as it passes the limit (the request limit also counts form fields)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    head, size, digest = b"", 0, hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(_CHUNK):
        if len(head) < HEAD_BYTES:
            head += chunk[:HEAD_BYTES - len(head)]
        size += len(chunk)
        if limit and size > limit:
            raise UploadRefused(_l("The file is larger than the limit of %(size)s.", size=human_size(limit)))
        digest.update(chunk)
    if size == 0:
        raise UploadRefused(EMPTY)
    return head, size, digest.hexdigest()


def temporary_path(path: Path) -> Path:
    """Where the local folder keeps a file until its row is committed."""
    return path.with_name(path.name + PART_SUFFIX)


def storage_refusal(error: OSError):
    """What the uploader is told when the store refuses a file (a full disk, read-only storage, an object store
    that does not answer)."""
    if error.errno in _FULL:
        return STORAGE_FULL
    if error.errno in _READ_ONLY:
        return STORAGE_READ_ONLY
    return STORAGE_FAILED


def save_upload(upload: FileStorage, owner: Engagement | Agreement | Partnership,
                visibility: Visibility = Visibility.STAFF_ONLY) -> Attachment:
    """Check an uploaded file, store it and add its row; raises UploadRefused.

    The owner is an engagement (missions, exchanges and projects included), an
    agreement, or the partnership itself. A staff upload has the visibility the uploader chose (staff only
    unless they share it); a guest's upload is always shared: it is the partner's own file."""
    if not isinstance(owner, (Engagement, Agreement, Partnership)):
        raise TypeError(f"files cannot be attached to {owner!r}")
    if any(separator in (upload.filename or "") for separator in ("/", "\\")):
        raise UploadRefused(PATH_NAME)  # a browser sends a bare name; a path is a mistake or an attack
    head, size, sha256 = _inspect(upload.stream)
    detected = detect_type(head)
    if detected is None:
        raise UploadRefused(WRONG_TYPE)
    extension, content_type = detected
    user = current_user._get_current_object()
    partnership_id = owner.id if isinstance(owner, Partnership) else owner.partnership_id
    if not user.is_staff and (refusal := quota.refusal_if_over(partnership_id, size)) is not None:
        raise UploadRefused(refusal)
    attachment = Attachment(
        partnership_id=partnership_id,
        engagement_id=owner.id if isinstance(owner, Engagement) else None,
        agreement_id=owner.id if isinstance(owner, Agreement) else None,
        filename=display_name(upload.filename, extension),
        stored_name=secrets.token_hex(16),
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=user,
        uploaded_by_side=Side.HOME if user.is_staff else Side.PARTNER,
        visibility=Visibility(visibility) if user.is_staff else Visibility.SHARED,
    )
    files, key = store(), attachment_key(attachment)
    try:
        transactions.stage(files, key, upload.stream)
    except OSError as error:
        current_app.logger.error("upload refused: the file could not be written to %s (%s)", files.describe(key),
                                 error)
        raise UploadRefused(storage_refusal(error)) from None
    try:
        db.session.add(attachment)
        db.session.flush()
    except BaseException:
        transactions.unstage(files, key)
        raise
    return attachment


def remove_file(attachment: Attachment) -> None:
    """Remove the stored file when the transaction deleting its row commits (a rollback keeps both).
    Storage that refuses is logged, not raised: `flask crm files check` lists the file left behind."""
    transactions.delete_after_commit(store(), attachment_key(attachment))


def delete_attachment(attachment: Attachment) -> None:
    """Remove the row, and the stored file once that is committed."""
    db.session.delete(attachment)
    db.session.flush()
    remove_file(attachment)  # a row that cannot be deleted, or a rollback, keeps its file


def delete_attachments_of(owner: Engagement | Agreement) -> None:
    """Delete every file attached to a record about to be deleted.

    The database would drop the rows by itself (ON DELETE CASCADE), but not
    the files in the store."""
    column = Attachment.engagement_id if isinstance(owner, Engagement) else Attachment.agreement_id
    for attachment in db.session.scalars(select(Attachment).where(column == owner.id)):
        delete_attachment(attachment)
