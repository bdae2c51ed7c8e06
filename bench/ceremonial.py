"""Benchmark: the ceremonial rule at portfolio scale (issue: ceremonial partnerships).

Builds two PostgreSQL databases — 100 partnerships with 10,000 engagements
and 5,000 partnerships with 500,000 engagements — and measures in one run:
the dashboard and the health-sorted partnership list (server time, through
the WSGI app), the bare aggregate query they rest on, and the number of SQL
statements each page issues.

    .venv/bin/python -m bench.ceremonial            (BENCH_DATABASE_URL to use another server)
"""
import json
import uuid
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import counting_queries, fresh_app, median_seconds, session_secret, signed_in_client
from crm.auth.models import User
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.health.queries import activity_query
from crm.partnerships.queries import visible_partnership_ids
from crm.roles import Role
from crm.clock import office_today
from crm.settings.service import office_settings

PILLARS = ["education", "business", "culture", "government", "connectivity", None]
KINDS = ["meeting", "call", "letter", "visit", "event", "ceremony"]


def populate(app, partnerships: int, engagements: int, seed: int = 7) -> tuple[int, str]:
    """Cities, partnerships and engagements through COPY; returns the admin's id and session token."""
    rng = random.Random(seed)
    today = date.today()
    now = datetime.now(UTC).isoformat()
    with app.app_context():
        admin = User(email="bench@example.org", name="Bench", role=Role.ADMIN)
        admin.set_password("bench-password-long")
        db.session.add(admin)
        db.session.flush()
        office_settings()
        db.session.commit()
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy("COPY cities (id, name, country_code, timezone, created_at, updated_at) FROM STDIN") as copy:
                for n in range(partnerships + 1):
                    copy.write_row((n + 1, f"City {n:05d}", "JP" if n else "US", "Asia/Tokyo", now, now))
            cursor.execute("INSERT INTO home_cities (city_id, created_at, updated_at) VALUES (1, now(), now())")
            cursor.execute("UPDATE office_settings SET default_home_city_id = 1")
            statuses = ["active"] * 8 + ["proposed", "suspended"]
            with cursor.copy("COPY partnerships (id, home_city_id, partner_city_id, kind, status, established_on, "
                             "liaison_id, created_at, updated_at) FROM STDIN") as copy:
                for n in range(partnerships):
                    established = today - timedelta(days=rng.randint(200, 15000))
                    copy.write_row((n + 1, 1, n + 2, "sister_city", rng.choice(statuses), established, admin.id,
                                    now, now))
            per = engagements // partnerships
            buffer_rows = 0
            with cursor.copy("COPY engagements (partnership_id, record_type, kind, occurred_on, title, substantive, "
                             "visibility, pillar, initiated_by, logged_by_side, created_at, updated_at) "
                             "FROM STDIN") as copy:
                for pid in range(1, partnerships + 1):
                    quiet_after = rng.choice([0, 0, 0, 200, 500, 900, 1500])  # some partnerships went quiet
                    for _ in range(per):
                        days_ago = rng.randint(-60, 1825)
                        substantive = rng.random() < 0.7 and days_ago >= quiet_after
                        copy.write_row((pid, "engagement", rng.choice(KINDS), today - timedelta(days=days_ago),
                                        "Engagement", substantive, "shared", rng.choice(PILLARS),
                                        rng.choice(["home", "partner"]), "home", now, now))
                        buffer_rows += 1
            cursor.execute("SELECT setval('cities_id_seq', (SELECT max(id) FROM cities))")
            cursor.execute("SELECT setval('partnerships_id_seq', (SELECT max(id) FROM partnerships))")
            raw.commit()
            raw.driver_connection.autocommit = True
            # As autovacuum would soon: statistics, and the visibility map index-only scans rely on.
            cursor.execute("VACUUM ANALYZE")
        finally:
            raw.close()
        return admin.id, session_secret(admin)


def measure(app, admin_id: int, token: str) -> dict:
    client = signed_in_client(app, admin_id, token)
    figures = {}
    for name, url in (("dashboard", "/dashboard"), ("health_list", "/partnerships/?sort=health")):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        figures[f"{name}_seconds"] = median_seconds(lambda u=url: client.get(u))
        with counting_queries(app) as statements:
            client.get(url)
        figures[f"{name}_queries"] = len(statements)
    # Right after a change: an engagement logged (the cached figures are brought up to date for its partnership
    # alone), and the stamp moved outside the chain of changes, as an import does (everything is read again).
    def logged_then_dashboard():
        with app.app_context():
            db.session.add(Engagement(partnership_id=random.randint(1, 50), kind="meeting", title="Logged",
                                      occurred_on=office_today()))
            db.session.commit()
        client.get("/dashboard")

    def imported_then_dashboard():
        with app.app_context():
            office_settings().activity_stamp = uuid.uuid4().hex
            db.session.commit()
        client.get("/dashboard")

    figures["dashboard_after_change_seconds"] = median_seconds(logged_then_dashboard, repeat=5, warmup=1)
    figures["dashboard_cold_seconds"] = median_seconds(imported_then_dashboard, repeat=5, warmup=1)
    with app.app_context():
        today = office_today()
        query = activity_query(today, visible_partnership_ids_for_staff(), office_settings().threshold_months)

        def bare():
            db.session.execute(query).all()

        figures["bare_query_seconds"] = median_seconds(bare)
    return figures


def visible_partnership_ids_for_staff():
    from sqlalchemy import select

    from crm.partnerships.models import Partnership

    return select(Partnership.id)  # what visible_partnership_ids() is for staff


def main() -> int:
    results = {}
    for label, partnerships, engagements in (("100", 100, 10_000), ("5000", 5_000, 500_000)):
        print(f"building {partnerships} partnerships and {engagements} engagements…", file=sys.stderr)
        app = fresh_app(f"crm_bench_{label}")
        admin_id, token = populate(app, partnerships, engagements)
        results[label] = measure(app, admin_id, token)
        with app.app_context():
            db.engine.dispose()
    small, large = results["100"], results["5000"]
    fixed = max(small["dashboard_seconds"] - small["bare_query_seconds"], 0)
    checks = {
        "dashboard_5000 <= 1.5 x bare_5000 + fixed": large["dashboard_seconds"]
        <= 1.5 * large["bare_query_seconds"] + fixed,
        "dashboard_5000 <= 3 x dashboard_100": large["dashboard_seconds"] <= 3 * small["dashboard_seconds"],
        "right after a change, dashboard_5000 <= 3 x dashboard_100": large["dashboard_after_change_seconds"]
        <= 3 * small["dashboard_seconds"],
        "same number of queries at 100 and 5000": small["dashboard_queries"] == large["dashboard_queries"]
        and small["health_list_queries"] == large["health_list_queries"],
    }
    report = {"results": results, "fixed_cost_seconds": fixed, "checks": checks}
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "ceremonial.json").write_text(json.dumps(report, indent=2))
    print("| partnerships | dashboard | right after an engagement is logged | after an import (cold) "
          "| health-sorted list | bare aggregate query | queries (dashboard / list) |")
    print("|---|---|---|---|---|---|---|")
    for label, r in results.items():
        print(f"| {label} | {r['dashboard_seconds'] * 1000:.0f} ms | {r['dashboard_after_change_seconds'] * 1000:.0f} ms"
              f" | {r['dashboard_cold_seconds'] * 1000:.0f} ms | "
              f"{r['health_list_seconds'] * 1000:.0f} ms | {r['bare_query_seconds'] * 1000:.0f} ms | "
              f"{r['dashboard_queries']} / {r['health_list_queries']} |")
    print(f"fixed cost of the dashboard (100 partnerships, minus its aggregate): {fixed * 1000:.0f} ms")
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
