"""Who gets a letter: the incoming participants of an engagement (a visa invitation each), and, after a visit,
its hosts, officials and the people the itinerary met (a thank-you each). Each reads a fixed number of queries."""
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.enums import ParticipantRole, Payer, Side
from crm.extensions import db
from crm.programs.missions.models import ItineraryItem
from crm.protocol.models import CostLine, Helper, Placement, RosterEntry


def _incoming(query: Select, engagement: Engagement) -> Select:
    home_country = engagement.partnership.home_city.country_code
    country = func.coalesce(RosterEntry.country, Contact.country)
    return (query.join(Contact, Contact.id == RosterEntry.contact_id)
            .where(RosterEntry.engagement_id == engagement.id,
                   or_(RosterEntry.side == Side.PARTNER,
                       and_(country.is_not(None), func.upper(country) != (home_country or "").upper()))))


def incoming(engagement: Engagement) -> Select:
    """The engagement's incoming participants, by name: the partner side's list, and anyone whose country (the
    entry's, else the person's) is not the home city's."""
    return (_incoming(select(RosterEntry), engagement).options(joinedload(RosterEntry.contact))
            .order_by(func.lower(func.coalesce(Contact.name_romanized, Contact.name)), RosterEntry.id))


def count_incoming(engagement: Engagement) -> int:
    return db.session.scalar(_incoming(select(func.count(RosterEntry.id)), engagement))


def get_incoming_or_404(engagement: Engagement, entry_id: int) -> RosterEntry:
    """One incoming participant of the engagement (whose scope the caller has checked), with their contact."""
    entry = db.session.scalar(incoming(engagement).where(RosterEntry.id == entry_id)
                              .options(joinedload(RosterEntry.contact).joinedload(Contact.organization)))
    return entry or abort(404)


def host_placements(entry: RosterEntry) -> list[Placement]:
    """Where the participant stays: their confirmed placements, with the household and its person."""
    return list(db.session.scalars(
        select(Placement).where(Placement.roster_entry_id == entry.id, Placement.suggested.is_(False))
        .options(joinedload(Placement.helper).joinedload(Helper.contact))
        .order_by(Placement.from_on.nulls_first(), Placement.id)))


@dataclass
class PayerLine:
    """Who pays (and who they are, where named) and what for: the cost categories, never the amounts."""
    payer: Payer
    names: list[str] = field(default_factory=list)
    categories: list = field(default_factory=list)


def who_pays(engagement: Engagement, entry: RosterEntry) -> list[PayerLine]:
    """The engagement's costs by payer (lines for everyone and those for this participant), in the order of the
    Payer enum; one query."""
    rows = db.session.execute(
        select(CostLine.paid_by, CostLine.payer_name, CostLine.category).distinct()
        .where(CostLine.engagement_id == engagement.id,
               or_(CostLine.roster_entry_id.is_(None), CostLine.roster_entry_id == entry.id)))
    lines: dict[Payer, PayerLine] = {}
    for paid_by, payer_name, category in rows:
        line = lines.setdefault(paid_by, PayerLine(paid_by))
        if payer_name and payer_name not in line.names:
            line.names.append(payer_name)
        if category not in line.categories:
            line.categories.append(category)
    order = list(Payer)
    for line in lines.values():
        line.categories.sort(key=lambda c: list(type(c)).index(c))
    return sorted(lines.values(), key=lambda line: order.index(line.payer))


@dataclass
class Recipient:
    """Someone a thank-you letter goes to, and why: host (with the guests they hosted), official, or met."""
    contact: Contact
    reason: str  #: "host", "official" or "met"
    guests: list[Contact] = field(default_factory=list)  #: whom a host welcomed
    household: str | None = None  #: "The Tanaka family"
    meetings: list[str] = field(default_factory=list)  #: the itinerary's appointments with them


def thank_you_recipients(engagement: Engagement) -> list[Recipient]:
    """Each host of the visit's confirmed placements, each official on its roster and each contact its
    itinerary met (a mission's), once each, in that order; three queries."""
    recipients: dict[int, Recipient] = {}
    placements = db.session.scalars(
        select(Placement).where(Placement.engagement_id == engagement.id, Placement.suggested.is_(False))
        .options(joinedload(Placement.helper).joinedload(Helper.contact),
                 joinedload(Placement.roster_entry).joinedload(RosterEntry.contact))
        .order_by(Placement.id))
    for placement in placements:
        host = placement.helper.contact
        recipient = recipients.setdefault(host.id, Recipient(host, "host", household=placement.helper.household_name))
        guest = placement.roster_entry.contact
        if recipient.reason == "host" and guest not in recipient.guests:
            recipient.guests.append(guest)
    officials = db.session.scalars(
        select(RosterEntry).where(RosterEntry.engagement_id == engagement.id,
                                  RosterEntry.role == ParticipantRole.OFFICIAL)
        .options(joinedload(RosterEntry.contact)).order_by(RosterEntry.id))
    for entry in officials:
        recipients.setdefault(entry.contact_id, Recipient(entry.contact, "official"))
    items = db.session.scalars(
        select(ItineraryItem).where(ItineraryItem.mission_id == engagement.id, ItineraryItem.contact_id.is_not(None))
        .options(joinedload(ItineraryItem.contact)).order_by(ItineraryItem.starts_at, ItineraryItem.id))
    for item in items:
        if item.contact is None:
            continue
        recipient = recipients.setdefault(item.contact_id, Recipient(item.contact, "met"))
        if recipient.reason == "met" and item.title not in recipient.meetings:
            recipient.meetings.append(item.title)
    return list(recipients.values())
