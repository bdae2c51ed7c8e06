"""From a mapped file to a plan: every distinct city matched once, every row either written or skipped with a reason.

Nothing here writes to the partnership tables; the plan is kept on the
import job until the user confirms it.
"""
import re
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import aliased

from crm.cities.models import City
from crm.contacts.models import Contact
from crm.exports.columns import city_name
from crm.extensions import db
from crm.imports.columns import ASSOCIATION, CONTACTS
from crm.imports.countries import country_code, fold
from crm.imports.matching import MATCHED, UNMATCHED, Matcher, _coordinates
from crm.imports.regions import is_region
from crm.partnerships.models import Partnership

# Why a row is not written.
SKIP_UNRESOLVED = "unresolved"  #: a city still needs the user's decision
SKIP_CHOSEN = "skipped"  #: the user chose to skip its city
SKIP_SAME_CITY = "same_city"
SKIP_DUPLICATE = "duplicate"  #: the same pair earlier in the file (either way round)
SKIP_EXISTING = "existing"  #: the partnership is already in the database
SKIP_OTHER_HOME = "other_home"  #: the row belongs to another home city than the chosen one
SKIP_EMPTY = "empty"


def cell(row: list[str], mapping: dict, field: str) -> str:
    index = mapping.get(field)
    return row[index].strip() if index is not None and 0 <= index < len(row) else ""


#: words that make a name an administrative area or a city district, not a city: "Orange County",
#: "Plovdiv Province", "Miyazaki Prefecture", "Sverdlovsk Oblast", "Petrogradsky (Saint Petersburg)"
AREA = re.compile(r"\((?:[^()]+)\)\s*$|\b(?:county|province|prefecture|oblast|krai|raion|district|region|"
                  r"governorate|municipality|borough|canton|department|state|voivodeship|atoll|"
                  r"metropolitan area|métropole)\b", re.IGNORECASE)


def is_area(name: str) -> bool:
    """Whether the name says it is a county, province, district… rather than a city."""
    return bool(AREA.search(name or ""))


def default_choice(match: dict, cc: str | None, point, name: str = "") -> str | None:
    if match["status"] == MATCHED:
        return f"gn:{match['geonames_id']}"
    if cc and point and match["status"] == UNMATCHED and not any(c["score"] >= 80 for c in match["candidates"]):
        # Nothing like it in the gazetteer, and the file says where it is: a town too small for GeoNames.
        return "create"
    if cc and point and (is_area(name) or is_region(name, cc)):
        # A region, or a county, province or district named after a city, is not that city: keep it as
        # the file gives it (name, country, coordinates) rather than guessing the city or asking.
        return "create"
    return None


def stage_partnerships(job, matcher: Matcher | None = None, progress=None) -> None:
    """Match every distinct city of the file and record the rows' pairs on the job."""
    data = dict(job.data)
    rows, mapping = data["rows"], data["mapping"]
    association = job.mode == ASSOCIATION
    home_names = _home_names(job) if not association and mapping.get("home_city") is not None else None
    keys: dict[tuple, int] = {}
    wanted: list[tuple] = []
    pairs = []
    for number, row in enumerate(rows):
        if home_names is not None and fold(cell(row, mapping, "home_city")) not in home_names:
            pairs.append([number, None, None, SKIP_OTHER_HOME])
            continue
        refs = []
        for side in ("home", "partner") if association else ("partner",):
            name = cell(row, mapping, f"{side}_city")
            if not name:
                refs.append(None)
                continue
            key = (name, cell(row, mapping, f"{side}_country"), cell(row, mapping, f"{side}_lat"),
                   cell(row, mapping, f"{side}_lng"), cell(row, mapping, f"{side}_geonames"))
            if key not in keys:
                keys[key] = len(wanted)
                wanted.append(key)
            refs.append(keys[key])
        home_ref, partner_ref = (refs if association else [None, refs[0]])
        empty = partner_ref is None or (association and home_ref is None)
        pairs.append([number, home_ref, partner_ref, SKIP_EMPTY if empty else None])
    matcher = matcher or Matcher()
    recorded = _recorded_without_gazetteer()
    cities = []
    for n, (name, country, lat, lng, geonames) in enumerate(wanted):
        cc = country_code(country) if country else None
        point = _coordinates(lat, lng)
        match = (_by_geonames_id(matcher, geonames, point)
                 or matcher.match(name, cc, *(point or (None, None))).as_json())
        # A city recorded before from a file or by hand (no gazetteer entry) is that city again, not the
        # gazetteer's namesake: the app's own export comes back to the partnerships it lists.
        choice = "create" if cc and (fold(name), cc) in recorded else default_choice(match, cc, point, name)
        cities.append({"name": name[:200], "country": country[:100], "cc": cc, "lat": point and point[0],
                       "lng": point and point[1], "match": match, "choice": choice})
        if progress and (n % 200 == 0 or n == len(wanted) - 1):
            progress(n + 1, len(wanted))
    data["cities"], data["pairs"] = cities, pairs
    data["unknown_countries"] = sorted({c for _n, c, _a, _o, _g in wanted if c and country_code(c) is None})
    # Only now, after the matching: a change to the job flushed earlier (a query autoflushes) would hold its row
    # in this transaction, and `progress` writes that row on a connection of its own: it would wait for ever.
    job.total, job.processed = len(wanted), 0
    job.data = data


def _by_geonames_id(matcher: Matcher, text: str, point) -> dict | None:
    """The match for the GeoNames id a file gives (an optional column), or None (the name decides then)."""
    match = matcher.by_geonames_id(int(text), point) if text.isdigit() and len(text) <= 10 else None
    return match.as_json() if match else None


def _recorded_without_gazetteer() -> set[tuple[str, str]]:
    """(folded name, country) of the cities recorded without a gazetteer entry (few: from files or by hand)."""
    return {(fold(name), cc) for name, cc in db.session.execute(
        select(City.name, City.country_code).where(City.geonames_id.is_(None)))}


def _home_names(job) -> set[str]:
    city = db.session.get(City, job.home_city_id)
    if city is None:
        return set()
    return {fold(n) for n in (city.name, city.native_name or "", *(city.alternate_names or "").split("\n")) if n}


def identity(entry: dict) -> tuple | None:
    """What a city of the file resolves to: a gazetteer entry or a city made from the file."""
    choice = entry.get("choice") or ""
    if choice.startswith("gn:"):
        return ("gn", int(choice[3:]))
    if choice == "create" and entry.get("cc"):
        return ("new", fold(entry["name"]), entry["cc"])
    return None


def city_identity(geonames_id: int | None, name: str, cc: str) -> tuple:
    return ("gn", geonames_id) if geonames_id else ("new", fold(name), cc)


def existing_pairs() -> set[frozenset]:
    """Every partnership already in the database, as an unordered pair of city identities."""
    home, partner = aliased(City), aliased(City)
    rows = db.session.execute(
        select(home.geonames_id, home.name, home.country_code, partner.geonames_id, partner.name,
               partner.country_code)
        .select_from(Partnership).join(home, home.id == Partnership.home_city_id)
        .join(partner, partner.id == Partnership.partner_city_id))
    return {frozenset((city_identity(r[0], r[1], r[2]), city_identity(r[3], r[4], r[5]))) for r in rows}


def plan(job) -> list[tuple[int, tuple | None, tuple | None, str | None]]:
    """(row, home identity, partner identity, reason it is skipped or None) for every row."""
    cities = job.data.get("cities", [])
    home_city = db.session.get(City, job.home_city_id) if job.home_city_id else None
    fixed_home = city_identity(home_city.geonames_id, home_city.name, home_city.country_code) if home_city else None
    seen: set[frozenset] = set()
    existing = existing_pairs()
    result = []
    for number, home_ref, partner_ref, reason in job.data.get("pairs", []):
        home = partner = None
        if reason is None:
            home_entry = cities[home_ref] if home_ref is not None else None
            partner_entry = cities[partner_ref]
            home = identity(home_entry) if home_entry else fixed_home
            partner = identity(partner_entry)
            if home is None or partner is None:
                chosen = (home_entry or {}).get("choice") == "skip" or partner_entry.get("choice") == "skip"
                reason = SKIP_CHOSEN if chosen else SKIP_UNRESOLVED
            elif home == partner:
                reason = SKIP_SAME_CITY
            elif frozenset((home, partner)) in existing:
                reason = SKIP_EXISTING
            elif frozenset((home, partner)) in seen:
                reason = SKIP_DUPLICATE
            else:
                seen.add(frozenset((home, partner)))
        result.append((number, home, partner, reason))
    return result


def counts(job, planned=None) -> dict:
    """The preview's figures."""
    if job.kind == CONTACTS:
        planned = planned if planned is not None else plan_contacts(job)
    else:
        planned = planned if planned is not None else plan(job)
    reasons = Counter(p[-1] for p in planned)
    cities = job.data.get("cities", [])
    statuses = Counter(c["match"]["status"] for c in cities)
    choices = Counter((c.get("choice") or "").split(":")[0] for c in cities)
    return {
        "rows": len(planned), "write": reasons[None], "skipped": len(planned) - reasons[None],
        "reasons": {k: v for k, v in reasons.items() if k},
        "cities": len(cities), "matched": statuses[MATCHED], "ambiguous": statuses["ambiguous"],
        "unmatched": statuses[UNMATCHED], "gazetteer": choices["gn"] + choices["p"], "create": choices["create"],
        "undecided": choices[""], "skip": choices["skip"],
    }


# Contacts ---------------------------------------------------------------------------------------------------------


def stage_contacts(job, partnerships: list[Partnership], progress=None) -> None:
    """Find each row's partnership: the one chosen for the whole file, or by the partner city's name."""
    from rapidfuzz import fuzz, process

    data = dict(job.data)
    rows, mapping = data["rows"], data["mapping"]
    names: dict[str, set[int]] = {}
    labels = {}
    for p in partnerships:
        labels[p.id] = f"{p.partner_city.name} – {p.home_city.name}"
        # city_name(): "Kyoto (京都市)", as the app's own contacts export names the partnership
        for spelling in (p.partner_city.name, p.partner_city.native_name or "", city_name(p.partner_city),
                         *(p.partner_city.alternate_names or "").split("\n")):
            if spelling:
                names.setdefault(fold(spelling), set()).add(p.id)
    keys: dict[str, int] = {}
    cities, pairs = [], []
    for number, row in enumerate(rows):
        if job.partnership_id:
            pairs.append([number, None, None, None if cell(row, mapping, "name") else SKIP_EMPTY])
            continue
        city = cell(row, mapping, "partner_city")
        if not city or not cell(row, mapping, "name"):
            pairs.append([number, None, None, SKIP_EMPTY])
            continue
        if city not in keys:
            keys[city] = len(cities)
            found = names.get(fold(city), set())
            if not found:
                best = process.extract(fold(city), list(names), scorer=fuzz.WRatio, limit=3, score_cutoff=80)
                candidates = {pid: score for name, score, _i in best for pid in names[name]}
            else:
                candidates = {pid: 100 for pid in found}
            ranked = sorted(candidates.items(), key=lambda kv: -kv[1])
            sure = ranked and ranked[0][1] >= 90 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1] - 5)
            status = MATCHED if sure else ("ambiguous" if ranked else UNMATCHED)
            match = {"status": status, "confidence": round(ranked[0][1]) if ranked else 0,
                     "geonames_id": None, "method": "exact" if found else "fuzzy",
                     "candidates": [{"partnership_id": pid, "name": labels[pid], "score": round(score)}
                                    for pid, score in ranked[:5]]}
            cities.append({"name": city[:200], "country": "", "cc": None, "match": match,
                           "choice": f"p:{ranked[0][0]}" if sure else None})
        pairs.append([number, None, keys[city], None])
    data["cities"], data["pairs"] = cities, pairs
    job.data, job.total, job.processed = data, len(rows), len(rows)
    if progress:
        progress(len(rows), len(rows))


def plan_contacts(job) -> list[tuple[int, int | None, str | None]]:
    """(row, partnership id, reason it is skipped or None) for every row of a contacts file."""
    cities, mapping, rows = job.data.get("cities", []), job.data["mapping"], job.data["rows"]
    existing = {(pid, key.casefold()) for pid, email, name in db.session.execute(
        select(Contact.partnership_id, Contact.email, Contact.name)) for key in (email, name) if key}
    seen = set()
    result = []
    for number, _home, ref, reason in job.data.get("pairs", []):
        partnership_id = job.partnership_id
        if reason is None and ref is not None:
            choice = cities[ref].get("choice") or ""
            partnership_id = int(choice[2:]) if choice.startswith("p:") else None
            if partnership_id is None:
                reason = SKIP_CHOSEN if choice == "skip" else SKIP_UNRESOLVED
        if reason is None:
            row = rows[number]
            key = (cell(row, mapping, "email") or cell(row, mapping, "name")).casefold()
            if (partnership_id, key) in existing:
                reason = SKIP_EXISTING
            elif (partnership_id, key) in seen:
                reason = SKIP_DUPLICATE
            seen.add((partnership_id, key))
        result.append((number, partnership_id, reason))
    return result
