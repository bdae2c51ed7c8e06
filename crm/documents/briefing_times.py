"""The times a briefing packet prints, worded so they cannot be misread: each zone named by its place and
its offset for the mission's own dates ("UTC+1, UTC+2 from March 28"), not for the day the packet is printed;
each appointment with its place and offset and the same moment at home."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_skeleton
from flask_babel import get_locale, gettext, pgettext

from crm.languages import format_list
from crm.localtime import in_zone, is_time_zone, local_midnight, offset_changes, offset_name
from crm.programs.missions.itinerary import ItineraryRow, zone_place

#: Unicode's left-to-right isolate and its end: a time range keeps its start first inside a right-to-left
#: sentence ("00:00–01:30", not "01:30–00:00"), where markup cannot reach into a translated message
LRI, PDI = "\u2066", "\u2069"
#: the first-strong isolate: a city's name keeps its own direction inside a sentence of the other
FSI = "\u2068"
#: the days of a mission whose offsets a cover names at most
MAX_DAYS = 366


@dataclass(frozen=True)
class ZoneLine:
    """One zone of a mission, for the cover."""
    zone: str
    place: str | None  #: None: a zone of no place (UTC), named by its offset alone
    offsets: str  #: "UTC+1, UTC+2 from March 28"
    home: bool  #: the home city's zone, in which the itinerary gives each time a second time


def mission_span(mission, items) -> tuple[date, date]:
    """The calendar days a packet's times fall on: the mission's dates, widened to any appointment outside
    them (a flight the evening before)."""
    first, last = mission.starts_on, mission.ends_on
    for item in items:
        first = min(first, in_zone(item.starts_at, item.timezone).date())
        last = max(last, in_zone(item.ends_at, item.timezone).date())
    return first, last


def isolated(name: str) -> str:
    """A name set apart from the sentence around it, in its own direction (Unicode's first-strong isolate)."""
    return f"{FSI}{name}{PDI}"


def offsets_text(zone: str, first: date, last: date) -> str:
    """A zone's offset over some days, naming each change: "UTC+1, UTC+2 from March 28" (the date in the
    reader's language), from the first day's midnight to the last day's end at that place; at most a year
    of it (a mission is days or weeks long: one ending in 9999 is a typing error, not a reason for an endless
    render and a cover of ten thousand changes)."""
    last = min(last, first + timedelta(days=MAX_DAYS))
    changes = offset_changes(zone, local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone))
    parts = [offset_name(changes[0][1])]
    for moment, offset in changes[1:]:
        day = (moment + offset).date()  # the local date the new offset starts on
        parts.append(pgettext("a UTC offset from a date on", "%(offset)s from %(date)s", offset=offset_name(offset),
                              date=format_skeleton("MMMMd" if day.year == first.year else "yMMMMd", day,
                                                   locale=get_locale())))
    return format_list(parts)  # the language's own separator: "UTC+1、UTC+2 …" in Japanese


def zone_line(zone: str, cities, span: tuple[date, date], home: bool = False) -> ZoneLine:
    return ZoneLine(zone, zone_place(zone, cities), offsets_text(zone, *span), home)


def zone_lines(destination, items, home_city, cities, span: tuple[date, date]) -> list[ZoneLine]:
    """Every zone of a mission, for the cover: its destination's, each other zone of its itinerary, and the
    home city's last (when the itinerary gives home times beside the local ones)."""
    zones = [destination.timezone] if destination is not None and is_time_zone(destination.timezone) else []
    for item in sorted(items, key=lambda i: i.starts_at):
        if is_time_zone(item.timezone) and item.timezone not in zones:
            zones.append(item.timezone)
    lines = [zone_line(zone, cities, span) for zone in zones]
    home_zone = home_city.timezone if home_city is not None and is_time_zone(home_city.timezone) else None
    if home_zone and home_zone not in zones and items:
        lines.append(zone_line(home_zone, [home_city], span, home=True))
    return lines


def row_zone(row: ItineraryRow, place_of: Callable[[str], str | None]) -> str:
    """An appointment's place and zone: "Rome, UTC+2"; `place_of` names a zone's place (zone_place, kept for
    the packet: rows share a few zones)."""
    offset = offset_name(row.offset) if row.offset is not None else "UTC"
    place = place_of(row.item.timezone)
    if place is None:
        return offset
    return pgettext("a place and its UTC offset", "%(place)s, %(offset)s", place=isolated(place), offset=offset)


def home_time(row: ItineraryRow, home_place: str) -> str | None:
    """The same appointment in the home city's time, as the mission page words it, with the home date when
    it differs: "01:00–02:30 in Portland (Mar 27)". None when the place is in the home city's zone."""
    if row.home_start is None:
        return None
    times = LRI + row.home_start.strftime("%H:%M") + "–" + row.home_end.strftime("%H:%M") + PDI
    text = gettext("%(times)s in %(city)s", times=times, city=isolated(home_place))
    if row.home_start.date() != row.local_start.date():
        text = pgettext("a time and, after it, its date", "%(time)s (%(date)s)", time=text,
                        date=format_skeleton("MMMd", row.home_start.date(), locale=get_locale()))
    return text

