"""Importing partnerships and contacts from a spreadsheet: reading, matching, preview, all-or-nothing writing."""
import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.cities.models import City
from crm.contacts.models import Contact
from crm.imports import running, writing
from crm.imports.columns import ASSOCIATION, PARTNERS, PARTNERSHIPS, fields_for, guess_mapping
from crm.imports.countries import country_code
from crm.imports.matching import AMBIGUOUS, MATCHED, Matcher, city_index
from crm.imports.models import DONE, FAILED, READY, ImportJob
from crm.imports.reading import UnreadableFile, parse_date, read_table
from crm.imports.staging import SKIP_DUPLICATE, SKIP_EXISTING, default_choice, plan, stage_partnerships
from crm.partnerships.models import Partnership
from crm.settings.models import HomeCity

TWIN_CITIES = Path("/work/shared/data/twin_cities.csv")
MALMO, GOTHENBURG = 2692969, 2711537


@pytest.fixture(autouse=True, scope="module")
def _gazetteer_loaded():
    """Loaded as after the first import of a process: small files are then matched in the request."""
    city_index()


@pytest.fixture(scope="module")
def matcher():
    return Matcher()


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


# Reading ----------------------------------------------------------------------------------------------------------


def test_reads_csv_in_windows_encoding_with_semicolons(app_ctx):
    data = "Partner city;Country;Established\nMalmö;Sweden;1987\nSão Paulo;Brazil;\n".encode("cp1252", "replace")
    headers, rows = read_table("partners.csv", data)
    assert headers == ["Partner city", "Country", "Established"]
    assert rows[0] == ["Malmö", "Sweden", "1987"]


def test_reads_utf8_csv_with_bom_and_quoted_commas(app_ctx):
    data = '\ufeffcity1,country1,city2,country2\nBristol,"England, United Kingdom",Bordeaux,France\n'.encode()
    headers, rows = read_table("t.csv", data)
    assert headers[0] == "city1" and rows[0][1] == "England, United Kingdom"


def test_reads_xlsx(app_ctx):
    book = Workbook()
    sheet = book.active
    sheet.append(["Partner city", "Country", "Established"])
    sheet.append(["Malmö", "Sweden", 1987])
    buffer = io.BytesIO()
    book.save(buffer)
    headers, rows = read_table("partners.xlsx", buffer.getvalue())
    assert headers == ["Partner city", "Country", "Established"]
    assert rows == [["Malmö", "Sweden", "1987"]]


def test_unreadable_files_are_refused_with_a_reason(app_ctx):
    for data in (b"", b"only a header\n", b"PK\x03\x04 not really a workbook"):
        with pytest.raises(UnreadableFile):
            read_table("x.xlsx" if data.startswith(b"PK") else "x.csv", data)


def test_dates_as_spreadsheets_write_them():
    assert parse_date("1987").year == 1987
    assert parse_date("03.05.1991").month == 5
    assert parse_date("1991-05-03").day == 3
    assert parse_date("someday") is None


# Columns and countries --------------------------------------------------------------------------------------------


def test_guesses_the_twin_city_file_columns():
    headers = "city1,country1,lat1,lng1,city2,country2,lat2,lng2".split(",")
    mapping = guess_mapping(headers, fields_for(PARTNERSHIPS, ASSOCIATION))
    assert [headers[mapping[f]] for f in ("home_city", "home_country", "partner_city", "partner_lat")] == \
        ["city1", "country1", "city2", "lat2"]


def test_guesses_columns_named_in_other_languages():
    mapping = guess_mapping(["Partnerstadt", "Land", "Seit", "Bemerkungen"], fields_for(PARTNERSHIPS, PARTNERS))
    assert (mapping["partner_city"], mapping["partner_country"], mapping["established_on"], mapping["summary"]) \
        == (0, 1, 2, 3)
    mapping = guess_mapping(["Partner city", "Country", "Established"], fields_for(PARTNERSHIPS, PARTNERS))
    assert (mapping["partner_city"], mapping["partner_country"], mapping["established_on"]) == (0, 1, 2)


@pytest.mark.parametrize("name, code", [
    ("Turkey", "TR"), ("Czech Republic", "CZ"), ("People's Republic of China", "CN"), ("United States", "US"),
    ("England, United Kingdom", "GB"), ("Georgia (country)", "GE"), ("Réunion, France", "RE"),
    ("Ivory Coast", "CI"), ("São Tomé and Príncipe", "ST"), ("Kazakhstah", "KZ"), ("Atlantis", None), ("", None),
])
def test_country_names_to_iso_codes(name, code):
    assert country_code(name) == code


# Matching ---------------------------------------------------------------------------------------------------------


def test_exact_name_in_its_country(matcher):
    found = matcher.match("Malmö", "SE")
    assert (found.status, found.geonames_id, found.confidence) == (MATCHED, MALMO, 100)


def test_alternate_name(matcher):
    found = matcher.match("Göteborg", "SE")
    assert (found.status, found.geonames_id, found.method) == (MATCHED, GOTHENBURG, "alternate")


def test_without_accents(matcher):
    assert matcher.match("Malmo", "SE").geonames_id == MALMO


def test_a_typo_is_matched_fuzzily_with_lower_confidence(matcher):
    found = matcher.match("Gothenburgh", "SE")
    assert found.status == MATCHED and found.geonames_id == GOTHENBURG and found.method == "fuzzy"
    assert 90 <= found.confidence < 100


def test_wrong_coordinates_do_not_override_a_clear_name(matcher):
    # The coordinates point at the other side of the world; the name and country still decide.
    found = matcher.match("Malmö", "SE", -33.9, 151.2)
    assert found.status == MATCHED and found.geonames_id == MALMO


def test_coordinates_choose_between_cities_of_the_same_name(matcher):
    found = matcher.match("Portland", "US", 43.66, -70.26)  # Maine, not Oregon
    assert found.status == MATCHED and found.candidates[0].distance_km < 30
    assert matcher.match("Portland", "US", 45.52, -122.68).geonames_id != found.geonames_id


def test_same_name_without_coordinates_is_ambiguous(matcher):
    found = matcher.match("Portland", "US")
    assert found.status == AMBIGUOUS and found.geonames_id is None and len(found.candidates) >= 2


def test_nonsense_is_unmatched(matcher):
    assert matcher.match("Qxzvblorp", "SE").status != MATCHED


def test_each_distinct_city_is_matched_once(matcher):
    assert matcher.match("Malmö", "SE") is matcher.match("Malmö", "SE")


@pytest.mark.parametrize("home", ["Rio de Janeiro", "Guangzhou", "Judenburg"])
def test_twin_city_partners_are_matched_to_the_gazetteer(matcher, home):
    """The issue's requirement on the real file: ≥ 95 % of one city's partners matched automatically.

    Counted on true gazetteer matches only; cities created from the file's data do not count."""
    with TWIN_CITIES.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["city1"] == home]
    assert len(rows) >= 25
    matched = sum(matcher.match(r["city2"], country_code(r["country2"]), r["lat2"], r["lng2"]).status == MATCHED
                  for r in rows)
    rate = matched / len(rows)
    print(f"{home}: {matched}/{len(rows)} partners matched to the gazetteer ({rate:.1%})")
    assert rate >= 0.95


def test_a_town_not_in_the_gazetteer_is_offered_from_the_file():
    match = {"status": "unmatched", "candidates": []}
    assert default_choice(match, "SE", (57.0, 12.0)) == "create"
    assert default_choice(match, "SE", None) is None  # no coordinates: the user decides
    assert default_choice({"status": "ambiguous", "candidates": [{"score": 85}]}, "SE", (57.0, 12.0)) is None


# The flow through the views ---------------------------------------------------------------------------------------


def upload(client, content: str, **fields):
    data = {"kind": "partnerships", "mode": "partners", **fields,
            "file": (io.BytesIO(content.encode()), fields.pop("filename", "partners.csv"))}
    return client.post("/import/", data=data, content_type="multipart/form-data")


def token_of(response) -> str:
    return response.headers["Location"].split("/import/")[1].split("/")[0]


PARTNERS_CSV = ("Partner city,Country,Established,Notes\n"
                "Malmö,Sweden,1987,Harbour cities\n"
                "Gothenburgh,Sweden,1990,\n"
                "Portland,United States,2001,\n"
                "Malmo,Sweden,1987,the same again\n")


def test_the_whole_flow_from_upload_to_partnerships(client, login, make, session):
    home = make.home_city(name="Kobe", country_code="JP")
    user = login("coordinator")
    before = count(session, Partnership)
    response = upload(client, PARTNERS_CSV, home_city_id=str(home.id))
    assert response.status_code == 302
    token = token_of(response)
    page = client.get(f"/import/{token}/columns")
    assert page.status_code == 200 and "Malmö" in page.text
    response = client.post(f"/import/{token}/columns", data={
        "home_city": "-1", "partner_city": "0", "partner_country": "1", "partner_lat": "-1", "partner_lng": "-1",
        "kind": "-1", "status": "-1", "established_on": "2", "summary": "3"})
    assert response.status_code == 302
    preview = client.get(f"/import/{token}")
    assert preview.status_code == 200
    assert "Several possible cities" in preview.text  # Portland
    job = session.scalar(select(ImportJob).where(ImportJob.token == token))
    assert job.status == READY and job.user_id == user.id
    portland = next(n for n, c in enumerate(job.data["cities"]) if c["name"] == "Portland")
    oregon = max(job.data["cities"][portland]["match"]["candidates"], key=lambda c: c["population"])
    assert count(session, Partnership) == before  # the preview writes nothing

    response = client.post(f"/import/{token}/resolve", data={f"city-{portland}": f"gn:{oregon['geonames_id']}"})
    assert response.status_code == 302
    skipped = client.get(f"/import/{token}?show=skipped")
    assert "Already earlier in the file" in skipped.text  # "Malmo" is "Malmö" again
    response = client.post(f"/import/{token}/confirm")
    assert response.status_code == 302
    done = client.get(f"/import/{token}")
    assert "The import is complete." in done.text
    session.expire_all()
    added = session.scalars(select(Partnership).where(Partnership.home_city_id == home.id)).all()
    partners = {p.partner_city.geonames_id: p for p in added}
    assert set(partners) == {MALMO, GOTHENBURG, oregon["geonames_id"]}
    assert partners[MALMO].established_on.year == 1987 and partners[MALMO].summary == "Harbour cities"
    event = session.scalar(select(AuditEvent).where(AuditEvent.record_type == "import_jobs"))
    assert event.user_id == user.id and event.changes["partnerships"] == [None, 3]
    assert client.get(f"/import/{token}/status").json["status"] == DONE


def test_existing_partnerships_are_skipped(client, login, make, session):
    home = make.home_city(name="Kobe", country_code="JP")
    make.partnership(home=home, partner=make.city("Malmö", country_code="SE", geonames_id=MALMO))
    login("coordinator")
    token = token_of(upload(client, "Partner city,Country\nMalmö,Sweden\n", home_city_id=str(home.id)))
    client.post(f"/import/{token}/columns", data={"partner_city": "0", "partner_country": "1"})
    job = session.scalar(select(ImportJob).where(ImportJob.token == token))
    with client.application.app_context():
        job = ImportJob.query.filter_by(token=token).one()
        assert [p[-1] for p in plan(job)] == [SKIP_EXISTING]


def test_viewers_cannot_import_and_jobs_are_private(client, login, make, session):
    home = make.home_city()
    login("coordinator")
    token = token_of(upload(client, PARTNERS_CSV, home_city_id=str(home.id)))
    login("viewer")
    assert client.get("/import/").status_code == 403
    assert client.get(f"/import/{token}").status_code == 403
    login("coordinator")  # another coordinator
    assert client.get(f"/import/{token}").status_code == 404


def test_a_bad_file_gets_a_message_not_an_error(client, login, make):
    home = make.home_city()
    login("coordinator")
    response = upload(client, "", home_city_id=str(home.id))
    assert response.status_code == 422 and "The file is empty." in response.text


# Association mode and all-or-nothing ------------------------------------------------------------------------------


def association_job(session, user, rows):
    job = ImportJob(token=f"t{len(rows)}-{user.id}", user_id=user.id, kind=PARTNERSHIPS, mode=ASSOCIATION,
                    filename="twin.csv", status=READY, data={
                        "headers": ["city1", "country1", "city2", "country2"], "rows": rows,
                        "mapping": {"home_city": 0, "home_country": 1, "partner_city": 2, "partner_country": 3}})
    session.add(job)
    session.commit()
    return job


ASSOCIATION_ROWS = [["Malmö", "Sweden", "Gothenburg", "Sweden"], ["Gothenburg", "Sweden", "Malmö", "Sweden"],
                    ["Malmö", "Sweden", "Turku", "Finland"], ["Lund", "Sweden", "Aarhus", "Denmark"]]


def test_association_every_first_city_becomes_a_home_city(app, make, session):
    user = make.user("admin")
    job_id = association_job(session, user, ASSOCIATION_ROWS).id
    with app.app_context():
        from crm.extensions import db

        job = db.session.get(ImportJob, job_id)
        stage_partnerships(job)
        reasons = [p[-1] for p in plan(job)]
        assert reasons == [None, SKIP_DUPLICATE, None, None]  # Gothenburg–Malmö from both sides is one partnership
        db.session.commit()
        running.run_apply(job.id, user.id)
    session.expire_all()
    homes = set(session.scalars(select(City.name).join(HomeCity, HomeCity.city_id == City.id)))
    assert {"Malmö", "Gothenburg", "Lund"} <= homes
    assert count(session, Partnership) == 3
    assert session.get(ImportJob, job_id).status == DONE


def test_a_failure_midway_leaves_nothing(app, make, session, monkeypatch):
    user = make.user("admin")
    job = association_job(session, user, ASSOCIATION_ROWS)
    cities, homes, events = count(session, City), count(session, HomeCity), count(session, AuditEvent)
    calls = []

    def failing_progress(job):
        def progress(done, total):
            calls.append(done)
            if len(calls) == 2:
                raise RuntimeError("disk full")
        return progress

    monkeypatch.setattr(writing, "CHUNK", 1)
    with app.app_context():
        from crm.extensions import db

        stage_partnerships(db.session.get(ImportJob, job.id))
        db.session.commit()
        with pytest.raises(RuntimeError):
            running.run_apply(job.id, user.id, progress_factory=failing_progress)
    session.expire_all()
    assert calls == [1, 2]  # one partnership was written before the failure…
    assert count(session, Partnership) == 0  # …and rolled back with everything else
    assert (count(session, City), count(session, HomeCity), count(session, AuditEvent)) == (cities, homes, events)
    failed = session.get(ImportJob, job.id)
    assert failed.status == FAILED and "disk full" in failed.error


# Contacts ---------------------------------------------------------------------------------------------------------


def test_contacts_are_imported_into_the_partnership_of_their_city(client, login, make, session):
    home = make.home_city()
    malmo = make.partnership(home=home, partner=make.city("Malmö", country_code="SE"))
    login("coordinator")
    content = ("Name,E-mail,Partner city,Organization,Language\n"
               "Anna Berg,anna@malmo.example,Malmo,Malmö University,sv\n"
               "Lars Holm,lars@malmo.example,Malmö,,English\n"
               "Nobody,nobody@example.org,Atlantis,,\n")
    token = token_of(upload(client, content, kind="contacts"))
    response = client.post(f"/import/{token}/columns", data={
        "partner_city": "2", "name": "0", "email": "1", "phone": "-1", "organization": "3", "job_title": "-1",
        "language": "4"})
    assert response.status_code == 302
    preview = client.get(f"/import/{token}")
    assert preview.status_code == 200
    assert count(session, Contact) == 0
    client.post(f"/import/{token}/confirm")
    session.expire_all()
    contacts = session.scalars(select(Contact).where(Contact.partnership_id == malmo.id)).all()
    assert {c.name for c in contacts} == {"Anna Berg", "Lars Holm"}
    assert {c.language for c in contacts} == {None, "en"}
    assert any(c.organization and c.organization.name == "Malmö University" for c in contacts)


@pytest.mark.parametrize("name, expected", [
    ("Orange County", "create"), ("Plovdiv Province", "create"), ("Sverdlovsk Oblast", "create"),
    ("Petrogradsky (Saint Petersburg)", "create"), ("Marburg-Biedenkopf (district)", "create"),
    ("Springfield", None),  # a plain town name: the user decides
])
def test_counties_provinces_and_districts_are_kept_as_the_file_gives_them(name, expected):
    ambiguous = {"status": "ambiguous", "candidates": [{"score": 100}]}
    assert default_choice(ambiguous, "US", (33.7, -117.8), name) == expected
    assert default_choice(ambiguous, "US", None, name) is None  # without coordinates: the user decides


@pytest.mark.parametrize("name, cc, expected", [
    ("Calabria", "IT", True), ("Queensland", "AU", True), ("Saarland", "DE", True), ("Réunion", "FR", True),
    ("KwaZulu-Natal", "ZA", True), ("Andalusia", "ES", True), ("Metro Manila", "PH", True),
    ("Cambridge", "US", False), ("Judenburg", "AT", False), ("Calabria", None, False),
])
def test_regions_are_recognised_from_iso_3166_2(name, cc, expected):
    from crm.imports.regions import is_region

    assert is_region(name, cc) is expected


def test_a_region_is_kept_as_the_file_gives_it():
    ambiguous = {"status": "ambiguous", "candidates": [{"score": 85}]}
    assert default_choice(ambiguous, "IT", (39.0, 16.5), "Calabria") == "create"


def test_when_nothing_would_be_added_the_preview_says_why_and_offers_no_import(client, login, make, session):
    home = make.home_city(name="Kobe", country_code="JP")
    login("coordinator")
    token = token_of(upload(client, "home,partner,country\nJudenburg,Malmö,Sweden\n", home_city_id=str(home.id)))
    client.post(f"/import/{token}/columns", data={
        "home_city": "0", "partner_city": "1", "partner_country": "2", "partner_lat": "-1", "partner_lng": "-1",
        "kind": "-1", "status": "-1", "established_on": "-1", "summary": "-1"})
    preview = client.get(f"/import/{token}").text
    assert 'show=skipped" aria-current="page">' in preview  # the tab that says why
    assert "Import now</button>" in preview and "disabled" in preview.split("Import now</button>")[0].rsplit("<button", 1)[1]


def test_every_tab_of_a_contacts_preview_opens(client, login, make, session):
    """Issue 25 item 2: the contacts preview's Matched tab answered 500 (its candidates have no distance)."""
    home = make.home_city()
    make.partnership(home=home, partner=make.city("Malmö", country_code="SE"))
    login("coordinator")
    token = token_of(upload(client, "Name,Partner city\nAnna Berg,Malmö\nLars Holm,Malmo\n", kind="contacts"))
    client.post(f"/import/{token}/columns", data={"name": "0", "partner_city": "1"})
    for tab in ("review", "matched", "created", "skipped"):
        assert client.get(f"/import/{token}?show={tab}").status_code == 200, tab
    assert "Malmö – " in client.get(f"/import/{token}?show=matched").text


def test_coordinates_with_a_decimal_comma(matcher):
    """A semicolon CSV from a German, French or Spanish spreadsheet writes 43,66."""
    found = matcher.match("Portland", "US", "43,66", "-70,26")  # Maine, not Oregon
    assert found.status == MATCHED and found.candidates[0].distance_km < 30


def test_the_command_line_import_writes_once_and_again_adds_nothing(app, make, session, tmp_path):
    """`flask crm import-partnerships`: the same write lock and plan as the web import."""
    make.user("admin")
    home = make.home_city(name="Kobe", country_code="JP")
    path = tmp_path / "partners.csv"
    path.write_text("Partner city,Country\nMalmö,Sweden\nGöteborg,Suecia\n", encoding="utf-8")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["crm", "import-partnerships", str(path), "--home-city", "Kobe"])
    assert first.exit_code == 0, first.output
    assert "partnerships: 2" in first.output
    again = runner.invoke(args=["crm", "import-partnerships", str(path), "--home-city", "Kobe"])
    assert again.exit_code == 0 and "partnerships: 0" in again.output, again.output
    session.expire_all()
    assert count(session, Partnership) == 2 and {p.home_city_id for p in session.scalars(select(Partnership))} \
        == {home.id}
