"""The month calendar: one month of what is planned, due, expiring or remembered, day by day.

A month is named in its URL as ``YYYY-MM``; the month shown by default is the one of the office's date
(crm.clock.office_today), never the server's. Besides what the upcoming page lists (missions, exchanges,
milestones, agreement expiries), a month holds planned engagements (timeline entries dated after the
office's today) and the anniversaries of agreements signed in that month of an earlier year.
"""
import calendar
import re
from datetime import date
from itertools import groupby

from flask_babel import ngettext
from sqlalchemy import Select

from crm.calendar.queries import agreements_signed_in_month, planned_engagements_between
from crm.calendar.upcoming import (
    ANNIVERSARY,
    ENGAGEMENT,
    JUBILEE,
    KIND_ORDER,
    UpcomingEvent,
    jubilee_title,
    partner_city_fields,
    upcoming_events,
)
from crm.extensions import db
from crm.governance.reminders.anniversaries import anniversaries_between
from crm.partnerships.models import Partnership

_MONTH = re.compile(r"(\d{4})-(\d{2})")

Days = list[tuple[date, list[UpcomingEvent]]]


def parse_month(text: str | None) -> date | None:
    """The first day of a ``YYYY-MM`` month (years 1000 to 9998, so that both neighbours exist), or None."""
    found = _MONTH.fullmatch(text or "")
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    return date(year, month, 1) if 1000 <= year <= 9998 and 1 <= month <= 12 else None


def month_key(first: date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def add_months(first: date, count: int) -> date:
    """The first day of the month `count` months after (or before) the month of `first`."""
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_day(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def anniversary_in(signed_on: date, year: int) -> date:
    """The day a signing is remembered in a year: 29 February falls on the 28th in other years."""
    if signed_on.month == 2 and signed_on.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return signed_on.replace(year=year)


def month_events(partnership_ids: Select, first: date, today: date, *, include_staff_only: bool,
                 kind: str | None = None) -> list[UpcomingEvent]:
    """Everything in the month that starts on `first`, sorted by the day it is listed under.

    `today` is the office's date: only engagements after it are planned. `kind` keeps one kind only."""
    last = last_day(first)
    # An agreement's jubilee is already its signing's anniversary below: only partnerships' are added.
    events = [] if kind in (ENGAGEMENT, ANNIVERSARY, JUBILEE) else upcoming_events(
        partnership_ids, first, last.day, include_staff_only=include_staff_only)
    if kind:
        events = [event for event in events if event.kind == kind]
    session = db.session
    if kind in (None, ENGAGEMENT):
        for engagement in session.scalars(planned_engagements_between(
                partnership_ids, first, last, today, include_staff_only=include_staff_only)):
            events.append(_event(engagement.occurred_on, ENGAGEMENT, engagement.title, engagement.partnership,
                                 engagement.id, detail=engagement.kind.label))
    if kind in (None, ANNIVERSARY):
        for agreement in session.scalars(agreements_signed_in_month(partnership_ids, first)):
            years = first.year - agreement.signed_on.year
            events.append(_event(anniversary_in(agreement.signed_on, first.year), ANNIVERSARY, agreement.title,
                                 agreement.partnership, agreement.id,
                                 detail=ngettext("%(num)d year since it was signed",
                                                 "%(num)d years since it was signed", years)))
    if kind in (None, JUBILEE) and include_staff_only:
        for jubilee in anniversaries_between(partnership_ids, first, last, agreements=False):
            events.append(_event(jubilee.on, JUBILEE, jubilee_title(jubilee), jubilee.partnership,
                                 jubilee.subject_id))
    events.sort(key=lambda e: (e.listed_on, KIND_ORDER[e.kind], str(e.title).casefold(), e.record_id))
    return events


def _event(on: date, kind: str, title: str, partnership: Partnership, record_id: int, *,
           detail: str | None = None) -> UpcomingEvent:
    return UpcomingEvent(date=on, end_date=on, kind=kind, title=title, record_id=record_id, listed_on=on,
                         detail=detail, page_id=partnership.id if kind in (ENGAGEMENT, JUBILEE) else None,
                         **partner_city_fields(partnership))


def by_day(events: list[UpcomingEvent]) -> Days:
    return [(day, list(on_day)) for day, on_day in groupby(events, key=lambda e: e.listed_on)]

