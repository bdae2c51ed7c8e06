"""The itinerary day by day, in the local time of each place (and the home city's)."""
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from crm.localtime import in_zone


@dataclass(frozen=True)
class ItineraryRow:
    item: object
    local_start: datetime
    local_end: datetime
    home_start: datetime | None  #: the same moment in the home city's time
    home_end: datetime | None


def itinerary_days(items, home_zone: str | None) -> list[tuple[date, list[ItineraryRow]]]:
    """Items grouped by their local date, in time order."""
    rows = [
        ItineraryRow(item, in_zone(item.starts_at, item.timezone), in_zone(item.ends_at, item.timezone),
                     in_zone(item.starts_at, home_zone) if home_zone and home_zone != item.timezone else None,
                     in_zone(item.ends_at, home_zone) if home_zone and home_zone != item.timezone else None)
        for item in sorted(items, key=lambda i: i.starts_at)
    ]
    return [(day, list(group)) for day, group in groupby(rows, key=lambda row: row.local_start.date())]
