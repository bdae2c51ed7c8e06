"""What the guest pages read: the staff's invitations page and the guest portal.

The portal's queries run under the guest's scope (crm.guests.scope): a guest reads only what is shared with
their own partnerships."""
from datetime import date

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement, AgreementStatus
from crm.attachments.models import Attachment
from crm.calendar.upcoming import upcoming_events
from crm.contacts.models import Contact
from crm.engagements.models import Engagement, Visibility
from crm.engagements.queries import timeline
from crm.extensions import db
from crm.guests.models import GuestAccess, Invitation
from crm.partnerships.models import Partnership, Side
from crm.partnerships.queries import visible_partnerships
from crm.programs.missions.models import ItineraryItem, TradeMission
from crm.programs.missions.queries import get_mission_or_404

# The staff's invitations page ----------------------------------------------------------------------------------


def invitable_contacts(partnership_id: int) -> list[Contact]:
    """The partnership's partner-side contacts with an e-mail address, by name: who can be invited."""
    return db.session.scalars(select(Contact).where(
        Contact.partnership_id == partnership_id, Contact.side == Side.PARTNER, Contact.email.is_not(None))
        .order_by(Contact.name)).all()


def invited_contact(contact_id: int) -> Contact | None:
    """The contact an invitation form chose (one of invitable_contacts, already loaded in this request)."""
    return db.session.get(Contact, contact_id)


def invitations_of(partnership_id: int) -> list[Invitation]:
    """The partnership's invitations, newest first, with their contact and who sent them."""
    return db.session.scalars(
        select(Invitation).where(Invitation.partnership_id == partnership_id)
        .options(joinedload(Invitation.contact), joinedload(Invitation.invited_by))
        .order_by(Invitation.sent_at.desc())).all()


def guest_accesses(partnership_id: int) -> list[GuestAccess]:
    """Every guest account's access to the partnership, with its user and contact."""
    return db.session.scalars(
        select(GuestAccess).where(GuestAccess.partnership_id == partnership_id)
        .options(joinedload(GuestAccess.user), joinedload(GuestAccess.contact))).all()


def _count_by_user(by_user, of_partnership, partnership_id: int, user_ids: list[int]) -> dict[int, int]:
    return dict(db.session.execute(
        select(by_user, func.count()).where(of_partnership == partnership_id, by_user.in_(user_ids))
        .group_by(by_user)).all())


def guest_contributions(partnership_id: int, user_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """How many engagements each of these users logged in the partnership, and how many documents they
    uploaded to it (by user id; a user with none is not in the dict)."""
    return (_count_by_user(Engagement.logged_by_id, Engagement.partnership_id, partnership_id, user_ids),
            _count_by_user(Attachment.uploaded_by_id, Attachment.partnership_id, partnership_id, user_ids))


# The guest portal -----------------------------------------------------------------------------------------------


def my_partnerships() -> list[Partnership]:
    """The partnerships the signed-in guest may see, with both cities."""
    return list(db.session.scalars(
        visible_partnerships().options(joinedload(Partnership.partner_city), joinedload(Partnership.home_city))
        .order_by(Partnership.id)))


def shared_timeline(partnership: Partnership) -> Select:
    """The partnership's timeline as a partner sees it: the shared engagements only."""
    return timeline(partnership).where(Engagement.visibility == Visibility.SHARED)


def agreements_past_draft(partnership_id: int) -> list[Agreement]:
    """The partnership's agreements past their draft, unsigned ones first, then the latest signed."""
    return db.session.scalars(
        select(Agreement).where(Agreement.partnership_id == partnership_id,
                                Agreement.status != AgreementStatus.DRAFT)
        .order_by(Agreement.signed_on.desc().nulls_first())).all()


def shared_contacts(partnership_id: int):
    """The people shared on the partnership (their links there: side, role, organization, with the person), by
    side and name: whoever is linked to it, not only those whose own partnership it is."""
    from crm.contacts.links_queries import partnership_people

    return partnership_people(partnership_id, shared_only=True)


def shared_upcoming(partnership_id: int, today: date, days: int):
    """The partnership's coming events a partner may see, from today for this many days."""
    return upcoming_events(select(Partnership.id).where(Partnership.id == partnership_id), today, days,
                           include_staff_only=False)


def itinerary_item_or_404(item_id: int) -> tuple[ItineraryItem, TradeMission]:
    """An itinerary item and its mission, if the reader may see the mission (else 404)."""
    item = db.session.get(ItineraryItem, item_id) or abort(404)
    return item, get_mission_or_404(item.mission_id)


def my_contacts(user_id: int) -> list[Contact]:
    """Every contact record the guest is: the same person in each partnership they were invited to."""
    linked = select(GuestAccess.contact_id).where(GuestAccess.user_id == user_id)
    return list(db.session.scalars(select(Contact).where(Contact.id.in_(linked)).order_by(Contact.id)))
