"""Benchmark: importing the whole of twin_cities.csv as an association would (every city1 a home city).

Imports 25,917 rows into a fresh PostgreSQL database through the same
functions as the web import and the CLI (match every distinct city, plan,
write in one transaction), then times the dashboard (warm and cold) and the
partnership list on the result.

    .venv/bin/python -m bench.imports            (BENCH_DATABASE_URL to use another server)
"""
import json
import os
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select

from bench.common import counting_queries, fresh_app, median_seconds, session_secret, signed_in_client
from crm.auth.models import User
from crm.extensions import db
from crm.imports.cli import import_file
from crm.imports.matching import city_index
from crm.partnerships.models import Partnership
from crm.roles import Role
from crm.settings.models import HomeCity
from crm.settings.service import office_settings

TWIN_CITIES = Path(os.environ.get("TWIN_CITIES", "/work/shared/data/twin_cities.csv"))


def main() -> int:
    app = fresh_app("crm_bench_imports")
    with app.app_context():
        admin = User(email="bench@example.org", name="Bench", role=Role.ADMIN)
        admin.set_password("bench-password-long")
        db.session.add(admin)
        office_settings()
        db.session.commit()
        admin_id, token = admin.id, session_secret(admin)
        start = time.perf_counter()
        city_index()  # the gazetteer loads once per process; reported apart from the import
        load_seconds = time.perf_counter() - start
        print("importing…", file=sys.stderr)
        start = time.perf_counter()
        figures = import_file(TWIN_CITIES, association=True, home_city=None,
                              echo=lambda message, nl=True: print(message, end="\n" if nl else "", file=sys.stderr))
        total_seconds = time.perf_counter() - start
        in_db = {"partnerships": db.session.scalar(select(func.count()).select_from(Partnership)),
                 "home_cities": db.session.scalar(select(func.count()).select_from(HomeCity))}
    client = signed_in_client(app, admin_id, token)
    timings = {}
    for name, url in (("dashboard", "/dashboard"), ("partnership_list", "/partnerships/"),
                      ("partnership_list_health", "/partnerships/?sort=health")):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        timings[f"{name}_seconds"] = median_seconds(lambda u=url: client.get(u), repeat=5, warmup=1)
        with counting_queries(app) as statements:
            client.get(url)
        timings[f"{name}_queries"] = len(statements)

    def touched_dashboard():
        with app.app_context():
            office_settings().activity_stamp = uuid.uuid4().hex
            db.session.commit()
        client.get("/dashboard")

    timings["dashboard_cold_seconds"] = median_seconds(touched_dashboard, repeat=3, warmup=1)
    rows = figures["rows"]
    report = {
        "file": str(TWIN_CITIES), "rows": rows, "gazetteer_load_seconds": round(load_seconds, 2),
        "import_seconds": round(total_seconds, 2), "rows_per_second": round(rows / total_seconds),
        "match_seconds": round(figures["match_seconds"], 2), "write_seconds": round(figures["write_seconds"], 2),
        "distinct_cities": figures["cities"], "matched_to_gazetteer": figures["matched"],
        "ambiguous": figures["ambiguous"], "unmatched": figures["unmatched"],
        "created_from_file": figures["create"], "partnerships_written": figures["partnerships"],
        "skipped_rows": figures["reasons"], "in_database": in_db,
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in timings.items()},
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "imports.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    with app.app_context():
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
