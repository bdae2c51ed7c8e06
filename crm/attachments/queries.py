from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.attachments.models import Attachment
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Partnership


def attachments_for(engagement_id: int | None = None, agreement_id: int | None = None) -> list[Attachment]:
    """The files attached to one engagement or one agreement, oldest first.

    Not scoped: the caller has already loaded the owner through the reader's scope.
    """
    if (engagement_id is None) == (agreement_id is None):
        raise ValueError("give exactly one of engagement_id and agreement_id")
    owner = (Attachment.engagement_id == engagement_id if engagement_id is not None
             else Attachment.agreement_id == agreement_id)
    return list(db.session.scalars(
        select(Attachment).where(owner, Attachment.cost_line_id.is_(None))  # a cost line's receipts: on its line
        .options(joinedload(Attachment.uploaded_by))
        .order_by(Attachment.created_at, Attachment.id)
    ))


def partnership_documents(partnership_id: int) -> list[Attachment]:
    """Documents attached to the partnership itself (not to one of its records)."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.partnership_id == partnership_id, Attachment.engagement_id.is_(None),
                                 Attachment.agreement_id.is_(None), Attachment.gift_id.is_(None))  # a gift's photo
        .options(joinedload(Attachment.uploaded_by)).order_by(Attachment.created_at, Attachment.id)
    ))


def all_documents(partnership_id: int) -> list[Attachment]:
    """Every document of a partnership the reader may see (guests: the shared ones, by the guest scope)."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.partnership_id == partnership_id)
        .options(joinedload(Attachment.uploaded_by)).order_by(Attachment.created_at.desc(), Attachment.id.desc())
    ))


def owner_of(attachment: Attachment) -> Engagement | Agreement | Partnership | None:
    """What the file is attached to (it shares the attachment's partnership, so its scope)."""
    if attachment.engagement_id is not None:
        return db.session.get(Engagement, attachment.engagement_id)
    if attachment.agreement_id is not None:
        return db.session.get(Agreement, attachment.agreement_id)
    return db.session.get(Partnership, attachment.partnership_id)
