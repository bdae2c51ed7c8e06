"""The comparison: "Wikidata says X, we record Y".

- missing_here: twinnings Wikidata states for a home city that the office does not record (handed to the
  import preview by crm.wikidata.handoff);
- missing_there: the office's partnerships (not archived) of the home cities the file covers (named in it, with
  or without a twin) that Wikidata does not state (to be contributed);
- differences: both know the twinning, but the start (P580) is not when the office says it was established (by
  year when Wikidata gives only a year), or one side says it ended and the other does not.

The report is a plain dict (kept as JSON on WikidataComparison.report); city names are copied into it, so a
report reads as it was made.
"""
from sqlalchemy import bindparam, select, update

from crm.cities.models import City
from crm.enums import PartnershipStatus
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.wikidata.matching import BY_GEONAMES, OfficeCities, office_cities
from crm.wikidata.reading import Statement, is_twinning

MISSING_HERE, MISSING_THERE, DIFFERENCES = "missing_here", "missing_there", "differences"
LISTS = (MISSING_HERE, MISSING_THERE, DIFFERENCES)
#: kinds of difference
START, ENDED_THERE, ENDED_HERE = "start", "ended_there", "ended_here"


def compare(statements: list[Statement], record_ids: bool = True) -> dict:
    """The report for these statements against the database; with record_ids, the Wikidata ids of cities matched
    by GeoNames id are written on cities that have none (in the caller's transaction)."""
    office = office_cities()
    partnerships = {}
    for pid, home_id, partner_id, status, established, archived in db.session.execute(
            select(Partnership.id, Partnership.home_city_id, Partnership.partner_city_id, Partnership.status,
                   Partnership.established_on, Partnership.archived_at)):
        partnerships[frozenset((home_id, partner_id))] = (pid, home_id, partner_id, status, established, archived)
    cities: dict[int, dict] = {}
    learned: dict[int, str] = {}
    counts = {"statements": 0, "not_home": 0, "home_unmatched": 0, "twins_matched": 0, "agreeing": 0}
    missing_here, differences, seen, covered = [], [], set(), set()
    for s in statements:
        twinning = is_twinning(s)
        counts["statements"] += twinning
        home_id, home_how = office.match(s.city, s.city_geonames, s.city_label, s.city_country, home=True)
        if home_id is None or home_id not in office.home_ids:
            counts["home_unmatched" if home_id is None else "not_home"] += twinning
            continue
        covered.add(home_id)
        _learn(office, learned, home_id, home_how, s.city)
        if not twinning:
            continue
        twin_id, twin_how = office.match(s.twin, s.twin_geonames, s.twin_label, s.twin_country)
        _learn(office, learned, twin_id, twin_how, s.twin)
        if twin_id == home_id:
            continue
        key = frozenset((home_id, twin_id)) if twin_id else (home_id, s.twin or s.twin_geonames or s.twin_label)
        if key in seen:  # stated from both sides (both are home cities), or twice
            continue
        seen.add(key)
        _city(cities, office, home_id)
        if twin_id:
            counts["twins_matched"] += 1
            _city(cities, office, twin_id)
        found = partnerships.get(key) if twin_id else None
        if found is None:
            missing_here.append({"home": home_id, "twin_city": twin_id, "q": s.twin, "label": s.twin_label,
                                 "cc": s.twin_country, "gn": s.twin_geonames, "lat": s.twin_lat,
                                 "lng": s.twin_lng, "start": s.start, "end": s.end})
            continue
        found_differences = _differences(found, s)
        for difference in found_differences:
            differences.append({"partnership": found[0], "home": found[1], "partner": found[2], **difference})
            _city(cities, office, found[2])
        counts["agreeing"] += not found_differences
    stated = {k for k in seen if isinstance(k, frozenset)}
    missing_there = []
    for key, (pid, home_id, partner_id, status, established, archived) in partnerships.items():
        if archived is not None or key in stated or not ({home_id, partner_id} & covered):
            continue  # only the home cities the file speaks for
        if home_id not in covered:  # recorded the other way round: the home city the file covers first
            home_id, partner_id = partner_id, home_id
        _city(cities, office, home_id)
        _city(cities, office, partner_id)
        missing_there.append({"partnership": pid, "home": home_id, "partner": partner_id,
                              "since": established.isoformat() if established else "",
                              "status": getattr(status, "value", status)})
    if record_ids and learned:
        _record(learned)
    for city_id, q in learned.items():
        if str(city_id) in cities:
            cities[str(city_id)]["q"] = q
    name = lambda city_id: (cities.get(str(city_id)) or {}).get("name", "")
    missing_here.sort(key=lambda r: (name(r["home"]).casefold(), (r["label"] or r["q"]).casefold()))
    missing_there.sort(key=lambda r: (name(r["home"]).casefold(), name(r["partner"]).casefold()))
    differences.sort(key=lambda r: (name(r["home"]).casefold(), name(r["partner"]).casefold(), r["kind"]))
    counts.update({"home_cities": len(covered), MISSING_HERE: len(missing_here), MISSING_THERE: len(missing_there),
                   DIFFERENCES: len(differences), "wikidata_ids_recorded": len(learned) if record_ids else 0})
    return {"counts": counts, "cities": cities, MISSING_HERE: missing_here, MISSING_THERE: missing_there,
            DIFFERENCES: differences}


def _learn(office: OfficeCities, learned: dict, city_id: int | None, how: str | None, q: str) -> None:
    """A city matched by its GeoNames id is the item Wikidata names: its Wikidata id, if the city has none."""
    if city_id and how == BY_GEONAMES and q and not office.cities[city_id].wikidata_id:
        learned.setdefault(city_id, q)


def _city(cities: dict, office: OfficeCities, city_id: int) -> None:
    if str(city_id) not in cities:
        c = office.cities[city_id]
        cities[str(city_id)] = {"name": c.name, "native": c.native_name or "", "cc": c.country_code,
                                "gn": c.geonames_id, "q": c.wikidata_id or "", "lat": c.latitude,
                                "lng": c.longitude}


def _differences(found: tuple, s: Statement) -> list[dict]:
    _pid, _home, _partner, status, established, _archived = found
    result = []
    if s.start:
        ours = established.isoformat() if established else ""
        stated = _precise(s.start)
        same = bool(ours) and (ours[:4] == stated if len(stated) == 4 else ours == stated)
        if not same:
            result.append({"kind": START, "wikidata": stated, "ours": ours})
    if s.end and status == PartnershipStatus.ACTIVE:
        result.append({"kind": ENDED_THERE, "wikidata": _precise(s.end), "ours": PartnershipStatus.ACTIVE.value})
    if not s.end and status == PartnershipStatus.ENDED:
        result.append({"kind": ENDED_HERE, "wikidata": "", "ours": PartnershipStatus.ENDED.value})
    return result


def _precise(day: str) -> str:
    """A Wikidata date as precise as it can be told: a date of year precision reads 1 January (the query's
    simple value carries no precision), so "1959-01-01" is taken as the year 1959."""
    return day[:4] if len(day) == 4 or day.endswith("-01-01") else day


def _record(learned: dict[int, str]) -> None:
    """City.wikidata_id for the cities that have none, in one statement; the version moves on, so a form opened
    before is told the city changed rather than saving the empty id back."""
    table = City.__table__
    db.session.execute(
        update(table).where(table.c.id == bindparam("city_id"), table.c.wikidata_id.is_(None))
        .values(wikidata_id=bindparam("q"), version=table.c.version + 1),
        [{"city_id": city_id, "q": q[:16]} for city_id, q in learned.items()])
    for city in db.session.identity_map.values():
        if isinstance(city, City) and city.id in learned:
            db.session.expire(city)
