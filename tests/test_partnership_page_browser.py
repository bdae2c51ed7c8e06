"""The partnership page in a real Chromium: at 1366 px and on a 390 px phone, in English and Arabic, every section
axe-core clean and no wider than the screen; the composer near the top, errors focused, old anchors kept.

The figures (page height, Tab presses to the composer) are printed with -s; the pictures for the README are
kept when SCREENSHOT_DIR is set (docs/screenshots): partnership-page.png and partnership-page-phone.png."""
import os
from pathlib import Path

import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.browser
SECTIONS = ("health", "agreements", "contacts", "outcomes", "guests", "history")
PICTURES = {1366: "partnership-page.png", 390: "partnership-page-phone.png"}


def sign_in(page, base, email="coordinator@demo.example"):
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", "sister-cities-demo")
    page.click("button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _open(chromium, width, language="en"):  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": 844 if width == 390 else 768},
                                   locale="en-US", is_mobile=width == 390)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _language(page, code):
    """The language menu's own button (pressed by script: on a phone the menu may sit in a collapsed bar)."""
    with page.expect_navigation():
        page.evaluate("(code) => document.querySelector(`.language-menu button[value='${code}']`).click()", code)
    assert page.get_attribute("html", "lang") == code


def _kyoto(page, base):
    page.goto(f"{base}/partnerships/?q=Kyoto")
    page.click("td a:has-text('Kyoto')")
    page.wait_for_selector(".partnership-tabs")
    return page.url.split("#")[0].split("?")[0]


def _accessible(page, width):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, (page.url, results.generate_report())
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_section_is_accessible_and_fits_the_screen(live_server, chromium, width, language, tmp_path):  # noqa: F811
    context, page = _open(chromium, width)
    try:
        sign_in(page, live_server)
        if language != "en":
            _language(page, language)
        url = _kyoto(page, live_server)
        _accessible(page, width)
        if language == "en":
            target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
            target.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target / PICTURES[width]), full_page=False)
        for section in SECTIONS:
            page.goto(f"{url}?section={section}")
            assert page.locator(".partnership-tabs a[aria-current='page']").get_attribute("href").endswith(
                f"section={section}")
            _accessible(page, width)
        page.goto(url)
        page.click("summary:has-text('Log an engagement')" if language == "en" else ".log-form > summary")
        _accessible(page, width)  # the composer, opened
    finally:
        if language != "en":
            _language(page, "en")
        context.close()


def _tabs_to(page, selector, limit=120):
    """Tab presses from the top of the freshly loaded page until the focus is on `selector`."""
    page.reload()
    page.wait_for_load_state("load")
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_composer_is_near_the_top_and_a_few_tab_presses_away(live_server, chromium, width):  # noqa: F811
    """Before this page: 5,212 px tall at 1366 px (8,773 px at 390 px), the composer 1,911 px down (2,438 px),
    28 Tab presses to it."""
    context, page = _open(chromium, width)
    try:
        sign_in(page, live_server)
        _kyoto(page, live_server)
        height = page.evaluate("document.documentElement.scrollHeight")
        top = page.evaluate("document.querySelector('#log-engagement').getBoundingClientRect().top + scrollY")
        to_action = _tabs_to(page, ".partnership-actions a.primary")
        to_summary = _tabs_to(page, "#log-engagement > summary")
        print(f"\nPARTNERSHIP PAGE {width}px: height {height}, composer at {top:.0f} px, "
              f"{to_action} Tab presses to 'Log an engagement', {to_summary} to the composer")
        assert height < (5212 if width == 1366 else 8773)
        assert top < page.viewport_size["height"] or width == 390
        assert to_action < 28 and to_summary <= 28
        page.keyboard.press("Enter")  # on the composer's summary: it opens
        assert page.locator("#log-engagement").get_attribute("open") is not None
        # the header's action from another section: the timeline, composer open, cursor in its first field
        page.goto(page.url.split("#")[0] + "?section=health")
        page.click(".partnership-actions a:has-text('Log an engagement')")
        page.wait_for_load_state("load")
        assert page.evaluate("document.activeElement.id") == "kind"
        assert page.locator("#log-engagement").get_attribute("open") is not None
        # the tabs by keyboard: focus one, Enter opens its section
        page.focus(".partnership-tabs a[href$='section=outcomes']")
        page.keyboard.press("Enter")
        page.wait_for_url("**section=outcomes")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_an_error_lands_on_the_form_and_a_save_shows_the_message_and_the_entry(live_server, chromium, width):  # noqa: F811
    context, page = _open(chromium, width)
    try:
        sign_in(page, live_server)
        _kyoto(page, live_server)
        page.click(".partnership-actions a:has-text('Log an engagement')")
        page.select_option("#kind", "call")
        page.fill("#occurred_on", "")
        page.fill("#title", f"Call with the Kyoto port office ({width})")
        page.fill("#notes", "Typed before the error")
        page.click("button:has-text('Add to the timeline')")
        page.wait_for_selector("#log-engagement .error")
        page.wait_for_load_state("load")
        assert page.url.endswith("#log-engagement")
        assert page.evaluate("document.activeElement.id") == "occurred_on"  # the first field in error
        assert page.locator("#occurred_on").is_visible() and _in_view(page, "#occurred_on")
        assert page.input_value("#notes") == "Typed before the error"
        page.fill("#occurred_on", live_server.office_today().isoformat())
        page.click("button:has-text('Add to the timeline')")
        page.wait_for_selector(".flash-success")
        page.wait_for_load_state("load")
        assert _in_view(page, ".flash-success")
        assert _in_view(page, f".timeline-item:has-text('Call with the Kyoto port office ({width})')")
    finally:
        context.close()


def _in_view(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= page.viewport_size["height"]


def test_old_anchors_open_their_section_and_keep_the_message(live_server, chromium):  # noqa: F811
    context, page = _open(chromium, 1366)
    try:
        sign_in(page, live_server)
        url = _kyoto(page, live_server)
        for anchor, section in (("contacts", "contacts"), ("documents", "contacts"), ("agreements", "agreements"),
                                ("programs", "agreements"), ("history", "history")):
            page.goto(f"{url}#{anchor}")
            page.wait_for_url(f"**section={section}#{anchor}")
            assert page.locator(f"main #{anchor}").count() == 1
        page.goto(f"{url}#timeline")
        assert "section=" not in page.url
        # a new contact returns to the partnership's #contacts: it opens on the contacts, with the message
        page.goto(f"{live_server}/contacts/new?partnership={url.rsplit('/', 1)[1]}")
        page.select_option("#side", "partner")
        page.fill("#name", "Anchor Test Contact")
        page.click("form button[type=submit].primary")
        page.wait_for_load_state("load")
        assert page.locator(".flash-success").count() == 1, (page.url, page.locator(".error").all_inner_texts())
        page.wait_for_url("**section=contacts#contacts")
        assert page.locator(".flash-success").count() == 1
        assert page.locator("#contacts:has-text('Anchor Test Contact')").count() == 1
    finally:
        context.close()
