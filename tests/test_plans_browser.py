"""Relationship plans in a real Chromium (issue 21 §1): from Kyoto's "Plan and review" section to its plan, an
objective added with the folded form, a record tied from the objective's page; every plan page is axe-core clean
and fits a 390 px phone."""
import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_partnership_page_browser import _accessible, sign_in

pytestmark = pytest.mark.browser


def _accessible_part(page, selector, width):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=selector)
    assert results.violations_count == 0, (page.url, results.generate_report())
    # the part itself fits (the rest of the section is the other capabilities')
    assert page.evaluate(f"document.querySelector('{selector}').scrollWidth") <= width, page.url
    assert page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().right") <= width, page.url


@pytest.mark.parametrize("width", [1366, 390])
def test_a_plan_its_objectives_and_ties(live_server, chromium, width):  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US", is_mobile=width == 390)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, live_server)
        page.goto(f"{live_server}/plans/")
        _accessible(page, width)
        page.click("main h2 a:has-text('Relationship plan')")  # Kyoto's, listed first
        page.wait_for_selector("#objectives")
        _accessible(page, width)
        assert "expected by now" in page.inner_text("#objectives")
        page.click("#objectives summary:has-text('Add an objective')")
        page.fill("#description", f"A sister-school link every 2 years ({width})")
        page.select_option("#pillar", "education")
        page.fill("#target_count", "1")
        page.select_option("#per_years", "2")
        _accessible(page, width)
        page.click("button:has-text('Add the objective')")
        page.wait_for_selector(".flash-success")
        page.click(f"#objectives h3 a:has-text('A sister-school link every 2 years ({width})')")
        page.wait_for_selector("#tied")
        page.click("#tied summary")
        page.select_option("#engagement_id", index=1)
        _accessible(page, width)
        page.click("button:has-text('Count it towards the objective')")
        page.wait_for_selector(".flash-success")
        assert page.locator("#tied tbody tr").count() == 1
        _accessible(page, width)
        page.click("nav.breadcrumbs a >> nth=0")  # the partnership's "Plan and review" section
        page.wait_for_selector("#plans")
        assert "objectives on track" in page.inner_text("#plans")
        _accessible_part(page, "#plans", width)  # the rest of the section is the other capabilities'
    finally:
        context.close()
