from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from crm.engagements.models import Engagement
from crm.matching import contains
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404, visible_partnership_ids, where_equal


def timeline(partnership: Partnership) -> Select:
    """A partnership's engagements, newest first (the caller paginates)."""
    return (
        select(Engagement)
        .where(Engagement.partnership_id == partnership.id)
        .options(joinedload(Engagement.logged_by))
        .order_by(Engagement.occurred_on.desc(), Engagement.id.desc())
    )


def get_engagement_or_404(engagement_id: int) -> Engagement:
    """The engagement with its partnership's cities, if the reader may see its partnership; otherwise 404."""
    return get_in_scope_or_404(
        Engagement, engagement_id,
        joinedload(Engagement.partnership).joinedload(Partnership.partner_city),
        joinedload(Engagement.partnership).joinedload(Partnership.home_city),
    )


def engagement_list(*, q=None, partnership=None, kind=None, pillar=None, substantive=None, date_from=None,
                    date_until=None) -> Select:
    """Every engagement of the partnerships the reader may see, filtered, newest first (the caller pages)."""
    query = (
        select(Engagement).where(Engagement.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(Engagement.partnership).joinedload(Partnership.partner_city),
                 joinedload(Engagement.logged_by))
    )
    if q:
        query = query.where(contains(Engagement.title, q))
    query = where_equal(query, (Engagement.partnership_id, partnership), (Engagement.kind, kind),
                        (Engagement.pillar, pillar))
    if substantive in ("yes", "no"):
        query = query.where(Engagement.substantive.is_(substantive == "yes"))
    if date_from:
        query = query.where(Engagement.occurred_on >= date_from)
    if date_until:
        query = query.where(Engagement.occurred_on <= date_until)
    return query.order_by(Engagement.occurred_on.desc(), Engagement.id.desc())
