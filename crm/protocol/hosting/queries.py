"""Loading host households, volunteers and placements through the reader's scope: a helper belongs to the home
side of the partnership of its person (its Contact), and is seen by whoever sees that partnership."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from sqlalchemy import Select, and_, func, literal, or_, select
from sqlalchemy.orm import joinedload

from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.enums import HelperKind, ParticipantRole, Side
from crm.extensions import db
from crm.matching import contains
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids
from crm.protocol.models import Helper, Placement, RosterEntry

#: a vetting expiring within this many days shows on the dashboard and under the registry's "expiring" filter
EXPIRING_DAYS = 60

HELPER_LOADS = (joinedload(Helper.contact).joinedload(Contact.partnership).joinedload(Partnership.home_city),
                joinedload(Helper.contact).joinedload(Contact.partnership).joinedload(Partnership.partner_city))
PLACEMENT_LOADS = (joinedload(Placement.roster_entry).joinedload(RosterEntry.contact), joinedload(Placement.helper)
                   .joinedload(Helper.contact))


def _in_scope():
    return Helper.contact_id.in_(select(Contact.id).where(Contact.partnership_id.in_(visible_partnership_ids())))


def get_helper_or_404(helper_id: int) -> Helper:
    helper = db.session.scalar(select(Helper).where(Helper.id == helper_id, _in_scope()).options(*HELPER_LOADS))
    if helper is None:
        abort(404)
    return helper


def get_placement_or_404(placement_id: int) -> Placement:
    """A placement, if the reader may see its engagement's partnership."""
    placement = db.session.scalar(
        select(Placement).join(Placement.engagement)
        .where(Placement.id == placement_id, Engagement.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(Placement.engagement), *PLACEMENT_LOADS))
    if placement is None:
        abort(404)
    return placement


def vetting_filter(state: str, today: date):
    """expired (or never vetted), expiring (within EXPIRING_DAYS), renew (expired or expiring: the dashboard's
    list), valid."""
    soon = today + timedelta(days=EXPIRING_DAYS)
    if state == "renew":
        return and_(Helper.vetting_expires_on.is_not(None), Helper.vetting_expires_on <= soon)
    if state == "expired":
        return or_(Helper.vetted_on.is_(None), Helper.vetting_expires_on <= today)
    if state == "expiring":
        return and_(Helper.vetting_expires_on > today, Helper.vetting_expires_on <= soon)
    return and_(Helper.vetted_on.is_not(None), or_(Helper.vetting_expires_on.is_(None),
                                                  Helper.vetting_expires_on > today))


def helper_list(*, q: str | None = None, kind: str | None = None, language: str | None = None,
                vetting: str | None = None, active: str | None = None, today: date) -> Select:
    """The registry's query: households and volunteers the reader may see, filtered, by name (the caller pages)."""
    query = select(Helper).join(Helper.contact).where(_in_scope()).options(*HELPER_LOADS)
    if q:
        query = query.where(or_(contains(Contact.name, q), contains(Helper.household_name, q)))
    if kind:
        query = query.where(Helper.kind == HelperKind(kind))
    if language:
        # codes are stored "en, ja": a whole code, not a piece of another
        padded = func.replace(literal(",") + func.lower(func.coalesce(Helper.languages, "")) + ",", " ", "")
        query = query.where(padded.contains("," + language.lower() + ",", autoescape=True))
    if vetting:
        query = query.where(vetting_filter(vetting, today))
    if active != "all":
        query = query.where(Helper.active.is_(active != "inactive"))
    return query.order_by(func.coalesce(Helper.household_name, Contact.name), Helper.id)


def past_guests(helper_id: int) -> list[Placement]:
    """Every placement with this host, latest first, with the guest and the visit (one query)."""
    return list(db.session.scalars(
        select(Placement).join(Placement.engagement).join(Placement.roster_entry)
        .where(Placement.helper_id == helper_id, Engagement.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(Placement.engagement), joinedload(Placement.roster_entry).joinedload(RosterEntry.contact))
        .order_by(func.coalesce(Placement.from_on, RosterEntry.arrives_on, Engagement.occurred_on).desc(),
                  Placement.id.desc())))


def expiring_vetting(partnership_ids, today: date, limit: int) -> tuple[list[Helper], int]:
    """Active helpers whose vetting expired or expires within EXPIRING_DAYS (the people of these partnerships),
    soonest first, and how many there are: one query (the total rides along as a window count)."""
    soon = today + timedelta(days=EXPIRING_DAYS)
    total = func.count().over().label("total")
    rows = db.session.execute(
        select(Helper, total).join(Helper.contact)
        .where(Contact.partnership_id.in_(partnership_ids), Helper.active.is_(True),
               Helper.vetting_expires_on.is_not(None), Helper.vetting_expires_on <= soon)
        .options(joinedload(Helper.contact))
        .order_by(Helper.vetting_expires_on, Helper.id).limit(limit)).all()
    return [row[0] for row in rows], (rows[0].total if rows else 0)


# --- the placement board ---------------------------------------------------------------------------------------

@dataclass
class StayDates:
    arrives_on: date
    leaves_on: date  #: the morning they leave (after the last night)


def engagement_days(engagement: Engagement) -> tuple[date, date]:
    """The visit's first day and its last (a mission or an exchange has an end; other engagements are one day)."""
    ends_on = getattr(engagement, "ends_on", None)
    return engagement.occurred_on, max(ends_on or engagement.occurred_on, engagement.occurred_on)


def stay_of(entry: RosterEntry, engagement: Engagement) -> StayDates:
    """A participant's nights: their own dates, else the visit's; at least one night."""
    first, last = engagement_days(engagement)
    arrives = entry.arrives_on or first
    leaves = entry.leaves_on or (last if last > arrives else arrives + timedelta(days=1))
    return StayDates(arrives, max(leaves, arrives + timedelta(days=1)))


def placement_stay(placement: Placement, entry_stay: StayDates) -> StayDates:
    """A placement's nights: its own dates within the guest's stay, else the whole stay."""
    arrives = max(placement.from_on or entry_stay.arrives_on, entry_stay.arrives_on)
    leaves = min(placement.until_on or entry_stay.leaves_on, entry_stay.leaves_on)
    return StayDates(arrives, max(leaves, arrives + timedelta(days=1)))


def partner_guests(engagement_id: int) -> list[RosterEntry]:
    """The partner side's participants of the visit, the people who need a bed (one query)."""
    return list(db.session.scalars(
        select(RosterEntry).where(RosterEntry.engagement_id == engagement_id, RosterEntry.side == Side.PARTNER)
        .options(joinedload(RosterEntry.contact)).order_by(RosterEntry.arrives_on, RosterEntry.id)))


def engagement_placements(engagement_id: int) -> list[Placement]:
    """Every placement of the visit with its guest and host (one query)."""
    return list(db.session.scalars(
        select(Placement).where(Placement.engagement_id == engagement_id).options(*PLACEMENT_LOADS)
        .order_by(Placement.helper_id, Placement.id)))


def households(*, active_only: bool = True) -> list[Helper]:
    """The host households of the registry the reader may see (one query)."""
    query = select(Helper).where(Helper.kind == HelperKind.HOUSEHOLD, _in_scope()).options(joinedload(Helper.contact))
    if active_only:
        query = query.where(Helper.active.is_(True))
    return list(db.session.scalars(query.order_by(func.coalesce(Helper.household_name, ""), Helper.id)))


def other_stays(helper_ids: list[int], engagement_id: int, start: date, end: date) -> list:
    """Beds taken in these households by other visits around these days: (helper id, first night, leaving day)."""
    if not helper_ids:
        return []
    rows = db.session.execute(
        select(Placement.helper_id, Placement.from_on, Placement.until_on, RosterEntry.arrives_on,
               RosterEntry.leaves_on, Engagement.occurred_on)
        .join(RosterEntry, RosterEntry.id == Placement.roster_entry_id)
        .join(Engagement, Engagement.id == Placement.engagement_id)
        .where(Placement.helper_id.in_(helper_ids), Placement.engagement_id != engagement_id,
               func.coalesce(Placement.from_on, RosterEntry.arrives_on, Engagement.occurred_on) < end,
               Engagement.occurred_on >= start - timedelta(days=366))).all()
    stays = []
    for row in rows:
        arrives = row.from_on or row.arrives_on or row.occurred_on
        leaves = row.until_on or row.leaves_on or arrives + timedelta(days=1)
        if leaves > start:
            stays.append((row.helper_id, arrives, max(leaves, arrives + timedelta(days=1))))
    return stays


def past_pairs(contact_ids: list[int], helper_ids: list[int], engagement_id: int) -> set[tuple[int, int]]:
    """(guest's contact id, helper id) of earlier stays, in any visit but this one (one query)."""
    if not contact_ids or not helper_ids:
        return set()
    return set(db.session.execute(
        select(RosterEntry.contact_id, Placement.helper_id).join(RosterEntry, RosterEntry.id == Placement.roster_entry_id)
        .where(RosterEntry.contact_id.in_(contact_ids), Placement.helper_id.in_(helper_ids),
               Placement.engagement_id != engagement_id).distinct()).all())


def chaperones(engagement_id: int) -> list[RosterEntry]:
    """The visit's chaperones, either side (one query)."""
    return list(db.session.scalars(
        select(RosterEntry).where(RosterEntry.engagement_id == engagement_id,
                                  RosterEntry.role == ParticipantRole.CHAPERONE)
        .options(joinedload(RosterEntry.contact)).order_by(RosterEntry.side, RosterEntry.id)))
