"""Benchmark: list exports at portfolio scale (issue: export every list to CSV and XLSX).

5,000 partnerships with 100,000 engagements in PostgreSQL; measures each
export through the WSGI app (whole body read), its size and its number of
SQL statements. An XLSX over CRM_EXPORT_INLINE_ROWS is made in the background: for it, the time the request
took to answer (the redirect to its page) and the time until the file was ready.

    .venv/bin/python -m bench.exports            (BENCH_DATABASE_URL to use another server)
"""
import json
import sys
import time
from pathlib import Path

from bench.ceremonial import populate
from bench.common import counting_queries, fresh_app, signed_in_client
from crm.extensions import db

URLS = ["/partnerships/export.csv", "/partnerships/export.xlsx", "/partnerships/export.csv?sort=health",
        "/partnerships/export.xlsx?health=attention", "/engagements/export.csv", "/engagements/export.xlsx",
        "/engagements/export.csv?substantive=no"]


def background(client, page: str) -> dict:
    """A large XLSX made by the job thread (crm.exports.background): how long until it is ready, and the file."""
    start = time.perf_counter()
    while not (state := client.get(page + "/status").get_json())["finished"]:
        time.sleep(0.2)
    made = time.perf_counter() - start
    body = client.get(page + "/download").get_data()
    return {"made_in": round(made, 3), "bytes": len(body), "rows": state["total"], "status": state["status"]}


def measure(app, admin_id: int, token: str) -> dict:
    client = signed_in_client(app, admin_id, token)
    figures = {}
    for url in URLS:
        client.get(url).get_data()  # warm the caches (health snapshot, templates)
        with counting_queries(app) as statements:
            start = time.perf_counter()
            response = client.get(url)
            body = response.get_data()
            seconds = time.perf_counter() - start
        if response.status_code == 302 and "/exports/" in response.headers["Location"]:
            figures[url] = {"answered_in": round(seconds, 3), **background(client, response.headers["Location"])}
            print(url, figures[url], file=sys.stderr)
            continue
        assert response.status_code == 200, (url, response.status_code)
        rows = body.count(b"\r\n") - 1 if url.split("?")[0].endswith(".csv") else None
        figures[url] = {"seconds": round(seconds, 3), "bytes": len(body), "queries": len(statements), "rows": rows}
        print(url, figures[url], file=sys.stderr)
    return figures


def main() -> int:
    app = fresh_app("crm_bench_exports")
    print("building 5,000 partnerships and 100,000 engagements…", file=sys.stderr)
    admin_id, token = populate(app, 5_000, 100_000)
    with app.app_context():
        db.engine.dispose()  # populate leaves a pooled connection in autocommit, which server-side cursors refuse
    results = measure(app, admin_id, token)
    with app.app_context():
        db.engine.dispose()
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "exports.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
