"""What staff choose from when they publish (issue 23 §1). Staff reads, not public ones: the public pages read
crm.public.queries only."""
from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.extensions import db
from crm.public.queries import PHOTO_TYPES


def photo_choices(engagement_id: int) -> list[Attachment]:
    """The engagement's own image files, oldest first: not a cost line's receipts nor a gift's photos."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.engagement_id == engagement_id, Attachment.cost_line_id.is_(None),
                                 Attachment.gift_id.is_(None), Attachment.content_type.in_(PHOTO_TYPES))
        .order_by(Attachment.created_at, Attachment.id)))
