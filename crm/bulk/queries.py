"""The records a bulk action was asked to change, loaded through the reader's scope.

An id the reader may not see (another partnership's record for a guest, a deleted or unknown one) is left out,
so the confirmation counts, and the action changes, only what the reader may change."""
from flask import request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from crm.access import STAFF
from crm.auth.models import User
from crm.cities.models import City
from crm.contacts.models import Contact
from crm.database import MAX_ID
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids

#: one bulk action changes at most this many records (a page of a list is 50)
MOST = 500


def chosen_ids() -> list[int]:
    """The ids ticked on the list (``ids``, repeated), as possible ids, without duplicates, in their order."""
    ids = []
    for value in request.values.getlist("ids"):
        if value.isdigit() and 0 < int(value) <= MAX_ID and int(value) not in ids:
            ids.append(int(value))
    return ids[:MOST]


def chosen_partnerships(ids: list[int], *, current: bool = True) -> list[Partnership]:
    """The partnerships with these ids the reader may see (only unarchived ones when ``current``), by partner
    city, with everything their export shows (a CSV is written after the request's session has closed)."""
    query = (select(Partnership).join(City, Partnership.partner_city_id == City.id)
             .where(Partnership.id.in_(ids), Partnership.id.in_(visible_partnership_ids()))
             .options(joinedload(Partnership.partner_city), joinedload(Partnership.home_city),
                      joinedload(Partnership.liaison), selectinload(Partnership.priority_rows))
             .order_by(func.lower(City.name), Partnership.id))
    if current:
        query = query.where(Partnership.archived_at.is_(None))
    return list(db.session.scalars(query))


def chosen_engagements(ids: list[int]) -> list[Engagement]:
    """The engagements (of any kind: programs too) with these ids the reader may see, newest first."""
    return list(db.session.scalars(
        select(Engagement).where(Engagement.id.in_(ids), Engagement.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(Engagement.partnership).joinedload(Partnership.partner_city))
        .order_by(Engagement.occurred_on.desc(), Engagement.id.desc())))


def chosen_contacts(ids: list[int]) -> list[Contact]:
    """The contacts with these ids the reader may see, by name, with what their export shows."""
    return list(db.session.scalars(
        select(Contact).where(Contact.id.in_(ids), Contact.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(Contact.organization), joinedload(Contact.partnership).joinedload(Partnership.partner_city))
        .order_by(func.lower(Contact.name), Contact.id)))


def staff_member(user_id: int | None) -> User | None:
    """The active staff user with this id (a liaison), or None."""
    if not user_id:
        return None
    return db.session.scalar(select(User).where(User.id == user_id, User.role.in_(STAFF), User.active))
