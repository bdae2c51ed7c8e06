"""The permission matrix's part for reports (issue 21): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""
from crm.governance.models import ReportNarrative

POLICY: dict[str, str] = {
    "reports.annual_page": "staff",
    "reports.annual_pdf": "staff",
    "reports.annual_spreadsheet": "staff",
    "reports.narratives_page": "staff",
    "reports.save_narrative": "editors",
    "reports.mission_report_page": "staff",
    "reports.mission_report_pdf": "staff",
    "reports.award_page": "staff",
    "reports.award_pdf": "staff",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of reports for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    session.add(ReportNarrative(partnership_id=world["partnership"].id, year=2025,
                                body=f"{prefix} SECRET narrative of the year"))
    session.flush()
    return {"year": 2025}
