"""The one aggregate query every health view rests on: the dashboard, the
partnership list and page, the CLI, the digest and the PDFs."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, and_, case, distinct, extract, func, literal, or_, select

from crm.engagements.models import Engagement
from crm.clock import office_timezone
from crm.extensions import db
from crm.health.rules import Activity, Flag, Health, evaluate, health, window_start
from crm.partnerships.models import Partnership, Side
from crm.settings.models import DEFAULT_THRESHOLD_MONTHS, HomeCity
from crm.settings.service import stored_office_settings


def activity_query(as_of: date, partnership_ids: Select | list[int] | None = None,
                   default_threshold: int = 12, zone: str = "UTC") -> Select:
    """One row per partnership with everything the rule needs, as of a date.

    Each figure is a correlated subquery answered from the index on
    (partnership_id, substantive, occurred_on) — a handful of index probes
    per partnership instead of a scan of every engagement ever logged, so the
    cost grows with the number of partnerships, not with their history.
    """
    e = Engagement
    mine = e.partnership_id == Partnership.id
    # the end of that day at the office (`zone`): what was recorded by then counts as planned on it
    recorded_by = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    in_window = and_(e.occurred_on > window_start(as_of), e.occurred_on <= as_of)

    def scalar(column, *conditions):
        return select(column).where(mine, *conditions).correlate(Partnership).scalar_subquery()

    last_substantive = scalar(func.max(e.occurred_on), e.substantive.is_(True), e.occurred_on <= as_of)
    home_threshold = (select(HomeCity.threshold_months).where(HomeCity.city_id == Partnership.home_city_id)
                      .correlate(Partnership).scalar_subquery())
    query = select(
        Partnership.id, Partnership.status, Partnership.established_on, Partnership.created_at,
        Partnership.home_city_id,
        func.coalesce(Partnership.threshold_months, home_threshold, default_threshold).label("threshold_months"),
        last_substantive.label("last_substantive"),
        scalar(func.max(e.occurred_on), e.substantive.is_(False), e.occurred_on <= as_of).label("last_protocol"),
        # a range on the index: protocol-only engagements after the last substantive one
        scalar(func.count(), e.substantive.is_(False), e.occurred_on <= as_of,
               e.occurred_on > func.coalesce(last_substantive, date(1, 1, 1))).label("protocol_since"),
        # planned as of that date: recorded by then, happening after it
        scalar(func.min(e.occurred_on), e.substantive.is_(True), e.occurred_on > as_of,
               e.created_at < recorded_by).label("next_planned"),
        scalar(func.count(), e.substantive.is_(True), in_window).label("substantive_12m"),
        scalar(func.count(), e.substantive.is_(True), in_window,
               or_(e.initiated_by == Side.PARTNER, e.logged_by_side == Side.PARTNER)).label("partner_started_12m"),
        scalar(func.count(distinct(e.pillar)), e.substantive.is_(True), in_window).label("pillars_12m"),
    ).where(Partnership.archived_at.is_(None))
    if partnership_ids is not None:
        query = query.where(Partnership.id.in_(partnership_ids))
    return query


def _activity(row) -> Activity:
    return Activity(
        partnership_id=row.id, status=row.status,
        started_on=row.established_on or row.created_at.date(),
        threshold_months=row.threshold_months, last_substantive=row.last_substantive,
        last_protocol=row.last_protocol, protocol_since=row.protocol_since or 0, next_planned=row.next_planned,
        substantive_12m=row.substantive_12m or 0, partner_started_12m=row.partner_started_12m or 0,
        pillars_12m=row.pillars_12m or 0, home_city_id=row.home_city_id,
    )


def activities(as_of: date, partnership_ids: Select | list[int] | None = None) -> dict[int, Activity]:
    stored = stored_office_settings()  # read only: no settings saved yet means the defaults
    default = stored.threshold_months if stored is not None else DEFAULT_THRESHOLD_MONTHS
    rows = db.session.execute(activity_query(as_of, partnership_ids, default, office_timezone()))
    return {row.id: _activity(row) for row in rows}


def flags(as_of: date, partnership_ids: Select | list[int] | None = None) -> dict[int, Flag]:
    return {pid: evaluate(a, as_of) for pid, a in activities(as_of, partnership_ids).items()}


def flags_and_health(as_of: date, partnership_ids) -> dict[int, tuple[Flag, Health]]:
    return {pid: (evaluate(a, as_of), health(a, as_of)) for pid, a in activities(as_of, partnership_ids).items()}


def monthly_counts(as_of: date, months: int = 36, partnership_id: int | None = None,
                   partnership_ids: Select | None = None) -> dict[tuple[int, int], tuple[int, int]]:
    """(year, month) → (substantive, protocol) engagements, for the months up to as_of.

    Grouped by month in SQL (SQLite has no quarter extract); the chart buckets them."""
    e = Engagement
    first = (as_of.replace(day=1) - relativedelta(months=months - 1))
    year, month = extract("year", e.occurred_on), extract("month", e.occurred_on)
    query = (
        select(year, month, func.count(case((e.substantive, literal(1)))), func.count(case((~e.substantive,
                                                                                           literal(1)))))
        .where(e.occurred_on >= first, e.occurred_on <= as_of).group_by(year, month)
    )
    if partnership_id is not None:
        query = query.where(e.partnership_id == partnership_id)
    elif partnership_ids is not None:
        query = query.where(e.partnership_id.in_(partnership_ids))
    return {(int(y), int(m)): (int(s), int(p)) for y, m, s, p in db.session.execute(query)}
