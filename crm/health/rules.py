"""The ceremonial rule and the health figures, as plain functions over plain values.

A partnership has gone ceremonial when it has had no substantive engagement
for longer than its threshold (in months); it is at risk past three quarters
of it. Protocol-only activity does not keep it alive, planned future
engagements do not reset the clock (they show as "revival planned"),
suspended and ended partnerships are not flagged, and a partnership younger
than its threshold that has had no substantive engagement yet is new.
"""
import enum
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from crm.partnerships.models import PartnershipStatus

AT_RISK_SHARE = 0.75
WINDOW_MONTHS = 12  #: the period the health figures look back over
PILLAR_COUNT = 5
NOT_EVALUATED = frozenset({PartnershipStatus.SUSPENDED, PartnershipStatus.ENDED})


class HealthState(enum.StrEnum):
    CEREMONIAL = "ceremonial"
    AT_RISK = "at_risk"
    NEW = "new"
    HEALTHY = "healthy"
    NOT_EVALUATED = "not_evaluated"  #: suspended or ended

    @property
    def severity(self) -> int:
        """Sort order: what needs attention first."""
        return _SEVERITY[self]


_SEVERITY = {state: rank for rank, state in enumerate(HealthState)}


@dataclass(frozen=True)
class Activity:
    """What the rule needs to know about one partnership, as of a date."""

    partnership_id: int
    status: PartnershipStatus
    started_on: date  #: established on, else the day it was recorded
    threshold_months: int  #: its own, else its home city's, else the office default
    last_substantive: date | None = None  #: latest substantive engagement on or before the date
    last_protocol: date | None = None  #: latest protocol-only engagement on or before the date
    protocol_since: int = 0  #: protocol-only engagements after the last substantive one
    next_planned: date | None = None  #: earliest substantive engagement after the date
    substantive_12m: int = 0
    partner_started_12m: int = 0
    pillars_12m: int = 0
    home_city_id: int | None = None


@dataclass(frozen=True)
class Flag:
    state: HealthState
    threshold_months: int
    since: date | None  #: the date the clock runs from
    months: int  #: whole months elapsed since then
    never_substantive: bool = False
    protocol_since: int = 0
    last_protocol: date | None = None
    revival_planned: date | None = None

    @property
    def needs_attention(self) -> bool:
        return self.state in (HealthState.CEREMONIAL, HealthState.AT_RISK)


@dataclass(frozen=True)
class Health:
    days_since_substantive: int | None
    substantive_12m: int
    pillars_12m: int
    partner_share: float | None  #: of the substantive engagements in the window, the share the partner started


def add_months(day: date, months: int) -> date:
    """The same day some months later, clamped to the month's end (31 January + 1 → 28 or 29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def months_between(start: date, end: date) -> float:
    """Calendar months from start to end, with the part-month as a fraction of that month.

    3 March → 3 March a year later is exactly 12.0; 31 January → 28 February is 1.0.
    Plain arithmetic rather than relativedelta: it runs for every partnership on every dashboard view.
    """
    if end <= start:
        return 0.0
    months = (end.year - start.year) * 12 + end.month - start.month
    anchor = add_months(start, months)
    if anchor > end:
        months -= 1
        anchor = add_months(start, months)
    following = add_months(start, months + 1)
    return months + (end - anchor).days / (following - anchor).days


def evaluate(activity: Activity, as_of: date) -> Flag:
    threshold = activity.threshold_months
    if activity.status in NOT_EVALUATED:
        return Flag(HealthState.NOT_EVALUATED, threshold, activity.last_substantive, 0)
    never = activity.last_substantive is None
    since = activity.started_on if never else activity.last_substantive
    elapsed = months_between(since, as_of)
    common = dict(threshold_months=threshold, since=since, months=int(elapsed), never_substantive=never,
                  protocol_since=activity.protocol_since, last_protocol=activity.last_protocol)
    planned = activity.next_planned
    if never and elapsed <= threshold:
        return Flag(HealthState.NEW, revival_planned=planned, **common)
    if elapsed > threshold:
        return Flag(HealthState.CEREMONIAL, revival_planned=planned, **common)
    if elapsed > AT_RISK_SHARE * threshold:
        return Flag(HealthState.AT_RISK, revival_planned=planned, **common)
    return Flag(HealthState.HEALTHY, **common)


def health(activity: Activity, as_of: date) -> Health:
    last = activity.last_substantive
    share = (activity.partner_started_12m / activity.substantive_12m) if activity.substantive_12m else None
    return Health(
        days_since_substantive=(as_of - last).days if last else None,
        substantive_12m=activity.substantive_12m,
        pillars_12m=min(activity.pillars_12m, PILLAR_COUNT),
        partner_share=share,
    )


def window_start(as_of: date) -> date:
    """The first day after the look-back window: engagements after it count as "in the last 12 months"."""
    return add_months(as_of, -WINDOW_MONTHS)


def sort_by_attention(flags: dict[int, Flag]) -> list[int]:
    """Partnership ids, most in need of attention first (longest silence first within a state)."""
    return sorted(flags, key=lambda pid: (flags[pid].state.severity, -(flags[pid].months), pid))
