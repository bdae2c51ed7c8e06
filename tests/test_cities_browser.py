"""The city page, the print card's warning and the picker's word on a city's own name, in a real Chromium on a
390 px phone: axe-core finds nothing and nothing is wider than the screen, in English and in Arabic."""
import io

import pytest
from PIL import Image
from sqlalchemy import select

from tests.test_browser import (  # noqa: F401  (module fixtures: one browser, one seeded database)
    assert_accessible_on_a_phone,
    chromium,
    live_server,
    phone,
    sign_in,
)

pytestmark = pytest.mark.browser
COORDINATOR = "coordinator@demo.example"


@pytest.fixture(scope="module")
def sqlite_only(app):
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("the markup does not depend on the database; the sqlite lane checks it")


def _records(live_server):  # noqa: F811
    """The first agreement of Kyoto's partnership (the gazetteer's 京都, unconfirmed) and the city."""
    from crm.agreements.models import Agreement
    from crm.cities.models import City
    from crm.extensions import db
    from crm.partnerships.models import Partnership

    with live_server.app.app_context():
        kyoto = db.session.scalar(select(City).where(City.geonames_id == 1857910))
        agreement = db.session.scalar(select(Agreement.id).join(Partnership)
                                      .where(Partnership.partner_city_id == kyoto.id).order_by(Agreement.id))
        return agreement, kyoto.id


def _set_language(live_server, language):  # noqa: F811
    from crm.auth.models import User
    from crm.extensions import db

    with live_server.app.app_context():
        db.session.scalar(select(User).where(User.email == COORDINATOR)).language = language
        db.session.commit()


def test_confirm_a_name_and_upload_an_emblem_on_a_phone(sqlite_only, live_server, phone, tmp_path):  # noqa: F811
    agreement, city = _records(live_server)
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/agreements/{agreement}")
    warning = phone.locator(".print-warning")
    assert "not confirmed yet" in warning.inner_text() and "京都" in warning.inner_text()
    assert_accessible_on_a_phone(phone, tmp_path, "agreement-unconfirmed-name")
    warning.locator("a").first.click()
    phone.wait_for_url(f"{live_server}/cities/{city}?next=**")
    assert "Not confirmed: from GeoNames (Japanese)" in phone.inner_text("#native-name-state")
    assert phone.get_attribute(".native-name", "lang") == "ja"
    assert_accessible_on_a_phone(phone, tmp_path, "city-unconfirmed")

    phone.click("button:has-text('Confirm the name')")
    phone.wait_for_url(f"{live_server}/agreements/{agreement}")
    assert phone.locator(".print-warning").count() == 0 or "京都" not in phone.inner_text(".print-warning")
    phone.goto(f"{live_server}/cities/{city}")
    emblem = io.BytesIO()
    Image.new("RGB", (120, 120), (200, 30, 60)).save(emblem, "PNG")
    phone.set_input_files("#emblem-file", {"name": "kyoto.png", "mimeType": "image/png", "buffer": emblem.getvalue()})
    phone.click("button:has-text('Upload')")
    phone.wait_for_selector("img[alt='Emblem of Kyoto']")
    assert phone.evaluate("document.querySelector(\"img[alt='Emblem of Kyoto']\").naturalWidth") == 120

    assert "Confirmed by Carlos Mendoza" in phone.inner_text("#native-name-state")
    assert_accessible_on_a_phone(phone, tmp_path, "city-confirmed")


def test_the_city_page_and_the_picker_in_arabic(sqlite_only, live_server, phone, tmp_path):  # noqa: F811
    _agreement, city = _records(live_server)
    _set_language(live_server, "ar")
    try:
        sign_in(phone, live_server)
        phone.goto(f"{live_server}/cities/{city}")
        assert phone.get_attribute("html", "dir") == "rtl"
        assert_accessible_on_a_phone(phone, tmp_path, "city-ar")
        phone.goto(f"{live_server}/cities/{city}/edit")
        assert_accessible_on_a_phone(phone, tmp_path, "city-edit-ar")
    finally:
        _set_language(live_server, "en")
    phone.goto(f"{live_server}/partnerships/new")
    phone.locator("#partner_city").type("Haifa", delay=20)
    option = phone.locator("#partner_city-results li[role=option]").first
    option.wait_for()
    assert "חיפה" in option.inner_text() and "Not confirmed: from GeoNames (Hebrew)" in option.inner_text()
    assert option.locator("bdi").get_attribute("lang") == "he"
    assert_accessible_on_a_phone(phone, tmp_path, "picker-native-state")
