"""What reviews show on other features' pages: the partnership page, the dashboard and the liaison digest.
Each function reads a fixed number of queries whatever the data size."""
from dataclasses import dataclass
from datetime import date

from flask_login import current_user

from crm.governance.reviews.queries import due_reviews, next_review_of, partnership_reviews, partnerships_with_cities
from crm.governance.reviews.rules import ReviewDue, is_due
from crm.partnerships.models import Partnership

#: the dashboard lists this many due reviews, then says how many more there are
DASHBOARD_LIMIT = 10


@dataclass
class DueItem:
    """A review due, with its partnership (cities loaded), for the dashboard and the digest."""

    partnership_id: int
    partnership: Partnership
    due: ReviewDue
    overdue: bool

    def words(self, as_of: date) -> str:
        """In the reader's language: called by the template (the digest is worded in its recipient's)."""
        return self.due.words(as_of)


def _items(dues: list[ReviewDue], as_of: date) -> list[DueItem]:
    partnerships = partnerships_with_cities([due.partnership_id for due in dues])
    return [DueItem(due.partnership_id, partnerships[due.partnership_id], due, due.overdue(as_of))
            for due in dues if due.partnership_id in partnerships]


def for_partnership(partnership: Partnership, as_of: date) -> dict:
    """Context for templates/governance/_partnership_reviews.html on the partnership's "Plan and review" section."""
    if not (current_user.is_authenticated and current_user.is_staff):  # guests see no review
        return {"reviews_section": None}
    due, facts = next_review_of(partnership, as_of)
    reviews = partnership_reviews(partnership.id)
    return {"reviews_section": {
        "as_of": as_of, "due": due, "due_words": due.words(as_of) if due else None,
        "is_due": is_due(due, bool(facts and facts.open_review), as_of),
        "open": next((r for r in reviews if r.is_open), None),
        "past": [r for r in reviews if not r.is_open],
    }}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """Context for templates/governance/_dashboard_reviews.html; partnership_ids: the dashboard's scope (a
    select of ids, or a list)."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return {"reviews_due": [], "reviews_due_more": 0}
    dues = due_reviews(partnership_ids, as_of)
    return {"reviews_due": _items(dues[:DASHBOARD_LIMIT], as_of), "reviews_due_more": max(len(dues) - DASHBOARD_LIMIT, 0)}


def for_digest(partnership_ids: list[int], as_of: date) -> list:
    """Items for the liaison digest; each has a partnership_id (it goes to that partnership's liaison)."""
    return _items(due_reviews(partnership_ids, as_of), as_of) if partnership_ids else []
