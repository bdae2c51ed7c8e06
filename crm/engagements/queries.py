from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from crm.engagements.models import Engagement
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404


def timeline(partnership: Partnership) -> Select:
    """A partnership's engagements, newest first (the caller paginates)."""
    return (
        select(Engagement)
        .where(Engagement.partnership_id == partnership.id)
        .options(joinedload(Engagement.logged_by))
        .order_by(Engagement.occurred_on.desc(), Engagement.id.desc())
    )


def get_engagement_or_404(engagement_id: int) -> Engagement:
    return get_in_scope_or_404(
        Engagement, engagement_id,
        joinedload(Engagement.partnership).joinedload(Partnership.partner_city),
        joinedload(Engagement.partnership).joinedload(Partnership.home_city),
    )
