"""Staff choose their language and time zone; every time shown says its zone."""
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from crm.auth.models import User
from crm.i18n import labelled_datetime


@pytest.fixture
def portland(make):
    return make.home_city()  # the office: America/Los_Angeles


def test_the_page_offers_language_and_time_zone(client, login, portland):
    login("viewer")
    page = client.get("/preferences/").text
    assert '<select id="language" name="language">' in page and 'id="timezone" name="timezone">' in page
    assert "The office's time zone (America/Los_Angeles)" in page
    assert '<option value="Asia/Tokyo">Asia/Tokyo</option>' in page
    assert '<option selected value="en">English</option>' in page


@pytest.mark.parametrize("role", ["viewer", "coordinator", "admin"])
def test_staff_save_their_time_zone_and_language(client, login, session, portland, role):
    user = login(role)
    response = client.post("/preferences/", data={"language": "de", "timezone": "Europe/Berlin"})
    assert response.status_code == 302 and response.headers["Location"] == "/preferences/"
    session.expire_all()
    saved = session.get(User, user.id)
    assert (saved.language, saved.timezone) == ("de", "Europe/Berlin")
    page = client.get("/preferences/").text
    assert 'lang="de"' in page and '<option selected value="Europe/Berlin">' in page


def test_no_time_zone_means_the_offices(client, login, session, make, portland):
    user = login(make.user("coordinator", timezone="Asia/Tokyo"))
    assert client.post("/preferences/", data={"language": "en", "timezone": ""}).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).timezone is None


@pytest.mark.parametrize("field, value", [("timezone", "Mars/Olympus_Mons"), ("language", "tlh")])
def test_unknown_choices_are_refused(client, login, session, portland, field, value):
    user = login("coordinator")
    data = {"language": "en", "timezone": "Asia/Tokyo", field: value}
    response = client.post("/preferences/", data=data)
    assert response.status_code == 200 and "Not a valid choice" in response.text
    session.expire_all()
    assert session.get(User, user.id).timezone is None


def test_guests_set_theirs_on_the_portal_profile(client, login):
    login("guest")
    assert client.get("/preferences/").status_code == 404


def test_a_labelled_time_names_its_zone(app):
    moment = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
    with app.test_request_context(), force_locale("en"):
        from flask_babel import refresh
        refresh()
        text = labelled_datetime(moment)
    assert text.endswith("UTC")  # nobody signed in: the configured default, and it says so


def sessions_page_times(client) -> str:
    page = client.get("/account/sessions").text
    return page.split("<tbody>")[1].split("</tbody>")[0]


def test_times_carry_the_zone_of_a_staff_member_in_los_angeles(client, login, make, portland):
    login(make.user("coordinator", timezone="America/Los_Angeles"))
    times = sessions_page_times(client)
    assert "PST" in times and "UTC" not in times  # noon UTC on 25 November is 4:00 AM in Los Angeles
    assert "4:00" in times


def test_a_staff_member_without_a_zone_sees_the_offices_labelled(client, login, make, portland):
    login(make.user("coordinator"))
    times = sessions_page_times(client)
    assert "PST" in times and "UTC" not in times


def test_a_staff_member_in_tokyo_sees_tokyo_time(client, login, make, portland):
    login(make.user("coordinator", timezone="Asia/Tokyo"))
    times = sessions_page_times(client)
    assert "9:00:00" in times and "PM +0900" in times and "UTC" not in times and "PST" not in times
