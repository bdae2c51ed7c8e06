"""One current partnership per pair of cities (home city, partner city).

Archived and ended partnerships are history and may repeat a pair; a current one may not.
The database holds the rule (the partial unique index uq_partnerships_current_pair); the
forms look first, so people are told which partnership already joins the two cities, and
when two saves race past that look the index refuses the second and it is told the same.
"""
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from crm.extensions import db
from crm.partnerships.models import Partnership, PartnershipStatus

INDEX = "uq_partnerships_current_pair"


class DuplicatePair(Exception):
    """Another current partnership already joins these two cities; nothing was saved."""

    def __init__(self, existing: Partnership | None):
        super().__init__(existing.id if existing else None)
        #: None when the one that won a race was ended or archived again before we could look
        self.existing = existing


def current_between(home_city_id: int, partner_city_id: int, excluding: int | None = None) -> Partnership | None:
    """The current (neither archived nor ended) partnership of this pair, other than `excluding`."""
    return db.session.scalar(
        select(Partnership).where(Partnership.home_city_id == home_city_id,
                                  Partnership.partner_city_id == partner_city_id,
                                  Partnership.archived_at.is_(None), Partnership.status != PartnershipStatus.ENDED,
                                  Partnership.id != (excluding or 0))
        .options(joinedload(Partnership.home_city), joinedload(Partnership.partner_city)).limit(1))


def is_pair_violation(error: IntegrityError) -> bool:
    message = str(error.orig)
    # PostgreSQL names the index; SQLite names its columns.
    return INDEX in message or "partnerships.home_city_id, partnerships.partner_city_id" in message


@contextmanager
def one_current_pair(home_city_id: int, partner_city_id: int, status, *, archived: bool = False,
                     excluding: int | None = None):
    """Run the save in the block, or raise DuplicatePair (after rolling back) when it would be a second one."""
    current = not archived and status != PartnershipStatus.ENDED
    existing = current_between(home_city_id, partner_city_id, excluding) if current else None
    if existing is not None:
        raise DuplicatePair(existing)
    try:
        yield
    except IntegrityError as error:
        if not is_pair_violation(error):
            raise
        db.session.rollback()
        raise DuplicatePair(current_between(home_city_id, partner_city_id, excluding)) from error
