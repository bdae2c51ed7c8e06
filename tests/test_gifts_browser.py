"""The gift register in a real Chromium (issue 22 §4): a gift goes from being recorded to the published register,
whose CSV then holds it and no e-mail address; every page on the way is axe-core clean and fits a 390 px phone."""
from pathlib import Path

import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_partnership_page_browser import _accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 390])
def test_a_gift_from_the_form_to_the_published_register(live_server, chromium, width):  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US", is_mobile=width == 390)
    context.set_default_timeout(10_000)
    page = context.new_page()
    description = f"Hand-painted Kyoto fan ({width})"
    try:
        sign_in(page, live_server)
        page.goto(f"{live_server}/gifts/")
        _accessible(page, width)
        assert "Kutani porcelain vase" in page.inner_text("main")  # the demo's gifts
        page.click("main .page-head a:has-text('Record a gift')")
        page.wait_for_selector("#partnership")
        page.select_option("#partnership", label="Kyoto")
        _accessible(page, width)
        page.click("button:has-text('Continue')")
        page.wait_for_selector("#description")
        _accessible(page, width)
        page.check("input[name=direction][value=received]")
        page.fill("#from_name", "Mayor of Kyoto")
        page.fill("#to_name", "Our Mayor")
        page.fill("#description", description)
        page.fill("#value", "120")
        page.select_option("#currency", "USD")
        page.select_option("#disposition", "displayed")
        page.click("button:has-text('Save')")
        page.wait_for_selector(".flash-success")
        assert description in page.inner_text("h1")
        _accessible(page, width)
        page.goto(f"{live_server}/gifts/")
        with page.expect_download() as download_info:
            page.click("a:has-text('CSV')")
        csv = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
        assert description in csv and "Mayor of Kyoto" in csv and "Kutani porcelain vase" in csv
        assert "@" not in csv  # no e-mail address, of the giver or anyone
        assert "Lapel pins" not in csv  # under the threshold
        anonymous = chromium.new_context().request.get(f"{live_server}/gifts/register.csv")
        assert anonymous.ok and description in anonymous.text()
    finally:
        context.close()
