"""The city picker never guesses: suggestions tell same-named cities apart, names are found in any script,
and a name typed and not chosen is refused with the suggestions for it, the typed text kept."""
import pytest

from crm.cities.models import City
from crm.partnerships.models import Partnership

KYOTO_GEONAMES = 1857910


def lookup(client, query):
    return client.get("/cities/lookup", query_string={"q": query}).get_json()["results"]


def test_the_springfields_are_told_apart_by_region_and_population(client, login):
    login("coordinator")
    springfields = [r for r in lookup(client, "Springfield") if (r["name"], r["country_code"]) == ("Springfield", "US")]
    assert len(springfields) >= 5
    regions = [r["region"] for r in springfields]
    assert {"Illinois", "Missouri", "Massachusetts"} <= set(regions)
    assert all(r["population"] for r in springfields)
    assert len({(r["region"], r["population"]) for r in springfields}) == len(springfields)


@pytest.mark.parametrize("query, name, country", [
    ("Мурманск", "Murmansk", "RU"), ("서울", "Seoul", "KR"), ("القاهرة", "Cairo", "EG"),
    ("мурм", "Murmansk", "RU"), ("京都", "Kyoto", "JP"),
])
def test_names_in_any_script_are_found(client, login, query, name, country):
    login("coordinator")
    best = lookup(client, query)[0]
    assert (best["name"], best["country_code"]) == (name, country)


def test_suggestions_name_regions_outside_the_united_states(client, login):
    login("coordinator")
    kyoto = next(r for r in lookup(client, "Kyoto") if r["name"] == "Kyoto")
    assert kyoto["region"] == "Kyoto" and kyoto["population"] > 1_000_000
    toronto = next(r for r in lookup(client, "Toronto") if r["country_code"] == "CA")
    assert toronto["region"] == "Ontario"


def test_a_city_chosen_from_the_gazetteer_keeps_its_region(client, login, make, session):
    login("coordinator")
    home = make.home_city()
    client.post("/partnerships/new", data=_form(home, **{"partner_city": "Kyoto",
                                                         "partner_city-ref": f"gn:{KYOTO_GEONAMES}"}))
    assert session.query(City).filter_by(geonames_id=KYOTO_GEONAMES).one().region == "Kyoto"


def _form(home, **overrides):
    data = {"home_city_id": home.id, "partner_city": "", "partner_city-ref": "", "kind": "sister_city",
            "status": "active", "liaison_id": 0, "summary": "Shared summary"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("typed", ["Springfield", "Kyoto", "Москва"])
def test_a_typed_name_not_chosen_is_refused_with_the_text_kept(client, login, make, session, typed):
    login("coordinator")
    home = make.home_city()
    response = client.post("/partnerships/new", data=_form(home, partner_city=typed))
    assert response.status_code == 200
    assert "Choose a city from the suggestions, or add the city first." in response.text
    assert f'value="{typed}"' in response.text  # the typed text is kept
    assert "Which city did you mean?" in response.text  # the suggestions, as radio buttons
    assert 'type="radio" name="partner_city-ref" value="gn:' in response.text
    assert f"/cities/new?name={typed}" in response.text or "/cities/new?name=" in response.text
    assert session.query(Partnership).count() == 0


def test_the_refusal_is_in_the_users_language(client, login, make):
    login("coordinator")
    client.post("/language", data={"language": "es"})
    page = client.post("/partnerships/new", data=_form(make.home_city(), partner_city="Springfield")).text
    assert "Choose a city from the suggestions, or add the city first." not in page
    assert 'value="Springfield"' in page


def test_one_of_the_offered_cities_is_chosen_without_javascript(client, login, make, session):
    login("coordinator")
    home = make.home_city()
    page = client.post("/partnerships/new", data=_form(home, partner_city="Москва")).text
    assert "Moscow" in page and "Москва" in page
    # the browser sends the empty hidden reference first, then the radio button chosen
    data = _form(home, partner_city="Москва")
    data["partner_city-ref"] = ["", "gn:" + page.split('name="partner_city-ref" value="gn:')[1].split('"')[0]]
    assert client.post("/partnerships/new", data=data).status_code == 302
    assert session.query(Partnership).one().partner_city.name == "Moscow"


def test_an_unknown_name_offers_to_add_it_by_hand(client, login, make):
    login("coordinator")
    page = client.post("/partnerships/new", data=_form(make.home_city(), partner_city="Nowhereville Zzz")).text
    assert "No city of that name was found." in page
    assert "/cities/new?name=Nowhereville+Zzz" in page
    form = client.get("/cities/new?name=Nowhereville+Zzz&next=/partnerships/new").text
    assert 'value="Nowhereville Zzz"' in form


def test_the_combobox_is_announced(client, login, make):
    login("coordinator")
    make.home_city()
    page = client.get("/partnerships/new").text
    combobox = page.split('role="combobox"')[1].split(">")[0]
    assert 'aria-expanded="false"' in page.split('role="combobox"')[1][:200]
    assert 'aria-controls="partner_city-results"' in page and 'id="partner_city-results"' in page
    assert 'role="listbox"' in page and combobox is not None


def test_an_edit_form_shows_no_offers(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    page = client.get(f"/partnerships/{partnership.id}/edit").text
    assert "city-picker-offers" not in page


def test_creating_a_partnership_that_exists_warns_and_links_to_it(client, login, make, session):
    login("coordinator")
    home = make.home_city()
    existing = make.partnership(home=home, partner=make.city("Kyoto", country_code="JP"))
    response = client.post("/partnerships/new", data=_form(home, **{
        "partner_city": "Kyoto", "partner_city-ref": f"city:{existing.partner_city_id}"}))
    assert response.status_code == 409
    assert "already have a current partnership" in response.text
    assert f'href="/partnerships/{existing.id}"' in response.text and 'value="Kyoto"' in response.text
    assert session.query(Partnership).count() == 1


# In a real Chromium ------------------------------------------------------------------------------------------------

from tests.test_browser import (  # noqa: E402, F401  (fixtures)
    assert_accessible_on_a_phone,
    chromium,
    live_server,
    phone,
    sign_in,
)


@pytest.mark.browser
def test_the_picker_by_keyboard_on_a_phone(live_server, phone, tmp_path):  # noqa: F811
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/partnerships/new")
    box = phone.locator("#partner_city")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    box.focus()
    phone.keyboard.type("Springfield", delay=20)
    phone.wait_for_selector("#partner_city-results li[role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == "partner_city-results"
    options = phone.locator("#partner_city-results li[role=option]")
    texts = options.all_inner_texts()
    assert any("Illinois" in t for t in texts) and any("Missouri" in t for t in texts)
    assert "by hand" in texts[-1]  # the explicit way out
    assert_accessible_on_a_phone(phone, tmp_path, "city-picker-open")
    phone.keyboard.press("ArrowDown")
    first = options.nth(0)
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    phone.keyboard.press("ArrowDown")
    second_id = options.nth(1).get_attribute("id")
    assert box.get_attribute("aria-activedescendant") == second_id
    phone.keyboard.press("Enter")
    assert box.get_attribute("aria-expanded") == "false" and box.get_attribute("aria-activedescendant") is None
    assert phone.input_value("input[type=hidden][name='partner_city-ref']").startswith("gn:")
    assert phone.input_value("#partner_city") == "Springfield"

    # typed again and not chosen: refused, the text kept, the suggestions offered
    box.fill("")
    box.focus()
    phone.keyboard.type("Springfiel", delay=20)
    phone.keyboard.press("Escape")
    phone.select_option("#kind", "sister_city")
    phone.click("button:has-text('Save')")
    phone.wait_for_selector(".city-picker-offers")
    assert phone.input_value("#partner_city") == "Springfiel"
    assert phone.locator("text=Choose a city from the suggestions").count() >= 1
    assert_accessible_on_a_phone(phone, tmp_path, "city-picker-refused")
