"""The permission matrix's part for commitments (issue 21): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""
from datetime import date

POLICY: dict[str, str] = {
    "commitments.index": "staff",
    "commitments.new": "editors",
    "commitments.edit": "editors",
    "commitments.mark_done": "editors",
    "commitments.drop": "editors",
    "commitments.reopen": "editors",
    "commitments.delete": "editors",
    "commitments.portal": "guests",
    "commitments.portal_done": "guests",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of commitments for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    from crm.enums import Side, Visibility
    from crm.governance.models import Commitment

    partnership = world["partnership"]
    theirs = Commitment(partnership_id=partnership.id, side=Side.PARTNER, owner_name=f"{prefix} partner owner",
                        description=f"{prefix} partner promise", due_on=date(2026, 1, 10),
                        engagement_id=world["engagement"].id)
    ours = Commitment(partnership_id=partnership.id, side=Side.HOME, description=f"{prefix} our promise",
                      due_on=date(2026, 2, 1))
    secret = Commitment(partnership_id=partnership.id, side=Side.PARTNER, visibility=Visibility.STAFF_ONLY,
                        owner_name=f"{prefix} SECRET owner", description=f"{prefix} SECRET staff-only promise",
                        due_on=date(2026, 3, 1))
    session.add_all([theirs, ours, secret])
    session.flush()
    return {"commitment_id": theirs.id}
