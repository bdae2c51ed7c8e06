"""What is published, and nothing else: the one place the public pages and the open-data feed read from.

A partnership is public when staff opted it in and it is not archived. Of a public partnership the public sees
its signed agreements (titles and dates) and its highlights: engagements that are shared with the partner, not
deleted, and marked public by staff. A staff-only engagement is never public, whatever its flag says.
"""
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.attachments.models import Attachment
from crm.cities.models import City
from crm.engagements.models import Engagement
from crm.enums import AgreementStatus, Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership

#: agreements the public may see: signed ones, and the history of signed ones
PUBLISHED_AGREEMENTS = (AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.RENEWED,
                        AgreementStatus.TERMINATED)
#: image types a highlight's photo may have (what a browser shows inline)
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


def published_partnerships() -> Select:
    """Public partnerships, oldest record first (a stable order for paging)."""
    return (select(Partnership)
            .where(Partnership.is_public.is_(True), Partnership.archived_at.is_(None))
            .options(joinedload(Partnership.home_city), joinedload(Partnership.partner_city))
            .order_by(Partnership.id))


def published_partnership(partnership_id: int) -> Partnership | None:
    return db.session.scalars(published_partnerships().where(Partnership.id == partnership_id)).first()


def published_agreements(partnership_ids) -> Select:
    """Signed agreements (and their history) of public partnerships, by date."""
    return (select(Agreement)
            .join(Partnership, Partnership.id == Agreement.partnership_id)
            .where(Agreement.partnership_id.in_(partnership_ids), Agreement.status.in_(PUBLISHED_AGREEMENTS),
                   Partnership.is_public.is_(True), Partnership.archived_at.is_(None))
            .order_by(Agreement.signed_on.is_(None), Agreement.signed_on, Agreement.id))


def published_highlights(partnership_ids=None) -> Select:
    """Engagements marked public, shared and not deleted, of public partnerships; the latest first."""
    statement = (select(Engagement)
                 .join(Partnership, Partnership.id == Engagement.partnership_id)
                 .where(Engagement.is_public.is_(True), Engagement.visibility == Visibility.SHARED,
                        Engagement.deleted_at.is_(None),
                        Partnership.is_public.is_(True), Partnership.archived_at.is_(None))
                 .order_by(Engagement.occurred_on.desc(), Engagement.id.desc()))
    if partnership_ids is not None:
        statement = statement.where(Engagement.partnership_id.in_(partnership_ids))
    return statement


def published_highlight(engagement_id: int) -> Engagement | None:
    return db.session.scalars(published_highlights().where(Engagement.id == engagement_id)).first()


def published_photo(attachment_id: int) -> Attachment | None:
    """An attachment the public may download: the chosen photo of a published highlight, an image, not deleted."""
    highlight_ids = published_highlights().with_only_columns(Engagement.id).order_by(None)
    return db.session.scalars(
        select(Attachment).join(Engagement, Engagement.public_photo_id == Attachment.id)
        .where(Attachment.id == attachment_id, Engagement.id.in_(highlight_ids),
               Attachment.engagement_id == Engagement.id, Attachment.deleted_at.is_(None),
               Attachment.content_type.in_(PHOTO_TYPES))).first()


def published_photo_ids(attachment_ids) -> set[int]:
    """Which of these attachments the public may see (as published_photo decides), in one query."""
    ids = [i for i in attachment_ids if i]
    if not ids:
        return set()
    highlight_ids = published_highlights().with_only_columns(Engagement.id).order_by(None)
    return set(db.session.scalars(
        select(Attachment.id).join(Engagement, Engagement.public_photo_id == Attachment.id)
        .where(Attachment.id.in_(ids), Engagement.id.in_(highlight_ids),
               Attachment.engagement_id == Engagement.id, Attachment.deleted_at.is_(None),
               Attachment.content_type.in_(PHOTO_TYPES))))


def published_count() -> int:
    return db.session.scalar(published_partnerships().with_only_columns(func.count()).order_by(None)) or 0


def city_ids_published() -> Select:
    """Cities named by a public partnership (either side)."""
    public = published_partnerships().order_by(None)
    return select(City.id).where(City.id.in_(public.with_only_columns(Partnership.home_city_id)) |
                                 City.id.in_(public.with_only_columns(Partnership.partner_city_id)))
