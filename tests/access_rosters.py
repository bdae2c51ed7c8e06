"""The permission matrix's part for rosters (issue 22): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""
from datetime import date

POLICY: dict[str, str] = {
    "rosters.new": "editors",
    "rosters.edit": "editors",
    "rosters.remove": "editors",
    "rosters.upload_list": "editors",
    "rosters.apply_upload": "editors",
    "rosters.export": "staff",
    "rosters.export_counts": "staff",
    "rosters.certified": "staff+guests",
    "rosters.settings": "admins",
    "rosters.portal": "guests",
    "rosters.portal_new": "guests",
    "rosters.portal_edit": "guests",
    "rosters.portal_remove": "guests",
    "rosters.portal_upload": "guests",
    "rosters.portal_apply": "guests",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of rosters for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    from crm.contacts.models import Contact
    from crm.engagements.models import Engagement
    from crm.enums import EngagementKind, ParticipantRole, Side, Visibility
    from crm.protocol.models import RosterEntry

    partnership, engagement = world["partnership"], world["engagement"]
    ours = Contact(partnership_id=partnership.id, side=Side.HOME, name=f"{prefix} home delegate")
    hidden = Contact(partnership_id=partnership.id, side=Side.HOME, name=f"{prefix} SECRET bodyguard",
                     visibility=Visibility.STAFF_ONLY)
    secret_visit = Engagement(partnership_id=partnership.id, kind=EngagementKind.VISIT, occurred_on=date(2026, 2, 1),
                              title=f"{prefix} SECRET staff-only visit", visibility=Visibility.STAFF_ONLY)
    session.add_all([ours, hidden, secret_visit])
    session.flush()
    theirs = RosterEntry(engagement_id=engagement.id, contact_id=world["contact"].id, side=Side.PARTNER,
                         role=ParticipantRole.STUDENT, town=f"{prefix} village", country="JP",
                         added_by_side=Side.PARTNER)
    session.add_all([
        theirs,
        RosterEntry(engagement_id=engagement.id, contact_id=ours.id, side=Side.HOME, role=ParticipantRole.OFFICIAL),
        RosterEntry(engagement_id=engagement.id, contact_id=hidden.id, side=Side.HOME, role=ParticipantRole.STAFF,
                    town=f"{prefix} SECRET town"),
        RosterEntry(engagement_id=secret_visit.id, contact_id=ours.id, side=Side.HOME,
                    town=f"{prefix} SECRET visit town"),
    ])
    session.flush()
    return {"participant_id": theirs.id}
