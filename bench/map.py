"""Benchmark: the world map and the dashboard (with its small map and pillar chart) at 5,000 partnerships.

Builds the same PostgreSQL portfolio as bench.ceremonial (5,000 partnerships, 500,000 engagements), gives
every partner city coordinates (a few hundred share a city, as an association's members would), and
measures through the WSGI app: server time (median of 7), SQL statements and page size of /map and
/dashboard, warm (health snapshot cached) and right after a change (cold).

    .venv/bin/python -m bench.map            (BENCH_DATABASE_URL to use another server)
"""
import json
import random
import sys
import uuid
from pathlib import Path

from sqlalchemy import text

from bench.ceremonial import populate
from bench.common import counting_queries, fresh_app, median_seconds, signed_in_client
from crm.extensions import db
from crm.settings.service import office_settings


def place_cities(app, seed: int = 11) -> None:
    rng = random.Random(seed)
    with app.app_context():
        ids = db.session.scalars(text("SELECT id FROM cities ORDER BY id")).all()
        shared = [(rng.uniform(-40, 60), rng.uniform(-170, 175)) for _ in range(50)]
        rows = []
        for city_id in ids:
            lat, lng = rng.choice(shared) if rng.random() < 0.1 else (rng.uniform(-45, 65), rng.uniform(-170, 175))
            rows.append({"id": city_id, "lat": lat, "lng": lng})
        db.session.execute(text("UPDATE cities SET latitude = :lat, longitude = :lng WHERE id = :id"), rows)
        db.session.commit()


def measure(app, admin_id: int, token: str) -> dict:
    client = signed_in_client(app, admin_id, token)
    figures = {}
    # The health-sorted partnership list (bench.ceremonial) as a yardstick for how busy the machine is.
    for name, url in (("map", "/map"), ("dashboard", "/dashboard"), ("health_list", "/partnerships/?sort=health")):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        figures[f"{name}_kilobytes"] = round(len(response.data) / 1024)
        figures[f"{name}_seconds"] = median_seconds(lambda u=url: client.get(u))
        with counting_queries(app) as statements:
            client.get(url)
        figures[f"{name}_queries"] = len(statements)

        def touched(u=url):
            with app.app_context():
                office_settings().activity_stamp = uuid.uuid4().hex
                db.session.commit()
            client.get(u)

        figures[f"{name}_cold_seconds"] = median_seconds(touched, repeat=5, warmup=1)
    return figures


def main() -> int:
    print("building 5000 partnerships and 500000 engagements…", file=sys.stderr)
    app = fresh_app("crm_bench_map_5000")
    admin_id, token = populate(app, 5_000, 500_000)
    place_cities(app)
    figures = measure(app, admin_id, token)
    with app.app_context():
        db.engine.dispose()
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "map.json").write_text(json.dumps(figures, indent=2))
    print("| page | warm | right after a change (cold) | SQL statements | page size |")
    print("|---|---|---|---|---|")
    for name, url in (("map", "/map"), ("dashboard", "/dashboard"), ("health_list", "/partnerships/?sort=health")):
        print(f"| {url} | {figures[f'{name}_seconds'] * 1000:.0f} ms | {figures[f'{name}_cold_seconds'] * 1000:.0f} ms"
              f" | {figures[f'{name}_queries']} | {figures[f'{name}_kilobytes']} KB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
