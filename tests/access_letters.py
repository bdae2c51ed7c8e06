"""The permission matrix's part for letters (issue 22): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""

POLICY: dict[str, str] = {
    "letters.visa_letters": "staff",
    "letters.visa_letter": "staff",
    "letters.thanks": "staff",
    "letters.thanks_letter": "staff",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of letters for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    from crm.contacts.models import Contact
    from crm.enums import ParticipantRole, Side
    from crm.protocol.models import RosterEntry

    partnership, engagement = world["partnership"], world["engagement"]  # a meeting in the past
    guest = Contact(partnership=partnership, side=Side.PARTNER, name=f"{prefix} Visitor",
                    name_native=f"{prefix} 訪問者", passport_name=f"{prefix.upper()} VISITOR", language="ja",
                    passport_number=f"{prefix} SECRET passport number")
    official = Contact(partnership=partnership, side=Side.PARTNER, name=f"{prefix} Deputy Mayor",
                       honorific="Deputy Mayor")
    session.add_all([guest, official])
    session.flush()
    entries = [RosterEntry(engagement_id=engagement.id, contact_id=guest.id, side=Side.PARTNER,
                           role=ParticipantRole.DELEGATE),
               RosterEntry(engagement_id=engagement.id, contact_id=official.id, side=Side.PARTNER,
                           role=ParticipantRole.OFFICIAL)]
    session.add_all(entries)
    session.flush()
    return {"visa_entry_id": entries[0].id, "thanks_contact_id": official.id}
