"""The itinerary day by day, in the local time of each place (and the home city's)."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from babel.dates import get_timezone_location
from flask_babel import get_locale

from crm.localtime import in_zone, is_time_zone


@dataclass(frozen=True)
class ItineraryRow:
    item: object
    local_start: datetime
    local_end: datetime
    home_start: datetime | None  #: the same moment in the home city's time
    home_end: datetime | None

    @property
    def offset(self) -> timedelta | None:
        """The place's UTC offset when the appointment starts (None for an unknown zone)."""
        return self.local_start.utcoffset()


def itinerary_days(items, home_zone: str | None) -> list[tuple[date, list[ItineraryRow]]]:
    """Items grouped by their local date, in time order."""
    rows = [
        ItineraryRow(item, in_zone(item.starts_at, item.timezone), in_zone(item.ends_at, item.timezone),
                     in_zone(item.starts_at, home_zone) if home_zone and home_zone != item.timezone else None,
                     in_zone(item.ends_at, home_zone) if home_zone and home_zone != item.timezone else None)
        for item in sorted(items, key=lambda i: i.starts_at)
    ]
    return [(day, list(group)) for day, group in groupby(rows, key=lambda row: row.local_start.date())]


def zone_city(zone: str | None) -> str | None:
    """The city a time zone is named after, in the reader's language ("Rom", "ローマ"); None for a zone of no
    place (UTC, Etc/GMT+5), which is named by its offset alone."""
    if not is_time_zone(zone) or "/" not in zone or zone.startswith("Etc/"):
        return None
    return get_timezone_location(zone, locale=get_locale(), return_city=True)


def city_place(city) -> str:
    """A city's name for a time line: its zone's own city in the reader's language when that is the city
    (Rome in a German text is "Rom"), else the city's English name as the records keep it."""
    if city.timezone and "/" in city.timezone and not city.timezone.startswith("Etc/") \
            and get_timezone_location(city.timezone, locale="en", return_city=True) == city.name:
        return zone_city(city.timezone) or city.name
    return city.name


def zone_place(zone: str | None, cities=()) -> str | None:
    """The place a zone is named by on an itinerary: one of the mission's cities in that zone (its destination,
    the partner city, the home city: the first of `cities` that is), else the zone's own city. Portland's zone
    is America/Los_Angeles: a Portland appointment is "Portland", not "Los Angeles"."""
    for city in cities:
        if city is not None and city.timezone == zone:
            return city_place(city)
    return zone_city(zone)
