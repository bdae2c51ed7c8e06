"""Letters in a real Chromium (issue 22 §5): on the Kyoto youth delegation's People and protocol page the staff
choose who signs and print a participant's visa letter; after a visit they edit a thank-you draft and print it.
The letters' pages are axe-core clean and fit a 390 px phone."""
from datetime import timedelta

import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_partnership_page_browser import _accessible, sign_in

pytestmark = pytest.mark.browser


def _download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    with open(info.value.path(), "rb") as pdf:
        return pdf.read()


def _visits(live_server) -> tuple[int, int]:  # noqa: F811
    """The demo's Kyoto youth delegation (coming), and a past Kyoto visit with an official of theirs on its roster."""
    from sqlalchemy import select

    from crm.contacts.models import Contact
    from crm.engagements.models import Engagement
    from crm.enums import EngagementKind, ParticipantRole, Side
    from crm.extensions import db
    from crm.protocol.models import RosterEntry

    with live_server.app.app_context():
        coming = db.session.scalar(select(Engagement.id).where(Engagement.title == "Kyoto youth delegation to Portland"))
        youth = db.session.get(Engagement, coming)
        past = db.session.scalar(select(Engagement).where(Engagement.title == "Kyoto courtesy visit (letters)"))
        if past is None:
            official = Contact(partnership_id=youth.partnership_id, side=Side.PARTNER, name="Mayor Kadokawa",
                               name_native="門川 大作", honorific="市長", family_name_first=True, language="ja")
            past = Engagement(partnership_id=youth.partnership_id, kind=EngagementKind.VISIT,
                              title="Kyoto courtesy visit (letters)",
                              occurred_on=live_server.office_today() - timedelta(days=5))
            db.session.add_all([official, past])
            db.session.flush()
            db.session.add(RosterEntry(engagement_id=past.id, contact_id=official.id, side=Side.PARTNER,
                                       role=ParticipantRole.OFFICIAL))
            db.session.commit()
        return coming, past.id


@pytest.mark.parametrize("width", [1366, 390])
def test_a_visa_letter_and_a_thank_you_letter(live_server, chromium, width):  # noqa: F811
    coming, past = _visits(live_server)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US", is_mobile=width == 390,
                                   accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, live_server)
        page.goto(f"{live_server}/engagements/{coming}/people")
        page.wait_for_selector("#letters")
        assert page.evaluate("document.querySelector('#letters').scrollWidth") <= width
        page.fill("#letters-hub-signatory-name", "Rosa Lee")
        page.fill("#letters-hub-signatory-title", "Director of International Affairs")
        letter = _download(page, "#letters button:has-text('Visa letter') >> nth=0")
        assert letter.startswith(b"%PDF")
        page.click("#letters button:has-text('Apply')")  # the choices stay in the address, for the next letters
        page.wait_for_url(lambda url: "/visa-letters" in url)
        assert page.input_value("#letters-all-signatory-name") == "Rosa Lee"
        _accessible(page, width)

        page.goto(f"{live_server}/engagements/{past}/thanks")
        page.wait_for_selector(".thanks-draft textarea")
        _accessible(page, width)
        draft = page.input_value(".thanks-draft textarea")
        assert "門川 大作 市長" in draft
        page.fill(".thanks-draft textarea", draft + "\n\nP.S. The tea ceremony was unforgettable.")
        letter = _download(page, ".thanks-draft button:has-text('Print this letter')")
        assert letter.startswith(b"%PDF")
        # an emptied draft comes back with its error, not a blank letter
        page.fill(".thanks-draft textarea", "")
        page.click(".thanks-draft button:has-text('Print this letter')")
        page.wait_for_selector(".thanks-draft .error")
        _accessible(page, width)
    finally:
        context.close()
