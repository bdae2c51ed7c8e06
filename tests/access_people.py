"""The permission matrix's part for people (issue 22): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""

POLICY: dict[str, str] = {
    "contacts.detail": "staff",
    "people.add": "editors",
    "people.edit": "editors",
    "people.remove": "editors",
    "people.duplicates": "editors",
    "people.merge": "editors",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of people for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit.

    An interpreter of this partnership, shared, also serves another partnership where the link is staff-only;
    a host from that other partnership is shared on this one. The side's guest sees both people here, and
    never their part in the other partnership."""
    from crm.contacts.models import PersonLink
    from crm.enums import Side, Visibility

    partnership = world["partnership"]
    elsewhere = make.partnership(partner=make.city(f"{prefix}hafen", country_code="DE"),
                                 staff_notes=f"{prefix} SECRET other partnership")
    interpreter = make.contact(partnership, name=f"{prefix} Interpreter", job_title="interpreter",
                               email=f"interpreter.{prefix.lower()}@partner.example")
    host = make.contact(elsewhere, name=f"{prefix} Host", side=Side.HOME, visibility=Visibility.STAFF_ONLY)
    further = PersonLink(contact_id=interpreter.id, partnership_id=elsewhere.id, side=Side.HOME,
                         role=f"{prefix} SECRET role in another partnership", visibility=Visibility.STAFF_ONLY)
    shared_here = PersonLink(contact_id=host.id, partnership_id=partnership.id, side=Side.HOME,
                             role=f"{prefix} host family", visibility=Visibility.SHARED)
    session.add_all([further, shared_here])
    session.flush()
    return {"link_id": further.id}
