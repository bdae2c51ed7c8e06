"""What hosting shows on an engagement's "People and protocol" page and on the dashboard (crm.protocol.page).
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from crm.engagements.models import Engagement
from crm.protocol.hosting.board import board
from crm.protocol.hosting.queries import EXPIRING_DAYS, expiring_vetting

#: helpers whose vetting runs out the dashboard lists (then "all N")
DASHBOARD_LIMIT = 8


def for_engagement(engagement: Engagement, as_of: date) -> dict:
    """The context of templates/protocol/_engagement_hosting.html: the board in brief (five queries)."""
    return {"hosting_board": board(engagement), "hosting_as_of": as_of}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """The context of templates/protocol/_dashboard_hosting.html: vetting expired or expiring within 60 days
    (one query)."""
    helpers, total = expiring_vetting(partnership_ids, as_of, DASHBOARD_LIMIT)
    return {"hosting_vetting": helpers, "hosting_vetting_total": total, "hosting_as_of": as_of,
            "hosting_expiring_days": EXPIRING_DAYS}
