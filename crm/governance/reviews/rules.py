"""When a partnership's review falls due, as a plain function of its facts, the office's settings and a date.

A review is due, whichever comes first:
- every N years (the partnership's own interval, else the office's), counted from the last decided review's
  date; a partnership never reviewed follows the cycle of its founding date (established, else recorded):
  one founded in 1986 and reviewed every 3 years was last due in its 2025 cycle, so it shows as overdue by
  months, not by forty years;
- some months (the office's setting) before a signed agreement expires, unless a review was decided since
  that date;
- when the partnership has gone ceremonial (the health rule), from the day it crossed its threshold, unless a
  review was decided since.
Suspended, ended, proposed and archived partnerships are not reviewed. "Review due" on the dashboard and in
the digest means: due within the next 30 days or overdue, and no review open.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date, gettext, ngettext

from crm.enums import PartnershipStatus, ReviewReason
from crm.health.rules import add_months, months_between

#: a review is shown as due from this many days before its date
DUE_SOON_DAYS = 30
REVIEWED = frozenset({PartnershipStatus.ACTIVE})


@dataclass(frozen=True)
class ReviewFacts:
    """What the rule needs to know about one partnership."""

    partnership_id: int
    status: PartnershipStatus
    started_on: date  #: established on, else the day it was recorded
    archived: bool = False
    every_years: int | None = None  #: the partnership's own interval; None: the office's
    last_decided_on: date | None = None  #: the latest decided review's date
    expiries: tuple[date, ...] = field(default=())  #: expiry dates of its signed agreements
    ceremonial_since: date | None = None  #: the day it went ceremonial, when it is ceremonial now
    open_review: bool = False


@dataclass(frozen=True)
class ReviewDue:
    partnership_id: int
    due_on: date
    reason: ReviewReason
    every_years: int  #: the interval that applied
    expires_on: date | None = None  #: the agreement's expiry, for an expiry review

    def overdue(self, as_of: date) -> bool:
        return self.due_on < as_of

    def words(self, as_of: date) -> str:
        return due_words(self, as_of)


def next_review(facts: ReviewFacts, every_years: int, before_expiry_months: int,
                as_of: date | None = None) -> ReviewDue | None:
    """The earliest date a review of the partnership falls due and why; None when it is not reviewed.

    With ``as_of``, a partnership never reviewed is due at the latest cycle of its founding date that has
    come (see the module's docstring); without it, at the first."""
    if facts.archived or facts.status not in REVIEWED:
        return None
    years = facts.every_years or every_years
    periodic = add_months(facts.last_decided_on or facts.started_on, 12 * years)
    if facts.last_decided_on is None and as_of is not None:
        cycles = 1
        while add_months(facts.started_on, 12 * years * (cycles + 1)) <= as_of:
            cycles += 1
        periodic = add_months(facts.started_on, 12 * years * cycles)
    candidates = [ReviewDue(facts.partnership_id, periodic, ReviewReason.PERIODIC, years)]
    for expires_on in sorted(facts.expiries):
        due_on = add_months(expires_on, -before_expiry_months)
        if facts.last_decided_on is None or facts.last_decided_on < due_on:
            candidates.append(ReviewDue(facts.partnership_id, due_on, ReviewReason.EXPIRY, years, expires_on))
            break
    since = facts.ceremonial_since
    if since is not None and (facts.last_decided_on is None or facts.last_decided_on < since):
        candidates.append(ReviewDue(facts.partnership_id, since, ReviewReason.CEREMONIAL, years))
    # earliest first; on the same day the more pressing reason (ceremonial, then expiry) names it
    order = {ReviewReason.CEREMONIAL: 0, ReviewReason.EXPIRY: 1, ReviewReason.PERIODIC: 2}
    return min(candidates, key=lambda due: (due.due_on, order[due.reason]))


def is_due(due: ReviewDue | None, open_review: bool, as_of: date) -> bool:
    """Shown as "review due": due within DUE_SOON_DAYS or overdue, and no review open."""
    return due is not None and not open_review and due.due_on <= as_of + timedelta(days=DUE_SOON_DAYS)


def due_words(due: ReviewDue, as_of: date) -> str:
    """"Periodic review (every 3 years) due on 1 March 2027." and so on, in the reader's language."""
    day = format_date(due.due_on, "long")
    if due.reason == ReviewReason.EXPIRY:
        text = gettext("The agreement expires on %(expiry)s: a review is due on %(date)s.",
                       expiry=format_date(due.expires_on, "long"), date=day)
    elif due.reason == ReviewReason.CEREMONIAL:
        text = gettext("The partnership went ceremonial on %(date)s: a review is due.", date=day)
    else:
        text = ngettext("Periodic review (every %(num)d year) due on %(date)s.",
                        "Periodic review (every %(num)d years) due on %(date)s.", due.every_years, date=day)
    if due.overdue(as_of):
        text += " " + overdue_words(due.due_on, as_of)
    return text


def overdue_words(due_on: date, as_of: date) -> str:
    """Days for two months, then months for two years, then years: "Overdue by 40 years", not 14,600 days."""
    days = (as_of - due_on).days
    months = int(months_between(due_on, as_of))
    if months < 2:
        return ngettext("Overdue by %(num)d day.", "Overdue by %(num)d days.", days)
    if months < 24:
        return ngettext("Overdue by %(num)d month.", "Overdue by %(num)d months.", months)
    return ngettext("Overdue by %(num)d year.", "Overdue by %(num)d years.", months // 12)
