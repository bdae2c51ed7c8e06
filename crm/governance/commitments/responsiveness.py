"""How quickly the office answers what the partner starts: for each partnership, the median days from an
engagement the partner side started to the next one our side started, over the last 24 months.

The rule (``median_response``) is a plain function of the partnership's engagement rows; ``responsiveness``
reads those rows in one query."""
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from statistics import median

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from crm.engagements.models import Engagement
from crm.enums import Side
from crm.extensions import db

WINDOW_MONTHS = 24


@dataclass(frozen=True)
class Responsiveness:
    #: engagements the partner started in the window (what is past, not planned)
    partner_started: int
    #: of those, how many our side has answered since
    answered: int
    #: the median days to the answer, over the answered ones; None when none is answered
    median_days: float | None

    @property
    def rounded_days(self) -> int | None:
        """The median in whole days, a half rounded up."""
        return None if self.median_days is None else int(self.median_days + 0.5)


def window_start(as_of: date) -> date:
    return as_of - relativedelta(months=WINDOW_MONTHS)


def median_response(rows, as_of: date) -> Responsiveness:
    """rows: (occurred_on, initiated_by) of one partnership's engagements, in any order. A partner-started
    engagement in the 24 months up to as_of is answered by the first engagement our side started on the same day
    or later (up to as_of: planned ones answer nothing yet); the days between are its response time."""
    start = window_start(as_of)
    ours = sorted(day for day, side in rows if side == Side.HOME and day <= as_of)
    times = []
    started = 0
    for day, side in rows:
        if side != Side.PARTNER or not start < day <= as_of:
            continue
        started += 1
        at = bisect_left(ours, day)
        if at < len(ours):
            times.append((ours[at] - day).days)
    return Responsiveness(started, len(times), median(times) if times else None)


def responsiveness(partnership_id: int, as_of: date) -> Responsiveness:
    """One query: the partnership's engagements from the window's start up to as_of."""
    rows = db.session.execute(
        select(Engagement.occurred_on, Engagement.initiated_by)
        .where(Engagement.partnership_id == partnership_id, Engagement.occurred_on > window_start(as_of),
               Engagement.occurred_on <= as_of)
    ).all()
    return median_response(rows, as_of)
