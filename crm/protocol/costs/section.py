"""What costs shows on an engagement's "People and protocol" page and on the dashboard (crm.protocol.page).
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from crm.engagements.models import Engagement
from crm.protocol.costs.queries import (
    approval_of,
    engagement_lines,
    engagement_totals,
    funding_counts,
    receipts_by_line,
    trips_without_approval,
)
from crm.protocol.costs.rules import DEFAULT_LEAD_DAYS, TRIP_KINDS, approval_missing, left_without_approval
from crm.settings.service import stored_office_settings

#: trips without approval the dashboard lists (then "and N more")
DASHBOARD_LIMIT = 10


def _lead_days() -> int:
    """The admin's setting (a read never creates the settings row: the column's default until it is saved)."""
    settings = stored_office_settings()
    return settings.approval_lead_days if settings is not None else DEFAULT_LEAD_DAYS


def for_engagement(engagement: Engagement, as_of: date) -> dict:
    """The context of templates/protocol/_engagement_costs.html (five queries)."""
    approval = approval_of(engagement.id)
    lead_days = _lead_days()
    return {
        "costs_lines": engagement_lines(engagement.id),
        "costs_receipts": receipts_by_line(engagement.id),
        "costs_totals": engagement_totals(engagement.id),
        "costs_funding": funding_counts(engagement.id),
        "costs_approval": approval,
        "costs_is_trip": engagement.kind in TRIP_KINDS,
        "costs_approval_missing": approval_missing(engagement.kind, engagement.occurred_on, approval is not None,
                                                   as_of, lead_days),
        "costs_left_without_approval": left_without_approval(engagement.kind, engagement.occurred_on,
                                                             approval is not None, as_of),
        "costs_lead_days": lead_days,
        "costs_as_of": as_of,
    }


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """The context of templates/protocol/_dashboard_costs.html: trips starting within the lead days with no
    approval (one query)."""
    trips, total = trips_without_approval(partnership_ids, as_of, _lead_days(), DASHBOARD_LIMIT)
    return {"costs_unapproved_trips": trips, "costs_unapproved_total": total, "costs_as_of": as_of}
