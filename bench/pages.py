"""Page speed against the framework floor (issue 19), everything side by side in one run.

Builds PostgreSQL databases — the demo data, and bench.ceremonial's portfolio (5,000 partnerships, 500,000
engagements, from a home city of its own) with the demo data on top, so that the agreement, mission,
exchange, project and contact lists have rows and the demo users can sign in. One server at a time, each on
the same gunicorn (2 workers, the checkout's gunicorn.conf.py, as production runs it): the framework floor
(bench/floor.py: a bare Flask app, a 200-row Jinja table, no database), then each CRM page (wsgi:app), each
followed by the floor again; a page's share of the floor is its req/s ÷ the mean of the floor just before
and just after it, since the machine's other work comes and goes within minutes. Each page is signed in
through the real /sign-in form, checked to answer 200 (a redirect fails the run), warmed, and loaded with
`wrk -t2 -c16 --latency`. Printed as Markdown per size: req/s, share of the floor, p99 latency, HTML size;
each page's cost at 5,000 over its cost on the demo data (demo req/s ÷ 5,000 req/s, and the same of the
shares); the dashboard and the health-sorted list "right after a change" (one engagement logged through
the app, then one view timed, single client) against warm. Absolute figures hold for this machine and this
moment; the ratios within one run are what count. Results also go to bench/results/pages.json.

    .venv/bin/python -m bench.pages [--sizes demo,5000] [--seconds 10] [--quick] [--prefix P] [--port N]
    .venv/bin/python -m bench.pages --profile /partnerships/   (pyinstrument, 30 requests in-process, demo data:
                                                               bench/results/profile-partnerships.txt)
    .venv/bin/python -m bench.pages --memory [--sizes 5000]    (each gunicorn process's RSS before and after
                                                               --seconds of mixed reads and engagement writes)

Run it from the checkout whose code is to be measured: it serves that directory (gunicorn from the
interpreter's bin directory, --chdir to the checkout). wrk is Debian's (`apt-get install wrk`).
"""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import sqlalchemy as sa

import crm
from bench.ceremonial import populate
from bench.common import fresh_app, process_tree_rss, run_wrk, session_secret, signed_in_client
from bench.load import Client, NoRedirect
from crm.auth.models import User
from crm.demo.seed import DEMO_PASSWORD, seed_demo
from crm.extensions import db

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GUNICORN = Path(sys.executable).parent / "gunicorn"
STAFF = "coordinator@demo.example"
PAGES = ["/partnerships/", "/partnerships/<id>", "/dashboard", "/agreements/", "/missions/", "/exchanges/",
         "/projects/", "/contacts/", "/engagements/", "/calendar/", "/search?q=<city>"]
GUEST_PAGE = "/portal/partnerships/<id>"
AFTER_CHANGE = ["/dashboard", "/partnerships/?sort=health"]


def build(label: str, prefix: str) -> dict:
    """A database of this size; what the pages need to know about it."""
    print(f"building {label}…", file=sys.stderr)
    app = fresh_app(f"{prefix}_{label}")
    if label != "demo":
        populate(app, int(label), int(label) * 100)
    with app.app_context():
        seed_demo()
        db.session.commit()
        pid, city, guest = db.session.execute(sa.text(
            "SELECT g.partnership_id, c.name, u.email FROM guest_access g JOIN users u ON u.id = g.user_id "
            "JOIN partnerships p ON p.id = g.partnership_id JOIN cities c ON c.id = p.partner_city_id "
            "ORDER BY g.id LIMIT 1")).one()
        counts = db.session.execute(sa.text("SELECT (SELECT count(*) FROM partnerships), "
                                            "(SELECT count(*) FROM engagements)")).one()
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()
    return {"app": app, "url": url, "partnership_id": pid, "city": city, "guest": guest,
            "partnerships": counts[0], "engagements": counts[1]}


def path_of(page: str, data: dict) -> str:
    return page.replace("<id>", str(data["partnership_id"])).replace("<city>", data["city"])


@contextmanager
def serving(target: str, port: int, env: dict | None = None):
    """gunicorn serving this checkout's target on 127.0.0.1:port; yields (base URL, process)."""
    with open(RESULTS / f"gunicorn-pages-{port}.log", "a") as log:
        server = subprocess.Popen([str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout",
                                   "120", "--chdir", str(ROOT), target], cwd=ROOT, env={**os.environ, **(env or {})},
                                  stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                if server.poll() is not None:
                    raise SystemExit(f"gunicorn {target} exited ({server.returncode}): see {log.name}")
                if fetch(base, "/", "")[0]:
                    break
                time.sleep(0.5)
            else:
                raise SystemExit(f"gunicorn {target} did not answer on {base}")
            yield base, server
        finally:
            server.terminate()
            server.wait(timeout=30)


def crm_env(url: str, warm: bool = False) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": "bench-pages-secret", "CRM_RATELIMIT_ENABLED": "false",
            "CRM_PDF_WARM_AT_START": "true" if warm else "false"}


def fetch(base: str, path: str, cookie: str) -> tuple[int, bytes, str]:
    """One GET sending exactly this Cookie header, redirects not followed: (status, body, Location)."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(NoRedirect()).open(request, timeout=60) as response:
            return response.status, response.read(), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Location", "")
    except OSError:
        return 0, b"", ""


def signed_in(base: str, email: str) -> Client:
    client = Client(base)
    _status, page, _ = client.request("/sign-in")
    status, _text, _ = client.request("/sign-in", {"csrf_token": client.token(page), "email": email,
                                                   "password": DEMO_PASSWORD})
    if status != 302:
        raise SystemExit(f"signing in as {email} failed (status {status})")
    return client


def cookie_of(client: Client) -> str:
    jar = next(h.cookiejar for h in client.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def checked(base: str, path: str, cookie: str) -> bytes:
    status, body, location = fetch(base, path, cookie)
    if status != 200:
        raise SystemExit(f"FAIL: {path} answered {status} {location} — not measured (signed out? broken page?)")
    return body


def measure_page(base: str, path: str, cookie: str, seconds: int) -> dict:
    for _ in range(6):  # each worker warm
        checked(base, path, cookie)
    html = checked(base, path, cookie)
    figures = run_wrk(base + path, seconds, {"Cookie": cookie} if cookie else None)
    checked(base, path, cookie)  # still signed in at the end
    figures["html_kb"] = round(len(html) / 1024, 1)
    print(f"  {path}: {figures['rps']:.1f} req/s, p99 {figures['p99_ms']} ms", file=sys.stderr)
    return figures


def log_engagement(client: Client, partnership_id: int, form_page: str) -> None:
    status, _text, _ = client.request(f"/partnerships/{partnership_id}/engagements", {
        "csrf_token": client.token(form_page), "kind": "call", "occurred_on": date.today().isoformat(),
        "title": f"bench pages {time.monotonic_ns()}", "substantive": "yes", "visibility": "shared",
        "initiated_by": "home"})
    if status != 302:
        raise SystemExit(f"FAIL: logging an engagement answered {status}")


def after_change(base: str, data: dict, repeat: int) -> dict:
    """Median seconds of one view right after an engagement is logged (redirect not followed), and warm."""
    client = signed_in(base, STAFF)
    _status, form_page, _ = client.request(f"/partnerships/{data['partnership_id']}")
    figures = {}
    for path in AFTER_CHANGE:
        cold = []
        for _ in range(repeat):
            log_engagement(client, data["partnership_id"], form_page)
            status, _text, elapsed = client.request(path)
            assert status == 200, (path, status)
            cold.append(elapsed)
        warm = [client.request(path)[2] for _ in range(4 + repeat)][4:]
        figures[path] = {"after_change_ms": round(statistics.median(cold) * 1000, 1),
                         "warm_ms": round(statistics.median(warm) * 1000, 1)}
        figures[path]["ratio"] = round(figures[path]["after_change_ms"] / figures[path]["warm_ms"], 2)
    return figures


def floor(args) -> dict:
    with serving("bench.floor:app", args.port) as (base, _server):
        return measure_page(base, "/", "", args.seconds)


def run_size(data: dict, args) -> dict:
    """The floor, then each page followed by the floor again: a page's yardstick is the mean of the floor
    measured just before and just after it (the machine's other work comes and goes within minutes)."""
    result = {"floors": [floor(args)], "pages": {}, "partnerships": data["partnerships"],
              "engagements": data["engagements"]}
    cookies = {}
    for page in PAGES + [GUEST_PAGE]:
        with serving("wsgi:app", args.port, crm_env(data["url"])) as (base, _server):
            cookies = cookies or {STAFF: cookie_of(signed_in(base, STAFF)),
                                  GUEST_PAGE: cookie_of(signed_in(base, data["guest"]))}
            figures = measure_page(base, path_of(page, data), cookies.get(page, cookies[STAFF]), args.seconds)
        result["floors"].append(floor(args))
        figures["floor_rps"] = round((result["floors"][-2]["rps"] + result["floors"][-1]["rps"]) / 2, 1)
        figures["share"] = round(figures["rps"] / figures["floor_rps"], 3)
        result["pages"][page + (" (guest)" if page == GUEST_PAGE else "")] = figures
    with serving("wsgi:app", args.port, crm_env(data["url"])) as (base, _server):
        result["after_change"] = after_change(base, data, 3 if args.quick else 5)
    return result


def report(results: dict) -> str:
    lines = []
    for label, r in results.items():
        floors = sorted(f["rps"] for f in r["floors"])
        p99 = statistics.median(f["p99_ms"] for f in r["floors"])
        lines += [f"\n### {label}: {r['partnerships']:,} partnerships, {r['engagements']:,} engagements\n",
                  "| page | req/s | the floor beside it | share of the floor | p99 | HTML KB |",
                  "|---|---|---|---|---|---|",
                  (f"| the floor ({len(floors)} runs: median, lowest–highest) | {statistics.median(floors):.0f} "
                   f"({floors[0]:.0f}–{floors[-1]:.0f}) | | 1.00 | {p99} ms | {r['floors'][0]['html_kb']} |")]
        lines += [f"| `{page}` | {f['rps']:.1f} | {f['floor_rps']:.0f} | {f['share']:.3f} | {f['p99_ms']} ms | "
                  f"{f['html_kb']} |" for page, f in r["pages"].items()]
    if "demo" in results and len(results) > 1:
        for label in [label for label in results if label != "demo"]:
            small, large = results["demo"]["pages"], results[label]["pages"]
            lines += [(f"\n### Cost at {label} over demo (demo req/s ÷ {label} req/s; and demo share ÷ {label} share "
                       "of the floor, which discounts the machine's other work changing between the two)\n"),
                      f"| page | demo req/s | {label} req/s | cost ratio | cost ratio, shares of the floor |",
                      "|---|---|---|---|---|"]
            lines += [f"| `{page}` | {small[page]['rps']:.1f} | {large[page]['rps']:.1f} | "
                      f"{small[page]['rps'] / large[page]['rps']:.2f} | "
                      f"{small[page]['share'] / large[page]['share']:.2f} |" for page in small]
    lines += ["\n### Right after a change (one engagement logged, then one view; median, single client)\n",
              "| size | page | warm | right after a change | ratio |", "|---|---|---|---|---|"]
    lines += [f"| {label} | `{page}` | {f['warm_ms']} ms | {f['after_change_ms']} ms | {f['ratio']:.2f} |"
              for label, r in results.items() for page, f in r["after_change"].items()]
    if "demo" in results:
        lines += [f"| {label} over demo warm | `{page}` | {results['demo']['after_change'][page]['warm_ms']} ms | "
                  f"{f['after_change_ms']} ms | {f['after_change_ms'] / results['demo']['after_change'][page]['warm_ms']:.2f} |"
                  for label, r in results.items() if label != "demo" for page, f in r["after_change"].items()]
    failed = [f"{label} {page}" for label, r in results.items()
              for page, f in [*r["pages"].items(), *(("the floor", f) for f in r["floors"])]
              if f["errors"]]
    if failed:
        lines.append(f"\nFAIL: wrk saw errors or non-2xx answers on: {', '.join(failed)}")
    return "\n".join(lines)


def profile(args) -> int:
    from pyinstrument import Profiler

    data = build("demo", f"{args.prefix}_profile")
    app = data["app"]
    guest = args.profile.startswith("/portal/")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == (data["guest"] if guest else STAFF)))
        client = signed_in_client(app, user.id, session_secret(user))
    path = path_of(args.profile, data)
    for _ in range(3):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"FAIL: {path} answered {response.status_code} {response.location or ''}")
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(30):
            client.get(path)
    per_request = (time.perf_counter() - started) / 30 * 1000
    slug = re.sub(r"[^a-z0-9]+", "-", args.profile.lower()).strip("-") or "home"
    out = RESULTS / f"profile-{slug}.txt"
    out.write_text(f"{path}: 30 requests, {per_request:.1f} ms a request (under the profiler), demo data\n\n"
                   + profiler.output_text(unicode=True, color=False))
    print(f"{path}: {per_request:.1f} ms a request under the profiler; profile in {out}")
    return 0


def roles(master: int) -> dict[int, tuple[str, int]]:
    """gunicorn's processes: pid → (what it is, RSS in MB)."""
    tree = process_tree_rss(master)
    named = {}
    for pid, (parent, command, rss) in tree.items():
        if pid == master:
            named[pid] = ("master", rss)
        elif parent == master:
            named[pid] = ("web worker", rss)
        else:
            kind = "resource tracker" if "resource_tracker" in command else "spawned: PDF pool"
            named[pid] = (f"child of worker {parent} ({kind})", rss)
    return named


def memory(label: str, data: dict, args) -> dict:
    """RSS of each gunicorn process, warmed at start as in production, before and after mixed use."""
    with serving("wsgi:app", args.port, crm_env(data["url"], warm=True)) as (base, server):
        time.sleep(15)  # warming at start (PDF workers, templates, gazetteer) done
        before = roles(server.pid)
        stop_at, lock = time.monotonic() + args.seconds, threading.Lock()
        counts = {"reads": 0, "writes": 0, "errors": 0}

        def user(email: str, pages: list[str], rng: random.Random):
            client = signed_in(base, email)
            form_page = client.request(f"/partnerships/{data['partnership_id']}")[1] if email == STAFF else ""
            while time.monotonic() < stop_at:
                if form_page and rng.random() < 0.05:
                    try:
                        log_engagement(client, data["partnership_id"], form_page)
                        kind = "writes"
                    except SystemExit:
                        kind = "errors"
                else:
                    kind = "reads" if client.request(path_of(rng.choice(pages), data))[0] == 200 else "errors"
                with lock:
                    counts[kind] += 1

        threads = [threading.Thread(target=user, args=(STAFF, PAGES, random.Random(n))) for n in range(7)]
        threads.append(threading.Thread(target=user, args=(data["guest"], [GUEST_PAGE], random.Random(7))))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = roles(server.pid)
    print(f"\n### Memory, {label}: {args.seconds} s of mixed use by 8 clients ({counts['reads']} reads, "
          f"{counts['writes']} engagement writes, {counts['errors']} errors), CRM_PDF_WARM_AT_START=true\n")
    print("| process | pid | RSS before | RSS after |\n|---|---|---|---|")
    for pid in sorted(before.keys() | after.keys()):
        role = (after.get(pid) or before[pid])[0]
        print(f"| {role} | {pid} | {before.get(pid, ('', '–'))[1]} MB | {after.get(pid, ('', '–'))[1]} MB |")
    return {"before": before, "after": after, **counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="demo,5000", help="comma-separated: demo and/or numbers of partnerships")
    parser.add_argument("--seconds", type=int, default=10, help="wrk seconds per page (--memory: of mixed load)")
    parser.add_argument("--quick", action="store_true", help="3 seconds a page, fewer samples")
    parser.add_argument("--prefix", default="crm_bench_pages", help="database names start with this")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--profile", metavar="PAGE", help="e.g. /partnerships/ or /partnerships/<id>")
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    if not Path(crm.__file__).resolve().is_relative_to(ROOT):
        raise SystemExit(f"crm is imported from {crm.__file__}, not this checkout {ROOT}: run from {ROOT}")
    if args.quick:
        args.seconds = min(args.seconds, 3)
    RESULTS.mkdir(exist_ok=True)
    if args.profile:
        return profile(args)
    if not shutil.which("wrk") and not args.memory:
        raise SystemExit("wrk is missing: apt-get install wrk")
    built = {label: build(label, args.prefix) for label in args.sizes.split(",")}
    if args.memory:
        figures = {label: memory(label, data, args) for label, data in built.items()}
        (RESULTS / "pages-memory.json").write_text(json.dumps(figures, indent=2))
        return 1 if any(f["errors"] for f in figures.values()) else 0
    results = {}
    for label, data in built.items():
        print(f"measuring {label}…", file=sys.stderr)
        results[label] = run_size(data, args)
    text = report(results)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    settings = {"commit": commit.stdout.strip(), "seconds": args.seconds, "gunicorn": "--workers 2 (gunicorn.conf.py)",
                "wrk": "-t2 -c16 --latency", "cpus": os.cpu_count()}
    (RESULTS / "pages.json").write_text(json.dumps({"settings": settings, "results": results}, indent=2))
    print(f"commit {settings['commit']}, gunicorn --workers 2, wrk -t2 -c16 -d{args.seconds}s")
    print(text)
    return 1 if "FAIL" in text else 0


if __name__ == "__main__":
    sys.exit(main())
