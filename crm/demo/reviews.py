"""Demo data for reviews (issue 21): a review under way for a ceremonial partnership (Cairo, whose only
activity is greetings), and a decided one (continue) for a steady partnership (Busan)."""
from datetime import date

from dateutil.relativedelta import relativedelta

from crm.enums import Recommendation, ReviewReason
from crm.extensions import db
from crm.governance.models import PartnershipReview
from crm.governance.reviews.evidence import gather
from crm.roles import Role

CAIRO, BUSAN = 360630, 1838524


def seed_reviews(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs; partnerships_by_geonames: geonames id → Partnership;
    users: Role → the demo User."""
    coordinator = users.get(Role.COORDINATOR)
    coordinator_id = coordinator.id if coordinator is not None else None
    cairo = partnerships_by_geonames.get(CAIRO)
    if cairo is not None:
        db.session.add(PartnershipReview(
            partnership_id=cairo.id, reason=ReviewReason.CEREMONIAL, due_on=today - relativedelta(months=2),
            opened_by_id=coordinator_id, evidence=gather(cairo, today),
            assessment=("Since the last youth exchange the partnership has lived on New Year greetings and "
                        "anniversary letters. Both chambers of commerce have asked for a trade contact; the "
                        "universities have no agreement. Worth a new plan before the council decides."),
            recommendation=Recommendation.REVITALISE))
    busan = partnerships_by_geonames.get(BUSAN)
    if busan is not None:
        decided_on = today - relativedelta(years=1, months=4)
        db.session.add(PartnershipReview(
            partnership_id=busan.id, reason=ReviewReason.PERIODIC, due_on=decided_on - relativedelta(days=20),
            opened_by_id=coordinator_id, evidence=gather(busan, decided_on),
            assessment="Exchanges every year, a joint port project under way, and the partner starts half of it.",
            recommendation=Recommendation.CONTINUE, decision=Recommendation.CONTINUE,
            decided_by_body="City Council", decided_on=decided_on, resolution_ref="Resolution 2025-061",
            decision_notes="Continued for three more years.", recorded_by_id=coordinator_id))
    db.session.flush()
