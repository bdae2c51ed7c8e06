"""Reading contacts and organizations: their lists, through the reader's scope, and the choices their forms offer."""
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from crm.contacts.models import Contact, Organization
from crm.extensions import db
from crm.forms import options
from crm.matching import contains
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids


def organization_choices(partnership_id: int, blank) -> list:
    """The partnership's organizations as select choices, by name, after ``blank`` (the value 0)."""
    rows = db.session.execute(select(Organization.id, Organization.name)
                              .where(Organization.partnership_id == partnership_id).order_by(Organization.name))
    return options([(0, blank)] + [(row.id, row.name) for row in rows])


def _listed(model, form, search: list, filters: dict, *loads) -> Select:
    """The records of the partnerships the reader may see, matching the search and the form's filters
    (field name: column), by name, with their partnership's partner city."""
    query = (
        select(model)
        .where(model.partnership_id.in_(visible_partnership_ids()))
        .options(*loads, joinedload(model.partnership).joinedload(Partnership.partner_city))
        .order_by(func.lower(model.name), model.id)
    )
    if q := form.value("q"):
        query = query.where(contains(search, q))
    for name, column in filters.items():
        if value := form.value(name):
            query = query.where(column == value)
    return query


def contact_list(form) -> Select:
    """The contacts the list shows with these filters, by name (the page and its export). A partnership's are
    everyone linked to it (issue 22: an interpreter serving two partnerships is in both), on the side they have
    there."""
    from crm.contacts.links_queries import linked_to

    partnership = form.value("partnership")
    query = _listed(Contact, form, [Contact.name, Contact.email, Contact.job_title],
                    {} if partnership else {"side": Contact.side}, joinedload(Contact.organization))
    if partnership:
        query = query.where(Contact.id.in_(linked_to(partnership, form.value("side"))))
    return query


def organization_list(form) -> Select:
    """The organizations the list shows with these filters, by name (the page and its export)."""
    return _listed(Organization, form, [Organization.name],
                   {"partnership": Organization.partnership_id, "side": Organization.side,
                    "kind": Organization.kind})
