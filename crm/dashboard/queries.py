"""What the dashboard reads for itself; the rest it asks of the features it summarises."""
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.agreements.queries import WITH_PARTNERSHIP, expiring_filter
from crm.calendar.upcoming import EXCHANGE, MISSION, UpcomingEvent, exchanges_between, missions_between
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.partnerships.queries import in_order, visible_partnership_ids


def dashboard_scope(home: int | None) -> Select:
    """The ids of the partnerships the reader sees; of one home city (a member city of an association) when given."""
    scope = visible_partnership_ids()
    return scope if home is None else scope.where(Partnership.home_city_id == home)


def visible_current(scope: Select, snapshot, whole_portfolio: bool) -> set[int]:
    """The ids of the current (not archived) partnerships in scope: for staff looking at the whole portfolio, those
    the cached health figures hold (crm.health.snapshot), without reading them again."""
    if whole_portfolio:
        return set(snapshot.activities)
    return set(db.session.scalars(
        select(Partnership.id).where(Partnership.id.in_(scope), Partnership.archived_at.is_(None))))


def in_order_of(rows, ids: list[int]) -> list:
    """Rows with an id, in the order of the ids."""
    position = {pid: n for n, pid in enumerate(ids)}
    return sorted(rows, key=lambda row: position[row.id])


def with_cities(ids: list[int]) -> list[Partnership]:
    """These partnerships (already in the reader's scope) with both their cities, in the order of the ids."""
    return in_order(select(Partnership).options(joinedload(Partnership.partner_city),
                                                joinedload(Partnership.home_city)), ids)


def expiring_agreements(scope: Select, today: date) -> list[Agreement]:
    """The agreements of the partnerships in scope that expire soon (see expiring_filter), soonest first."""
    return list(db.session.scalars(
        select(Agreement).where(Agreement.partnership_id.in_(scope), *expiring_filter(today))
        .options(*WITH_PARTNERSHIP).order_by(Agreement.expires_on)
    ))


def upcoming_programs(scope: Select, start: date, days: int, *, include_staff_only: bool) -> list[UpcomingEvent]:
    """The missions and exchanges of the partnerships in scope under way or starting within `days` days, by the
    day they are listed under (two queries: the dashboard shows no other kind of event)."""
    last = start + timedelta(days=days - 1)
    events = []
    for kind, between in ((MISSION, missions_between), (EXCHANGE, exchanges_between)):
        for program in db.session.scalars(between(scope, start, last, include_staff_only=include_staff_only)):
            city = program.partnership.partner_city
            events.append(UpcomingEvent(
                date=program.occurred_on, end_date=program.ends_on, kind=kind, title=program.title,
                partnership_id=program.partnership_id, partner_city=city.name, partner_city_native=city.native_name,
                record_id=program.id, listed_on=max(program.occurred_on, start)))
    order = {MISSION: 0, EXCHANGE: 1}
    events.sort(key=lambda e: (e.listed_on, order[e.kind], e.title.casefold(), e.record_id))
    return events
