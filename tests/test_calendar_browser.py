"""The month calendar and the preferences page in a real Chromium: at 390 px, in English and Arabic, axe-core clean."""
import pytest

from tests import test_browser

#: the browser tests' fixtures: one browser, one seeded database, a 390 px phone
chromium, live_server, phone = test_browser.chromium, test_browser.live_server, test_browser.phone

pytestmark = pytest.mark.browser


def _sign_in(page, base, email, landing="/dashboard"):
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", "sister-cities-demo")
    page.click("button.primary")
    page.wait_for_url(f"{base}{landing}**")


def _accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _switch_language(page, code):
    page.evaluate("code => document.querySelector(`.language-menu button[value='${code}']`).click()", code)
    page.wait_for_function("code => document.documentElement.lang === code", arg=code)


def _month(day) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_month_calendar_pages_and_filters_on_a_phone(live_server, phone, language):
    today = live_server.office_today()
    _sign_in(phone, live_server, "coordinator@demo.example")
    phone.goto(f"{live_server}/calendar/month")
    _switch_language(phone, language)
    assert phone.locator("nav.calendar-pager a[rel=next]").count() == 1
    _accessible(phone)
    phone.locator("nav.calendar-pager a[rel=next]").click()
    phone.wait_for_load_state()
    following = today.replace(day=1).replace(year=today.year + (today.month == 12), month=today.month % 12 + 1)
    assert f"month={_month(following)}" in phone.url
    _accessible(phone)
    phone.select_option("#kind", "anniversary")
    phone.locator("form.filters button[type=submit]").click()
    phone.wait_for_url("**kind=anniversary**")
    assert f"month={_month(following)}" in phone.url  # filtering keeps the month
    _accessible(phone)


def test_the_preferences_page_on_a_phone(live_server, phone):
    _sign_in(phone, live_server, "viewer@demo.example")
    phone.goto(f"{live_server}/preferences/")
    _accessible(phone)
    phone.select_option("#timezone", "America/Los_Angeles")
    phone.locator("form.card button[type=submit]").click()
    phone.wait_for_url(f"{live_server}/preferences/")
    assert phone.locator("#timezone").input_value() == "America/Los_Angeles"
    _accessible(phone)
    phone.goto(f"{live_server}/account/sessions")
    assert "PST" in phone.locator("main").inner_text() or "PDT" in phone.locator("main").inner_text()
    phone.goto(f"{live_server}/preferences/")
    phone.select_option("#timezone", "")
    phone.locator("form.card button[type=submit]").click()
    phone.wait_for_url(f"{live_server}/preferences/")


def test_a_guest_sees_their_month_on_a_phone(live_server, phone):
    _sign_in(phone, live_server, "guest.kyoto@demo.example", landing="/portal")
    phone.goto(f"{live_server}/calendar/month")
    assert phone.locator("h1").count() == 1
    hrefs = phone.locator("ul.plain a").evaluate_all("links => links.map(a => a.pathname)")
    assert all(href.startswith("/portal/") for href in hrefs)
    _accessible(phone)
