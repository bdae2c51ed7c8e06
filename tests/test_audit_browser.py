"""The audit trail in a real Chromium: readable on a phone, in English and Arabic, axe-core clean."""
import re

import pytest

from tests import test_browser

#: the browser tests' fixtures: one browser, one seeded database, a 390 px phone
chromium, live_server, phone = test_browser.chromium, test_browser.live_server, test_browser.phone

pytestmark = pytest.mark.browser


def _sign_in(page, base, email):
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", "sister-cities-demo")
    page.click("button.primary")
    page.wait_for_url(f"{base}/dashboard")


def _accessible(page):
    """No axe-core violation (WCAG 2.2 target size included), and nothing wider than the 390 px screen."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"rules": {"target-size": {"enabled": True}}, "resultTypes": ["violations"]})
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_trail_reads_as_sentences_on_a_phone(live_server, phone, language):
    _sign_in(phone, live_server, "admin@demo.example")
    phone.goto(f"{live_server}/audit/")
    phone.evaluate("code => document.querySelector(`.language-menu button[value='${code}']`).click()", language)
    phone.wait_for_function("code => document.documentElement.lang === code", arg=language)
    first = phone.locator("table.audit tbody tr").first
    assert first.locator("td").nth(1).inner_text().strip()  # a sentence
    first.locator("details summary").click()
    assert first.locator("details ul.changes").is_visible()
    _accessible(phone)


def test_a_viewer_reads_a_partnerships_history_without_raw_columns(live_server, phone):
    _sign_in(phone, live_server, "viewer@demo.example")
    phone.goto(f"{live_server}/partnerships/")
    hrefs = phone.locator("a[href^='/partnerships/']").evaluate_all("links => links.map(a => a.pathname)")
    detail = next(href for href in hrefs if re.fullmatch(r"/partnerships/\d+", href))
    phone.goto(f"{live_server}{detail}?section=history")
    history = phone.locator("table.audit")
    assert history.count() == 1 and history.locator("details").count() == 0
    _accessible(phone)
