"""Changes to people's links. They flush; the request commits."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.contacts.models import Contact, PersonLink
from crm.extensions import db
from crm.forms import fill


class AlreadyLinked(Exception):
    """The person already has a link to that partnership (one link per person and partnership)."""


def apply_link(link: PersonLink, form) -> PersonLink:
    fill(link, form, "side", "role", "visibility")
    link.organization_id = form.organization_id.data or None  # 0: "No organization"
    db.session.add(link)
    db.session.flush()
    return link


def add_link(contact: Contact, form) -> PersonLink:
    """A new link of the person to the chosen partnership; AlreadyLinked when one exists (checked first, and
    settled by the unique index when two editors add it at once)."""
    partnership_id = form.partnership_id.data
    if db.session.scalar(select(PersonLink.id).where(PersonLink.contact_id == contact.id,
                                                     PersonLink.partnership_id == partnership_id)):
        raise AlreadyLinked
    try:
        with db.session.begin_nested():
            return apply_link(PersonLink(contact_id=contact.id, partnership_id=partnership_id), form)
    except IntegrityError as error:
        raise AlreadyLinked from error


def remove_link(link: PersonLink) -> None:
    """Only a further link: the person's own partnership's link goes with the contact."""
    if link.partnership_id == link.contact.partnership_id:
        raise ValueError("the home link is removed with the contact")
    db.session.delete(link)
    db.session.flush()
