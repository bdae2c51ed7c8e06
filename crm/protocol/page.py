"""What each protocol capability adds to an engagement's "People and protocol" page and to the dashboard,
gathered from each one's ``section`` module, so no page knows a capability's internals."""
from datetime import date

from crm.engagements.models import Engagement
from crm.protocol.costs import section as costs
from crm.protocol.gifts import section as gifts
from crm.protocol.hosting import section as hosting
from crm.protocol.letters import section as letters
from crm.protocol.rosters import section as rosters

#: in the order they show (the page's sections and the dashboard's cards)
CAPABILITIES = {"rosters": rosters, "costs": costs, "hosting": hosting, "gifts": gifts, "letters": letters}


def engagement_section(engagement: Engagement, as_of: date) -> dict:
    context = {}
    for capability in CAPABILITIES.values():
        context.update(capability.for_engagement(engagement, as_of))
    return context


def dashboard_section(partnership_ids, as_of: date) -> dict:
    context = {}
    for capability in CAPABILITIES.values():
        context.update(capability.for_dashboard(partnership_ids, as_of))
    return context
