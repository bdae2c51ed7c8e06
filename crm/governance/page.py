"""What governance adds to other features' pages, gathered from each capability's ``section`` module: the
partnership page's "Plan and review" section, the dashboard and the liaison digest."""
from datetime import date

from crm.governance.commitments import section as commitments
from crm.governance.plans import section as plans
from crm.governance.reminders import section as reminders
from crm.governance.reports import section as reports
from crm.governance.reviews import section as reviews
from crm.partnerships.models import Partnership

#: in the order they show
CAPABILITIES = {"reviews": reviews, "plans": plans, "commitments": commitments, "reminders": reminders,
                "reports": reports}


def partnership_section(partnership: Partnership, as_of: date) -> dict:
    context = {}
    for capability in CAPABILITIES.values():
        context.update(capability.for_partnership(partnership, as_of))
    return context


def health_summary(partnership: Partnership, as_of: date) -> dict:
    """What governance adds to the partnership's health summary ("Health" section): the current plan's line."""
    return {"plan_health": plans.health_line(partnership.id, as_of)}


def dashboard_section(partnership_ids, as_of: date) -> dict:
    context = {}
    for capability in CAPABILITIES.values():
        context.update(capability.for_dashboard(partnership_ids, as_of))
    return context


def digest_items(partnership_ids: list[int], as_of: date) -> dict[str, list]:
    """Per capability, its digest items (each with a partnership_id)."""
    return {name: capability.for_digest(partnership_ids, as_of) for name, capability in CAPABILITIES.items()}
