"""Loading gifts: the staff's register through the reader's scope, an engagement's gifts, the gifts given to a
partner before, the dashboard's gifts recorded late and visits whose gifts are still to record, and the rule's
settings. Each function is one query (the settings come with the signed-in session)."""
from datetime import date, timedelta

from flask import abort
from sqlalchemy import Select, and_, extract, func, literal, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from crm.attachments.models import Attachment
from crm.engagements.models import Engagement
from crm.enums import EngagementKind, GiftDirection
from crm.extensions import db
from crm.matching import contains
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.protocol.gifts.rules import GiftRule
from crm.protocol.models import Gift
from crm.settings.service import stored_office_settings

#: what a gift's rows show: the partner city, the occasion, who recorded it
ROW_LOADS = (joinedload(Gift.partnership).joinedload(Partnership.partner_city), joinedload(Gift.engagement),
             joinedload(Gift.recorded_by))
#: the kinds of engagement at which gifts change hands: the dashboard asks for their gifts once they end
GIFT_OCCASIONS = (EngagementKind.VISIT, EngagementKind.EVENT, EngagementKind.TRADE_MISSION)
#: how far back the dashboard lists gifts recorded late
LATE_WINDOW_DAYS = 90


def gift_rule() -> GiftRule:
    """The office's threshold and deadline (the defaults until an admin saves them)."""
    settings = stored_office_settings()
    if settings is None:
        return GiftRule()
    return GiftRule(settings.gift_threshold_minor or 0, settings.gift_threshold_currency or "USD",
                    settings.gift_deadline_days if settings.gift_deadline_days is not None else 10)


def _in_scope():
    """Gifts of a partnership the reader sees; a gift whose partnership was removed stays the office's record."""
    return or_(Gift.partnership_id.in_(visible_partnership_ids()), Gift.partnership_id.is_(None))


def get_gift_or_404(gift_id: int) -> Gift:
    gift = db.session.scalar(select(Gift).where(Gift.id == gift_id, _in_scope()).options(*ROW_LOADS))
    if gift is None:
        abort(404)
    return gift


def photo_of(gift_id: int) -> Attachment | None:
    """The gift's photo: its latest image attachment."""
    return db.session.scalar(select(Attachment).where(Attachment.gift_id == gift_id)
                             .order_by(Attachment.created_at.desc(), Attachment.id.desc()).limit(1))


def photos_by_gift(gift_ids: list[int]) -> dict[int, Attachment]:
    """The photo of each of these gifts (one query)."""
    if not gift_ids:
        return {}
    rows = db.session.scalars(select(Attachment).where(Attachment.gift_id.in_(gift_ids))
                              .order_by(Attachment.created_at, Attachment.id))
    return {row.gift_id: row for row in rows}  # the latest wins


def gift_list(*, direction: str | None, year: int | None, partnership_id: int | None, q: str | None) -> Select:
    """The register page's query, newest first."""
    query = select(Gift).where(_in_scope()).options(*ROW_LOADS)
    if direction:
        query = query.where(Gift.direction == GiftDirection(direction))
    if year:
        query = query.where(Gift.given_on >= date(year, 1, 1), Gift.given_on <= date(year, 12, 31))
    if partnership_id:
        query = query.where(Gift.partnership_id == partnership_id)
    if q:
        query = query.where(contains([Gift.description, Gift.from_name, Gift.to_name, Gift.occasion], q))
    return query.order_by(Gift.given_on.desc(), Gift.id.desc())


def gift_years() -> list[int]:
    """The years that have gifts, latest first (the year filters' choices)."""
    year = extract("year", Gift.given_on)
    return [int(value) for value in db.session.scalars(select(year).distinct().order_by(year.desc()))
            if value is not None]


def engagement_gifts(engagement_id: int, partnership_id: int) -> tuple[list[Gift], list[Gift]]:
    """(the gifts of this engagement, the gifts given to its partner before), each newest first (one query)."""
    rows = db.session.scalars(
        select(Gift).where(or_(Gift.engagement_id == engagement_id,
                               and_(Gift.partnership_id == partnership_id, Gift.direction == GiftDirection.GIVEN)))
        .options(joinedload(Gift.engagement), selectinload(Gift.recorded_by))
        .order_by(Gift.given_on.desc(), Gift.id.desc())).all()
    return ([gift for gift in rows if gift.engagement_id == engagement_id],
            [gift for gift in rows if gift.direction == GiftDirection.GIVEN and gift.engagement_id != engagement_id])


def _days_between(later, earlier):
    """later - earlier in days, in SQL (PostgreSQL subtracts dates; SQLite keeps them as text)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return later - earlier
    return func.julianday(later) - func.julianday(earlier)


def covered_filter(rule: GiftRule):
    """The gifts at or above the threshold (crm.protocol.gifts.rules.is_covered, in SQL)."""
    if rule.threshold_minor <= 0:
        return literal(True)
    return or_(Gift.value_minor.is_(None), Gift.currency.is_(None), Gift.currency != rule.currency,
               Gift.value_minor >= rule.threshold_minor)


def late_gifts(partnership_ids, rule: GiftRule, today: date, limit: int) -> list:
    """Gifts recorded late in the last LATE_WINDOW_DAYS in these partnerships (a select of ids, or a list), latest
    recorded first; each row (gift, total of such gifts)."""
    query = (select(Gift, func.count().over().label("total"))
             .join(Partnership, Gift.partnership_id == Partnership.id)
             .where(Gift.partnership_id.in_(partnership_ids), Partnership.archived_at.is_(None),
                    Gift.recorded_on >= today - timedelta(days=LATE_WINDOW_DAYS), covered_filter(rule),
                    _days_between(Gift.recorded_on, Gift.given_on) > rule.deadline_days)
             .options(joinedload(Gift.partnership).joinedload(Partnership.partner_city))
             .order_by(Gift.recorded_on.desc(), Gift.id.desc()).limit(limit))
    return db.session.execute(query).all()


def engagements_to_record(partnership_ids, rule: GiftRule, today: date, limit: int) -> list:
    """Visits, events and trade missions that ended in the last deadline days with no gift recorded yet, the
    soonest deadline first; each row (engagement, its last day, total of such engagements)."""
    mission, exchange = aliased(TradeMission.__table__), aliased(Exchange.__table__)
    ended_on = func.coalesce(mission.c.ends_on, exchange.c.ends_on, Engagement.occurred_on)
    has_gift = select(Gift.id).where(Gift.engagement_id == Engagement.id).exists()
    query = (select(Engagement, ended_on.label("ended_on"), func.count().over().label("total"))
             .join(Partnership, Engagement.partnership_id == Partnership.id)
             .outerjoin(mission, mission.c.id == Engagement.id).outerjoin(exchange, exchange.c.id == Engagement.id)
             .where(Engagement.partnership_id.in_(partnership_ids), Partnership.archived_at.is_(None),
                    Engagement.kind.in_(GIFT_OCCASIONS), ended_on <= today,
                    ended_on >= today - timedelta(days=rule.deadline_days), ~has_gift)
             .options(joinedload(Engagement.partnership).joinedload(Partnership.partner_city))
             .order_by(ended_on, Engagement.id).limit(limit))
    return db.session.execute(query).all()
