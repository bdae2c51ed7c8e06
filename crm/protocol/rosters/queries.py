"""Loading roster entries through the reader's scope: an entry belongs to an engagement, which belongs to a
partnership the reader may see (a guest's scope adds: a shared engagement, and a person shared with them)."""
from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from crm.contacts.models import Contact, PersonLink
from crm.engagements.models import Engagement
from crm.enums import Side
from crm.extensions import db
from crm.imports.countries import fold
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids
from crm.protocol.models import RosterEntry

#: the people offered in the "existing person" picker (the partnership's, by name)
PICKER_LIMIT = 500

#: an entry's page shows its person, and its engagement's partnership and cities
ENTRY_LOADS = (joinedload(RosterEntry.contact),
               joinedload(RosterEntry.engagement).joinedload(Engagement.partnership)
               .joinedload(Partnership.partner_city),
               joinedload(RosterEntry.engagement).joinedload(Engagement.partnership)
               .joinedload(Partnership.home_city))


def by_name():
    """The order of a list of participants: by romanized name (as the certified list prints them)."""
    return func.lower(func.coalesce(Contact.name_romanized, Contact.name)), RosterEntry.id


def roster(engagement_id: int) -> list[RosterEntry]:
    """Every participant of an engagement the reader may see, ours first, by name (one query). The inner join
    leaves out a person the reader may not see (a guest: someone staff keep to themselves)."""
    return list(db.session.scalars(
        select(RosterEntry).join(RosterEntry.contact).where(RosterEntry.engagement_id == engagement_id)
        .options(joinedload(RosterEntry.contact))
        .order_by(RosterEntry.side != Side.HOME, *by_name())))


def get_entry_or_404(entry_id: int) -> RosterEntry:
    entry = db.session.scalar(
        select(RosterEntry).join(RosterEntry.engagement).join(RosterEntry.contact)
        .where(RosterEntry.id == entry_id, Engagement.partnership_id.in_(visible_partnership_ids()))
        .options(*ENTRY_LOADS))
    if entry is None:
        abort(404)
    return entry


def people_to_pick(partnership_id: int, engagement_id: int) -> list[Contact]:
    """The people linked to the partnership who are not on this roster yet, by name."""
    on_roster = select(RosterEntry.contact_id).where(RosterEntry.engagement_id == engagement_id)
    linked = select(PersonLink.contact_id).where(PersonLink.partnership_id == partnership_id)
    return list(db.session.scalars(
        select(Contact).where(Contact.id.in_(linked), Contact.id.not_in(on_roster))
        .order_by(func.lower(Contact.name), Contact.id).limit(PICKER_LIMIT)))


class PeopleIndex:
    """The people of one partnership and side by every form of their name, to find the person a typed or uploaded
    participant already is, so nobody is entered twice (one query, however many rows are matched)."""

    def __init__(self, partnership_id: int, side: Side):
        linked = select(PersonLink.contact_id).where(PersonLink.partnership_id == partnership_id,
                                                     PersonLink.side == side)
        self.by_name: dict[str, list[Contact]] = {}
        for person in db.session.scalars(select(Contact).where(Contact.id.in_(linked)).order_by(Contact.id)):
            self.add(person)

    def add(self, person: Contact) -> None:
        for form in {fold(form) for form in (person.name, person.name_native, person.name_romanized) if form}:
            self.by_name.setdefault(form, []).append(person)

    def find(self, name: str, email: str | None = None) -> Contact | None:
        """The same name (in any of its forms) and e-mail; else, when one of the two has no e-mail, the same
        name."""
        named = self.by_name.get(fold(name or ""), [])
        if email:
            same_mail = [person for person in named if (person.email or "").casefold() == email.casefold()]
            if same_mail:
                return same_mail[0]
            named = [person for person in named if not person.email]
        return named[0] if named else None


def entry_of(engagement_id: int, contact_id: int) -> RosterEntry | None:
    return db.session.scalar(select(RosterEntry).where(RosterEntry.engagement_id == engagement_id,
                                                       RosterEntry.contact_id == contact_id))
