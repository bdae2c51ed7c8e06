"""A review in a real Chromium, from "due" to decision (issue 21 §2): the dashboard lists a review due, the
partnership's "Plan and review" section opens it with its evidence, the coordinator writes the assessment and
records the council's decision; the review page is axe-core clean at 1366 px and fits a 390 px phone.

With SCREENSHOT_DIR set (docs/screenshots) the review page is kept as review.png for the README."""
import os
from pathlib import Path

import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_partnership_page_browser import _accessible, _language, sign_in

pytestmark = pytest.mark.browser


def test_a_review_from_due_to_decision(live_server, chromium, tmp_path):  # noqa: F811
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, live_server)
        page.goto(f"{live_server}/dashboard")
        due = page.locator("#reviews-due li a").first
        city = due.inner_text()
        due.click()
        page.wait_for_selector("#reviews")
        assert "section=governance" in page.url
        _accessible(page, 1366)
        page.click("#reviews button:has-text('Open a review')")
        page.wait_for_selector("#evidence")
        assert city in page.inner_text("h1")
        assert "Relationship health" in page.inner_text("#evidence")
        page.fill("#assessment", "Only greetings for two years; the chambers of commerce want a trade contact.")
        page.select_option("#recommendation", "revitalise")
        page.click("button:has-text('Save the assessment')")
        page.wait_for_selector(".flash-success")
        assert page.input_value("#assessment").startswith("Only greetings")
        _accessible(page, 1366)
        target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
        target.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(target / "review.png"), full_page=False)
        assert page.input_value("#decision") == "revitalise"  # the recommendation, offered as the decision
        page.select_option("#decision", "continue")
        page.fill("#decided_by_body", "City Council")
        page.fill("#resolution_ref", "Resolution 2026-114")
        page.click("button:has-text('Record the decision')")
        page.wait_for_selector(".flash-success")
        decided = page.inner_text("#review-decision")
        assert "Continue" in decided and "City Council" in decided and "Resolution 2026-114" in decided
        page.set_viewport_size({"width": 390, "height": 844})
        _accessible(page, 390)
        review_url = page.url.split("#")[0]
        page.click("text=Back to the partnership’s plan and review")
        assert "Continue — City Council" in page.inner_text("#reviews")
        _language(page, "ar")
        try:
            _accessible(page, 390)
            page.goto(review_url)
            _accessible(page, 390)
        finally:
            _language(page, "en")
    finally:
        context.close()
