"""What reports show on other features' pages: the partnership page, the dashboard and the liaison digest.
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from sqlalchemy import select

from crm.extensions import db
from crm.governance.models import ReportNarrative
from crm.governance.reports.annual import default_year
from crm.partnerships.models import Partnership


def for_partnership(partnership: Partnership, as_of: date) -> dict:
    """Context for templates/governance/_partnership_reports.html on the partnership's "Plan and review" section:
    last year's narrative (one query) and the links to the award entry and the annual report."""
    year = default_year(as_of)
    narrative = db.session.scalar(select(ReportNarrative).where(ReportNarrative.partnership_id == partnership.id,
                                                                ReportNarrative.year == year))
    return {"reports_section": {"partnership_id": partnership.id, "year": year, "narrative": narrative,
                                "award_from": date(as_of.year - 3, 1, 1), "award_until": as_of}}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """Context for templates/governance/_dashboard_reports.html: the year the annual report is due for (no query)."""
    return {"reports_year": default_year(as_of)}


def for_digest(partnership_ids: list[int], as_of: date) -> list:
    """Reports add nothing to the liaison digest."""
    return []
