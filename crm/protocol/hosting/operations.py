"""Changes to the host registry and to placements. They flush; the request commits. Two coordinators placing
the same guest with the same household at once are settled by the unique index (roster entry, helper): the
second one's change is refused whole (DuplicatePlacement) and nothing of it is kept."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.enums import Side, Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.protocol.hosting.board import guest_data, read_inputs
from crm.protocol.hosting.forms import HELPER_FIELDS, HelperForm
from crm.protocol.hosting.suggest import Result, suggest
from crm.protocol.models import Helper, Placement, RosterEntry


class DuplicatePlacement(Exception):
    """The guest is already placed with that household (perhaps by someone else a moment ago)."""


def apply_form(helper: Helper, form: HelperForm) -> Helper:
    for name in HELPER_FIELDS:
        setattr(helper, name, form[name].data)
    if "vetting_result" in form:  # only a reader with protocol access has it on the form
        helper.vetting_result = form.vetting_result.data
    db.session.add(helper)
    db.session.flush()
    return helper


def new_helper(form: HelperForm) -> Helper:
    """A helper for the person chosen, or for a new person on our side of the chosen partnership."""
    if form.contact_id.data:
        contact_id = form.contact_id.data
    else:
        partnership = db.session.get(Partnership, form.new_partnership_id.data)
        contact = Contact(partnership_id=partnership.id, side=Side.HOME, name=form.new_name.data,
                          phone=form.phone.data, language=form.new_language.data or None,
                          languages=form.languages.data, visibility=Visibility.STAFF_ONLY)
        db.session.add(contact)
        db.session.flush()
        contact_id = contact.id
    return apply_form(Helper(contact_id=contact_id), form)


def delete_helper(helper: Helper) -> None:
    """The helper and the placements with them (each deleted through the ORM, so the audit trail records it)."""
    for placement in db.session.scalars(select(Placement).where(Placement.helper_id == helper.id)).all():
        db.session.delete(placement)
    db.session.delete(helper)
    db.session.flush()


def suggest_placements(engagement: Engagement) -> Result:
    """Suggest a household for each partner-side guest not placed yet, and save each as a suggested placement
    (the coordinator confirms or changes them). The beds this visit's placements and other visits' already take
    are respected."""
    data = read_inputs(engagement)
    placed = {p.roster_entry_id for p in data.placements}
    guests = [guest_data(entry, engagement) for entry in data.entries if entry.id not in placed]
    result = suggest(guests, list(data.households.values()), data.past)
    savepoint = db.session.begin_nested()
    for choice in result.placed:
        db.session.add(Placement(engagement_id=engagement.id, roster_entry_id=choice.entry_id,
                                 helper_id=choice.helper_id, suggested=True))
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        raise DuplicatePlacement() from None
    return result


def place(engagement: Engagement, entry: RosterEntry, helper: Helper, from_on=None, until_on=None) -> Placement:
    """A guest placed by hand: confirmed at once."""
    savepoint = db.session.begin_nested()
    placement = Placement(engagement_id=engagement.id, roster_entry_id=entry.id, helper_id=helper.id,
                          from_on=from_on, until_on=until_on, suggested=False)
    db.session.add(placement)
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        raise DuplicatePlacement() from None
    return placement


def move(placement: Placement, helper: Helper) -> None:
    """The guest goes to another household: the coordinator's choice, so no longer a suggestion."""
    savepoint = db.session.begin_nested()
    placement.helper_id = helper.id
    placement.suggested = False
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        raise DuplicatePlacement() from None


def confirm(placement: Placement) -> None:
    placement.suggested = False
    db.session.flush()


def confirm_all(placements: list[Placement]) -> int:
    waiting = [p for p in placements if p.suggested]
    for placement in waiting:
        placement.suggested = False
    db.session.flush()
    return len(waiting)


def remove(placement: Placement) -> None:
    db.session.delete(placement)
    db.session.flush()
