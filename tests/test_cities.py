import pytest

from crm.cities.gazetteer import gazetteer
from crm.cities.models import City


@pytest.mark.parametrize("query, name, country", [
    ("東京", "Tokyo", "JP"), ("القاهرة", "Cairo", "EG"), ("Москва", "Moscow", "RU"),
    ("kyoto", "Kyoto", "JP"), ("München", "Munich", "DE"), ("Lisboa", "Lisbon", "PT"),
])
def test_gazetteer_finds_cities_by_any_name_or_script(query, name, country):
    best = gazetteer().search(query, limit=1)[0]
    assert (best.name, best.country_code) == (name, country)


@pytest.mark.parametrize("query, native", [
    ("Kyoto", "京都"), ("Cairo", "القاهرة"), ("Moscow", "Москва"), ("Kyiv", "Київ"), ("Athens", "Αθήνα"),
    ("Shanghai", "上海"), ("Seoul", "서울"), ("Lyon", None),
])
def test_native_names_come_in_the_citys_own_script(query, native):
    city = gazetteer().search(query, limit=1)[0]
    if native is None:
        assert city.native_name is None or not city.native_name.isascii()
    else:
        assert city.native_name == native


def test_native_name_is_none_where_the_english_name_is_the_citys_own():
    assert gazetteer().search("Lyon", country_code="FR", limit=1)[0].native_name is None


def test_lookup_endpoint_lists_known_cities_then_the_gazetteer(client, login, make):
    login("coordinator")
    known = make.city("Kyotango", country_code="JP", population=50)
    results = client.get("/cities/lookup?q=kyot").get_json()["results"]
    assert results[0]["ref"] == f"city:{known.id}"
    gazetteer_hit = next(r for r in results if r["name"] == "Kyoto")
    assert gazetteer_hit["ref"].startswith("gn:") and gazetteer_hit["native_name"] == "京都"
    assert gazetteer_hit["country"] == "Japan"
    assert client.get("/cities/lookup?q=k").get_json()["results"] == []


def test_lookup_names_countries_in_the_readers_language(client, login):
    login("coordinator")
    client.post("/language", data={"language": "es"})
    results = client.get("/cities/lookup?q=kyoto").get_json()["results"]
    assert any(r["country"] == "Japón" for r in results)


def test_staff_add_a_city_that_is_not_in_the_gazetteer(client, login, session):
    login("coordinator")
    page = client.get("/cities/new")
    assert page.status_code == 200 and "Japan" in page.text
    response = client.post("/cities/new?next=/partnerships/new", data={
        "name": "Tiny Village", "native_name": "小さな村", "country_code": "JP", "region": "Kyoto",
        "population": "800", "latitude": "35.1", "longitude": "135.2", "timezone": "Asia/Tokyo"})
    assert response.status_code == 302 and response.headers["Location"] == "/partnerships/new"
    city = session.query(City).filter_by(name="Tiny Village").one()
    assert city.native_name == "小さな村" and city.geonames_id is None


@pytest.mark.parametrize("field, value, message", [
    ("latitude", "91", "Number must be between -90 and 90."),
    ("country_code", "XX", "Not a valid choice"),
    ("timezone", "Mars/Olympus", "Not a valid choice"),
    ("population", "many", "Not a valid integer value."),
])
def test_city_form_validation(client, login, session, field, value, message):
    login("coordinator")
    data = {"name": "Somewhere", "country_code": "JP", "timezone": "", field: value}
    response = client.post("/cities/new", data=data)
    assert message in response.text
    assert session.query(City).count() == 0


def test_edit_a_city_native_name(client, login, make, session):
    login("coordinator")
    city = make.city("Athens", country_code="GR", timezone="Europe/Athens")
    client.post(f"/cities/{city.id}/edit", data={"name": "Athens", "native_name": "Αθήνα", "country_code": "GR",
                                                 "timezone": "Europe/Athens"})
    session.expire_all()
    assert session.get(City, city.id).native_name == "Αθήνα"
