"""The disclosure of what partners and third parties paid for officials' travel, in the shape of California's
FPPC Form 801 (gift to an agency): the official's name, the payer's name and type, the dates of travel, the
destination and purpose, the amount and a description. Names only: no sensitive field is ever read here.

Which lines it reports is the rule crm.protocol.costs.rules.is_disclosed, applied in SQL: actual costs paid by the
partner city, a grant or a sponsor, for a traveller who is an official, a delegate or staff, or for the whole trip
when officials travelled. Two queries, whatever the number of lines."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased, joinedload

from crm.cities.models import City
from crm.contacts.names import both
from crm.engagements.models import Engagement
from crm.enums import CostStage, Payer
from crm.exports.columns import city_name
from crm.exports.writers import Column, money
from crm.extensions import db
from crm.partnerships.queries import visible_partnership_ids
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.protocol.costs.queries import LINE_LOADS, cost_year
from crm.protocol.costs.rules import DISCLOSED_PAYERS, OFFICIAL_ROLES
from crm.protocol.models import CostLine, RosterEntry

#: the directions in which the partner comes to us: the trip's destination is then our city
INBOUND = {"inbound", "incoming"}


@dataclass
class DisclosureRow:
    line: CostLine
    officials: list[RosterEntry]  #: the line's traveller, or the trip's officials for a line of the whole trip
    travel_from: date
    travel_to: date
    destination: str

    @property
    def official_names(self) -> str:
        return "; ".join(both(entry.contact) for entry in self.officials)

    @property
    def roles(self) -> str:
        return "; ".join(dict.fromkeys(str(entry.role.label) for entry in self.officials))

    @property
    def payer_name(self) -> str:
        line = self.line
        if line.payer_name:
            return line.payer_name
        if line.paid_by == Payer.PARTNER:
            return city_name(line.engagement.partnership.partner_city)
        return str(line.paid_by.label)

    @property
    def description(self) -> str:
        line = self.line
        if line.description:
            return _("%(category)s: %(description)s", category=line.category.label, description=line.description)
        return str(line.category.label)


def disclosure_rows(year: int | None) -> list[DisclosureRow]:
    """The disclosed lines of a year (of the trip's start; every year when None), by date of travel."""
    mission, exchange = TradeMission.__table__, Exchange.__table__
    destination = aliased(City)
    traveller = aliased(RosterEntry)
    trip_officials = exists().where(RosterEntry.engagement_id == CostLine.engagement_id,
                                    RosterEntry.role.in_(OFFICIAL_ROLES))
    query = (select(CostLine, mission.c.ends_on, exchange.c.ends_on, mission.c.direction, exchange.c.direction,
                    destination)
             .join(CostLine.engagement)
             .outerjoin(mission, mission.c.id == Engagement.id)
             .outerjoin(exchange, exchange.c.id == Engagement.id)
             .outerjoin(destination, destination.id == mission.c.destination_city_id)
             .outerjoin(traveller, traveller.id == CostLine.roster_entry_id)
             .where(Engagement.partnership_id.in_(visible_partnership_ids()), CostLine.stage == CostStage.ACTUAL,
                    CostLine.paid_by.in_(DISCLOSED_PAYERS),
                    or_(traveller.role.in_(OFFICIAL_ROLES),
                        and_(CostLine.roster_entry_id.is_(None), trip_officials)))
             .options(*LINE_LOADS).order_by(Engagement.occurred_on, Engagement.id, CostLine.id))
    if year:
        query = query.where(cost_year() == year)
    found = db.session.execute(query).unique().all()
    whole_trip = {line.engagement_id for line, *_rest in found if line.roster_entry_id is None}
    officials: dict[int, list[RosterEntry]] = {}
    if whole_trip:
        for entry in db.session.scalars(
                select(RosterEntry).where(RosterEntry.engagement_id.in_(whole_trip),
                                          RosterEntry.role.in_(OFFICIAL_ROLES))
                .options(joinedload(RosterEntry.contact)).order_by(RosterEntry.side, RosterEntry.id)):
            officials.setdefault(entry.engagement_id, []).append(entry)
    rows = []
    for line, mission_ends, exchange_ends, mission_direction, exchange_direction, city in found:
        trip = line.engagement
        ends_on = mission_ends or exchange_ends or trip.occurred_on
        entry = line.roster_entry
        direction = getattr(mission_direction or exchange_direction, "value", mission_direction or exchange_direction)
        if city is None:
            city = trip.partnership.home_city if direction in INBOUND else trip.partnership.partner_city
        rows.append(DisclosureRow(
            line=line, officials=[entry] if entry is not None else officials.get(trip.id, []),
            travel_from=(entry.arrives_on if entry is not None and entry.arrives_on else trip.occurred_on),
            travel_to=(entry.leaves_on if entry is not None and entry.leaves_on else ends_on),
            destination=city_name(city)))
    return rows


COLUMNS = [
    Column(_l("Name of official"), lambda r: r.official_names, 32),
    Column(_l("Role"), lambda r: r.roles, 16),
    Column(_l("Payer's name"), lambda r: r.payer_name, 28),
    Column(_l("Payer type"), lambda r: r.line.paid_by, 16),
    Column(_l("Travel from"), lambda r: r.travel_from, 12),
    Column(_l("Travel until"), lambda r: r.travel_to, 12),
    Column(_l("Destination"), lambda r: r.destination, 24),
    Column(_l("Purpose"), lambda r: r.line.engagement.title, 32),
    Column(_l("Partnership"), lambda r: city_name(r.line.engagement.partnership.partner_city), 24),
    Column(_l("Amount"), lambda r: money(r.line.amount_minor, r.line.currency), 14),
    Column(_l("Currency"), lambda r: r.line.currency, 10),
    Column(_l("Description"), lambda r: r.description, 40),
]
