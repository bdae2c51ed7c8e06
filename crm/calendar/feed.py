"""A user's calendar as an iCalendar (RFC 5545) file that calendar programs subscribe to."""
from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration, vText
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.calendar import upcoming
from crm.cities.models import City
from crm.clock import utcnow
from crm.extensions import db
from crm.governance.reminders.anniversaries import anniversaries_between
from crm.i18n import LANGUAGES
from crm.partnerships.models import Partnership
from crm.programs.missions.models import ItineraryItem, TradeMission

PRODID = "-//Sister City CRM//EN"
UID_DOMAIN = "sister-city-crm"
DAYS_BACK = 30
DAYS_AHEAD = 365
# Calendar programs poll on their own schedule; this asks for at most hourly.
REFRESH = timedelta(hours=1)

PartnershipLink = Callable[[int], str]


def feed_locale(user: User) -> str:
    return user.language if user.language in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def build_feed(user: User, partnership_ids: Select, today: date, *, link: PartnershipLink | None = None) -> bytes:
    """The user's feed from DAYS_BACK days ago to DAYS_AHEAD days ahead.

    `partnership_ids` is the owner's scope (the caller builds it, since the
    request that fetches a feed is not signed in); `link`, when given, turns a
    partnership id into the URL of its page.
    """
    first, last = today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
    staff = user.is_staff
    stamp = utcnow().replace(microsecond=0)
    with force_locale(feed_locale(user)):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        # icalendar knows no type for X- properties and writes a str or timedelta as it is: commas
        # unescaped (vobject then reads "Trade missions" only) and "1:00:00" for an hour. Typed
        # explicitly, they are TEXT (RFC 5545 3.3.11) and a DURATION (3.3.6) like any other property.
        calendar.add("x-wr-calname", vText(_("Sister City CRM")))
        calendar.add("x-wr-caldesc", vText(_("Trade missions, exchanges, project milestones and agreement expiries.")))
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))

        def event(uid: str, summary: str, partnership: Partnership, description: str | None = None) -> Event:
            item = Event()
            item.add("uid", f"{uid}@{UID_DOMAIN}")
            item.add("dtstamp", stamp)
            item.add("summary", summary)
            lines = [str(description)] if description else []
            lines.append(_("Partnership with %(city)s", city=partnership.partner_city.display_name))
            item.add("description", "\n".join(lines))
            if link is not None:
                item.add("url", link(partnership.id))
            calendar.add_component(item)
            return item

        def all_day(item: Event, first_day: date, last_day: date) -> None:
            # DTEND of an all-day event is exclusive: the day after the last one.
            item.add("dtstart", first_day)
            item.add("dtend", max(last_day, first_day) + timedelta(days=1))
            item.add("transp", "TRANSPARENT")

        session = db.session
        missions = session.scalars(
            upcoming.missions_between(partnership_ids, first, last, include_staff_only=staff)
            .options(selectinload(TradeMission.itinerary)))
        for mission in missions:
            item = event(f"mission-{mission.id}", _("Trade mission: %(title)s", title=mission.title),
                         mission.partnership, mission.direction.label)
            all_day(item, mission.occurred_on, mission.ends_on)
            _add_location(item, mission.destination)
            for appointment in mission.itinerary:
                timed = event(f"itinerary-{appointment.id}", appointment.title, mission.partnership,
                              _("Trade mission: %(title)s", title=mission.title))
                _add_local_times(timed, appointment)
                if appointment.location:
                    timed.add("location", appointment.location)

        for exchange in session.scalars(
                upcoming.exchanges_between(partnership_ids, first, last, include_staff_only=staff)):
            item = event(f"exchange-{exchange.id}", _("Exchange: %(title)s", title=exchange.title),
                         exchange.partnership, exchange.exchange_kind.label)
            all_day(item, exchange.occurred_on, exchange.ends_on)

        for milestone in session.scalars(
                upcoming.open_milestones_between(partnership_ids, first, last, include_staff_only=staff)):
            project = milestone.project
            item = event(f"milestone-{milestone.id}", _("Milestone due: %(title)s", title=milestone.title),
                         project.partnership, _("Joint project: %(title)s", title=project.title))
            all_day(item, milestone.due_on, milestone.due_on)

        for agreement in session.scalars(upcoming.expiring_agreements_between(partnership_ids, first, last)):
            item = event(f"agreement-expiry-{agreement.id}", _("Agreement expires: %(title)s", title=agreement.title),
                         agreement.partnership, agreement.kind.label)
            all_day(item, agreement.expires_on, agreement.expires_on)

        if staff:  # jubilees are the office's planning, not shown to guests
            for jubilee in anniversaries_between(partnership_ids, first, last):
                item = event(f"jubilee-{jubilee.key}-{jubilee.years}", str(upcoming.jubilee_title(jubilee)),
                             jubilee.partnership, _("Jubilee"))
                all_day(item, jubilee.on, jubilee.on)

    # Itinerary items of a long mission may lie outside the window; a year's
    # margin keeps their VTIMEZONE rules valid.
    calendar.add_missing_timezones(first_date=first - timedelta(days=366), last_date=last + timedelta(days=366))
    return calendar.to_ical()


def _add_location(item: Event, city: City | None) -> None:
    if city is not None:
        item.add("location", city.display_name)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _add_local_times(item: Event, appointment: ItineraryItem) -> None:
    # In the zone of the place, not UTC: a calendar program then shows the
    # local time there and keeps it right across daylight-saving changes.
    zone = _zone(appointment.timezone)
    starts = appointment.starts_at.astimezone(zone)
    ends = max(appointment.ends_at, appointment.starts_at).astimezone(zone)
    item.add("dtstart", starts)
    item.add("dtend", ends)
