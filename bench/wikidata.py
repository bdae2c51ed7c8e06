"""Benchmark: the Wikidata comparison at association scale (issue 23 §3).

Builds the association database as bench/imports.py does (the whole of twin_cities.csv imported, every city1 a
home city: 7,962 home cities), then makes a Wikidata-shaped export (SPARQL JSON) from the same partnerships with
realistic differences — some pairs missing, some extra, some start dates different, some ended, each twinning
stated from both sides where both cities are home cities, GeoNames ids from the matched cities and only a name
and a country for the cities kept from the file — and times reading + matching + the report, through the same
functions as the upload page. The Q-ids are made up (Q + 90,000,000 + the city's id): no real item is claimed.

    .venv/bin/python -m bench.wikidata            (BENCH_DATABASE_URL to use another server)
"""
import json
import random
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from bench.common import counting_queries, fresh_app
from bench.imports import TWIN_CITIES
from crm.auth.models import User
from crm.cities.models import City
from crm.extensions import db
from crm.imports.cli import import_file
from crm.imports.matching import city_index
from crm.partnerships.models import Partnership
from crm.roles import Role
from crm.settings.models import HomeCity
from crm.settings.service import office_settings
from crm.wikidata.models import DONE, WikidataComparison
from crm.wikidata.reading import read_export
from crm.wikidata.report import compare

E = "http://www.wikidata.org/entity/"
XSD = "http://www.w3.org/2001/XMLSchema#dateTime"


def fake_q(city_id: int) -> str:
    return f"Q{90_000_000 + city_id}"


def export(seed: int = 23) -> tuple[bytes, dict]:
    """The export, and what was changed on the way (so the report's figures can be checked)."""
    rng = random.Random(seed)
    home_ids = set(db.session.scalars(select(HomeCity.city_id)))
    cities = {c.id: c for c in db.session.scalars(select(City))}
    pairs = db.session.execute(select(Partnership.home_city_id, Partnership.partner_city_id,
                                      Partnership.established_on).order_by(Partnership.id)).all()
    bindings, changed = [], {"dropped": 0, "extra": 0, "start_changed": 0, "ended": 0, "no_geonames_twin": 0}

    def literal(value):
        return {"type": "literal", "value": str(value)}

    def statement(city, twin, start=None, end=None):
        b = {"city": {"type": "uri", "value": E + fake_q(city.id)}, "cityLabel": literal(city.name),
             "cityCountry": literal(city.country_code),
             "twin": {"type": "uri", "value": E + fake_q(twin.id)}, "twinLabel": literal(twin.name),
             "twinCountry": literal(twin.country_code)}
        if city.geonames_id:
            b["cityGeonames"] = literal(city.geonames_id)
        if twin.geonames_id:
            b["twinGeonames"] = literal(twin.geonames_id)
        if twin.latitude is not None:
            b["twinCoord"] = {"type": "literal", "value": f"Point({twin.longitude} {twin.latitude})"}
        if start:
            b["start"] = {"datatype": XSD, "type": "literal", "value": f"{start}-01-01T00:00:00Z"}
        if end:
            b["end"] = {"datatype": XSD, "type": "literal", "value": f"{end}-01-01T00:00:00Z"}
        return b

    for home_id, partner_id, established in pairs:
        if rng.random() < 0.05:  # Wikidata lacks it
            changed["dropped"] += 1
            continue
        start = established.year if established else (rng.randrange(1950, 2020) if rng.random() < 0.3 else None)
        if start and rng.random() < 0.05:
            start += rng.choice((-2, -1, 1, 3))
            changed["start_changed"] += 1
        end = rng.randrange(2000, 2024) if rng.random() < 0.02 else None
        changed["ended"] += bool(end)
        a, b = cities[home_id], cities[partner_id]
        changed["no_geonames_twin"] += not b.geonames_id
        bindings.append(statement(a, b, start, end))
        if partner_id in home_ids:  # P190 is stated on both items
            bindings.append(statement(b, a, start, end))
    stated = {b["city"]["value"] for b in bindings}
    for home_id in sorted(home_ids):  # a home city without any twinning is still listed (the query's OPTIONAL)
        if E + fake_q(home_id) not in stated:
            city = cities[home_id]
            bindings.append({"city": {"type": "uri", "value": E + fake_q(home_id)}, "cityLabel": literal(city.name),
                             "cityCountry": literal(city.country_code),
                             **({"cityGeonames": literal(city.geonames_id)} if city.geonames_id else {})})
    ids = list(cities)
    extra = int(len(pairs) * 0.03)
    existing = {frozenset((h, p)) for h, p, _e in pairs}
    home_list = sorted(home_ids)
    while changed["extra"] < extra:  # twinnings only Wikidata has
        a, b = rng.choice(home_list), rng.choice(ids)
        if a != b and frozenset((a, b)) not in existing:
            existing.add(frozenset((a, b)))
            bindings.append(statement(cities[a], cities[b], rng.randrange(1960, 2020)))
            changed["extra"] += 1
    rng.shuffle(bindings)
    head = ["city", "cityLabel", "cityGeonames", "cityCountry", "twin", "twinLabel", "twinGeonames", "twinCountry",
            "twinCoord", "start", "end"]
    return json.dumps({"head": {"vars": head}, "results": {"bindings": bindings}}).encode(), changed


def timed_comparison(app, data: bytes) -> dict:
    with app.app_context():
        start = time.perf_counter()
        statements, rows = read_export("bench.json", data)
        read_seconds = time.perf_counter() - start
        with counting_queries(app) as statements_run:
            start = time.perf_counter()
            comparison = WikidataComparison(filename="bench.json", status=DONE, rows_read=len(statements))
            comparison.report = compare(statements)
            db.session.add(comparison)
            db.session.commit()
            compare_seconds = time.perf_counter() - start
        counts = comparison.report["counts"]
        return {"rows": rows, "statements": len(statements), "read_seconds": round(read_seconds, 2),
                "match_and_report_seconds": round(compare_seconds, 2),
                "total_seconds": round(read_seconds + compare_seconds, 2), "queries": len(statements_run),
                "report_json_mb": round(len(json.dumps(comparison.report)) / 1e6, 1), "counts": counts}


def main() -> int:
    app = fresh_app("crm_bench_wikidata")
    with app.app_context():
        admin = User(email="bench@example.org", name="Bench", role=Role.ADMIN)
        admin.set_password("bench-password-long")
        db.session.add(admin)
        office_settings()
        db.session.commit()
        city_index()
        print("importing twin_cities.csv as an association…", file=sys.stderr)
        start = time.perf_counter()
        import_file(TWIN_CITIES, association=True, home_city=None, echo=lambda message, nl=True: None)
        import_seconds = time.perf_counter() - start
        # twin_cities.csv gives no dates: an office knows when most of its partnerships began (4 in 5 here)
        db.session.execute(text("UPDATE partnerships SET established_on = make_date(1950 + (id * 7919) % 70, "
                                "1 + id % 12, 1 + id % 28) WHERE id % 5 <> 0"))
        db.session.commit()
        database = {"home_cities": db.session.scalar(select(func.count()).select_from(HomeCity)),
                    "cities": db.session.scalar(select(func.count()).select_from(City)),
                    "partnerships": db.session.scalar(select(func.count()).select_from(Partnership))}
        data, changed = export()
    print("comparing…", file=sys.stderr)
    first = timed_comparison(app, data)  # records the Wikidata ids of the cities matched by GeoNames id
    second = timed_comparison(app, data)  # the ids known now
    report = {"file": str(TWIN_CITIES), "database": database, "import_seconds": round(import_seconds, 1),
              "export_mb": round(len(data) / 1e6, 1), "changes_made_to_the_export": changed,
              "first_comparison": first, "second_comparison": second}
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "wikidata.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    with app.app_context():
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
