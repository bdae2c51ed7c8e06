"""The permission matrix's part for costs (issue 22): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""
from datetime import date

POLICY: dict[str, str] = {
    "costs.new": "editors",
    "costs.edit": "editors",
    "costs.delete": "editors",
    "costs.upload_receipt": "editors",
    "costs.approval": "editors",
    "costs.delete_approval": "editors",
    "costs.index": "staff",
    "costs.export": "staff",
    "costs.disclosure": "staff",
    "costs.settings": "admins",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of costs for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit. Costs, receipts and approvals are all the office's own: every one says
    SECRET, as a guest must never see any of them."""
    from crm.attachments.models import Attachment
    from crm.enums import CostCategory, CostStage, ParticipantRole, Payer, Side
    from crm.protocol.models import CostLine, RosterEntry, TripApproval

    mission = world["mission"]
    official = make.contact(world["partnership"], name=f"{prefix} Councillor")
    entry = RosterEntry(engagement_id=mission.id, contact_id=official.id, side=Side.HOME, role=ParticipantRole.OFFICIAL,
                        funded_by=Payer.SPONSOR, funder_name=f"{prefix} sponsor")
    session.add(entry)
    session.flush()
    line = CostLine(engagement_id=mission.id, stage=CostStage.ACTUAL, category=CostCategory.TRAVEL,
                    description=f"{prefix} SECRET flights", amount_minor=125_000, currency="USD",
                    paid_by=Payer.SPONSOR, payer_name=f"{prefix} SECRET Air", roster_entry_id=entry.id)
    shared_meeting = CostLine(engagement_id=world["engagement"].id, stage=CostStage.BUDGET,
                              category=CostCategory.MEALS, description=f"{prefix} SECRET dinner budget",
                              amount_minor=40_000, currency="JPY", paid_by=Payer.CITY)
    approval = TripApproval(engagement_id=mission.id, body=f"{prefix} SECRET City Council",
                            approved_on=date(2026, 10, 1), reference=f"{prefix} SECRET Resolution 114")
    session.add_all([line, shared_meeting, approval])
    session.flush()
    # a receipt shared by mistake (only a crafted request could): the guest scope still hides it
    receipt = Attachment(partnership_id=world["partnership"].id, engagement_id=mission.id, cost_line_id=line.id,
                         filename=f"{prefix}-SECRET-receipt.pdf", stored_name=(prefix[0].lower() + "c").ljust(32, "0"),
                         content_type="application/pdf", size=1, sha256="0" * 64, visibility="shared")
    session.add(receipt)
    session.flush()
    return {"cost_line_id": line.id}
