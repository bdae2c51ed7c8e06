"""Host placements in a real Chromium (issue 22 §6): from the registry to the Kyoto visit's placement board, a
guest taken away from their host, placed again by the suggestion, confirmed, and the letters downloaded as PDFs;
every page is axe-core clean and fits a 390 px phone."""
import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_partnership_page_browser import _accessible, sign_in
from tests.test_plans_browser import _accessible_part

pytestmark = pytest.mark.browser


def _download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    with open(info.value.path(), "rb") as pdf:
        return pdf.read()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_placement_from_suggestion_to_letters(live_server, chromium, width):  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US", is_mobile=width == 390,
                                   accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, live_server)
        page.goto(f"{live_server}/hosts/")
        _accessible(page, width)
        page.click("main a:has-text('The Okada-Brooks family')")
        page.wait_for_selector("#guests")
        _accessible(page, width)
        page.click("#guests a >> nth=0")  # the Kyoto visit's board
        page.wait_for_selector("#placements")
        _accessible(page, width)
        # take the first guest away from their host (a confirmation first)
        page.click("#placements a:has-text('Remove') >> nth=0")
        page.wait_for_selector("main form button[type=submit]")
        _accessible(page, width)
        page.click("main form button[type=submit]")
        page.wait_for_selector(".flash-success")
        assert "could take them" in page.inner_text("#unplaced")
        # the suggestion places them again, and says why
        page.click("button:has-text('Suggest hosts')")
        page.wait_for_selector(".flash-success")
        assert "has a suggested host" in page.inner_text(".flash-success")
        assert "beds taken" in page.inner_text("#placements") and "Suggested" in page.inner_text("#placements")
        _accessible(page, width)
        page.click("button:has-text('Confirm')")
        page.wait_for_selector(".flash-success")
        assert "Suggested" not in page.inner_text("#placements")
        _accessible(page, width)
        # the letters: to the host and to a guest, as PDFs
        host_letter = _download(page, "#placements a:has-text('Letter to the host (PDF)') >> nth=0")
        guest_letter = _download(page, "#placements a:has-text('Letter to the guest (PDF)') >> nth=0")
        assert host_letter.startswith(b"%PDF") and guest_letter.startswith(b"%PDF")
        sheet = _download(page, "button:has-text('Download the sheet (PDF)')")
        assert sheet.startswith(b"%PDF")
        # the engagement's "People and protocol" page: its Hosts section (the rest is the other capabilities')
        page.click("nav.breadcrumbs a:has-text('People and protocol')")
        page.wait_for_selector("#hosting")
        assert "The Okada-Brooks family" in page.inner_text("#hosting")
        _accessible_part(page, "#hosting", width)
    finally:
        context.close()
