"""The Wikidata comparison (issue 23 §3): reading an export of P190, matching its cities, the report, the hand-off
to the import preview, and the demo portfolio against real P190 data of Portland, Oregon."""
import io
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.cities.models import City
from crm.enums import PartnershipStatus
from crm.extensions import db
from crm.imports.matching import city_index
from crm.imports.models import READY, ImportJob
from crm.imports.staging import plan
from crm.partnerships.models import Partnership
from crm.wikidata.handoff import import_table
from crm.wikidata.models import DONE, WikidataComparison
from crm.wikidata.query import sparql
from crm.wikidata.reading import UnreadableFile, read_export
from crm.wikidata.report import ENDED_HERE, ENDED_THERE, START, compare

DATA = Path(__file__).parent / "data" / "wikidata"
PORTLAND, SAPPORO, GUADALAJARA, ASHKELON, ULSAN = 5746545, 2128295, 4005539, 295620, 1833747
SUZHOU, KHABAROVSK, KAOHSIUNG, MUTARE, BOLOGNA, UTRECHT = 1886760, 2022890, 1673820, 884979, 3181928, 2745912
KYOTO = 1857910
ON_WIKIDATA = {"Sapporo", "Guadalajara", "Ashkelon", "Ulsan", "Suzhou", "Khabarovsk", "Kaohsiung", "Mutare",
               "Bologna", "Utrecht"}


@pytest.fixture(autouse=True, scope="module")
def _gazetteer_loaded():
    """Loaded as after the first import of a process: the hand-off's file is matched in the request."""
    city_index()


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def portland_office(make, **partners):
    """Portland as the home city (its GeoNames id), with partners {name: (geonames id, country, fields)}."""
    home = make.home_city(name="Portland", country_code="US")
    home.geonames_id = PORTLAND
    make.session.commit()
    made = {}
    for name, (geonames_id, cc, fields) in partners.items():
        city = make.city(name, country_code=cc, geonames_id=geonames_id)
        made[name] = make.partnership(home=home, partner=city, **fields)
    return home, made


# Reading ---------------------------------------------------------------------------------------------------------


def test_the_json_and_csv_exports_read_the_same(app_ctx):
    from_json, json_rows = read_export("portland.json", fixture("portland_p190.json"))
    from_csv, csv_rows = read_export("portland.csv", fixture("portland_p190.csv"))
    assert json_rows == csv_rows == 10
    assert from_json == from_csv
    sapporo = next(s for s in from_json if s.twin_label == "Sapporo")
    assert (sapporo.city, sapporo.city_geonames, sapporo.city_country) == ("Q6106", PORTLAND, "US")
    assert (sapporo.twin, sapporo.twin_geonames, sapporo.twin_country) == ("Q37951", SAPPORO, "JP")
    assert sapporo.twin_lat == pytest.approx(43.06667) and sapporo.twin_lng == pytest.approx(141.35)
    assert (sapporo.start, sapporo.end) == ("1959-01-01", "")
    khabarovsk = next(s for s in from_json if s.twin_label == "Khabarovsk")
    assert khabarovsk.twin == "" and khabarovsk.twin_geonames == KHABAROVSK and khabarovsk.end == "2022-01-01"


def test_bare_ids_tsv_and_missing_optional_columns_are_read(app_ctx):
    statements, _rows = read_export("mini.csv", b"city,twin,twinLabel,start\nQ6106,Q37951,Sapporo,1959\n"
                                                b"wd:Q6106,https://www.wikidata.org/entity/Q9022,Guadalajara,\n")
    assert [(s.city, s.twin, s.start, s.twin_geonames) for s in statements] == [
        ("Q6106", "Q37951", "1959", None), ("Q6106", "Q9022", "", None)]
    tsv = (b'?city\t?twin\t?twinLabel\t?start\n<http://www.wikidata.org/entity/Q6106>\t'
           b'<http://www.wikidata.org/entity/Q1891>\t"Bologna"@en\t'
           b'"2003-05-20T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>\n')
    (bologna,), _rows = read_export("query.tsv", tsv)
    assert (bologna.twin, bologna.twin_label, bologna.start) == ("Q1891", "Bologna", "2003-05-20")


def test_rows_of_one_statement_are_merged(app_ctx):
    """An item with two GeoNames ids or two countries comes back as two rows: one twinning."""
    document = json.loads(fixture("portland_p190.json"))
    bindings = document["results"]["bindings"]
    twin = dict(bindings[0], twinGeonames={"type": "literal", "value": "9999999"})
    document["results"]["bindings"] = [bindings[0], twin]
    statements, rows = read_export("x.json", json.dumps(document).encode())
    assert rows == 2 and len(statements) == 1 and statements[0].twin_geonames == SAPPORO


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty."),
    (b'{"rows": []}', "not a SPARQL query result"),
    (b'{"head": {"vars": ["city"]}, "results": {"bindings": []}}', "needs the columns city and twin"),
    (b"[1, 2", "not a SPARQL query result"),
    (b"name,country\nSapporo,Japan\n", "needs the columns city and twin"),
])
def test_a_file_that_is_not_an_export_is_refused(app_ctx, content, message):
    with pytest.raises(UnreadableFile, match=message):
        read_export("file.json", content)


def test_the_size_is_limited_like_the_import(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    with pytest.raises(UnreadableFile, match="more than 3 rows"):
        read_export("portland.json", fixture("portland_p190.json"))
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNPACKED_MB", 0)
    with pytest.raises(UnreadableFile, match="larger than 0 MB"):
        read_export("portland.csv", fixture("portland_p190.csv"))


def test_a_bad_file_keeps_the_page_with_the_reason_in_the_users_language(client, login, make):
    make.home_city()
    login("coordinator")
    response = client.post("/wikidata/", data={"file": (io.BytesIO(b"name,country\nSapporo,Japan\n"), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "needs the columns city and twin" in response.text
    response = client.post("/wikidata/?lang=fr", data={}, content_type="multipart/form-data",
                           headers={"Accept-Language": "fr"})
    assert response.status_code == 422


# Matching and the report -----------------------------------------------------------------------------------------


def test_cities_are_matched_by_geonames_id_then_by_name_and_country(app, make, session):
    home, _made = portland_office(make)
    by_name = make.city("Sapporo", country_code="JP")  # added by hand: no GeoNames id
    alternate = make.city("Gwangju", country_code="KR", alternate_names="Ulsan-gwangyeoksi\nUlsan")
    make.city("Bologna", country_code="IT")
    make.city("Bologna", country_code="IT")  # two of that name: not guessed
    exact = make.city("Mutare", country_code="ZW", geonames_id=MUTARE, alternate_names="Umtali")
    with app.app_context():
        statements, _rows = read_export("portland.json", fixture("portland_p190.json"))
        report = compare(statements)
    missing = {r["label"]: r for r in report["missing_here"]}
    assert missing["Sapporo"]["twin_city"] == by_name.id
    assert missing["Ulsan"]["twin_city"] == alternate.id
    assert missing["Mutare"]["twin_city"] == exact.id
    assert missing["Bologna"]["twin_city"] is None and missing["Guadalajara"]["twin_city"] is None
    assert {r["home"] for r in report["missing_here"]} == {home.id}
    assert report["counts"]["statements"] == 10 and report["counts"]["missing_here"] == 10


def test_only_the_offices_home_cities_count(app, make, session):
    portland_office(make)
    other = make.city("Sapporo", country_code="JP", geonames_id=SAPPORO)  # a city, not a home city
    rows = ("city,cityGeonames,twin,twinLabel,twinGeonames,twinCountry\n"
            f"Q37951,{SAPPORO},Q6106,Portland,{PORTLAND},US\n"
            f"Q999999999,1,Q1891,Bologna,{BOLOGNA},IT\n")
    with app.app_context():
        report = compare(read_export("x.csv", rows.encode())[0])
    assert report["counts"]["not_home"] == 1 and report["counts"]["home_unmatched"] == 1
    assert report["missing_here"] == [] and other.id


def test_the_three_lists(app, make, session):
    home, made = portland_office(make, **{
        "Suzhou": (SUZHOU, "CN", {"established_on": date(2004, 6, 1)}),
        "Guadalajara": (GUADALAJARA, "MX", {"established_on": date(1983, 3, 15)}),  # Wikidata: 1983 (a year)
        "Kaohsiung": (KAOHSIUNG, "TW", {"status": PartnershipStatus.ENDED, "established_on": date(1988, 1, 1)}),
        "Khabarovsk": (KHABAROVSK, "RU", {"established_on": date(1988, 1, 1)}),  # active; ended on Wikidata
        "Utrecht": (UTRECHT, "NL", {}),  # no date here
        "Kyoto": (KYOTO, "JP", {"established_on": date(1985, 1, 1)}),  # not on Wikidata
    })
    archived = make.partnership(home=home, partner=make.city("Rome", country_code="IT"))
    archived.archived_at = archived.created_at
    session.commit()
    with app.app_context():
        report = compare(read_export("portland.csv", fixture("portland_p190.csv"))[0])
    assert {r["label"] for r in report["missing_here"]} == {"Sapporo", "Ashkelon", "Ulsan", "Mutare", "Bologna"}
    assert [r["partnership"] for r in report["missing_there"]] == [made["Kyoto"].id]  # not the archived one
    kyoto = report["cities"][str(made["Kyoto"].partner_city_id)]
    assert (kyoto["name"], kyoto["gn"]) == ("Kyoto", KYOTO)
    found = {(report["cities"][str(d["partner"])]["name"], d["kind"]): (d["wikidata"], d["ours"])
             for d in report["differences"]}
    assert found == {
        ("Suzhou", START): ("1988", "2004-06-01"),
        ("Kaohsiung", ENDED_HERE): ("", "ended"),
        ("Khabarovsk", ENDED_THERE): ("2022", "active"),
        ("Utrecht", START): ("2012", ""),
    }
    assert report["counts"]["agreeing"] == 1  # Guadalajara: the same year


def test_only_the_home_cities_the_file_covers_are_said_to_be_missing_on_wikidata(app, make, session):
    """The query lists every home city it asked for, twinned or not: a home city the file does not name (another
    batch) has no partnership "missing on Wikidata"; one listed without a twin has them all."""
    home, made = portland_office(make, Kyoto=(KYOTO, "JP", {}))
    sapporo = make.home_city(name="Sapporo", country_code="JP", default=False)
    sapporo.geonames_id = SAPPORO
    session.commit()
    make.partnership(home=sapporo, partner=make.city("Munich", country_code="DE", geonames_id=2867714))
    with app.app_context():
        alone = compare(read_export("x.csv", f"city,cityGeonames,twin\nQ37951,{SAPPORO},\n".encode())[0])
        statements, _rows = read_export("portland.json", fixture("portland_p190.json"))
        portland_only = compare(statements)
    assert alone["counts"]["statements"] == 0 and alone["counts"]["home_cities"] == 1
    assert [alone["cities"][str(r["partner"])]["name"] for r in alone["missing_there"]] == ["Munich"]
    assert [portland_only["cities"][str(r["partner"])]["name"] for r in portland_only["missing_there"]] == ["Kyoto"]


def test_a_twinning_stated_from_both_sides_is_one(app, make, session):
    """Two home cities twinned with each other: Wikidata states it on both items, the office records it once."""
    home, made = portland_office(make)
    sapporo = make.home_city(name="Sapporo", country_code="JP", default=False)
    sapporo.geonames_id = SAPPORO
    session.commit()
    rows = ("city,cityGeonames,twin,twinGeonames,start\n"
            f"Q6106,{PORTLAND},Q37951,{SAPPORO},1959\nQ37951,{SAPPORO},Q6106,{PORTLAND},1959\n")
    with app.app_context():
        report = compare(read_export("x.csv", rows.encode())[0])
        assert report["counts"]["missing_here"] == 1
        make.partnership(home=home, partner=sapporo, established_on=date(1959, 11, 17))
        report = compare(read_export("x.csv", rows.encode())[0])
    assert report["counts"]["missing_here"] == 0 and report["counts"]["agreeing"] == 1
    assert report["missing_there"] == []


def test_wikidata_ids_are_recorded_on_cities_matched_by_geonames_id(app, make, session):
    home, made = portland_office(make, Suzhou=(SUZHOU, "CN", {}), Bologna=(BOLOGNA, "IT", {}))
    made["Bologna"].partner_city.wikidata_id = "Q111"  # recorded before: kept
    by_name = make.city("Sapporo", country_code="JP")  # matched by name: not recorded
    session.commit()
    version = made["Suzhou"].partner_city.version
    with app.app_context():
        report = compare(read_export("portland.json", fixture("portland_p190.json"))[0])
        db.session.commit()
    session.expire_all()
    assert session.get(City, home.id).wikidata_id == "Q6106"
    suzhou = session.get(City, made["Suzhou"].partner_city_id)
    assert suzhou.wikidata_id == "Q42622" and suzhou.version == version + 1  # an open form is told
    assert session.get(City, made["Bologna"].partner_city_id).wikidata_id == "Q111"
    assert session.get(City, by_name.id).wikidata_id is None
    assert report["counts"]["wikidata_ids_recorded"] == 2


# The pages -------------------------------------------------------------------------------------------------------


def upload(client, name="portland_p190.json"):
    return client.post("/wikidata/", data={"file": (io.BytesIO(fixture(name)), name)},
                       content_type="multipart/form-data")


def test_the_upload_page_prints_the_query_for_the_home_cities(client, login, make):
    portland_office(make)
    login("coordinator")
    page = client.get("/wikidata/")
    assert page.status_code == 200
    assert f'VALUES ?cityGeonames {{ "{PORTLAND}" }}' in page.text.replace("&#34;", '"')
    assert "https://query.wikidata.org/" in page.text and "No comparison yet." in page.text
    assert 'VALUES ?cityGeonames { "1" "2" }' in sparql([1, 2])


def test_upload_compare_and_read_the_report(client, login, make, session):
    portland_office(make, Suzhou=(SUZHOU, "CN", {"established_on": date(2004, 1, 1)}),
                    Kyoto=(KYOTO, "JP", {}))
    user = login("coordinator")
    response = upload(client)
    assert response.status_code == 302
    comparison = session.scalar(select(WikidataComparison))
    assert response.headers["Location"].endswith(f"/wikidata/{comparison.id}")
    assert comparison.status == DONE and comparison.rows_read == 10 and comparison.user_id == user.id
    page = client.get(f"/wikidata/{comparison.id}")
    assert page.status_code == 200 and "Sapporo" in page.text and "Import 9 twinnings" in page.text
    there = client.get(f"/wikidata/{comparison.id}?show=missing_there")
    assert "Kyoto" in there.text and str(KYOTO) in there.text and "Sapporo" not in there.text
    differences = client.get(f"/wikidata/{comparison.id}?show=differences")
    assert "1988" in differences.text and "Suzhou" in differences.text
    paged = client.get(f"/wikidata/{comparison.id}?show=missing_here&page=2")
    assert paged.status_code == 200
    assert "portland_p190.json" in client.get("/wikidata/").text  # listed among the past comparisons
    arabic = client.get(f"/wikidata/{comparison.id}", headers={"Accept-Language": "ar"})
    assert arabic.status_code == 200


def test_empty_lists_say_so(client, login, make, session):
    portland_office(make)
    login("coordinator")
    upload(client, "portland_p190.csv")
    comparison = session.scalar(select(WikidataComparison))
    assert "Wikidata lists every partnership recorded here." in client.get(
        f"/wikidata/{comparison.id}?show=missing_there").text
    assert "agree on its start and status" in client.get(f"/wikidata/{comparison.id}?show=differences").text


def test_a_large_file_is_compared_in_the_background(app, client, login, make, session, monkeypatch):
    portland_office(make)
    login("coordinator")
    monkeypatch.setitem(app.config, "WIKIDATA_INLINE_STATEMENTS", 3)
    response = upload(client)
    comparison = session.scalar(select(WikidataComparison))
    session.refresh(comparison)
    assert comparison.status == DONE  # the job ran as the request committed (the tests' eager runner)
    assert "pending" not in comparison.report and comparison.report["counts"]["missing_here"] == 10
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_running_comparison_shows_a_page_that_refreshes_itself(client, login, session):
    comparison = WikidataComparison(filename="big.json", status="running", rows_read=25_000, report={})
    session.add(comparison)
    session.commit()
    login("coordinator")
    page = client.get(f"/wikidata/{comparison.id}")
    assert page.status_code == 200 and 'http-equiv="refresh"' in page.text and "Comparing" in page.text


def test_viewers_may_not_compare(client, login, make):
    login("viewer")
    assert client.get("/wikidata/").status_code == 403


# The hand-off to the import --------------------------------------------------------------------------------------


def test_the_missing_twinnings_go_to_the_import_preview_and_nothing_is_written_before_confirm(
        client, login, make, session):
    home, made = portland_office(make, Suzhou=(SUZHOU, "CN", {}))
    login("coordinator")
    upload(client)
    comparison = session.scalar(select(WikidataComparison))
    before = count(session, Partnership)
    response = client.post(f"/wikidata/{comparison.id}/import")
    assert response.status_code == 302 and "/import/" in response.headers["Location"]
    token = response.headers["Location"].split("/import/")[1].split("/")[0]
    job = session.scalar(select(ImportJob).where(ImportJob.token == token))
    assert job.mode == "association" and job.filename == f"wikidata-{comparison.id}.csv"
    mapping = job.data["mapping"]
    assert mapping["home_geonames"] is not None and mapping["partner_geonames"] is not None
    columns = client.get(response.headers["Location"])
    assert columns.status_code == 200
    response = client.post(f"/import/{token}/columns", data={k: str(-1 if v is None else v)
                                                               for k, v in mapping.items()})
    assert response.status_code == 302
    preview = client.get(f"/import/{token}")
    assert preview.status_code == 200
    assert count(session, Partnership) == before  # the preview writes nothing
    session.expire_all()
    job = session.scalar(select(ImportJob).where(ImportJob.token == token))
    assert job.status == READY
    cities = job.data["cities"]
    written = [partner[1] for _row, _home, partner, reason in _plan(client, job) if reason is None]
    assert sorted(written) == sorted([SAPPORO, GUADALAJARA, ASHKELON, ULSAN, KHABAROVSK, KAOHSIUNG, MUTARE,
                                      BOLOGNA, UTRECHT])  # exactly the missing ones, each by its GeoNames id
    assert all(c["match"]["method"] == "geonames" for c in cities)
    client.post(f"/import/{token}/confirm")
    session.expire_all()
    added = session.scalars(select(Partnership).where(Partnership.home_city_id == home.id)).all()
    assert {p.partner_city.geonames_id for p in added} == {SUZHOU, *written}
    khabarovsk = next(p for p in added if p.partner_city.geonames_id == KHABAROVSK)
    assert khabarovsk.status == PartnershipStatus.ENDED and khabarovsk.established_on.year == 1988


def _plan(client, job):
    with client.application.app_context():
        return plan(db.session.get(ImportJob, job.id))


def test_the_hand_off_file_names_each_city_exactly(app, make, session):
    portland_office(make)
    with app.app_context():
        report = compare(read_export("portland.json", fixture("portland_p190.json"))[0], record_ids=False)
    headers, rows = import_table(report)
    assert headers[:5] == ["city1", "country1", "lat1", "lng1", "geonames1"]
    sapporo = next(r for r in rows if r[5] == "Sapporo")
    assert sapporo == ["Portland", "US", "", "", str(PORTLAND), "Sapporo", "JP", "43.06667", "141.35",
                       str(SAPPORO), "1959-01-01", "active"]


def test_nothing_to_hand_off_says_so(client, login, make, session):
    login("coordinator")
    comparison = WikidataComparison(filename="x.json", status=DONE, rows_read=0, report={"counts": {}})
    session.add(comparison)
    session.commit()
    response = client.post(f"/wikidata/{comparison.id}/import", follow_redirects=True)
    assert "nothing to import" in response.text and count(session, ImportJob) == 0


# The demo ---------------------------------------------------------------------------------------------------------


def test_the_demo_portfolio_against_real_p190_data(app, client, login, session):
    from crm.demo.seed import seed_demo

    with app.app_context():
        seed_demo()
        db.session.commit()
        report = compare(read_export("portland_p190.json", fixture("portland_p190.json"))[0])
        db.session.commit()
    name = lambda city_id: report["cities"][str(city_id)]["name"]
    assert {r["label"] for r in report["missing_here"]} == {"Sapporo", "Ashkelon", "Ulsan", "Khabarovsk", "Mutare"}
    assert {(name(d["partner"]), d["kind"], d["wikidata"], d["ours"][:4]) for d in report["differences"]} == {
        ("Suzhou", START, "1988", "2004"), ("Bologna", START, "2003", "1991"), ("Utrecht", START, "2012", "2006"),
        ("Kaohsiung", ENDED_HERE, "", "ende")}
    assert report["counts"]["agreeing"] == 1  # Guadalajara, 1983
    assert len(report["missing_there"]) == 14
    assert not {name(r["partner"]) for r in report["missing_there"]} & ON_WIKIDATA
    assert {"Kyoto", "Cairo", "Tbilisi"} <= {name(r["partner"]) for r in report["missing_there"]}
    portland = session.scalar(select(City).where(City.geonames_id == PORTLAND))
    assert portland.wikidata_id == "Q6106"


# The city's Wikidata id ------------------------------------------------------------------------------------------


def test_staff_record_a_citys_wikidata_item_and_its_page_links_it(client, login, make, session):
    login("coordinator")
    city = make.city("Sapporo", country_code="JP", timezone="Asia/Tokyo")
    data = {"name": "Sapporo", "country_code": "JP", "timezone": "Asia/Tokyo", "version": str(city.version)}
    response = client.post(f"/cities/{city.id}/edit", data={**data, "wikidata_id": "Sapporo"})
    assert response.status_code == 200 and "such as Q6106, or paste" in response.text
    assert 'value="Sapporo"' in response.text  # what was typed is kept
    response = client.post(f"/cities/{city.id}/edit",
                           data={**data, "wikidata_id": "https://www.wikidata.org/wiki/Q37951"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(City, city.id).wikidata_id == "Q37951"
    page = client.get(f"/cities/{city.id}")
    assert 'href="https://www.wikidata.org/wiki/Q37951"' in page.text
    client.post(f"/cities/{city.id}/edit", data={**data, "version": str(session.get(City, city.id).version),
                                                  "wikidata_id": ""})
    session.expire_all()
    assert session.get(City, city.id).wikidata_id is None
