"""Benchmark: the search box at 100,000 engagements (issue: one global search box).

Builds the same data on PostgreSQL (bulk COPY) and on SQLite (executemany):
2,000 partnerships whose partner cities carry names in several scripts,
100,000 engagements, 10,000 contacts and 4,000 organizations. Times the
search page (server time, through the WSGI app, median of several runs) for
a common word, a rare word, a city in Japanese, a city in Cyrillic and a
two-letter query; counts its SQL statements; and prints PostgreSQL's plan
for the engagement query, to show the trigram index at work.

    .venv/bin/python -m bench.search            (BENCH_DATABASE_URL to use another server)
"""
import json
import random
import sqlite3
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_login import login_user
from flask_migrate import upgrade
from sqlalchemy import text

from bench.common import counting_queries, fresh_app, median_seconds, session_secret, signed_in_client
from crm import create_app
from crm.auth.models import User
from crm.extensions import db
from crm.roles import Role
from crm.search import queries
from crm.settings.service import office_settings

PARTNERSHIPS, ENGAGEMENTS, CONTACTS, ORGANIZATIONS = 2_000, 100_000, 10_000, 4_000
QUERIES = {
    "common word (meeting)": "meeting",
    "rare word (zeppelin)": "zeppelin",
    "city in Japanese (京都, 2 characters)": "京都",
    "city in Japanese (京都市)": "京都市",
    "city in Cyrillic (Киото)": "Киото",
    "two letters (ky)": "ky",
}
# A few real cities in their scripts among thousands of made-up ones.
REAL = [("Kyoto", "京都市", "Kioto\nКиото\n京都\nKyōto"), ("Cairo", "القاهرة", "Kairo\nКаир\nLe Caire"),
        ("Kyiv", "Київ", "Kiev\nКиев"), ("Suzhou", "苏州", "蘇州\nСучжоу"), ("Athens", "Αθήνα", "Афины\nAthen")]
WORDS = ["meeting", "call", "letter", "visit", "festival", "exchange", "forum", "delegation", "workshop",
         "conference", "greetings", "anniversary", "school", "university", "trade", "culture", "harbour",
         "technology", "youth", "orchestra", "marathon", "library", "museum", "climate", "budget"]
KINDS = ["meeting", "call", "letter", "visit", "event", "ceremony"]
SYLLABLES = ["ka", "to", "mi", "ra", "no", "sa", "ber", "lin", "va", "do", "mar", "ton", "el", "gra", "os"]
FIRST = ["Anna", "Hiro", "Olga", "Omar", "Li", "Maria", "Jonas", "Aiko", "Pierre", "Fatima", "Ivan", "Chen"]
LAST = ["Tanaka", "Petrova", "Haddad", "Wang", "Schmidt", "Rossi", "Suzuki", "Novak", "Garcia", "Kim"]


def rows(seed: int = 11) -> dict[str, list[tuple]]:
    """Every table's rows, the same for both databases."""
    rng = random.Random(seed)
    today = date.today()
    cities = [(1, "Portland", None, None, "US")]
    for n in range(PARTNERSHIPS):
        if n < len(REAL):
            name, native, alternates = REAL[n]
        else:
            name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize() + f" {n}"
            native, alternates = None, None
        cities.append((n + 2, name, native, alternates, "JP"))
    partnerships = [(n + 1, 1, n + 2, "sister_city", rng.choice(["active"] * 8 + ["proposed", "ended"]),
                     today - timedelta(days=rng.randint(300, 15000))) for n in range(PARTNERSHIPS)]
    engagements = []
    for n in range(ENGAGEMENTS):
        words = rng.sample(WORDS, 3)
        title = f"{words[0].capitalize()} on {words[1]} and {words[2]} {n}"
        if n % 33_000 == 0:
            title = f"Zeppelin museum visit {n}"  # the rare word: 4 of 100,000
        engagements.append((rng.randint(1, PARTNERSHIPS), rng.choice(KINDS),
                            today - timedelta(days=rng.randint(-60, 3000)), title, rng.random() < 0.7))
    contacts = [(rng.randint(1, PARTNERSHIPS), f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                 f"person{n}@partner.example") for n in range(CONTACTS)]
    organizations = [(rng.randint(1, PARTNERSHIPS), f"{rng.choice(WORDS).capitalize()} association {n}")
                     for n in range(ORGANIZATIONS)]
    return {"cities": cities, "partnerships": partnerships, "engagements": engagements, "contacts": contacts,
            "organizations": organizations}


def admin_user(app) -> tuple[int, str]:
    with app.app_context():
        admin = User(email="bench@example.org", name="Bench", role=Role.ADMIN)
        admin.set_password("bench-password-long")
        db.session.add(admin)
        db.session.flush()
        office_settings()
        db.session.commit()
        return admin.id, session_secret(admin)


def populate_postgres(app, data) -> None:
    now = datetime.now(UTC).isoformat()
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy("COPY cities (id, name, native_name, alternate_names, country_code, created_at, "
                             "updated_at) FROM STDIN") as copy:
                for row in data["cities"]:
                    copy.write_row((*row, now, now))
            cursor.execute("INSERT INTO home_cities (city_id, created_at, updated_at) VALUES (1, now(), now())")
            cursor.execute("UPDATE office_settings SET default_home_city_id = 1")
            with cursor.copy("COPY partnerships (id, home_city_id, partner_city_id, kind, status, established_on, "
                             "created_at, updated_at) FROM STDIN") as copy:
                for row in data["partnerships"]:
                    copy.write_row((*row, now, now))
            with cursor.copy("COPY engagements (partnership_id, kind, occurred_on, title, substantive, record_type, "
                             "visibility, initiated_by, logged_by_side, created_at, updated_at) FROM STDIN") as copy:
                for row in data["engagements"]:
                    copy.write_row((*row, "engagement", "shared", "home", "home", now, now))
            with cursor.copy("COPY contacts (partnership_id, name, email, side, visibility, created_at, updated_at) "
                             "FROM STDIN") as copy:
                for row in data["contacts"]:
                    copy.write_row((*row, "partner", "shared", now, now))
            with cursor.copy("COPY organizations (partnership_id, name, side, kind, created_at, updated_at) "
                             "FROM STDIN") as copy:
                for row in data["organizations"]:
                    copy.write_row((*row, "partner", "university", now, now))
            for table in ("cities", "partnerships"):
                cursor.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
            raw.commit()
            raw.driver_connection.autocommit = True
            cursor.execute("VACUUM ANALYZE")
        finally:
            raw.close()


def sqlite_app(path: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "TESTING": False})
    with app.app_context():
        upgrade()
    return app


def populate_sqlite(path: Path, data) -> None:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO cities (id, name, native_name, alternate_names, country_code, created_at, "
                         "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [(*r, now, now) for r in data["cities"]])
        conn.execute("INSERT INTO home_cities (city_id, created_at, updated_at) VALUES (1, ?, ?)", (now, now))
        conn.execute("UPDATE office_settings SET default_home_city_id = 1")
        conn.executemany("INSERT INTO partnerships (id, home_city_id, partner_city_id, kind, status, established_on, "
                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [(*r[:5], r[5].isoformat(), now, now) for r in data["partnerships"]])
        conn.executemany("INSERT INTO engagements (partnership_id, kind, occurred_on, title, substantive, record_type, "
                         "visibility, initiated_by, logged_by_side, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, 'engagement', 'shared', 'home', 'home', ?, ?)",
                         [(r[0], r[1], r[2].isoformat(), r[3], int(r[4]), now, now) for r in data["engagements"]])
        conn.executemany("INSERT INTO contacts (partnership_id, name, email, side, visibility, created_at, updated_at) "
                         "VALUES (?, ?, ?, 'partner', 'shared', ?, ?)", [(*r, now, now) for r in data["contacts"]])
        conn.executemany("INSERT INTO organizations (partnership_id, name, side, kind, created_at, updated_at) "
                         "VALUES (?, ?, 'partner', 'university', ?, ?)",
                         [(*r, now, now) for r in data["organizations"]])
    conn.execute("ANALYZE")
    conn.close()


def measure(app, admin_id: int, token: str) -> dict:
    client = signed_in_client(app, admin_id, token)
    figures = {}
    for label, q in QUERIES.items():
        response = client.get("/search", query_string={"q": q})
        assert response.status_code == 200, (q, response.status_code)
        seconds = median_seconds(lambda q=q: client.get("/search", query_string={"q": q}), repeat=7, warmup=2)
        with counting_queries(app) as statements:
            client.get("/search", query_string={"q": q})
        figures[label] = {"ms": round(seconds * 1000, 1), "queries": len(statements),
                          "results": response.text.count('class="search-result"')}
    return figures


def plans(app, admin_id: int) -> dict:
    """EXPLAIN ANALYZE of each group's real query (as the admin would run it)."""
    found = {}
    with app.test_request_context():
        login_user(db.session.get(User, admin_id))
        for q in ("zeppelin", "meeting", "京都市", "ky"):
            for kind in ("engagements", "cities", "contacts"):
                statement = queries.QUERIES[kind](q).limit(11)
                sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
                plan = [row[0] for row in db.session.execute(text("EXPLAIN ANALYZE " + sql))]
                found[f"{kind} {q}"] = plan
    return found


def main() -> int:
    data = rows()
    results, explained = {}, {}
    print("building PostgreSQL…", file=sys.stderr)
    app = fresh_app("crm_bench_search")
    admin_id, token = admin_user(app)
    populate_postgres(app, data)
    results["postgresql"] = measure(app, admin_id, token)
    explained = plans(app, admin_id)
    with app.app_context():
        db.engine.dispose()
    print("building SQLite…", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        app = sqlite_app(path)
        admin_id, token = admin_user(app)
        populate_sqlite(path, data)
        results["sqlite"] = measure(app, admin_id, token)
        with app.app_context():
            db.engine.dispose()
    uses_index = {name: any("trgm" in line for line in plan) for name, plan in explained.items()}
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "search.json").write_text(json.dumps({"results": results, "plans": explained,
                                                 "uses_trigram_index": uses_index}, indent=2, ensure_ascii=False))
    print(f"{PARTNERSHIPS:,} partnerships, {ENGAGEMENTS:,} engagements, {CONTACTS:,} contacts, "
          f"{ORGANIZATIONS:,} organizations; median of 7 runs")
    print("| query | PostgreSQL | SQLite | SQL statements | results shown |")
    print("|---|---|---|---|---|")
    for label in QUERIES:
        pg, lite = results["postgresql"][label], results["sqlite"][label]
        print(f"| {label} | {pg['ms']:.0f} ms | {lite['ms']:.0f} ms | {pg['queries']} | {pg['results']} |")
    for name, used in uses_index.items():
        print(f"{'trigram index' if used else 'no index     '}  {name}")
    for name in ("engagements zeppelin", "engagements meeting"):
        print(f"--- plan: {name}")
        print("\n".join(explained[name]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
