from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnerships


def timeline(partnership: Partnership) -> Select:
    """A partnership's engagements, newest first (the caller paginates)."""
    return (
        select(Engagement)
        .where(Engagement.partnership_id == partnership.id)
        .options(joinedload(Engagement.logged_by))
        .order_by(Engagement.occurred_on.desc(), Engagement.id.desc())
    )


def get_engagement_or_404(engagement_id: int) -> Engagement:
    engagement = db.session.scalar(
        select(Engagement)
        .where(Engagement.id == engagement_id,
               Engagement.partnership_id.in_(visible_partnerships().with_only_columns(Partnership.id)))
        .options(joinedload(Engagement.partnership).joinedload(Partnership.partner_city),
                 joinedload(Engagement.partnership).joinedload(Partnership.home_city))
    )
    if engagement is None:
        abort(404)
    return engagement
