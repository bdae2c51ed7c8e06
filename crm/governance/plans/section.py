"""What plans show on other features' pages: the partnership page, the dashboard and the liaison digest.
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from crm.governance.plans.queries import partnership_plans, plan_summaries, progress_of
from crm.partnerships.models import Partnership


def for_partnership(partnership: Partnership, as_of: date) -> dict:
    """Context for templates/governance/_partnership_plans.html on the partnership's "Plan and review" section:
    the current plan with its progress (or the next one, not started), and the others, past and future. Three
    queries."""
    plans = partnership_plans(partnership.id)
    current = next((p for p in plans if p.starts_on <= as_of <= p.ends_on), None)
    if current is None:
        current = next((p for p in reversed(plans) if p.starts_on > as_of), None)
    progress = progress_of([current], as_of)[0] if current is not None else None
    return {"plans_section": {"current": progress, "others": [p for p in plans if p is not current],
                              "today": as_of}}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """Context for templates/governance/_dashboard_plans.html; partnership_ids: the dashboard's scope (a
    select of ids, or a list): objectives on track and behind across the current plans. Four queries."""
    return {"plans_dashboard": portfolio_counts(partnership_ids, as_of)}


def portfolio_counts(partnership_ids, as_of: date) -> dict:
    """Across the current plans of these partnerships: how many plans, objectives on track (achieved ones
    included) and behind."""
    summaries = plan_summaries(partnership_ids, as_of).values()
    return {"plans": len(summaries), "on_track": sum(s.on_track for s in summaries),
            "behind": sum(s.behind for s in summaries),
            "objectives": sum(len(s.objectives) for s in summaries)}


def for_digest(partnership_ids: list[int], as_of: date) -> list:
    """Items for the liaison digest; each has a partnership_id (it goes to that partnership's liaison).
    Plans add nothing to the digest: reviews and reminders carry what is due."""
    return []


def health_line(partnership_id: int, as_of: date):
    """For the health summary: the current plan's progress (None without one)."""
    return plan_summaries([partnership_id], as_of).get(partnership_id)
