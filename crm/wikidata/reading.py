"""Reading an uploaded Wikidata export: the result of the query in crm.wikidata.query, as SPARQL 1.1 Query
Results JSON or as the CSV (or TSV) the Wikidata Query Service downloads.

Every row is one P190 statement of a home city (or one of its combinations: an item with two GeoNames ids or
two countries gives two rows, merged here). Entity columns may hold URIs
(http://www.wikidata.org/entity/Q6106), prefixed names (wd:Q6106) or bare Q-ids; only `city` or
`cityGeonames`, and `twin`, `twinGeonames` or `twinLabel` are needed, every other column may be missing.
"""
import json
import re
from typing import NamedTuple

from crm.imports.countries import country_code
from crm.imports.limits import ReadingBudget, UnreadableFile
from crm.imports.reading import read_table

__all__ = ["Statement", "UnreadableFile", "read_export"]

#: the query's variables (crm.wikidata.query), in the order of Statement's fields
VARIABLES = ("city", "cityLabel", "cityGeonames", "cityCountry", "twin", "twinLabel", "twinGeonames",
             "twinCountry", "twinCoord", "start", "end")


class Statement(NamedTuple):
    """One twinning as Wikidata states it (P190 of a home city), its values cleaned."""
    city: str  #: Q-id of the home city, or ""
    city_label: str
    city_geonames: int | None
    city_country: str  #: ISO 3166-1 alpha-2, or ""
    twin: str  #: Q-id of the twinned body, or ""
    twin_label: str
    twin_geonames: int | None
    twin_country: str
    twin_lat: float | None
    twin_lng: float | None
    start: str  #: "1959-01-01", or "1959" when only the year is known; "" when not stated
    end: str


_QID = re.compile(r"(?:^|[/:])(Q[1-9]\d*)>?$")
_POINT = re.compile(r"Point\(\s*(-?[\d.]+(?:[eE]-?\d+)?)\s+(-?[\d.]+(?:[eE]-?\d+)?)\s*\)", re.IGNORECASE)
_DATE = re.compile(r"^\+?(\d{4})(?:-(\d{2})-(\d{2}))?")
_TSV_LITERAL = re.compile(r'^"(.*)"(?:@[\w-]+|\^\^<[^>]*>)?$', re.DOTALL)


def qid(text: str) -> str:
    """"Q6106" from a URI, a prefixed name or the bare id; "" for anything else."""
    found = _QID.search((text or "").strip())
    return found.group(1) if found else ""


def geonames_id(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) <= 10 else None


def country(text: str) -> str:
    """An ISO alpha-2 code as the query gives it (P297), or a country's name as a label column would."""
    text = (text or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return (country_code(text) or "") if text else ""


def point(text: str) -> tuple[float | None, float | None]:
    """(latitude, longitude) of a WKT "Point(longitude latitude)" (P625), or (None, None)."""
    found = _POINT.search(text or "")
    if not found:
        return None, None
    lng, lat = float(found.group(1)), float(found.group(2))
    return (lat, lng) if -90 <= lat <= 90 and -180 <= lng <= 180 else (None, None)


def day(text: str) -> str:
    """"1959-01-01" from an xsd:dateTime ("1959-01-01T00:00:00Z"), "1959" from a bare year; "" otherwise."""
    found = _DATE.match((text or "").strip())
    if not found or not 1000 <= int(found.group(1)) <= 2100:
        return ""
    year, month, dom = found.groups()
    if month is None:
        return year
    if month == "00" or dom == "00":  # Wikidata writes an unknown month or day as 00
        return year
    return f"{year}-{month}-{dom}"


def _plain(cell: str) -> str:
    """A TSV cell's value: <uri> → uri, "text"@en or "…"^^<type> → text."""
    cell = cell.strip()
    if cell.startswith("<") and cell.endswith(">"):
        return cell[1:-1]
    found = _TSV_LITERAL.match(cell)
    return found.group(1) if found else cell


def is_twinning(statement: Statement) -> bool:
    """Whether the statement names a twin (else it only says the home city was asked for)."""
    return bool(statement.twin or statement.twin_geonames or statement.twin_label)


def read_export(filename: str, data: bytes) -> tuple[list[Statement], int]:
    """(the distinct statements, the rows read) of a JSON or CSV export; UnreadableFile says what is wrong.
    A home city asked for without any twinning comes back as a statement without a twin (is_twinning)."""
    from flask_babel import gettext as _

    budget = ReadingBudget.from_config()
    if len(data) > budget.max_unpacked_mb * 1024 * 1024:
        raise UnreadableFile(_("The file is larger than %(limit)d MB; export fewer home cities at a time.",
                               limit=budget.max_unpacked_mb))
    body = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        raise UnreadableFile(_("The file is empty."))
    if body[:1] in (b"{", b"["):
        rows = _json_rows(body, budget)
    elif body[:1] == b"?":  # the service's TSV: RDF terms, quoted as Turtle, not as CSV
        rows = _tsv_rows(body, budget)
    else:
        headers, table = read_table(filename or "export.csv", data)
        names = {_header(h): n for n, h in reversed(list(enumerate(headers)))}
        _require(names)
        rows = [{var: _plain(row[names[var]]) for var in VARIABLES if var in names} for row in table]
    return _statements(rows), len(rows)


def _tsv_rows(body: bytes, budget: ReadingBudget) -> list[dict]:
    from flask_babel import gettext as _

    try:
        lines = body.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("This does not look like a CSV or XLSX file.")) from error
    names = [_header(name) for name in lines[0].split("\t")]
    _require(set(names))
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = [_plain(cell) for cell in line.split("\t")]
        budget.take(cells, number)
        if any(cells):
            rows.append({name: cells[n] for n, name in enumerate(names) if n < len(cells) and name in VARIABLES})
    return rows


def _header(text: str) -> str:
    """The variable a column holds: "?cityLabel" (TSV), "cityLabel" (CSV), "citylabel" → cityLabel."""
    name = text.strip().lstrip("?").strip()
    return next((var for var in VARIABLES if var.casefold() == name.casefold()), name)


def _require(names) -> None:
    from flask_babel import gettext as _

    if not ({"city", "cityGeonames"} & set(names) and {"twin", "twinGeonames", "twinLabel"} & set(names)):
        raise UnreadableFile(_("This is not the result of the Wikidata query: it needs the columns city and "
                               "twin (copy the query from this page and download its result as JSON or CSV)."))


def _json_rows(body: bytes, budget: ReadingBudget) -> list[dict]:
    from flask_babel import gettext as _

    try:
        document = json.loads(body.decode("utf-8"))
        names = document["head"]["vars"]
        bindings = document["results"]["bindings"]
        if not isinstance(names, list) or not isinstance(bindings, list):
            raise TypeError
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise UnreadableFile(_("The JSON file is not a SPARQL query result (it needs “head” and “results”); "
                               "download the query's result as JSON or CSV.")) from error
    _require({_header(str(name)) for name in names})
    rows = []
    for number, binding in enumerate(bindings, start=2):
        if not isinstance(binding, dict):
            raise UnreadableFile(_("The JSON file is not a SPARQL query result (it needs “head” and “results”); "
                                   "download the query's result as JSON or CSV."))
        row = {}
        for key, value in binding.items():
            if isinstance(value, dict) and isinstance(value.get("value"), str):
                row[_header(key)] = value["value"].strip()
        budget.take(list(row.values()) or [""], number)
        rows.append(row)
    return rows


def _statements(rows: list[dict]) -> list[Statement]:
    """One statement per (home city, twin), the rows of one statement merged (first value found wins; the
    earliest start)."""
    merged: dict[tuple, dict] = {}
    for row in rows:
        lat, lng = point(row.get("twinCoord", ""))
        values = {
            "city": qid(row.get("city", "")), "city_label": row.get("cityLabel", "")[:200],
            "city_geonames": geonames_id(row.get("cityGeonames", "")),
            "city_country": country(row.get("cityCountry", "")),
            "twin": qid(row.get("twin", "")), "twin_label": row.get("twinLabel", "")[:200],
            "twin_geonames": geonames_id(row.get("twinGeonames", "")),
            "twin_country": country(row.get("twinCountry", "")), "twin_lat": lat, "twin_lng": lng,
            "start": day(row.get("start", "")), "end": day(row.get("end", "")),
        }
        if values["twin_label"] == values["twin"]:  # the service labels an item without a label by its id
            values["twin_label"] = ""
        if values["city_label"] == values["city"]:
            values["city_label"] = ""
        home = values["city"] or (values["city_geonames"] and f"gn{values['city_geonames']}")
        twin = (values["twin"] or (values["twin_geonames"] and f"gn{values['twin_geonames']}")
                or (values["twin_label"] and f"{values['twin_label'].casefold()}|{values['twin_country']}"))
        if not home:
            continue
        # A home city without a twin: the query lists every home city it asked for, twinned or not, so the
        # report knows which home cities the file covers (see crm.wikidata.report).
        entry = merged.setdefault((home, twin or ""), values)
        if entry is not values:
            for key, value in values.items():
                if key == "start" and value and entry["start"]:
                    entry["start"] = min(entry["start"], value)
                elif entry[key] in ("", None) and value not in ("", None):
                    entry[key] = value
    return [Statement(**values) for values in merged.values()]
