"""Every contact keeps the link of its own partnership (issue 22 §1): Contact.partnership_id is the person's
first partnership, and its PersonLink (side, organization, role, visibility) is written with it and follows its
changes, so code that creates or edits a contact knows nothing of links. Further links (the same interpreter on
another partnership) are made on the person's page (crm.people.views)."""
from sqlalchemy import and_, event, exists, insert, select, update

from crm.clock import utcnow
from crm.contacts.models import Contact, PersonLink

links = PersonLink.__table__
contacts = Contact.__table__
#: the contact's fields its own partnership's link mirrors
MIRRORED = {"side": "side", "organization_id": "organization_id", "visibility": "visibility", "job_title": "role"}


def home_link_values(contact) -> dict:
    now = utcnow()
    return {"contact_id": contact.id, "partnership_id": contact.partnership_id, "side": contact.side,
            "organization_id": contact.organization_id, "role": contact.job_title,
            "visibility": contact.visibility, "version": 1, "created_at": now, "updated_at": now}


@event.listens_for(Contact, "after_insert")
def _link_new_contact(_mapper, connection, contact) -> None:
    connection.execute(insert(links).values(home_link_values(contact)))


@event.listens_for(Contact, "after_update")
def _follow_contact(_mapper, connection, contact) -> None:
    from sqlalchemy import inspect

    state = inspect(contact)
    moved = state.attrs.partnership_id.history
    if moved.has_changes() and moved.deleted and moved.deleted[0] is not None:
        old = moved.deleted[0]
        taken = connection.execute(select(links.c.id).where(
            links.c.contact_id == contact.id, links.c.partnership_id == contact.partnership_id)).first()
        if taken is None:  # the link of the old partnership moves with the contact
            connection.execute(update(links).where(links.c.contact_id == contact.id, links.c.partnership_id == old)
                               .values(partnership_id=contact.partnership_id, updated_at=utcnow()))
    changed = {column: getattr(contact, field) for field, column in MIRRORED.items()
               if state.attrs[field].history.has_changes()}
    if changed or moved.has_changes():
        connection.execute(update(links).where(links.c.contact_id == contact.id,
                                               links.c.partnership_id == contact.partnership_id)
                           .values(**changed, updated_at=utcnow()))
    ensure_home_links(connection, [contact.id])


def ensure_home_links(connection, contact_ids=None) -> None:
    """Write the missing link of each contact's own partnership (after a bulk insert past the ORM: the
    contacts import). contact_ids: only these; None: every contact."""
    missing = select(contacts.c.id, contacts.c.partnership_id, contacts.c.organization_id, contacts.c.side,
                     contacts.c.job_title, contacts.c.visibility, contacts.c.created_at, contacts.c.updated_at).where(
        ~exists().where(and_(links.c.contact_id == contacts.c.id, links.c.partnership_id == contacts.c.partnership_id)))
    if contact_ids is not None:
        missing = missing.where(contacts.c.id.in_(list(contact_ids)))
    rows = [{"contact_id": r.id, "partnership_id": r.partnership_id, "organization_id": r.organization_id,
             "side": r.side, "role": r.job_title, "visibility": r.visibility, "version": 1,
             "created_at": r.created_at, "updated_at": r.updated_at} for r in connection.execute(missing)]
    if rows:
        connection.execute(insert(links), rows)
