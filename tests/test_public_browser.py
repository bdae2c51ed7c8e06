"""The public directory in a real Chromium (issue 23 §1), signed out, on the demo data: a partnership's page in
English and in Arabic (mirrored, the city in its own script), axe-core on the index, a partnership's page and a
highlight's page in both languages, at 1366 px and on a 390 px phone without horizontal scrolling."""
import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_partnership_page_browser import _accessible

pytestmark = pytest.mark.browser


def _open(chromium, width):  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US", is_mobile=width == 390)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _partnership_url(page, base, language, name):
    page.goto(f"{base}/public/{language}/?q={name}")
    link = page.locator(f"main .public-card a:has-text('{name}')")
    assert link.count() == 1, page.url
    return link.get_attribute("href")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_public_partnership_page_signed_out(live_server, chromium, language):  # noqa: F811
    context, page = _open(chromium, 1366)
    try:
        page.goto(f"{live_server}{_partnership_url(page, live_server, language, 'Cairo')}")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        heading = page.inner_text("h1")
        assert "Cairo" in heading and "القاهرة" in heading  # both scripts
        main = page.inner_text("main")
        assert "Portland" in main
        assert ("مصر" if language == "ar" else "Egypt") in main  # the country in the reader's language
        assert "Cairo heritage week in Portland" in main  # its highlight
        assert page.locator("a:has-text('Sign out')").count() == 0 and "Sign in" not in main
        # the language switcher leads to the same page in the other language
        other = "en" if language == "ar" else "ar"
        page.click(f".public-languages a[hreflang='{other}']")
        assert page.locator("html").get_attribute("lang") == other and "القاهرة" in page.inner_text("h1")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_public_pages_are_accessible_and_fit_the_screen(live_server, chromium, language, width):  # noqa: F811
    context, page = _open(chromium, width)
    try:
        page.goto(f"{live_server}/public/{language}/")
        assert page.locator(".world-map .map-city").count() >= 6
        assert page.locator(".public-highlight img").count() >= 1
        _accessible(page, width)
        url = _partnership_url(page, live_server, language, "Kyoto")
        page.goto(f"{live_server}{url}")
        assert "京都" in page.inner_text("h1")
        _accessible(page, width)
        page.click("main .public-highlight a:has-text('Kyoto youth delegation to Portland')")
        page.wait_for_selector("h1:has-text('Kyoto youth delegation')")
        main = page.inner_text("main")
        assert ("Japan" if language == "en" else "اليابان") in main  # the host country, in the reader's language
        assert page.locator(".public-table tbody tr").count() >= 2  # participants per country
        assert page.locator(".public-programme > li").count() == 7  # a written programme, a day each
        assert page.evaluate("document.querySelector('img.public-photo').naturalWidth") > 0  # the photo loads
        _accessible(page, width)
        page.goto(f"{live_server}/public/{language}/?q=Kyoto")
        page.click("main .public-card a")
        page.click("main .public-highlight a:has-text('Food and beverage mission')")
        page.wait_for_selector(".public-itinerary")
        assert page.locator(".public-itinerary time").count() >= 6  # the mission's itinerary, by day
        _accessible(page, width)
    finally:
        context.close()
