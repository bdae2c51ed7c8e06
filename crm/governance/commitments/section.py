"""What commitments show on other features' pages: the partnership page, the dashboard and the liaison digest.
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from crm.governance.commitments.queries import count_overdue, overdue_commitments, partnership_commitments
from crm.partnerships.models import Partnership

#: overdue commitments the dashboard lists (then "all N")
DASHBOARD_LIMIT = 10


def for_partnership(partnership: Partnership, as_of: date) -> dict:
    """Context for templates/governance/_partnership_commitments.html on the partnership's "Plan and review" section."""
    return {"commitments": partnership_commitments(partnership.id), "commitments_as_of": as_of}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """Context for templates/governance/_dashboard_commitments.html; partnership_ids: the dashboard's scope (a
    select of ids, or a list)."""
    overdue = overdue_commitments(partnership_ids, as_of, limit=DASHBOARD_LIMIT)
    total = len(overdue) if len(overdue) < DASHBOARD_LIMIT else count_overdue(partnership_ids, as_of)
    return {"overdue_commitments": overdue, "overdue_commitments_total": total, "commitments_as_of": as_of}


def for_digest(partnership_ids: list[int], as_of: date) -> list:
    """Items for the liaison digest; each has a partnership_id (it goes to that partnership's liaison)."""
    return overdue_commitments(partnership_ids, as_of) if partnership_ids else []
