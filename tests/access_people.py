"""The permission matrix's part for people (issue 22): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""

POLICY: dict[str, str] = {
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of people for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    return {}
