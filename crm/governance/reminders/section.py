"""What reminders show on other features' pages: the partnership page, the dashboard and the liaison digest.
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from crm.partnerships.models import Partnership


def for_partnership(partnership: Partnership, as_of: date) -> dict:
    """Context for templates/governance/_partnership_reminders.html on the partnership's "Plan and review" section."""
    return {}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """Context for templates/governance/_dashboard_reminders.html; partnership_ids: the dashboard's scope (a
    select of ids, or a list)."""
    return {}


def for_digest(partnership_ids: list[int], as_of: date) -> list:
    """Items for the liaison digest; each has a partnership_id (it goes to that partnership's liaison)."""
    return []
