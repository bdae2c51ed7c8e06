"""Benchmark (issue 20 §4): the health snapshot at 5,000 partnerships, computed cold or taken from Redis.

Builds bench.ceremonial's PostgreSQL portfolio (5,000 partnerships, 500,000 engagements) and measures in one run,
medians of 7: the cold computation (crm.health.snapshot.full_snapshot), bringing a kept snapshot up to date after
one engagement is logged, encoding a snapshot and its size, taking one from Redis (GET and decoding), and the
dashboard's first view in a process that keeps no figures, with and without a snapshot published in Redis.

    .venv/bin/python -m bench.shared_snapshot [--reuse]  (--reuse: the database the last run built;
                                                         BENCH_DATABASE_URL, BENCH_REDIS_URL: other servers)
"""
import json
import os
import random
import sys
import time
import uuid
import zlib
from pathlib import Path

import redis
import sqlalchemy as sa

from bench.ceremonial import populate
from bench.common import BASE_URL, fresh_app, median_seconds, session_secret, signed_in_client
from crm import create_app
from crm.auth.models import User
from crm.clock import office_today
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.health import shared
from crm.health import snapshot as snapshots
from crm.process_cache import ProcessCache
from crm.settings.service import office_settings

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE = "crm_bench_shared_5000"


def measure(app, shared_app, admin_id: int, token: str) -> dict:
    figures = {}
    with shared_app.app_context():
        today, settings = office_today(), office_settings()
        stamp, threshold = settings.activity_stamp, settings.threshold_months
        figures["cold_seconds"] = median_seconds(lambda: snapshots.full_snapshot(today, stamp), repeat=7, warmup=1)
        snapshot = snapshots.full_snapshot(today, stamp)
        data = shared.encode(snapshot)
        figures["encoded_kb"] = round(len(data) / 1024)
        figures["unpacked_kb"] = round(len(zlib.decompress(data)) / 1024)
        figures["encode_seconds"] = median_seconds(lambda: shared.encode(snapshot))
        figures["publish_seconds"] = median_seconds(lambda: shared.publish(snapshot, threshold))  # spared: present
        client = redis.Redis.from_url(REDIS_URL)
        key = shared.snapshot_key(today, threshold, stamp)
        client.delete(key)
        started = time.perf_counter()
        shared.publish(snapshot, threshold)
        figures["first_publish_seconds"] = time.perf_counter() - started
        figures["fetch_seconds"] = median_seconds(lambda: shared.fetch(today, threshold, stamp))
        figures["get_seconds"] = median_seconds(lambda: client.get(key))
        assert shared.fetch(today, threshold, stamp) == snapshot

        def logged_then_updated():
            before = office_settings().activity_stamp
            kept = snapshots.full_snapshot(today, before)
            db.session.add(Engagement(partnership_id=random.randint(1, 5000), kind="meeting", title="Logged",
                                      occurred_on=today))
            db.session.commit()
            after = office_settings().activity_stamp
            started = time.perf_counter()  # the chain, that partnership's figures, the snapshot made anew
            snapshots.brought_up_to_date(kept, after)
            return time.perf_counter() - started

        figures["update_after_change_seconds"] = sorted(logged_then_updated() for _ in range(3))[1]

    # The dashboard's first view in a process that keeps nothing (a new worker, a new host): with no Redis; with
    # Redis holding the current stamp's snapshot; with Redis holding the last published one and an engagement
    # logged since (brought up to date through the chain).
    plain, with_redis = signed_in_client(app, admin_id, token), signed_in_client(shared_app, admin_id, token)

    def first_view(client_, log_first=False):
        if log_first:
            with app.app_context():
                db.session.add(Engagement(partnership_id=random.randint(1, 5000), kind="meeting", title="Logged",
                                          occurred_on=office_today()))
                db.session.commit()
        snapshots._cache = ProcessCache(size=2)
        assert client_.get("/dashboard").status_code == 200

    figures["dashboard_cold_seconds"] = median_seconds(lambda: first_view(plain), repeat=5, warmup=1)
    figures["dashboard_from_redis_seconds"] = median_seconds(lambda: first_view(with_redis), repeat=5, warmup=1)
    figures["dashboard_from_redis_after_change_seconds"] = median_seconds(
        lambda: first_view(with_redis, log_first=True), repeat=5, warmup=0)
    figures["dashboard_warm_seconds"] = median_seconds(lambda: with_redis.get("/dashboard"))
    return figures


def main() -> int:
    if "--reuse" in sys.argv:  # the database a previous run built
        app = create_app({"SQLALCHEMY_DATABASE_URI": sa.make_url(BASE_URL).set(database=DATABASE).render_as_string(
            hide_password=False), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "TESTING": False})
        with app.app_context():
            admin = db.session.scalars(sa.select(User).where(User.email == "bench@example.org")).one()
            admin_id, token = admin.id, session_secret(admin)
    else:
        print("building 5000 partnerships and 500000 engagements…", file=sys.stderr)
        app = fresh_app(DATABASE)
        admin_id, token = populate(app, 5_000, 500_000)
    app.config["REDIS_URL"] = None  # the process that keeps its figures to itself
    prefix = f"crm-bench-{uuid.uuid4().hex[:8]}:"
    shared_app = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "bench",
                             "TESTING": False, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix})
    try:
        figures = measure(app, shared_app, admin_id, token)
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        for each in (app, shared_app):
            with each.app_context():
                db.engine.dispose()
    figures["load_average"] = [round(load, 1) for load in os.getloadavg()]
    figures["cold_over_fetch"] = figures["cold_seconds"] / figures["fetch_seconds"]
    figures["dashboard_cold_over_from_redis"] = figures["dashboard_cold_seconds"] / figures["dashboard_from_redis_seconds"]
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "shared_snapshot.json").write_text(json.dumps(figures, indent=2))
    ms = {name: f"{value * 1000:.1f} ms" for name, value in figures.items() if name.endswith("_seconds")}
    print(json.dumps(ms, indent=2))
    print(f"snapshot: {figures['encoded_kb']} KB in Redis ({figures['unpacked_kb']} KB unpacked)")
    print(f"cold computation / fetch from Redis: {figures['cold_over_fetch']:.1f} x; dashboard's first view in a "
          f"process with no figures, cold / from Redis: {figures['dashboard_cold_over_from_redis']:.1f} x")
    print(f"load average while measuring: {figures['load_average']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
