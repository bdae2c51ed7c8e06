"""Reading people's links: a person's partnerships and organizations, and a partnership's people (everyone linked
to it, not only those whose own partnership it is). Loaded through the reader's scope."""
from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from crm.cities.models import City
from crm.contacts.models import Contact, Organization, PersonLink
from crm.enums import Visibility
from crm.extensions import db
from crm.forms import options
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids


def contact_links(contact_id: int) -> list[PersonLink]:
    """Every link of the person the reader may see, their own partnership's first, then by partner city."""
    return list(db.session.scalars(
        select(PersonLink).join(Contact, Contact.id == PersonLink.contact_id)
        .join(Partnership, Partnership.id == PersonLink.partnership_id)
        .join(City, City.id == Partnership.partner_city_id)
        .where(PersonLink.contact_id == contact_id, PersonLink.partnership_id.in_(visible_partnership_ids()))
        .options(contains_eager(PersonLink.partnership).contains_eager(Partnership.partner_city),
                 joinedload(PersonLink.organization))
        .order_by((PersonLink.partnership_id != Contact.partnership_id), func.lower(City.name), PersonLink.id)))


def get_link_or_404(link_id: int) -> PersonLink:
    """A link whose partnership and person the reader may see, with both; otherwise 404."""
    link = db.session.scalar(
        select(PersonLink).join(Contact, Contact.id == PersonLink.contact_id)
        .where(PersonLink.id == link_id, PersonLink.partnership_id.in_(visible_partnership_ids()),
               Contact.partnership_id.in_(visible_partnership_ids()))
        .options(contains_eager(PersonLink.contact),
                 joinedload(PersonLink.partnership).joinedload(Partnership.partner_city)))
    if link is None:
        abort(404)
    return link


def is_home_link(link: PersonLink) -> bool:
    """The link of the person's own partnership (Contact.partnership_id): it follows the contact's form."""
    return link.partnership_id == link.contact.partnership_id


def partnership_people(partnership_id: int, *, shared_only: bool = False) -> list[PersonLink]:
    """Everyone linked to the partnership, as their links there (side, role, organization there) with the person,
    by side and name; shared_only: only those the partner sees (the portal)."""
    query = (select(PersonLink).join(Contact, Contact.id == PersonLink.contact_id)
             .where(PersonLink.partnership_id == partnership_id)
             .options(contains_eager(PersonLink.contact), joinedload(PersonLink.organization))
             .order_by(PersonLink.side, func.lower(Contact.name), Contact.id))
    if shared_only:
        query = query.where(PersonLink.visibility == Visibility.SHARED)
    return list(db.session.scalars(query))


def linked_to(partnership_id: int, side=None) -> Select:
    """The ids of the people linked to a partnership (on that side there, if given): a list's filter."""
    query = select(PersonLink.contact_id).where(PersonLink.partnership_id == partnership_id)
    return query.where(PersonLink.side == side) if side else query


def organization_choices_by_partnership(partnership_ids: Select, blank) -> list:
    """Every organization of these partnerships as select choices, "University (Kyoto)", after ``blank`` (0)."""
    rows = db.session.execute(
        select(Organization.id, Organization.name, City.name.label("city"))
        .join(Partnership, Partnership.id == Organization.partnership_id)
        .join(City, City.id == Partnership.partner_city_id)
        .where(Organization.partnership_id.in_(partnership_ids), Partnership.archived_at.is_(None))
        .order_by(func.lower(City.name), func.lower(Organization.name)))
    return options([(0, blank)] + [(row.id, f"{row.name} ({row.city})") for row in rows])
