"""Loading reviews through the reader's scope, and the facts the due rule needs for many partnerships at once
(a fixed number of queries whatever their number)."""
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from crm.agreements.lifecycle import IN_FORCE
from crm.agreements.models import Agreement
from crm.extensions import db
from crm.governance.models import PartnershipReview
from crm.governance.reviews.rules import ReviewDue, ReviewFacts, is_due, next_review
from crm.health.rules import HealthState, add_months
from crm.health.snapshot import portfolio_snapshot
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404, visible_partnership_ids
from crm.settings.service import office_settings

WITH_PARTNERSHIP = (joinedload(PartnershipReview.partnership).joinedload(Partnership.partner_city),
                    joinedload(PartnershipReview.partnership).joinedload(Partnership.home_city))


def get_review_or_404(review_id: int) -> PartnershipReview:
    return get_in_scope_or_404(PartnershipReview, review_id, *WITH_PARTNERSHIP,
                               joinedload(PartnershipReview.opened_by), joinedload(PartnershipReview.recorded_by))


def open_review(partnership_id: int) -> PartnershipReview | None:
    return db.session.scalar(select(PartnershipReview).where(PartnershipReview.partnership_id == partnership_id,
                                                             PartnershipReview.decided_on.is_(None)))


def partnership_reviews(partnership_id: int) -> list[PartnershipReview]:
    """Every review of the partnership, the open one first, then the latest decided."""
    return list(db.session.scalars(
        select(PartnershipReview).where(PartnershipReview.partnership_id == partnership_id)
        .order_by(PartnershipReview.decided_on.desc().nulls_first(), PartnershipReview.id.desc())))


def review_list(status: str | None) -> Select:
    """Reviews of the partnerships the reader sees, open ones first, then by date; status "open" or "decided"."""
    query = (select(PartnershipReview).where(PartnershipReview.partnership_id.in_(visible_partnership_ids()))
             .options(*WITH_PARTNERSHIP)
             .order_by(PartnershipReview.decided_on.desc().nulls_first(), PartnershipReview.due_on,
                       PartnershipReview.id.desc()))
    if status == "open":
        query = query.where(PartnershipReview.decided_on.is_(None))
    elif status == "decided":
        query = query.where(PartnershipReview.decided_on.is_not(None))
    return query


def review_facts(partnership_ids, as_of: date) -> dict[int, ReviewFacts]:
    """The due rule's facts of every partnership in scope (a select of ids or a list): four queries, and the
    health flags from the portfolio's cached figures."""
    p = Partnership
    rows = db.session.execute(
        select(p.id, p.status, p.established_on, p.created_at, p.archived_at, p.review_every_years)
        .where(p.id.in_(partnership_ids), p.archived_at.is_(None))).all()
    if not rows:
        return {}
    r = PartnershipReview
    decided = dict(db.session.execute(
        select(r.partnership_id, func.max(r.decided_on)).where(r.partnership_id.in_(partnership_ids),
                                                               r.decided_on.is_not(None))
        .group_by(r.partnership_id)).all())
    opened = set(db.session.scalars(select(r.partnership_id).where(r.partnership_id.in_(partnership_ids),
                                                                   r.decided_on.is_(None))))
    expiries: dict[int, list[date]] = {}
    for pid, expires_on in db.session.execute(
            select(Agreement.partnership_id, Agreement.expires_on)
            .where(Agreement.partnership_id.in_(partnership_ids), Agreement.status.in_(IN_FORCE),
                   Agreement.expires_on.is_not(None))):
        expiries.setdefault(pid, []).append(expires_on)
    flags = portfolio_snapshot(as_of).flags
    facts = {}
    for pid, status, established_on, created_at, archived_at, every_years in rows:
        flag = flags.get(pid)
        ceremonial = (add_months(flag.since, flag.threshold_months)
                      if flag is not None and flag.state == HealthState.CEREMONIAL and flag.since else None)
        facts[pid] = ReviewFacts(pid, status, established_on or created_at.date(), archived_at is not None,
                                 every_years, decided.get(pid), tuple(expiries.get(pid, ())), ceremonial,
                                 pid in opened)
    return facts


def due_reviews(partnership_ids, as_of: date) -> list[ReviewDue]:
    """The reviews due within 30 days or overdue, with no review open, earliest first."""
    settings = office_settings()
    found = []
    for facts in review_facts(partnership_ids, as_of).values():
        due = next_review(facts, settings.review_every_years, settings.review_before_expiry_months, as_of)
        if is_due(due, facts.open_review, as_of):
            found.append(due)
    return sorted(found, key=lambda due: (due.due_on, due.partnership_id))


def next_review_of(partnership: Partnership, as_of: date) -> tuple[ReviewDue | None, ReviewFacts | None]:
    facts = review_facts([partnership.id], as_of).get(partnership.id)
    if facts is None:
        return None, None
    settings = office_settings()
    return next_review(facts, settings.review_every_years, settings.review_before_expiry_months, as_of), facts


def partnerships_with_cities(ids: list[int]) -> dict[int, Partnership]:
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(
        select(Partnership).where(Partnership.id.in_(ids))
        .options(joinedload(Partnership.partner_city), joinedload(Partnership.home_city)))}
