import re

from crm.settings.models import HomeCity, OfficeSettings


def test_admin_changes_threshold_and_default_home_city(client, login, make, session):
    login("admin")
    make.home_city("Portland")
    second = make.home_city("Eugene", default=False)
    page = client.get("/settings/").text
    assert "Portland" in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post("/settings/", data={"office_name": "Oregon Sister Cities", "threshold_months": "18",
                                               "default_home_city_id": second.id, "version": version})
    assert response.status_code == 302
    session.expire_all()
    settings = session.get(OfficeSettings, 1)
    assert settings.threshold_months == 18 and settings.default_home_city_id == second.id


def test_bad_threshold_is_refused(client, login, make, session):
    login("admin")
    home = make.home_city()
    response = client.post("/settings/", data={"office_name": "X", "threshold_months": "0",
                                               "default_home_city_id": home.id})
    assert response.status_code == 422 and "Number must be between 1 and 120." in response.text
    session.expire_all()
    assert session.get(OfficeSettings, 1).threshold_months == 12


def test_admin_adds_a_home_city_from_the_gazetteer(client, login, make, session):
    login("admin")
    make.home_city()
    response = client.post("/settings/home-cities", data={"city": "Eugene", "city-ref": ""})
    assert response.status_code == 302
    assert session.query(HomeCity).count() == 2
    assert "Eugene" in client.get("/partnerships/new").text.split("Partner city")[0]


def test_coordinator_cannot_open_settings(client, login):
    login("coordinator")
    assert client.get("/settings/").status_code == 403
