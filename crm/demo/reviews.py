"""Demo data for reviews (issue 21): a review under way for a ceremonial partnership (Cairo, whose only
activity is greetings), a decided one (continue) for a steady partnership (Busan), and the other thriving and
steady partnerships reviewed in the last three years (one of them due again within weeks), so the dashboard's
"Reviews due" shows what an office that reviews would see: the ceremonial and quiet ones, and one coming up."""
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
    _reviewed_lately(partnerships_by_geonames, coordinator_id, today)
    db.session.flush()


#: how long ago the thriving and steady partnerships' last reviews were decided, in turn (the first falls due
#: again within three weeks: three years, less 20 days)
DECIDED_DAYS_AGO = (3 * 365 - 20, 240, 420, 600, 780)


def _reviewed_lately(partnerships_by_geonames: dict, coordinator_id: int | None, today: date) -> None:
    from crm.demo.seed import partners  # seed_demo calls this module: imported when asked

    lively = [spec.geonames_id for spec in partners() if spec.pattern in ("thriving", "steady")
              and spec.geonames_id not in (BUSAN, CAIRO)]
    for index, geonames_id in enumerate(lively):
        partnership = partnerships_by_geonames.get(geonames_id)
        if partnership is None:
            continue
        decided_on = today - relativedelta(days=DECIDED_DAYS_AGO[index % len(DECIDED_DAYS_AGO)])
        db.session.add(PartnershipReview(
            partnership_id=partnership.id, reason=ReviewReason.PERIODIC, due_on=decided_on - relativedelta(days=30),
            opened_by_id=coordinator_id, evidence=gather(partnership, decided_on),
            assessment="Regular exchanges across several pillars; the partner starts a fair share of them.",
            recommendation=Recommendation.CONTINUE, decision=Recommendation.CONTINUE,
            decided_by_body="City Council", decided_on=decided_on,
            resolution_ref=f"Resolution {decided_on.year}-{100 + index:03d}", recorded_by_id=coordinator_id))
