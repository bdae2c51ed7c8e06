"""Jubilees: the 5th, 10th, … 60th anniversaries of each partnership (its established_on) and of each signed
agreement (its signed_on), and those coming up within a lead time.

The date rules are plain functions of their inputs; the queries read two statements whatever the data size
(the partnerships, the agreements), and the few dates of each row are worked out here.
"""
import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.enums import AgreementStatus, PartnershipStatus
from crm.extensions import db
from crm.partnerships.models import Partnership

#: the anniversaries worth a delegation, a gift or a ceremony
JUBILEE_YEARS = (5, 10, 15, 20, 25, 30, 40, 50, 60)
#: agreements whose signing is remembered: in force, or followed by a renewal (the founding date still counts)
REMEMBERED_AGREEMENTS = (AgreementStatus.SIGNED, AgreementStatus.RENEWED)
PARTNERSHIP = "partnership"
AGREEMENT = "agreement"


def anniversary_on(origin: date, years: int) -> date:
    """The day `origin` is `years` years old: 29 February falls on the 28th in a common year."""
    year = origin.year + years
    if origin.month == 2 and origin.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return origin.replace(year=year)


def jubilees_between(origin: date, first: date, last: date) -> list[tuple[int, date]]:
    """(years, day) of each jubilee of `origin` falling in [first, last], in order."""
    return [(years, on) for years in JUBILEE_YEARS if first <= (on := anniversary_on(origin, years)) <= last]


def next_jubilee(origin: date, as_of: date) -> tuple[int, date] | None:
    """The first jubilee of `origin` on or after `as_of` (None past the 60th)."""
    for years in JUBILEE_YEARS:
        if (on := anniversary_on(origin, years)) >= as_of:
            return years, on
    return None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, the month's last day when it is shorter (31 January + 1 → 28 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Anniversary:
    """One jubilee: of a partnership (agreement None) or of one of its signed agreements."""
    on: date
    years: int
    partnership: Partnership
    agreement: Agreement | None = None

    @property
    def kind(self) -> str:
        return PARTNERSHIP if self.agreement is None else AGREEMENT

    @property
    def partnership_id(self) -> int:
        return self.partnership.id

    @property
    def subject_id(self) -> int:
        return self.partnership.id if self.agreement is None else self.agreement.id

    @property
    def key(self) -> str:
        """Names the jubilee among all others (a reminder's subject)."""
        return f"{self.kind}-{self.subject_id}"


def _ids(partnership_ids):
    return partnership_ids if isinstance(partnership_ids, Select) else list(partnership_ids)


def anniversaries_between(partnership_ids, first: date, last: date, *, agreements: bool = True) -> list[Anniversary]:
    """Jubilees in [first, last] of the partnerships in `partnership_ids` (a select of ids, or ids) that are not
    ended nor archived, and of their signed agreements; by date. Two queries (one without agreements)."""
    ids = _ids(partnership_ids)
    found: list[Anniversary] = []
    partnerships = db.session.scalars(
        select(Partnership)
        .where(Partnership.id.in_(ids), Partnership.archived_at.is_(None),
               Partnership.status != PartnershipStatus.ENDED, Partnership.established_on.is_not(None),
               Partnership.established_on <= last)
        .options(joinedload(Partnership.partner_city), joinedload(Partnership.home_city)))
    for partnership in partnerships:
        found += [Anniversary(on, years, partnership)
                  for years, on in jubilees_between(partnership.established_on, first, last)]
    if agreements:
        signed = db.session.scalars(
            select(Agreement).join(Agreement.partnership)
            .where(Agreement.partnership_id.in_(ids), Agreement.status.in_(REMEMBERED_AGREEMENTS),
                   Agreement.signed_on.is_not(None), Agreement.signed_on <= last,
                   Partnership.archived_at.is_(None), Partnership.status != PartnershipStatus.ENDED)
            .options(joinedload(Agreement.partnership).joinedload(Partnership.partner_city),
                     joinedload(Agreement.partnership).joinedload(Partnership.home_city)))
        for agreement in signed:
            found += [Anniversary(on, years, agreement.partnership, agreement)
                      for years, on in jubilees_between(agreement.signed_on, first, last)]
    found.sort(key=lambda a: (a.on, a.kind != PARTNERSHIP, -a.years, a.partnership.partner_city.name, a.subject_id))
    return found


def upcoming_anniversaries(partnership_ids, as_of: date, lead_months: int, *,
                           agreements: bool = True) -> list[Anniversary]:
    """Jubilees falling in [as_of, as_of + lead_months]: what the office should start planning for."""
    return anniversaries_between(partnership_ids, as_of, add_months(as_of, lead_months), agreements=agreements)
