"""The queries of the admins' page of deleted records."""
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from crm.attachments.models import Attachment
from crm.auth.models import User
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.soft_delete import EVERYTHING
from crm.trash.operations import restorable_since


def deleted_records(model: type[Engagement] | type[Attachment]) -> Select:
    """The engagements or documents deleted recently enough to restore, most recently deleted first."""
    return (select(model).where(model.deleted_at >= restorable_since())
            .options(joinedload(model.partnership).joinedload(Partnership.partner_city))
            .order_by(model.deleted_at.desc(), model.id.desc())
            .execution_options(**EVERYTHING))


def names_of(user_ids: set[int | None]) -> dict[int, str]:
    """The names of the people who deleted what a page shows, in one query."""
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids - {None}))).all())


def live_engagement(engagement_id: int) -> Engagement | None:
    """The engagement if it is not deleted (restored meanwhile, say), else None."""
    return db.session.get(Engagement, engagement_id)


def live_attachment(attachment_id: int) -> Attachment | None:
    """The document if it is not deleted (restored meanwhile, say), else None."""
    return db.session.get(Attachment, attachment_id)
