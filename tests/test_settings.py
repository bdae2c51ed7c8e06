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
    refused = client.post("/settings/home-cities", data={"city": "Eugene", "city-ref": ""})
    assert refused.status_code == 422 and session.query(HomeCity).count() == 1  # typed, not chosen: not guessed
    eugene = refused.text.split('type="radio" name="city-ref" value="')[1].split('"')[0]  # Eugene, Oregon
    response = client.post("/settings/home-cities", data={"city": "Eugene", "city-ref": ["", eugene]})
    assert response.status_code == 302
    assert session.query(HomeCity).count() == 2
    assert "Eugene" in client.get("/partnerships/new").text.split("Partner city")[0]


def test_coordinator_cannot_open_settings(client, login):
    login("coordinator")
    assert client.get("/settings/").status_code == 403


def test_a_settings_conflict_shows_the_whole_page_and_a_save_reads_no_home_city_column(
        client, login, make, session, count_queries):
    login("admin")
    portland = make.home_city("Portland")
    session.get(HomeCity, portland.id).threshold_months = 30
    settings = session.get(OfficeSettings, 1)
    settings.office_name = "Theirs"
    session.commit()
    mine = {"office_name": "Mine", "threshold_months": "12", "default_home_city_id": portland.id,
            "version": str(settings.version - 1)}
    response = client.post("/settings/", data=mine)
    assert response.status_code == 409 and "Someone else saved changes" in response.text
    assert f'id="threshold-{portland.id}"' in response.text and 'value="30"' in response.text  # the other forms
    assert 'value="Mine"' in response.text
    with count_queries() as saving:
        assert client.post("/settings/", data={**mine, "version": str(settings.version)}).status_code == 302
    with count_queries() as refused:
        assert client.post("/settings/", data={**mine, "version": "0"}).status_code == 409
    def reads_the_column(counted) -> bool:  # the thresholds and versions of the home cities shown
        return any("WHERE home_cities.city_id IN" in statement for statement in counted.statements)

    assert reads_the_column(refused) and not reads_the_column(saving)  # read only to be shown
