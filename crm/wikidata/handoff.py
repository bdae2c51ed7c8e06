"""The twinnings Wikidata has and the office lacks, as a file in the import's association format
(city1,country1,lat1,lng1,geonames1,city2,…): the import matches each city by its GeoNames id exactly, shows its
preview, and writes nothing before the user confirms there."""
from crm.wikidata.report import MISSING_HERE

HEADERS = ["city1", "country1", "lat1", "lng1", "geonames1", "city2", "country2", "lat2", "lng2", "geonames2",
           "established", "status"]


def _number(value) -> str:
    return "" if value is None else f"{value:.5f}".rstrip("0").rstrip(".")


def import_table(report: dict) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) as crm.imports.reading.read_table would give them for such a file."""
    cities = report.get("cities", {})
    rows = []
    for entry in report.get(MISSING_HERE, []):
        home = cities.get(str(entry["home"]))
        if not home:
            continue
        twin = cities.get(str(entry.get("twin_city"))) if entry.get("twin_city") else None
        if twin:  # a city the office already records (as a partner elsewhere): that city, as recorded
            name, cc, gn, lat, lng = twin["name"], twin["cc"], twin["gn"], twin["lat"], twin["lng"]
        else:
            name, cc, gn, lat, lng = (entry["label"] or entry["q"]), entry["cc"], entry["gn"], entry["lat"], \
                entry["lng"]
        if not name:
            continue
        rows.append([home["name"], home["cc"], _number(home["lat"]), _number(home["lng"]), str(home["gn"] or ""),
                     name, cc or "", _number(lat), _number(lng), str(gn or ""), entry.get("start") or "",
                     "ended" if entry.get("end") else "active"])
    return list(HEADERS), rows
