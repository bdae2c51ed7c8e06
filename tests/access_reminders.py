"""The permission matrix's part for reminders (issue 21): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""

POLICY: dict[str, str] = {
    "reminders.settings": "admins",
    "reminders.save_settings": "admins",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of reminders for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit.

    The settings page shows no partnership's records; a reminder already sent is recorded, so that a page
    that would list them one day starts from a row."""
    from crm.enums import ReminderKind
    from crm.governance.models import ReminderSent

    session.add(ReminderSent(key=f"{prefix}:anniversary:partnership-{world['partnership'].id}:2027-01-01:30:0",
                             kind=ReminderKind.ANNIVERSARY))
    session.flush()
    return {}
