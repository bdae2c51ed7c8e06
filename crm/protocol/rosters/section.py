"""What rosters shows on an engagement's "People and protocol" page and on the dashboard (crm.protocol.page).
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from crm.engagements.models import Engagement


def for_engagement(engagement: Engagement, as_of: date) -> dict:
    """The context of templates/protocol/_engagement_rosters.html."""
    return {}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """The context of templates/protocol/_dashboard_rosters.html."""
    return {}
