"""Storing uploaded files: checked from their content, kept outside the static
folder under generated names (crm.attachments.filenames makes the name shown).
These functions flush; the request commits.

A file is written under a temporary name (`<stored name>.part`) and takes its
real name only when the transaction that adds its row commits; a rollback, or
a session closed without a commit, removes it. So a failure anywhere before
the commit leaves no file a row does not name, and a process killed before it
leaves only a `.part` file, which `flask crm files check --remove` clears."""
import errno
import hashlib
import logging
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import IO

import filetype
from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from crm.agreements.models import Agreement
from crm.attachments import quota
from crm.attachments.filenames import display_name
from crm.attachments.models import Attachment
from crm.engagements.models import Engagement, Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership, Side

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
PART_SUFFIX = ".part"  #: a file written but not yet committed with its row
_PENDING = "crm.attachments.pending"  #: Session.info key: [(temporary path, final path)] awaiting the commit
_DOOMED = "crm.attachments.doomed"  #: Session.info key: [path] of files whose rows are deleted, awaiting the commit
log = logging.getLogger(__name__)


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



def attachment_path(attachment: Attachment) -> Path:
    name = attachment.stored_name
    if not _STORED_NAME.fullmatch(name or ""):
        raise ValueError(f"attachment {attachment.id} has an unexpected stored name")
    return Path(current_app.config["ATTACHMENTS_DIR"]) / name[:2] / name


def stored_file(attachment: Attachment) -> Path:
    """The path of a committed attachment's file. A process that died between the commit and the rename left
    it under its temporary name: the row says it is committed, so it takes its name now."""
    path = attachment_path(attachment)
    if not path.exists():
        temporary = temporary_path(path)
        try:
            os.replace(temporary, path)
            log.warning("attachment %s: its file took its name late (the process that stored it ended first)",
                        attachment.id)
        except OSError:
            pass  # really missing: the caller says so
    return path


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
    """Where a file is written until its row is committed."""
    return path.with_name(path.name + PART_SUFFIX)


def storage_refusal(error: OSError):
    """What the uploader is told when the disk refuses a file."""
    if error.errno in _FULL:
        return STORAGE_FULL
    if error.errno in _READ_ONLY:
        return STORAGE_READ_ONLY
    return STORAGE_FAILED


def _write(stream: IO[bytes], path: Path) -> None:
    """Write the whole file to path, on the disk (fsync) before the row can commit; a failure
    (a full disk halfway through) leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stream.seek(0)
    out = open(path, "xb")  # "x": never overwrite another attachment's file
    try:
        with out:
            shutil.copyfileobj(stream, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        _unlink(path)
        raise


def _unlink(path: Path) -> bool:
    """Remove a file if it is there; False (and a log line) when the disk refuses."""
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        log.error("could not remove %s (%s); `flask crm files check` will list it", path, error)
        return False
    return True


def _publish_on_commit(temporary: Path, final: Path) -> None:
    db.session.info.setdefault(_PENDING, []).append((temporary, final))


@event.listens_for(Session, "after_commit")
def _publish(session) -> None:
    """The commit made the rows: give their files their real names."""
    if session.get_nested_transaction() is not None:  # a savepoint: the rows are not committed yet
        return
    for temporary, final in session.info.pop(_PENDING, []):
        try:
            os.replace(temporary, final)
        except FileNotFoundError:
            if not final.exists():
                log.error("attachment file %s vanished before it could take its name", temporary)
        except OSError as error:  # the row is committed: the check command finishes the rename
            log.error("attachment file %s could not take its name %s (%s); run `flask crm files check --remove`",
                      temporary, final.name, error)
    for path in session.info.pop(_DOOMED, []):  # their rows are gone for good now
        _unlink(path)


@event.listens_for(Session, "after_transaction_end")
def _discard(session, transaction) -> None:
    """Rolled back or closed without a commit: the rows never were, so neither are their files; and rows
    that were to be deleted are still there, so their files stay."""
    if transaction.parent is None:
        for temporary, _final in session.info.pop(_PENDING, []):
            _unlink(temporary)
        session.info.pop(_DOOMED, None)


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
    path = attachment_path(attachment)
    temporary = temporary_path(path)
    try:
        _write(upload.stream, temporary)
    except OSError as error:
        current_app.logger.error("upload refused: the file could not be written to %s (%s)", temporary.parent, error)
        raise UploadRefused(storage_refusal(error)) from None
    try:
        db.session.add(attachment)
        db.session.flush()
    except BaseException:
        _unlink(temporary)
        raise
    _publish_on_commit(temporary, path)
    return attachment


def remove_file(attachment: Attachment) -> None:
    """Remove the stored file when the transaction deleting its row commits (a rollback keeps both).
    Storage that refuses is logged, not raised: `flask crm files check` lists the file left behind."""
    path = attachment_path(attachment)
    db.session.info.setdefault(_DOOMED, []).extend([path, temporary_path(path)])


def delete_attachment(attachment: Attachment) -> None:
    """Remove the row, and the stored file once that is committed."""
    db.session.delete(attachment)
    db.session.flush()
    remove_file(attachment)  # a row that cannot be deleted, or a rollback, keeps its file


def delete_attachments_of(owner: Engagement | Agreement) -> None:
    """Delete every file attached to a record about to be deleted.

    The database would drop the rows by itself (ON DELETE CASCADE), but not
    the files on disk."""
    column = Attachment.engagement_id if isinstance(owner, Engagement) else Attachment.agreement_id
    for attachment in db.session.scalars(select(Attachment).where(column == owner.id)):
        delete_attachment(attachment)
