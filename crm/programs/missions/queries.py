from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.contacts.models import Contact, Organization, PersonLink
from crm.extensions import db
from crm.forms import options
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404
from crm.programs.missions.models import Delegate, ItineraryComment, ItineraryItem, TradeMission

#: what a mission's page shows, beyond its partnership and cities
MISSION_LOADS = (
    joinedload(TradeMission.destination), joinedload(TradeMission.lead),
    selectinload(TradeMission.itinerary).joinedload(ItineraryItem.contact),
    selectinload(TradeMission.itinerary).joinedload(ItineraryItem.interpreter),
    selectinload(TradeMission.delegates).joinedload(Delegate.contact),
    selectinload(TradeMission.delegates).joinedload(Delegate.organization),
    selectinload(TradeMission.outcomes),
)


def get_mission_or_404(mission_id: int) -> TradeMission:
    return get_in_scope_or_404(
        TradeMission, mission_id,
        joinedload(TradeMission.partnership).joinedload(Partnership.partner_city),
        joinedload(TradeMission.partnership).joinedload(Partnership.home_city), *MISSION_LOADS)


def get_child_or_404(model, child_id: int):
    """An itinerary item, delegate or outcome, if the reader may see its mission."""
    child = db.session.get(model, child_id) or abort(404)
    get_mission_or_404(child.mission_id)
    return child


def contact_choices(partnership_id: int, blank, side=None):
    query = select(Contact.id, Contact.name).where(Contact.partnership_id == partnership_id).order_by(Contact.name)
    if side:
        query = query.where(Contact.side == side)
    return options([(0, blank)] + [(row.id, row.name) for row in db.session.execute(query)])


def interpreter_choices(partnership_id: int, blank):
    """Anyone linked to the partnership, on either side (issue 22: an interpreter often serves several
    partnerships, so one recorded in another partnership and linked to this one is offered too)."""
    query = (select(Contact.id, Contact.name).join(PersonLink, PersonLink.contact_id == Contact.id)
             .where(PersonLink.partnership_id == partnership_id).order_by(Contact.name, Contact.id))
    return options([(0, blank)] + [(row.id, row.name) for row in db.session.execute(query)])


def organization_choices(partnership_id: int, blank):
    rows = db.session.execute(select(Organization.id, Organization.name)
                              .where(Organization.partnership_id == partnership_id).order_by(Organization.name))
    return options([(0, blank)] + [(row.id, row.name) for row in rows])


def get_comment_or_404(comment_id: int) -> tuple[ItineraryComment, TradeMission]:
    """A comment on an itinerary and its mission, if the reader may see the mission."""
    comment = db.session.get(ItineraryComment, comment_id) or abort(404)
    item = db.session.get(ItineraryItem, comment.item_id) or abort(404)
    return comment, get_mission_or_404(item.mission_id)


def comments_by_item(mission: TradeMission) -> dict[int, list]:
    """Comments on the mission's itinerary, by item, oldest first (one query)."""
    comments = db.session.scalars(
        select(ItineraryComment).where(ItineraryComment.item_id.in_([item.id for item in mission.itinerary]))
        .options(joinedload(ItineraryComment.author)).order_by(ItineraryComment.created_at, ItineraryComment.id))
    grouped: dict[int, list] = {}
    for comment in comments:
        grouped.setdefault(comment.item_id, []).append(comment)
    return grouped
