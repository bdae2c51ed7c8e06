"""The permission matrix's part for gifts (issue 22): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""
from datetime import date

POLICY: dict[str, str] = {
    "gifts.index": "staff",
    "gifts.detail": "staff",
    "gifts.choose": "editors",
    "gifts.new": "editors",
    "gifts.edit": "editors",
    "gifts.delete": "editors",
    "gifts.settings": "admins",
    # the published register: anyone, a guest too (tests/test_gifts.py checks what it holds)
    "gifts.register_csv": "public",
    "gifts.register_pdf": "public",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of gifts for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit.

    The register is the office's own record (the guest scope hides every gift), so its texts say SECRET. They
    were given in 2020: the published register, which the matrix asks for without a year (this year's), holds
    none of them, as it would hold the other side's published gifts otherwise (by design: it is public)."""
    from crm.enums import GiftDirection
    from crm.protocol.models import Gift

    partnership = world["partnership"]
    received = Gift(partnership_id=partnership.id, engagement_id=world["engagement"].id,
                    direction=GiftDirection.RECEIVED, given_on=date(2020, 5, 1), recorded_on=date(2020, 5, 3),
                    from_name=f"{prefix} SECRET giver", from_contact_id=world["contact"].id,
                    to_name=f"{prefix} SECRET mayor", description=f"{prefix} SECRET vase", value_minor=5000,
                    currency="USD")
    session.add(received)
    session.flush()
    return {"gift_id": received.id}
