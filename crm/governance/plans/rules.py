"""How far an objective of a relationship plan has come: plain functions of the plan's period, the objective's
target, the dates of the records tied to it and today.

- done: the tied records that happened (their date ≤ today) within the plan's period;
- a rate ("2 a year", "1 every 2 years"): the target by now is pro rata, target × elapsed years / per_years,
  elapsed counted from the plan's start to today (or its end, once it has ended), in whole records;
  behind when fewer are done;
- "over the plan" (per_years None): the target is due by the plan's end; behind only once the plan is past
  half its period with nothing done, or when it ended short;
- achieved once the whole plan's target is done; not started while the plan lies in the future.
"""
import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class ProgressState(enum.StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    ACHIEVED = "achieved"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {ProgressState.NOT_STARTED: _l("Not started"), ProgressState.ON_TRACK: _l("On track"),
                ProgressState.BEHIND: _l("Behind"), ProgressState.ACHIEVED: _l("Achieved")}


@dataclass(frozen=True)
class Progress:
    state: ProgressState
    done: int  #: tied records that happened within the period, up to today
    expected: int  #: how many should be done by now (for "over the plan": the whole target)
    total: int  #: the whole plan's target
    ends_on: date
    starts_on: date
    over_the_plan: bool
    ended: bool

    @property
    def percent(self) -> int:
        """How much of the whole plan's target is done, 0–100 (for the progress bar)."""
        return min(100, round(100 * self.done / self.total)) if self.total else 100

    @property
    def counts_as_on_track(self) -> bool:
        """For summaries ("3 of 4 objectives on track"): achieved ones are on track too."""
        return self.state in (ProgressState.ON_TRACK, ProgressState.ACHIEVED)

    def as_dict(self) -> dict:
        return {"state": self.state.value, "done": self.done, "expected": self.expected, "total": self.total,
                "percent": self.percent}


def years_between(start: date, end: date) -> float:
    """Years from the start of ``start`` to the end of ``end`` (both days included): whole years by their
    anniversaries, then the part of the next year in days. 1 Jan 2026 – 31 Dec 2030 is exactly 5."""
    stop = end + timedelta(days=1)
    if stop <= start:
        return 0.0
    whole = stop.year - start.year
    while whole > 0 and _anniversary(start, whole) > stop:
        whole -= 1
    last = _anniversary(start, whole)
    following = _anniversary(start, whole + 1)
    return whole + (stop - last).days / (following - last).days


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year that has none
        return start.replace(year=start.year + years, day=28)


def _whole(value: float) -> int:
    """Whole records, forgiving the float's last digit (4.999999 records are 5)."""
    return math.floor(value + 1e-9)


def plan_total(target_count: int, per_years: int | None, starts_on: date, ends_on: date) -> int:
    """The whole plan's target: a rate over the plan's years, or the count itself."""
    if per_years is None:
        return target_count
    return max(1, _whole(target_count * years_between(starts_on, ends_on) / per_years))


def count_done(record_dates: Iterable[date | None], starts_on: date, ends_on: date, today: date) -> int:
    """The tied records that happened within the plan's period, up to today."""
    last = min(today, ends_on)
    return sum(1 for day in record_dates if day is not None and starts_on <= day <= last)


def objective_progress(*, starts_on: date, ends_on: date, target_count: int, per_years: int | None,
                       record_dates: Iterable[date | None], today: date) -> Progress:
    """The progress of one objective as of ``today``."""
    done = count_done(record_dates, starts_on, ends_on, today)
    total = plan_total(target_count, per_years, starts_on, ends_on)
    over_the_plan = per_years is None
    ended = today > ends_on
    fields = {"done": done, "total": total, "starts_on": starts_on, "ends_on": ends_on,
              "over_the_plan": over_the_plan, "ended": ended}
    if today < starts_on:
        return Progress(state=ProgressState.NOT_STARTED, expected=0, **fields)
    if over_the_plan:
        expected = total
        if done >= total:
            state = ProgressState.ACHIEVED
        elif ended:
            state = ProgressState.BEHIND
        else:
            past_half = years_between(starts_on, today) > years_between(starts_on, ends_on) / 2
            state = ProgressState.BEHIND if past_half and done == 0 else ProgressState.ON_TRACK
        return Progress(state=state, expected=expected, **fields)
    # Once the plan has ended, the whole target was due (a plan shorter than the interval still owes one).
    expected = total if ended else min(total, _whole(target_count * years_between(starts_on, today) / per_years))
    if done >= total:
        state = ProgressState.ACHIEVED
    elif done >= expected:
        state = ProgressState.ON_TRACK
    else:
        state = ProgressState.BEHIND
    return Progress(state=state, expected=expected, **fields)


def describe_target(target_count: int, per_years: int | None) -> str:
    """The target in words: "2 a year", "1 every 2 years", "1 over the plan"."""
    if per_years is None:
        return ngettext("%(num)d over the plan", "%(num)d over the plan", target_count)
    if per_years == 1:
        return ngettext("%(num)d a year", "%(num)d a year", target_count)
    return ngettext("%(target)d every %(num)d year", "%(target)d every %(num)d years", per_years, target=target_count)


def explain(progress: Progress) -> str:
    """Why the objective is in its state, in words ("1 of 2 expected by now")."""
    if progress.state == ProgressState.NOT_STARTED:
        return _("The plan starts on %(date)s.", date=format_date(progress.starts_on, "long"))
    if progress.state == ProgressState.ACHIEVED:
        return ngettext("%(num)d done: the plan’s target is reached.",
                        "%(num)d done: the plan’s target is reached.", progress.done)
    if progress.over_the_plan:
        if progress.ended:
            return ngettext("%(done)d of %(num)d done when the plan ended.",
                            "%(done)d of %(num)d done when the plan ended.", progress.total, done=progress.done)
        if progress.state == ProgressState.BEHIND:
            return _("Nothing done yet, and the plan is past half its period; %(num)d due by %(date)s.",
                     num=progress.total, date=format_date(progress.ends_on, "long"))
        return ngettext("%(done)d of %(num)d done; due by %(date)s.", "%(done)d of %(num)d done; due by %(date)s.",
                        progress.total, done=progress.done, date=format_date(progress.ends_on, "long"))
    if progress.ended:
        return ngettext("%(done)d of %(num)d done when the plan ended.",
                        "%(done)d of %(num)d done when the plan ended.", progress.total, done=progress.done)
    return ngettext("%(done)d of %(num)d expected by now (%(total)d by %(date)s).",
                    "%(done)d of %(num)d expected by now (%(total)d by %(date)s).", progress.expected,
                    done=progress.done, total=progress.total, date=format_date(progress.ends_on, "long"))


def overlaps(starts_on: date, ends_on: date, others: Iterable[tuple[date, date]]) -> bool:
    """Whether the period shares a day with any of the others (a partnership has one plan at a time)."""
    return any(starts_on <= other_end and other_start <= ends_on for other_start, other_end in others)
