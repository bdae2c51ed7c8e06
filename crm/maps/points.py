"""What the map shows: one point per partnership, coloured by its health, and the home cities."""
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from crm.health.reasons import reason, state_label
from crm.health.rules import Flag, HealthState
from crm.partnerships.models import PartnershipStatus

PLACE = _l("%(city)s, %(country)s")
WITH_REASON = _l("%(place)s: %(health)s — %(reason)s")
WITHOUT_REASON = _l("%(place)s: %(health)s")


@dataclass(frozen=True)
class MapPoint:
    partnership_id: int
    latitude: float
    longitude: float
    state: HealthState
    title: str  #: the hover text and accessible name: city, country, health and why


@dataclass(frozen=True)
class HomePoint:
    latitude: float
    longitude: float
    title: str


def city_name(name: str, native_name: str | None) -> str:
    return f"{name} ({native_name})" if native_name and native_name != name else name


@lru_cache(maxsize=20_000)
def cached_reason(locale: str, flag: Flag, status: PartnershipStatus, as_of: date) -> str:
    """A flag's reason in words, kept per process: a flag changes only when the figures or the date do
    (both in the key), and wording it costs about a tenth of a millisecond — half a second for a map
    of 5,000 partnerships. The locale is in the key; the reason is worded in the request's locale."""
    return reason(flag, status.label, as_of)


def partnership_points(rows, flags: dict[int, Flag], as_of: date, *, with_reasons: bool = True) -> list[MapPoint]:
    """Points for the rows of crm.maps.queries.partner_cities that have coordinates and a flag.

    Thousands of points on one page: the translated patterns, labels and country names are looked up
    once, not once per point (each gettext call costs a trip through Flask-Babel's context)."""
    place_pattern, title_pattern = str(PLACE), str(WITH_REASON if with_reasons else WITHOUT_REASON)
    labels = {state: state_label(state) for state in HealthState}
    locale = str(get_locale())
    territories = dict(get_locale().territories)
    points = []
    for row in rows:
        flag = flags.get(row.id)
        if flag is None or row.latitude is None or row.longitude is None:
            continue
        code = (row.country_code or "").upper()
        place = place_pattern % {"city": city_name(row.name, row.native_name),
                                 "country": territories.get(code, code)}
        values = {"place": place, "health": labels[flag.state]}
        if with_reasons:
            values["reason"] = cached_reason(locale, flag, row.status, as_of)
        points.append(MapPoint(row.id, row.latitude, row.longitude, flag.state, title_pattern % values))
    return points


def home_points(cities) -> list[HomePoint]:
    return [HomePoint(c.latitude, c.longitude, gettext("Home city: %(city)s", city=city_name(c.name, c.native_name)))
            for c in cities if c.latitude is not None and c.longitude is not None]


def counts_by_state(flags) -> list[tuple[HealthState, int]]:
    """Each health state with how many of the flags are in it, in the order of attention."""
    counts = Counter(flag.state for flag in flags)
    return [(state, counts[state]) for state in HealthState]
