"""Deleting, restoring and finally purging engagements and attachments. They flush; the caller commits."""
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from crm.attachments.models import Attachment
from crm.attachments.storage import remove_file
from crm.auth.models import User
from crm.claims import claim_or_raise
from crm.database import utcnow
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.programs.projects.models import JointProject, Milestone
from crm.soft_delete import EVERYTHING, KEEP_DAYS
from crm.trash import undo


class TooLate(Exception):
    """Deleted longer ago than the office keeps deleted records."""


def restorable_since(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=KEEP_DAYS)


def _milestone_entries(project: JointProject) -> list[Engagement]:
    """The timeline entries of a project's reached milestones, deleted or not."""
    entry_ids = select(Milestone.engagement_id).where(Milestone.project_id == project.id,
                                                      Milestone.engagement_id.is_not(None))
    return list(db.session.scalars(select(Engagement).where(Engagement.id.in_(entry_ids)),
                                   execution_options=EVERYTHING))


def soft_delete(record: Engagement | Attachment, user: User | None) -> None:
    """Hide the record everywhere at once; its files stay on disk until it is purged.

    The person who deleted it is offered to undo it for a few minutes (crm.trash.undo)."""
    now = utcnow()
    related = _milestone_entries(record) if isinstance(record, JointProject) else []
    for item in (record, *related):
        item.deleted_at = now
        item.deleted_by_id = user.id if user is not None else None
    db.session.flush()
    undo.offer(record, user)


def restore(record: Engagement | Attachment, now: datetime | None = None) -> None:
    """Put the record back, once: a second request (a double-click, another admin) gets AlreadyDone."""
    if record.deleted_at is None:
        return
    if record.deleted_at < restorable_since(now):
        raise TooLate()
    table = Attachment if isinstance(record, Attachment) else Engagement  # the table holding deleted_at
    claim_or_raise(table, record.id, table.deleted_at.is_not(None), deleted_at=None, deleted_by_id=None)
    deleted_at = record.deleted_at
    record.deleted_at = None
    record.deleted_by_id = None
    db.session.flush()
    if isinstance(record, JointProject):  # its milestones' timeline entries went with it
        for entry in _milestone_entries(record):
            if entry.deleted_at == deleted_at:
                entry.deleted_at = None
                entry.deleted_by_id = None
        db.session.flush()


def deleted_engagement(engagement_id: int) -> Engagement | None:
    return db.session.scalar(select(Engagement).where(Engagement.id == engagement_id,
                                                      Engagement.deleted_at.is_not(None)),
                             execution_options=EVERYTHING)


def deleted_attachment(attachment_id: int) -> Attachment | None:
    return db.session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                      Attachment.deleted_at.is_not(None)),
                             execution_options=EVERYTHING)


def engagement_is_deleted(engagement_id: int | None) -> bool:
    return engagement_id is not None and deleted_engagement(engagement_id) is not None


def purge(now: datetime | None = None) -> tuple[int, int]:
    """Remove for good what was deleted longer ago than KEEP_DAYS, files included.

    Returns (engagements, attachments) removed."""
    cutoff = restorable_since(now)
    engagement_ids = list(db.session.scalars(select(Engagement.id).where(Engagement.deleted_at < cutoff),
                                             execution_options=EVERYTHING))
    attachments = list(db.session.scalars(
        select(Attachment).where((Attachment.deleted_at < cutoff) | Attachment.engagement_id.in_(engagement_ids)),
        execution_options=EVERYTHING))
    attachment_ids = [attachment.id for attachment in attachments]
    for attachment in attachments:
        db.session.expunge(attachment)
    if attachment_ids:
        db.session.execute(delete(Attachment).where(Attachment.id.in_(attachment_ids)))
    if engagement_ids:
        # The subtype rows, itineraries, delegates, outcomes and milestones go by ON DELETE CASCADE.
        db.session.execute(delete(Engagement).where(Engagement.id.in_(engagement_ids)))
    db.session.flush()
    for attachment in attachments:  # after the rows, so a failed delete keeps its files
        remove_file(attachment)
    return len(engagement_ids), len(attachment_ids)
