"""The import preview never drops a decision: choices under "To review" go with "Import now"; candidates say
their region, population and distance; other scripts match as in the picker; progress shows from the start."""
import time

import pytest
from sqlalchemy import select

from crm.imports import running, views
from crm.imports.matching import Matcher, city_index
from crm.imports.models import MATCHING, READY, ImportJob
from crm.jobs.runners import EagerRunner, perform_in_context
from crm.partnerships.models import Partnership
from tests.test_imports import token_of, upload


@pytest.fixture(autouse=True, scope="module")
def _gazetteer_loaded():
    """Loaded as after the first import of a process: small files are then matched in the request."""
    city_index()

COLUMNS = {"home_city": "-1", "partner_city": "0", "partner_country": "1", "partner_lat": "2", "partner_lng": "3",
           "kind": "-1", "status": "-1", "established_on": "-1", "summary": "-1"}
#: two Springfields without coordinates, one with coordinates near Springfield, Illinois
FILE = ("Partner city,Country,Lat,Lng\n"
        "Springfield,United States,,\n"
        "Мурманск,Russia,,\n"
        "Portland,United States,45.5,-122.7\n")


@pytest.fixture
def preview(client, login, make, session):
    home = make.home_city(name="Kobe", country_code="JP")
    login("coordinator")
    token = token_of(upload(client, FILE, home_city_id=str(home.id)))
    assert client.post(f"/import/{token}/columns", data=COLUMNS).status_code == 302
    job = session.scalar(select(ImportJob).where(ImportJob.token == token))
    assert job.status == READY
    return home, token, job


def test_choices_under_to_review_are_kept_when_the_user_clicks_import_now(client, session, preview):
    home, token, job = preview
    springfield = next(n for n, c in enumerate(job.data["cities"]) if c["name"] == "Springfield")
    illinois = next(c for c in job.data["cities"][springfield]["match"]["candidates"] if c["region"] == "Illinois")
    page = client.get(f"/import/{token}?show=review").text
    # "Import now" submits the form that holds the decisions, to the confirm address
    button = page.split("Import now</button>")[0].rsplit("<button", 1)[1]
    assert 'form="import-decisions"' in button and f'formaction="/import/{token}/confirm"' in button
    assert 'id="import-decisions"' in page and "disabled" not in button
    # the browser sends the decision chosen (never saved on its own) with the click
    response = client.post(f"/import/{token}/confirm", data={f"city-{springfield}": f"gn:{illinois['geonames_id']}",
                                                            "show": "review", "page": "1"})
    assert response.status_code == 302
    session.expire_all()
    partners = {p.partner_city.geonames_id for p in
                session.scalars(select(Partnership).where(Partnership.home_city_id == home.id))}
    assert illinois["geonames_id"] in partners


def test_candidates_show_region_population_and_distance(client, preview):
    _home, token, _job = preview
    page = client.get(f"/import/{token}?show=review").text + client.get(f"/import/{token}?show=matched").text
    assert "Springfield · Illinois · United States · pop." in page
    assert "Springfield · Missouri · United States" in page
    assert "Oregon" in page and "km from the file’s coordinates" in page  # Portland, by the file's coordinates


def test_names_in_another_script_are_matched_like_the_picker(preview):
    _home, _token, job = preview
    murmansk = next(c for c in job.data["cities"] if c["name"] == "Мурманск")
    assert murmansk["match"]["status"] == "matched"
    assert murmansk["match"]["candidates"][0]["name"] == "Murmansk"


@pytest.mark.parametrize("name, country, expected", [("서울", None, "Seoul"), ("القاهرة", "EG", "Cairo"),
                                                     ("Мурманск", "RU", "Murmansk")])
def test_the_matcher_reads_any_script(name, country, expected):
    found = Matcher().match(name, country)
    assert found.status == "matched" and found.candidates[0].name == expected


def test_progress_shows_while_the_gazetteer_loads(client, login, make, session, monkeypatch):
    """The first file after a restart: the columns form answers at once with the progress page, which says
    the list of cities is loading, instead of a blank wait of tens of seconds."""
    home = make.home_city(name="Kobe", country_code="JP")
    login("coordinator")
    token = token_of(upload(client, FILE, home_city_id=str(home.id)))
    started = []
    monkeypatch.setattr(views, "index_ready", lambda: False)
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: started.extend(ids))  # the job waits in the queue
    began = time.monotonic()
    response = client.post(f"/import/{token}/columns", data=COLUMNS)
    assert response.status_code == 302 and time.monotonic() - began < 5  # no waiting for the gazetteer
    assert response.headers["Location"].endswith(f"/import/{token}")
    assert started and session.scalar(select(ImportJob.status).where(ImportJob.token == token)) == MATCHING
    assert "<progress" in client.get(f"/import/{token}").text  # the progress page, from the first second

    seen = []

    def loading_gazetteer():
        seen.append(client.get(f"/import/{token}/status").json)
        seen.append(client.get(f"/import/{token}").text)

    monkeypatch.setattr(running, "index_ready", lambda: False)
    monkeypatch.setattr(running, "city_index", loading_gazetteer)
    assert perform_in_context(client.application, started[0]) == "done"  # a worker takes the job
    status, page = seen
    assert status["phase"] == "loading" and status["heading"].startswith("Loading the list of the world’s cities")
    assert not status["finished"] and "Loading the list of the world’s cities" in page
    assert client.get(f"/import/{token}/status").json["status"] == READY  # then matched as usual
