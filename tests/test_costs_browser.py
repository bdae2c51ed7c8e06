"""Trip costs in a real Chromium (issue 22 §3): from the dashboard's trips without approval to the trip's costs, a
cost line with its receipt, the approval that takes the trip off the dashboard, and the totals page with the
disclosure; every page on the way is axe-core clean and fits a 390 px phone."""
from pathlib import Path

import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_partnership_page_browser import _accessible, sign_in

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_trip_from_the_dashboard_to_its_costs_and_approval(live_server, chromium, width, tmp_path):  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US", is_mobile=width == 390)
    context.set_default_timeout(10_000)
    page = context.new_page()
    description = f"Taxi from the airport ({width})"
    try:
        sign_in(page, live_server)
        page.goto(f"{live_server}/dashboard")
        trip = page.locator("#trips-without-approval li a").first
        title = trip.inner_text()
        trip.click()
        page.wait_for_selector("#costs")
        _accessible(page, width)
        assert "has no approval on record" in page.inner_text("#costs")
        page.click("#costs a:has-text('Add an actual cost')")
        page.wait_for_selector("#amount")
        _accessible(page, width)
        page.select_option("#category", "local_transport")
        page.fill("#description", description)
        page.fill("#amount", "48.5")
        page.select_option("#currency", "USD")
        page.select_option("#paid_by", "city")
        page.click("button:has-text('Save')")
        page.wait_for_selector(".flash-success")
        row = page.locator("#costs tr").filter(has_text=description)
        assert "$48.50" in row.inner_text()
        row.locator("a:has-text('Edit')").click()
        page.wait_for_selector("#receipt-file")
        _accessible(page, width)
        receipt = tmp_path / "taxi-receipt.pdf"
        receipt.write_bytes(PDF)
        page.set_input_files("#receipt-file", str(receipt))
        page.click("button:has-text('Upload the receipt')")
        page.wait_for_selector(".flash-success")
        assert "taxi-receipt.pdf" in page.inner_text("#receipts")
        page.click("a:has-text('Cancel')")
        page.wait_for_selector("#costs")
        assert "taxi-receipt.pdf" in page.locator("#costs tr").filter(has_text=description).inner_text()
        page.click("#costs a:has-text('Record the approval')")
        page.wait_for_selector("#body")
        _accessible(page, width)
        page.fill("#body", "City Council")
        page.fill("#approved_on", live_server.office_today().isoformat())
        page.fill("#reference", f"Resolution {width}")
        page.click("button:has-text('Save')")
        page.wait_for_selector(".flash-success")
        assert f"Resolution {width}" in page.inner_text("#costs")
        page.goto(f"{live_server}/dashboard")
        card = page.locator("#trips-without-approval")
        assert card.count() == 0 or title not in card.inner_text()
        page.goto(f"{live_server}/costs/")
        _accessible(page, width)
        with page.expect_download() as download_info:
            page.click("a:has-text('Disclosure of travel paid by others')")
        disclosure = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
        assert "Name of official" in disclosure and "Mediterranean Heritage Fund" in disclosure
    finally:
        context.close()
