"""Changes to reviews: opening one with its evidence, the assessment, and the decision with its effects on the
partnership. They flush; the request commits."""
from datetime import date

from sqlalchemy.exc import IntegrityError

from crm.auth.models import User
from crm.enums import PartnershipKind, PartnershipStatus, Recommendation, ReviewReason
from crm.extensions import db
from crm.governance.models import PartnershipReview
from crm.governance.reviews import evidence
from crm.governance.reviews.forms import AssessmentForm, DecisionForm
from crm.governance.reviews.queries import next_review_of, open_review
from crm.governance.reviews.rules import is_due
from crm.partnerships.models import Partnership


def open_for(partnership: Partnership, user: User | None, as_of: date) -> tuple[PartnershipReview, bool]:
    """The partnership's open review: a new one with its evidence (True), or the one already open (False), also
    when another request opened it at the same moment (the partial unique index refuses the second)."""
    existing = open_review(partnership.id)
    if existing is not None:
        return existing, False
    due, _facts = next_review_of(partnership, as_of)
    if not is_due(due, False, as_of):  # opened before it falls due: staff asked for it
        due = None
    review = PartnershipReview(
        partnership_id=partnership.id, reason=due.reason if due else ReviewReason.REQUESTED,
        due_on=due.due_on if due else as_of, opened_by_id=user.id if user else None,
        evidence=evidence.gather(partnership, as_of))
    try:
        with db.session.begin_nested():
            db.session.add(review)
            db.session.flush()
    except IntegrityError:  # opened by someone else between our look and our insert
        existing = open_review(partnership.id)
        if existing is None:
            raise
        return existing, False
    return review, True


def apply_assessment(review: PartnershipReview, form: AssessmentForm) -> PartnershipReview:
    review.assessment = form.assessment.data
    review.recommendation = Recommendation(form.recommendation.data) if form.recommendation.data else None
    db.session.flush()
    return review


def record_decision(review: PartnershipReview, form: DecisionForm, user: User | None) -> PartnershipReview:
    return decide(review, Recommendation(form.decision.data), body=form.decided_by_body.data,
                  decided_on=form.decided_on.data, resolution_ref=form.resolution_ref.data,
                  notes=form.decision_notes.data, user=user)


def decide(review: PartnershipReview, decision: Recommendation, *, body: str, decided_on: date,
           resolution_ref: str | None = None, notes: str | None = None, user: User | None = None) -> None:
    """Record the decision and apply it: END closes the partnership with its reason (the review is kept),
    SUSPEND suspends it, DOWNGRADE makes it a friendship city; REVITALISE asks for a new plan (the page links to
    it) and CONTINUE changes nothing."""
    review.decision = decision
    review.decided_by_body = body
    review.decided_on = decided_on
    review.resolution_ref = resolution_ref
    review.decision_notes = notes
    review.recorded_by_id = user.id if user else None
    partnership = review.partnership
    if decision == Recommendation.END:
        partnership.status = PartnershipStatus.ENDED
        partnership.ended_reason = notes or body
    elif decision == Recommendation.SUSPEND:
        partnership.status = PartnershipStatus.SUSPENDED
    elif decision == Recommendation.DOWNGRADE:
        partnership.kind = PartnershipKind.FRIENDSHIP_CITY
    db.session.flush()
