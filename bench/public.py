"""The public face's speed (issue 23): each public page and the open-data feed against the framework floor,
in one process, side by side.

Builds a PostgreSQL database with the demo data (every demo partnership the demo publishes, plus the rest
published too, so the directory lists all of them), then, for each address, alternates one request to the
floor (bench/floor.py: a bare Flask app rendering a 200-row Jinja table) with one to the page, through each
app's WSGI test client, anonymously, and reports the medians of the pairs: the page's time, the floor's, and
the page's share of the floor (floor time ÷ page time). Also the same page answered 304 to a browser or proxy
that sends back the page's ETag, and the number of queries per page. Results go to bench/results/public.json.

    .venv/bin/python -m bench.public [--pairs 41]   (BENCH_DATABASE_URL=postgresql://… for another server)
"""
import argparse
import json
import statistics
import time
from pathlib import Path

from sqlalchemy import select, update

from bench import floor
from bench.common import counting_queries, fresh_app
from crm.demo.seed import seed_demo
from crm.extensions import db, limiter
from crm.partnerships.models import Partnership

RESULTS = Path(__file__).resolve().parent / "results"


def addresses(app) -> list[str]:
    from crm.public import queries

    with app.app_context():
        partnership = db.session.scalars(queries.published_partnerships()).first()
        highlight = db.session.scalars(queries.published_highlights()).first()
    pages = ["/public/en/", "/public/ar/", "/public/en/?q=Kyoto", f"/public/en/partnerships/{partnership.id}",
             f"/public/ja/partnerships/{partnership.id}", "/open-data/partnerships.json",
             "/open-data/partnerships.csv", "/open-data/catalog.json"]
    if highlight is not None:
        pages.insert(5, f"/public/en/highlights/{highlight.id}")
    return pages


def timed(client, path: str, headers: dict | None = None) -> tuple[float, object]:
    start = time.perf_counter()
    response = client.get(path, headers=headers or {})
    return time.perf_counter() - start, response


def measure(app, path: str, pairs: int) -> dict:
    page, base = app.test_client(), floor.app.test_client()
    first = page.get(path)
    assert first.status_code == 200, (path, first.status_code)
    etag = first.headers.get("ETag")
    page_times, floor_times, revalidate_times = [], [], []
    for _ in range(pairs):
        floor_times.append(timed(base, "/")[0])
        page_times.append(timed(page, path)[0])
        if etag:
            seconds, response = timed(page, path, {"If-None-Match": etag})
            assert response.status_code == 304, (path, response.status_code)
            revalidate_times.append(seconds)
    with counting_queries(app) as statements:
        page.get(path)
    page_ms, floor_ms = statistics.median(page_times) * 1000, statistics.median(floor_times) * 1000
    return {"path": path, "page_ms": round(page_ms, 1), "floor_ms": round(floor_ms, 1),
            "share_of_floor": round(floor_ms / page_ms, 2), "bytes": len(first.data), "queries": len(statements),
            "etag": bool(etag), "not_modified_ms": round(statistics.median(revalidate_times) * 1000, 1)
            if revalidate_times else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=41)
    args = parser.parse_args()
    app = fresh_app("crm_bench_public")
    limiter.enabled = False  # the benchmark is one client asking fast, by design: the public rate limit would answer
    with app.app_context():
        seed_demo()
        db.session.execute(update(Partnership).where(Partnership.archived_at.is_(None)).values(is_public=True))
        db.session.commit()
        listed = len(db.session.scalars(select(Partnership.id).where(Partnership.is_public)).all())
    rows = [measure(app, path, args.pairs) for path in addresses(app)]
    print(f"public partnerships: {listed}; medians of {args.pairs} pairs (page, floor) in one process\n")
    print("| address | page | floor | share of the floor | 304 with the ETag | queries | bytes |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| `{row['path']}` | {row['page_ms']} ms | {row['floor_ms']} ms | {row['share_of_floor']} | "
              f"{row['not_modified_ms']} ms | {row['queries']} | {row['bytes']:,} |")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "public.json").write_text(json.dumps({"public_partnerships": listed, "pairs": args.pairs,
                                                     "pages": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
