from datetime import date

import pytest

from crm.cities.models import City
from crm.partnerships.models import Partnership, PartnershipStatus, Priority

KYOTO_GEONAMES = 1857910


def test_list_shows_partner_cities_with_native_names_and_countries(client, login, make):
    login("viewer")
    make.partnership(partner=make.city("Kyoto", "京都市", "JP"))
    make.partnership(partner=make.city("Cairo", "القاهرة", "EG"))
    page = client.get("/partnerships/").text
    assert "京都市" in page and "القاهرة" in page
    assert "Japan" in page and "Egypt" in page
    assert "2 partnerships" in page


@pytest.mark.parametrize("query", ["京都", "kyo", "KYOTO", "Portl"])
def test_search_matches_either_city_in_any_script(client, login, make, query):
    login("viewer")
    make.partnership(partner=make.city("Kyoto", "京都市", "JP"))
    make.partnership(partner=make.city("Cairo", "القاهرة", "EG"))
    page = client.get("/partnerships/", query_string={"q": query}).text
    assert "Kyoto" in page
    if query != "Portl":
        assert "Cairo" not in page


def test_search_treats_wildcards_literally(client, login, make):
    login("viewer")
    make.partnership(partner=make.city("Kyoto"))
    assert "No partnership matches" in client.get("/partnerships/", query_string={"q": "%"}).text


def test_filters_by_status_country_priority_and_liaison(client, login, make):
    login("viewer")
    liaison = make.user("coordinator", name="Liaison Person")
    make.partnership(partner=make.city("Kyoto", country_code="JP"), priorities=[Priority.TRADE], liaison=liaison)
    make.partnership(partner=make.city("Lyon", country_code="FR"), status=PartnershipStatus.SUSPENDED)
    for args, shown, hidden in [
        ({"status": "suspended"}, "Lyon", "Kyoto"),
        ({"country": "JP"}, "Kyoto", "Lyon"),
        ({"priority": "trade"}, "Kyoto", "Lyon"),
        ({"liaison": liaison.id}, "Kyoto", "Lyon"),
    ]:
        page = client.get("/partnerships/", query_string=args).text
        assert shown in page and hidden not in page, args


def test_unknown_filter_values_are_ignored_not_errors(client, login, make):
    login("viewer")
    make.partnership(partner=make.city("Kyoto"))
    response = client.get("/partnerships/", query_string={"status": "bogus", "liaison": "x", "sort": "drop table",
                                                          "page": "-3"})
    assert response.status_code == 200
    assert "Kyoto" in response.text


def test_sorting_and_pagination(client, login, make):
    login("viewer")
    for name in ["Delta", "Alpha", "Echo", "Charlie", "Bravo"] * 3:
        make.partnership(partner=make.city(name))
    first = client.get("/partnerships/").text
    assert first.index("Alpha") < first.index("Bravo")
    assert "Page 1 of 2" in first
    second = client.get("/partnerships/", query_string={"page": 2}).text
    assert "Echo" in second and "Alpha" not in second
    beyond = client.get("/partnerships/", query_string={"page": 99})
    assert beyond.status_code == 200 and "Page 2 of 2" in beyond.text


def test_empty_states(client, login, make):
    login("coordinator")
    assert "No partnerships yet." in client.get("/partnerships/").text
    make.partnership()
    assert "No partnership matches" in client.get("/partnerships/?q=zzz").text


def form_data(home, **overrides):
    data = {
        "home_city_id": home.id, "partner_city": "", "partner_city-ref": "", "kind": "sister_city",
        "status": "active", "established_on": "2020-05-12", "liaison_id": 0, "priorities": ["trade", "culture"],
        "threshold_months": "", "summary": "Shared summary", "staff_notes": "Secret note",
    }
    data.update(overrides)
    return data


def test_create_with_a_gazetteer_city(client, login, make, session):
    login("coordinator")
    home = make.home_city()
    response = client.post("/partnerships/new", data=form_data(home, **{
        "partner_city": "Kyoto", "partner_city-ref": f"gn:{KYOTO_GEONAMES}"}))
    assert response.status_code == 302
    partnership = session.query(Partnership).one()
    assert partnership.partner_city.name == "Kyoto"
    assert partnership.partner_city.native_name == "京都"
    assert partnership.partner_city.timezone == "Asia/Tokyo"
    assert partnership.partner_city.latitude == pytest.approx(35.02, abs=0.1)
    assert set(partnership.priorities) == {Priority.TRADE, Priority.CULTURE}
    assert partnership.established_on == date(2020, 5, 12)
    assert "Kyoto" in client.get(response.headers["Location"]).text


def test_create_with_a_typed_name_and_no_javascript(client, login, make, session):
    """Without JavaScript the typed name is not guessed: the page offers its cities, and one is chosen."""
    login("coordinator")
    home = make.home_city()
    page = client.post("/partnerships/new", data=form_data(home, partner_city="Москва"))
    assert page.status_code == 200 and session.query(Partnership).count() == 0
    moscow = page.text.split('type="radio" name="partner_city-ref" value="')[1].split('"')[0]  # the first offer
    chosen = form_data(home, partner_city="Москва", **{"partner_city-ref": ["", moscow]})
    assert client.post("/partnerships/new", data=chosen).status_code == 302
    assert session.query(City).filter_by(name="Moscow").one().native_name == "Москва"


def test_the_same_gazetteer_city_is_stored_once(client, login, make, session):
    login("coordinator")
    home = make.home_city()
    for status in ("ended", "active"):  # one current partnership per pair; an ended one may repeat it
        client.post("/partnerships/new", data=form_data(home, status=status,
                                                        **{"partner_city-ref": f"gn:{KYOTO_GEONAMES}"}))
    assert session.query(City).filter_by(geonames_id=KYOTO_GEONAMES).count() == 1
    assert session.query(Partnership).count() == 2


@pytest.mark.parametrize("overrides, message", [
    ({"partner_city": "", "partner_city-ref": ""}, "Choose the partner city."),
    ({"partner_city": "Nowhereville Zzz", "partner_city-ref": ""}, "Choose a city from the suggestions"),
    ({"partner_city": "Nowhereville", "partner_city-ref": "gn:notanumber"}, "Choose a city from the suggestions"),
    ({"established_on": "12/31/2020x"}, "Not a valid date value."),
    ({"threshold_months": "0"}, "Number must be between 1 and 120."),
    ({"kind": "castle"}, "Not a valid choice"),
    ({"summary": "x" * 6000}, "Field cannot be longer than 5000 characters."),
])
def test_invalid_input_keeps_what_was_typed_and_saves_nothing(client, login, make, session, overrides, message):
    login("coordinator")
    home = make.home_city()
    data = form_data(home, **{"partner_city": "Kyoto", "partner_city-ref": f"gn:{KYOTO_GEONAMES}", **overrides})
    response = client.post("/partnerships/new", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert "Shared summary" in response.text or "summary" in overrides
    assert session.query(Partnership).count() == 0


def test_a_city_cannot_partner_itself(client, login, make, session):
    login("coordinator")
    home = make.home_city()
    response = client.post("/partnerships/new", data=form_data(home, **{"partner_city-ref": f"city:{home.id}"}))
    assert "cannot be its own partner" in response.text
    assert session.query(Partnership).count() == 0


def test_new_form_preselects_the_default_home_city(client, login, make):
    login("coordinator")
    home = make.home_city()
    page = client.get("/partnerships/new").text
    assert f'<option selected value="{home.id}">' in page or f'value="{home.id}" selected' in page


def test_detail_page_shows_facts_timeline_contacts_and_staff_notes(client, login, make):
    login("viewer")
    partnership = make.partnership(partner=make.city("Kyoto", "京都市"), staff_notes="Budget pending",
                                   priorities=[Priority.EDUCATION])
    make.engagement(partnership, title="Rector visit")
    make.contact(partnership, name="山田 花子")
    make.organization(partnership, name="Kyoto University")
    # the facts and the timeline first; contacts and organizations on their own section
    page = client.get(f"/partnerships/{partnership.id}").text + client.get(
        f"/partnerships/{partnership.id}?section=contacts").text
    for text in ["京都市", "Rector visit", "山田 花子", "Kyoto University", "Budget pending", "Education",
                 "12 months"]:
        assert text in page
    assert "Log an engagement" not in page  # a viewer is offered no changes


def test_edit_changes_the_partnership(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto"), priorities=[Priority.TRADE])
    page = client.get(f"/partnerships/{partnership.id}/edit").text
    assert 'value="trade" checked' in page or 'checked id' in page or "checked" in page
    data = form_data(partnership.home_city, **{
        "partner_city": "Kyoto", "partner_city-ref": f"city:{partnership.partner_city_id}",
        "status": "suspended", "priorities": ["health"], "threshold_months": "18"})
    assert client.post(f"/partnerships/{partnership.id}/edit", data=data).status_code == 302
    session.expire_all()
    changed = session.get(Partnership, partnership.id)
    assert changed.status == PartnershipStatus.SUSPENDED
    assert changed.priorities == [Priority.HEALTH]
    assert changed.threshold_months == 18


def test_archive_asks_first_then_hides_and_restore_brings_back(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto"))
    confirm = client.get(f"/partnerships/{partnership.id}/archive")
    assert "Archive the partnership with Kyoto?" in confirm.text
    session.expire_all()
    assert session.get(Partnership, partnership.id).archived_at is None
    assert client.post(f"/partnerships/{partnership.id}/archive").status_code == 302
    link = f'href="/partnerships/{partnership.id}"'
    assert link not in client.get("/partnerships/").text
    assert link in client.get("/partnerships/?archived=only").text
    assert client.get(f"/partnerships/{partnership.id}").status_code == 200  # history is kept
    client.post(f"/partnerships/{partnership.id}/restore")
    assert link in client.get("/partnerships/").text


def test_unknown_partnership_is_a_404_in_the_readers_language(client, login):
    login("viewer")
    assert client.get("/partnerships/999999").status_code == 404
    response = client.get("/partnerships/999999", headers={"Accept-Language": "es"})
    assert response.status_code == 404
    assert 'lang="en"' in response.text or 'lang="es"' in response.text
