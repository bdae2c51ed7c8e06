"""Loading commitments through the reader's scope (a guest's scope hides staff-only ones and other
partnerships')."""
from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from crm.enums import CommitmentStatus
from crm.extensions import db
from crm.governance.models import Commitment
from crm.matching import contains
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404, visible_partnership_ids

#: what a commitment's rows show: the partner city, the owner, who marked it done, where it was made
ROW_LOADS = (joinedload(Commitment.partnership).joinedload(Partnership.partner_city),
             joinedload(Commitment.owner), joinedload(Commitment.done_by), joinedload(Commitment.engagement))


def get_commitment_or_404(commitment_id: int) -> Commitment:
    return get_in_scope_or_404(Commitment, commitment_id, *ROW_LOADS)


def overdue_filter(today: date) -> tuple:
    """Open and due before today (the rule crm.governance.commitments.rules.is_overdue, in SQL)."""
    return Commitment.status == CommitmentStatus.OPEN, Commitment.due_on < today


def in_order(query: Select) -> Select:
    """Open ones first, soonest due first; then done and dropped, latest first."""
    is_open = Commitment.status == CommitmentStatus.OPEN
    return query.order_by(case((is_open, 0), else_=1), case((is_open, Commitment.due_on)).nulls_last(),
                          Commitment.done_on.desc().nulls_last(), Commitment.due_on.desc().nulls_last(),
                          Commitment.id.desc())


def commitment_list(*, status: str | None, owner_id: int | None, partnership_id: int | None, q: str | None,
                    today: date) -> Select:
    """The list page's query: status "" (open, overdue among them), overdue, done, dropped or all."""
    query = select(Commitment).where(Commitment.partnership_id.in_(visible_partnership_ids())).options(*ROW_LOADS)
    if status == "overdue":
        query = query.where(*overdue_filter(today))
    elif status in (CommitmentStatus.DONE.value, CommitmentStatus.DROPPED.value):
        query = query.where(Commitment.status == CommitmentStatus(status))
    elif status != "all":
        query = query.where(Commitment.status == CommitmentStatus.OPEN)
    if owner_id:
        query = query.where(Commitment.owner_id == owner_id)
    if partnership_id:
        query = query.where(Commitment.partnership_id == partnership_id)
    if q:
        query = query.where(contains(Commitment.description, q))
    return in_order(query)


def partnership_commitments(partnership_id: int) -> list[Commitment]:
    """Every commitment of one partnership the reader may see, in order (one query)."""
    return list(db.session.scalars(in_order(
        select(Commitment).where(Commitment.partnership_id == partnership_id)
        .options(joinedload(Commitment.owner), joinedload(Commitment.done_by), joinedload(Commitment.engagement)))))


def overdue_commitments(partnership_ids, today: date, limit: int | None = None) -> list[Commitment]:
    """Overdue ones in these partnerships (a select of ids, or a list), most overdue first."""
    query = (select(Commitment).join(Commitment.partnership)
             .where(Commitment.partnership_id.in_(partnership_ids), Partnership.archived_at.is_(None),
                    *overdue_filter(today))
             .options(*ROW_LOADS).order_by(Commitment.due_on, Commitment.id))
    return list(db.session.scalars(query.limit(limit) if limit else query))


def count_overdue(partnership_ids, today: date) -> int:
    return db.session.scalar(select(func.count()).select_from(Commitment).join(Commitment.partnership).where(
        Commitment.partnership_id.in_(partnership_ids), Partnership.archived_at.is_(None), *overdue_filter(today)))
