"""Changes to rosters. They flush; the request (or the purge) commits.

A participant is a person (a Contact) on an engagement's roster: picking someone already linked to the partnership
reuses them, and a name typed or uploaded is first looked for among the people of that partnership and side, so a
person exists once however many rosters they are on. The partner's participants are linked to the partnership as
shared: the partner sees the people on its own list."""
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from crm.contacts.models import Contact, PersonLink
from crm.engagements.models import Engagement
from crm.enums import Side, Visibility
from crm.extensions import db
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.protocol.models import RosterEntry
from crm.protocol.rosters.queries import PeopleIndex, entry_of
from crm.settings.models import OfficeSettings

#: what a participant's entry says of the trip (the person's name lives on the Contact)
ENTRY_FIELDS = ("role", "town", "country", "arrives_on", "leaves_on", "minor", "funded_by", "funder_name")
PERSON_FIELDS = ("name", "name_native", "name_romanized", "family_name_first")


class AlreadyListed(ValueError):
    """The person is on this roster already (one entry per person and engagement)."""


def ensure_link(person: Contact, partnership_id: int, side: Side) -> None:
    """The person's link to the partnership: made if missing; a partner's participant is shared with it."""
    link = db.session.scalar(select(PersonLink).where(PersonLink.contact_id == person.id,
                                                      PersonLink.partnership_id == partnership_id))
    if link is None:
        db.session.add(PersonLink(contact_id=person.id, partnership_id=partnership_id, side=side,
                                  role=None, visibility=Visibility.SHARED))
    elif side == Side.PARTNER and link.visibility != Visibility.SHARED:
        link.visibility = Visibility.SHARED


def new_person(engagement: Engagement, side: Side, values: dict) -> Contact:
    """A person of the engagement's partnership and this side, shared with the partner (their own link is written
    by crm.contacts.links)."""
    name = values.get("name") or values.get("name_romanized") or values.get("name_native")
    person = Contact(partnership_id=engagement.partnership_id, side=side, visibility=Visibility.SHARED, name=name,
                     **{key: values.get(key) for key in ("name_native", "name_romanized", "town", "country", "sex",
                                                         "email") if values.get(key)},
                     family_name_first=bool(values.get("family_name_first")))
    db.session.add(person)
    db.session.flush()
    return person


def _fill_person(person: Contact, values: dict) -> None:
    """The person's name forms (and sex, where asked) as the form gives them; a blank name keeps the old one."""
    for key in PERSON_FIELDS:
        if key in values and (values[key] or key in ("name_native", "name_romanized", "family_name_first")):
            setattr(person, key, values[key])
    if not person.name:
        person.name = person.name_romanized or person.name_native
    if "sex" in values:
        person.sex = values["sex"] or None


def _fill_entry(entry: RosterEntry, values: dict) -> None:
    for key in ENTRY_FIELDS:
        if key in values:
            value = values[key]
            setattr(entry, key, value or None if key not in ("minor",) else bool(value))


def _side_country(engagement: Engagement, side: Side, person: Contact) -> str | None:
    """A participant's country when none is given: the person's, else their side's city's (as the counts take it)."""
    partnership = engagement.partnership
    return person.country or (partnership.home_city if side == Side.HOME else partnership.partner_city).country_code


def form_values(form) -> dict:
    """What the participant form holds, by field name (fields the form leaves out are absent)."""
    return {name: form[name].data for name in (*PERSON_FIELDS, *ENTRY_FIELDS, "sex") if name in form}


def add_participant(engagement: Engagement, side: Side, values: dict, *, person: Contact | None = None,
                    added_by: Side = Side.HOME) -> RosterEntry:
    """A participant on the roster: the person given, else the one of that name already on the partnership's
    side, else a new person. AlreadyListed when they are on it already."""
    if person is None:
        name = values.get("name") or values.get("name_romanized") or values.get("name_native")
        person = PeopleIndex(engagement.partnership_id, side).find(name, values.get("email"))
        if person is None:
            person = new_person(engagement, side, values)
        else:
            _fill_person(person, {key: value for key, value in values.items() if value})
    elif values.get("sex"):
        person.sex = values["sex"]
    if entry_of(engagement.id, person.id) is not None:
        raise AlreadyListed(person.name)
    ensure_link(person, engagement.partnership_id, side)
    entry = RosterEntry(engagement_id=engagement.id, contact_id=person.id, side=side, added_by_side=added_by)
    _fill_entry(entry, values)
    entry.country = entry.country or _side_country(engagement, side, person)
    try:
        with db.session.begin_nested():  # two people adding the same person at once: the unique index decides
            db.session.add(entry)
            db.session.flush()
    except IntegrityError as error:
        raise AlreadyListed(person.name) from error
    return entry


def apply_form(entry: RosterEntry, values: dict, side: Side | None = None) -> RosterEntry:
    """An edit: the entry's trip details, the person's name forms; staff may move it to the other side's list."""
    _fill_person(entry.contact, values)
    _fill_entry(entry, values)
    if side is not None and side != entry.side:
        entry.side = side
        ensure_link(entry.contact, entry.engagement.partnership_id, side)
    db.session.flush()
    return entry


def remove(entry: RosterEntry) -> None:
    """Off the roster (its placements go with it, its costs stay without a traveller); the person stays."""
    db.session.delete(entry)
    db.session.flush()


def apply_rows(engagement: Engagement, side: Side, rows: list[dict], added_by: Side) -> tuple[int, int]:
    """An uploaded list, in one transaction: each row adds its person, or updates the entry of the person already
    on the roster (so the same file uploaded twice changes nothing). Returns (added, updated)."""
    people = PeopleIndex(engagement.partnership_id, side)
    listed = {entry.contact_id: entry for entry in db.session.scalars(
        select(RosterEntry).where(RosterEntry.engagement_id == engagement.id))}
    added = updated = 0
    for values in rows:
        name = values.get("name") or values.get("name_romanized") or values.get("name_native")
        person = people.find(name, values.get("email"))
        if person is None:
            person = new_person(engagement, side, values)
            people.add(person)
        else:
            _fill_person(person, {key: value for key, value in values.items() if value})
        entry = listed.get(person.id)
        if entry is None:
            ensure_link(person, engagement.partnership_id, side)
            entry = RosterEntry(engagement_id=engagement.id, contact_id=person.id, side=side, added_by_side=added_by)
            db.session.add(entry)
            listed[person.id] = entry
            added += 1
        elif entry.side != side:
            continue  # the other side's participant: not this list's to change
        else:
            updated += 1
        _fill_entry(entry, {key: value for key, value in values.items() if value is not None})
        entry.country = entry.country or _side_country(engagement, side, person)
    db.session.flush()
    return added, updated


def apply_settings(settings: OfficeSettings, form) -> OfficeSettings:
    settings.collect_sex_and_minor = bool(form.collect_sex_and_minor.data)
    settings.roster_retention_years = form.roster_retention_years.data
    db.session.flush()
    return settings


def retention_cutoff(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def purge_old_rosters(today: date) -> int:
    """Delete the rosters of engagements that ended longer ago than the office keeps them
    (OfficeSettings.roster_retention_years): the engagement's last day (a mission's or an exchange's end, else its
    date) and every participant's departure are before the cutoff. The people stay. Returns the entries removed."""
    settings = db.session.get(OfficeSettings, 1)
    cutoff = retention_cutoff(today, settings.roster_retention_years if settings else 5)
    exchanges, missions = Exchange.__table__, TradeMission.__table__
    ended = func.coalesce(exchanges.c.ends_on, missions.c.ends_on, Engagement.occurred_on)
    latest_departure = (select(func.max(RosterEntry.leaves_on)).where(RosterEntry.engagement_id == Engagement.id)
                        .correlate(Engagement).scalar_subquery())
    old = (select(Engagement.id)
           .outerjoin(exchanges, exchanges.c.id == Engagement.id)
           .outerjoin(missions, missions.c.id == Engagement.id)
           .where(Engagement.occurred_on < cutoff, ended < cutoff,
                  or_(latest_departure.is_(None), latest_departure < cutoff)))
    from crm.soft_delete import EVERYTHING

    engagement_ids = list(db.session.scalars(old, execution_options=EVERYTHING))
    if not engagement_ids:
        return 0
    # through the session, so the audit trail records each entry's removal (by the system)
    entries = list(db.session.scalars(select(RosterEntry).where(RosterEntry.engagement_id.in_(engagement_ids))))
    for entry in entries:
        db.session.delete(entry)
    db.session.flush()
    return len(entries)
