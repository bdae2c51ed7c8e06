"""The permission matrix's part for reviews (issue 21): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""
from datetime import date

POLICY: dict[str, str] = {
    "reviews.index": "staff",
    "reviews.open_review": "editors",
    "reviews.detail": "staff",
    "reviews.assess": "editors",
    "reviews.decide": "editors",
    "reviews.letter": "staff",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of reviews for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    from crm.governance.models import PartnershipReview

    review = PartnershipReview(partnership_id=world["partnership"].id, reason="ceremonial", due_on=date(2026, 1, 1),
                               evidence={}, assessment=f"{prefix} SECRET assessment of the review")
    session.add(review)
    session.flush()
    return {"review_id": review.id}
