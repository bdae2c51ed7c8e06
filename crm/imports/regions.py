"""Regions (states, provinces, prefectures…) by country, from ISO 3166-2 as pycountry ships it.

Partner lists name regions too ("Calabria", "Queensland", "Saarland"): they are
not cities, so they are kept as the file gives them rather than matched to a
town that happens to sound alike.
"""
import functools

import pycountry
from rapidfuzz import fuzz, process

from crm.imports.countries import fold

SURE_REGION = 90  #: how close a name must be to an ISO 3166-2 subdivision's name to count as that region


@functools.cache
def _names(country_code: str) -> tuple[str, ...]:
    try:
        subdivisions = pycountry.subdivisions.get(country_code=country_code) or ()
    except LookupError:
        return ()
    return tuple(sorted({fold(subdivision.name) for subdivision in subdivisions}))


def is_region(name: str, country_code: str | None) -> bool:
    """Whether the name is (close to) the name of one of the country's ISO 3166-2 subdivisions."""
    names = _names(country_code) if country_code else ()
    folded = fold(name or "")
    if not names or not folded:
        return False
    return process.extractOne(folded, names, scorer=fuzz.WRatio, score_cutoff=SURE_REGION) is not None
