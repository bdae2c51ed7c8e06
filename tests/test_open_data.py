"""Open data without a token (issue 23 §2): the JSON and CSV feeds of public partnerships, their paging, the DCAT
catalog, the human page, and the feeds against the OpenAPI document."""
import csv
import io
from datetime import UTC, date, datetime

import pytest

from crm.agreements.models import Agreement
from crm.enums import Visibility
from crm.programs.missions.models import TradeMission
from crm.settings.models import OfficeSettings

CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def settings_row(session) -> OfficeSettings:
    settings = session.get(OfficeSettings, 1)
    if settings is None:
        settings = OfficeSettings(id=1)
        session.add(settings)
    return settings


@pytest.fixture
def feed(make, session):
    """Two public partnerships (Tokyo, Cairo), one not public, one public but archived; staff-only things that
    must never show; an agreement title a spreadsheet would run."""
    home = make.home_city()
    home.geonames_id, home.wikidata_id = 5746545, "Q6106"
    tokyo = make.city("Tokyo", native_name="東京", native_name_lang="ja", geonames_id=1850147, wikidata_id="Q1490",
                      latitude=35.6895, longitude=139.69171)
    cairo = make.city("Cairo", native_name="القاهرة", native_name_lang="ar", country_code="EG", geonames_id=360630,
                      timezone="Africa/Cairo", latitude=30.06263, longitude=31.24967)
    first = make.partnership(partner=tokyo, is_public=True, established_on=date(1959, 11, 7),
                             priorities=["trade", "culture"], summary="Shared summary for Tokyo",
                             staff_notes="SECRET staff note")
    second = make.partnership(partner=cairo, is_public=True, summary="Shared summary for Cairo")
    hidden = make.partnership(partner=make.city("Hiddenville"), summary="SECRET hidden summary")
    archived = make.partnership(partner=make.city("Archivedville"), is_public=True)
    archived.archived_at = datetime(2025, 6, 1, tzinfo=UTC)
    session.add_all([
        Agreement(partnership=first, kind="sister_city", status="signed", title="Sister-city agreement",
                  signed_on=date(1959, 11, 7), effective_from=date(1959, 11, 7)),
        Agreement(partnership=first, kind="addendum", title="SECRET draft addendum"),
        Agreement(partnership=second, kind="mou", status="signed", title="=HYPERLINK(\"http://x.example\")",
                  signed_on=date(2020, 5, 1), notes="SECRET agreement note"),
        Agreement(partnership=hidden, kind="mou", status="signed", title="SECRET hidden agreement",
                  signed_on=date(2021, 1, 1)),
    ])
    mission = TradeMission(partnership=first, title="Trade mission to Tokyo", direction="outbound",
                           occurred_on=date(2025, 4, 1), ends_on=date(2025, 4, 5), is_public=True)
    session.add(mission)
    make.engagement(first, title="SECRET staff-only meeting", visibility=Visibility.STAFF_ONLY, is_public=True)
    make.engagement(first, title="SECRET not marked public", occurred_on=date(2025, 2, 1))
    make.engagement(hidden, title="SECRET highlight of a hidden partnership", is_public=True)
    session.flush()
    return {"first": first, "second": second, "hidden": hidden, "archived": archived, "mission": mission}


def json_feed(client, **params):
    response = client.get("/open-data/partnerships.json", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def csv_rows(response) -> list[dict]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


# -- the JSON feed ------------------------------------------------------------------------------------------------

def test_the_json_lists_public_partnerships_only_without_a_token(client, feed):
    response = json_feed(client)
    body = response.get_data(as_text=True)
    data = response.json
    assert [item["id"] for item in data["items"]] == [feed["first"].id, feed["second"].id]
    assert data["total"] == 2 and data["page"] == 1 and data["per_page"] == 100 and data["pages"] == 1
    for secret in ("SECRET", "Hiddenville", "Archivedville"):
        assert secret not in body
    tokyo = data["items"][0]["partner_city"]
    assert tokyo == {"name": "Tokyo", "native_name": "東京", "native_name_language": "ja", "country": "JP",
                     "geonames_id": 1850147, "wikidata_id": "Q1490", "latitude": 35.6895, "longitude": 139.69171}
    assert data["items"][0]["home_city"]["geonames_id"] == 5746545
    assert data["items"][1]["partner_city"]["wikidata_id"] is None
    assert data["items"][0]["url"] == f"http://localhost/public/en/partnerships/{feed['first'].id}"
    assert data["items"][0]["modified"].endswith("Z")
    assert data["licence"] == {"id": "cc0", "name": "CC0 1.0 Universal (Public Domain Dedication)", "url": CC0}


def test_published_fields_are_codes_and_follow_the_office_choice(client, session, feed):
    item = json_feed(client).json["items"][0]
    # the default: everything but the summary
    assert item["kind"] == "sister_city" and item["status"] == "active" and item["established_on"] == "1959-11-07"
    assert item["priorities"] == ["culture", "trade"]
    assert "summary" not in item
    assert item["agreements"] == [{"title": "Sister-city agreement", "kind": "sister_city", "status": "signed",
                                   "signed_on": "1959-11-07", "effective_from": "1959-11-07", "expires_on": None}]
    assert item["highlights"] == [{"title": "Trade mission to Tokyo", "starts_on": "2025-04-01",
                                   "ends_on": "2025-04-05",
                                   "url": f"http://localhost/public/en/highlights/{feed['mission'].id}"}]

    settings_row(session).public_fields = ["summary", "status"]
    session.flush()
    item = json_feed(client).json["items"][0]
    assert set(item) == {"id", "url", "modified", "home_city", "partner_city", "summary", "status"}
    assert item["summary"] == "Shared summary for Tokyo"
    header = csv_rows(client.get("/open-data/partnerships.csv"))[0].keys()
    assert "summary" in header and "status" in header
    assert not {"kind", "agreements_count", "highlights_count", "established_on"} & set(header)


# -- paging --------------------------------------------------------------------------------------------------------

def test_pages_are_stable_and_linked(client, feed):
    first, second = feed["first"].id, feed["second"].id
    one = json_feed(client, per_page=1)
    base = "http://localhost/open-data/partnerships.json"
    assert [i["id"] for i in one.json["items"]] == [first]
    assert one.json["links"] == {"self": f"{base}?page=1&per_page=1", "first": f"{base}?page=1&per_page=1",
                                 "prev": None, "next": f"{base}?page=2&per_page=1",
                                 "last": f"{base}?page=2&per_page=1"}
    assert one.headers["Link"] == (f'<{base}?page=1&per_page=1>; rel="first", '
                                   f'<{base}?page=2&per_page=1>; rel="next", <{base}?page=2&per_page=1>; rel="last"')
    assert one.headers["X-Total-Count"] == "2"
    two = json_feed(client, per_page=1, page=2)
    assert [i["id"] for i in two.json["items"]] == [second]
    assert two.json["links"]["next"] is None and two.json["links"]["prev"] == f"{base}?page=1&per_page=1"
    assert json_feed(client, per_page=1).json == one.json  # the same page twice: the same answer
    past = json_feed(client, per_page=1, page=7)
    assert past.json["items"] == [] and past.json["links"]["prev"] == f"{base}?page=2&per_page=1"
    assert json_feed(client, per_page=1000).json["per_page"] == 1000


@pytest.mark.parametrize("address", ["/open-data/partnerships.json", "/open-data/partnerships.csv"])
@pytest.mark.parametrize("params", [{"per_page": 1001}, {"per_page": 0}, {"page": 0}, {"page": "two"},
                                    {"page": ""}, {"sort": "name"}])
def test_bad_paging_is_a_400_that_names_the_parameter(client, feed, address, params):
    response = client.get(address, query_string=params)
    assert response.status_code == 400 and response.is_json
    assert response.json["error"]["parameter"] == next(iter(params))


# -- the CSV --------------------------------------------------------------------------------------------------------

def test_the_csv_reads_back_as_the_json(client, feed):
    records = json_feed(client).json["items"]
    response = client.get("/open-data/partnerships.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert b"\r\n" in response.get_data()
    rows = csv_rows(response)
    assert [int(row["id"]) for row in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        for side in ("home_city", "partner_city"):
            assert row[f"{side}_name"] == record[side]["name"]
            assert row[f"{side}_native_name"] == (record[side]["native_name"] or "")
            assert row[f"{side}_geonames_id"] == str(record[side]["geonames_id"])
        assert row["url"] == record["url"]
    tokyo, cairo = rows
    assert tokyo["partner_city_native_name"] == "東京" and cairo["partner_city_native_name"] == "القاهرة"
    assert tokyo["partner_city_wikidata_id"] == "Q1490" and cairo["partner_city_wikidata_id"] == ""
    assert tokyo["priorities"] == "culture;trade"
    assert tokyo["agreements_count"] == "1" and tokyo["latest_agreement_title"] == "Sister-city agreement"
    assert tokyo["highlights_count"] == "1" and tokyo["latest_highlight_starts_on"] == "2025-04-01"
    # a title a spreadsheet would run is guarded, as the exports guard it
    assert cairo["latest_agreement_title"] == "'=HYPERLINK(\"http://x.example\")"
    assert "SECRET" not in response.get_data(as_text=True)


def test_the_csv_is_paged_like_the_json(client, feed):
    response = client.get("/open-data/partnerships.csv", query_string={"per_page": 1, "page": 2})
    assert [int(row["id"]) for row in csv_rows(response)] == [feed["second"].id]
    base = "http://localhost/open-data/partnerships.csv"
    assert f'<{base}?page=1&per_page=1>; rel="prev"' in response.headers["Link"]
    assert 'rel="next"' not in response.headers["Link"]


def test_the_feed_costs_the_same_queries_whatever_its_length(client, make, feed, count_queries):
    def cost() -> int:
        with count_queries() as counter:
            json_feed(client)
        return counter.count

    few = cost()
    for n in range(5):
        partnership = make.partnership(partner=make.city(f"More {n}"), is_public=True, priorities=["trade"])
        make.engagement(partnership, is_public=True)
    assert cost() == few


# -- the catalog and the human page ---------------------------------------------------------------------------------

def test_the_catalog_describes_the_feeds_with_the_office_licence(client, session, feed):
    response = client.get("/open-data/catalog.json")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    record = response.json
    assert {"dcat", "dct", "foaf", "vcard"} <= set(record["@context"])
    assert record["@type"] == "dcat:Catalog"
    (dataset,) = record["dcat:dataset"]
    assert dataset["@type"] == "dcat:Dataset" and dataset["dct:license"] == {"@id": CC0}
    assert dataset["dct:publisher"]["foaf:name"] == settings_row(session).office_name
    assert dataset["dct:modified"]["@value"].endswith("Z")
    downloads = {d["dcat:mediaType"]: d for d in dataset["dcat:distribution"]}
    assert downloads["application/json"]["dcat:downloadURL"] == {"@id": "http://localhost/open-data/partnerships.json"}
    assert downloads["text/csv"]["dcat:accessURL"] == {"@id": "http://localhost/open-data/partnerships.csv"}
    assert all(d["dct:conformsTo"] == {"@id": "http://localhost/api/v1/openapi.json"} for d in downloads.values())
    columns = [c["csvw:name"] for c in downloads["text/csv"]["csvw:tableSchema"]["csvw:column"]]
    assert columns == next(csv.reader(io.StringIO(
        client.get("/open-data/partnerships.csv").get_data().decode("utf-8-sig"))))
    assert "SECRET" not in response.get_data(as_text=True)

    settings_row(session).open_data_licence = "cc-by-4.0"
    session.flush()
    dataset = client.get("/open-data/catalog.json").json["dcat:dataset"][0]
    assert dataset["dct:license"] == {"@id": CC_BY}
    assert json_feed(client).json["licence"]["url"] == CC_BY


@pytest.mark.parametrize("language, expect", [("en", "How to harvest it"), ("ar", 'dir="rtl"')])
def test_the_human_page_names_the_addresses_in_the_reader_language(client, feed, language, expect):
    response = client.get("/open-data/", query_string={"lang": language})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert expect in page and f'lang="{language}"' in page
    for address in ("partnerships.json", "partnerships.csv", "catalog.json", "/api/v1/openapi.json", CC0):
        assert address in page
    assert "SECRET" not in page
    # in the browser's language when the address names none
    assert 'lang="ja"' in client.get("/open-data/", headers={"Accept-Language": "ja"}).get_data(as_text=True)


# -- the OpenAPI document ---------------------------------------------------------------------------------------------

def test_the_openapi_document_describes_the_feed_and_the_json_holds_to_it(client, session, feed):
    from jsonschema import Draft202012Validator

    document = client.get("/api/v1/openapi.json").json
    for path in ("/open-data/partnerships.json", "/open-data/partnerships.csv"):
        operation = document["paths"][path]["get"]
        assert operation["security"] == [] and {p["name"] for p in operation["parameters"]} == {"page", "per_page"}
    schema = document["paths"]["/open-data/partnerships.json"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    for fields in (None, ["summary"], []):
        settings_row(session).public_fields = fields
        session.flush()
        for params in ({}, {"per_page": 1, "page": 2}, {"page": 9}):
            validator.validate(json_feed(client, **params).json)


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_the_feed_holds_to_the_openapi_document_against_the_running_app(app, client, feed, mode):
    """schemathesis, as tests/test_api.py runs it for the API. The open-data paths live beside /api/v1 (their
    path item names its own server), which schemathesis' WSGI transport does not follow: they are loaded on
    their own, with the root as the server."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode

    from crm.extensions import limiter

    document = client.get("/api/v1/openapi.json").json
    paths = {path: {k: v for k, v in item.items() if k != "servers"}
             for path, item in document["paths"].items() if path.startswith("/open-data/")}
    schema = schemathesis.openapi.from_dict({**document, "servers": [{"url": "/"}], "paths": paths})
    schema.app, schema.location = app, "/api/v1/openapi.json"
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=25, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
        def conforms(case):
            limiter.reset()
            case.call_and_validate()

        conforms()
        operations += 1
    assert operations == 2
