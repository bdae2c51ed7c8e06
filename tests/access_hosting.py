"""The permission matrix's part for hosting (issue 22): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""
from datetime import date

POLICY: dict[str, str] = {
    "hosting.index": "staff",
    "hosting.new": "editors",
    "hosting.detail": "staff",
    "hosting.edit": "editors",
    "hosting.delete": "editors",
    "hosting.board": "staff",
    "hosting.suggest": "editors",
    "hosting.place": "editors",
    "hosting.confirm_all": "editors",
    "hosting.confirm": "editors",
    "hosting.move": "editors",
    "hosting.remove": "editors",
    "hosting.host_letter": "staff",
    "hosting.guest_letter": "staff",
    "hosting.emergency_sheet": "staff",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of hosting for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    from crm.contacts.models import Contact
    from crm.enums import HelperKind, Side, Visibility
    from crm.protocol.models import Helper, Placement, RosterEntry

    partnership, engagement = world["partnership"], world["engagement"]
    host_person = Contact(partnership_id=partnership.id, side=Side.HOME, name=f"{prefix} SECRET host person",
                          phone="+1 503 555 0100", visibility=Visibility.STAFF_ONLY)
    guest_person = Contact(partnership_id=partnership.id, side=Side.PARTNER, name=f"{prefix} hosted guest",
                           languages="ja, en", dietary_needs=f"{prefix} SECRET dietary need")
    session.add_all([host_person, guest_person])
    session.flush()
    household = Helper(contact_id=host_person.id, kind=HelperKind.HOUSEHOLD,
                       household_name=f"{prefix} SECRET household", address=f"{prefix} SECRET street 1",
                       languages="en, ja", beds=2, rooms=1, vetted_on=date(2025, 1, 1),
                       vetting_expires_on=date(2028, 1, 1), vetting_result=f"{prefix} SECRET vetting result")
    session.add(household)
    session.flush()
    entry = RosterEntry(engagement_id=engagement.id, contact_id=guest_person.id, side=Side.PARTNER,
                        arrives_on=engagement.occurred_on, leaves_on=None)
    session.add(entry)
    session.flush()
    placement = Placement(engagement_id=engagement.id, roster_entry_id=entry.id, helper_id=household.id,
                          suggested=True, visibility=Visibility.STAFF_ONLY)
    session.add(placement)
    session.flush()
    return {"helper_id": household.id, "placement_id": placement.id}
