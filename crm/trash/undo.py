"""Undoing one's own deletion: for a few minutes after deleting an engagement (a mission, an exchange, a
project…) or a document, the person who deleted it puts it back with one more click, from the message that
says it was deleted. Admins restore anything deleted in the last 30 days from the deleted records page."""
from datetime import datetime, timedelta

from flask import g, has_request_context

from crm.attachments.models import Attachment
from crm.auth.models import User
from crm.clock import utcnow
from crm.engagements.models import Engagement

#: how long after deleting the person who deleted a record may undo it (by the app's clock)
UNDO_MINUTES = 10

#: the g key of the deletion this request made, offered for undoing in the message after it
OFFER = "trash_undo_offer"


def offer(record: Engagement | Attachment, user: User | None) -> None:
    """Remember this request's deletion, so the message after it can offer to undo it."""
    if has_request_context() and user is not None:
        setattr(g, OFFER, ("documents" if isinstance(record, Attachment) else "engagements", record.id))


def take_offer() -> tuple[str, int] | None:
    """("engagements" or "documents", id) of the record this request deleted, if it deleted one."""
    return g.pop(OFFER, None) if has_request_context() else None


def undo_until(record: Engagement | Attachment) -> datetime | None:
    """Until when the record's deletion can be undone by the person who made it."""
    return record.deleted_at + timedelta(minutes=UNDO_MINUTES) if record.deleted_at is not None else None


def deleted_by(record: Engagement | Attachment, user: User) -> bool:
    return record.deleted_by_id is not None and record.deleted_by_id == user.id


def still_undoable(record: Engagement | Attachment, now: datetime | None = None) -> bool:
    """Whether the few minutes to undo the deletion have not passed yet."""
    until = undo_until(record)
    return until is not None and (now or utcnow()) <= until
