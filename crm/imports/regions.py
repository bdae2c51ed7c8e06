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

#: English names of regions that ISO 3166-2 gives only in their own language, as partner lists write them
EXONYMS = {
    "ES": ("Andalusia", "Castile and León", "Castile-La Mancha", "Catalonia", "Basque Country", "Valencian Community",
           "Balearic Islands", "Canary Islands", "Navarre", "Aragon"),
    "IT": ("Lombardy", "Piedmont", "Tuscany", "Sicily", "Sardinia", "Apulia", "Aosta Valley", "Friuli-Venezia Giulia",
           "Trentino-South Tyrol", "Latium"),
    "DE": ("Bavaria", "Lower Saxony", "North Rhine-Westphalia", "Hesse", "Thuringia", "Saxony", "Saxony-Anhalt",
           "Rhineland-Palatinate", "Mecklenburg-Western Pomerania"),
    "FR": ("Brittany", "Normandy", "Burgundy", "Corsica", "Auvergne-Rhône-Alpes"),
    "BE": ("Flanders", "Wallonia"),
    "PH": ("Metro Manila",),
    "ID": ("East Java", "West Java", "Central Java", "Jakarta", "Bali"),
    "PL": ("Lower Silesia", "Silesia", "Lesser Poland", "Greater Poland", "Pomerania", "Masovia"),
    "CZ": ("Bohemia", "Moravia"),
}


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
    if not folded:
        return False
    if folded in {fold(exonym) for exonym in EXONYMS.get(country_code or "", ())}:
        return True
    if not names:
        return False
    return process.extractOne(folded, names, scorer=fuzz.WRatio, score_cutoff=SURE_REGION) is not None
