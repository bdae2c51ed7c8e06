"""An agreement approved by both sides, in a real Chromium (issue 21 §5): staff share a draft with Kyoto, Kyoto's
guest proposes a change to the Japanese text and approves, staff approve and accept the proposal (both approvals
withdrawn, visibly), both sides approve again, and staff mark it ready to sign. The pages are axe-core clean, the
portal's also on a 390 px phone."""
import itertools

import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.browser
PASSWORD = "sister-cities-demo"
_numbers = itertools.count(1)


def _context(chromium, width=1280):  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": 844 if width == 390 else 900},
                                   locale="en-US", is_mobile=width == 390)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _sign_in(page, base, email):
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _accessible(page, width):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, (page.url, results.generate_report())
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _draft_with_kyoto(live_server):  # noqa: F811
    """A draft in Japanese and English for Kyoto, as staff would have written it."""
    from sqlalchemy import select

    from crm.agreements.models import Agreement, AgreementKind, AgreementText
    from crm.cities.models import City
    from crm.extensions import db
    from crm.partnerships.models import Partnership

    with live_server.app.app_context():
        kyoto = db.session.scalar(select(Partnership).join(City, City.id == Partnership.partner_city_id)
                                  .where(City.geonames_id == 1857910))
        agreement = Agreement(partnership_id=kyoto.id, kind=AgreementKind.ADDENDUM,
                              title=f"Addendum on school visits no. {next(_numbers)}")
        agreement.texts.append(AgreementText(language="ja", position=0, title="学校訪問に関する追加合意",
                                             body="両市の学校は、毎年相互に訪問する。"))
        agreement.texts.append(AgreementText(language="en", position=1, title="Addendum on School Visits",
                                             body="The two cities' schools visit each other every year."))
        db.session.add(agreement)
        db.session.commit()
        return agreement.id, agreement.texts[0].id


def test_an_agreement_approved_by_both_sides_becomes_ready_to_sign(live_server, chromium):  # noqa: F811
    agreement_id, japanese_id = _draft_with_kyoto(live_server)
    staff_context, staff = _context(chromium)
    guest_context, guest = _context(chromium)
    phone_context, phone = _context(chromium, 390)
    try:
        staff_url = f"{live_server}/agreements/{agreement_id}"
        portal_url = f"{live_server}/portal/agreements/{agreement_id}"
        _sign_in(staff, live_server, "coordinator@demo.example")
        staff.goto(staff_url)
        staff.click("text=Share with the partner for negotiation")
        staff.click("button:has-text('Share with the partner')")
        staff.wait_for_selector(".flash-success")
        assert "Negotiation with the partner" in staff.content()

        _sign_in(guest, live_server, "guest.kyoto@demo.example")
        guest.goto(f"{live_server}/portal/")
        guest.click(f"a[href='/portal/agreements/{agreement_id}']")
        guest.wait_for_selector("text=Waiting for your approval.")
        _accessible(guest, 1280)
        assert guest.locator("h2:has-text('Propose a change to the Japanese text')").count() == 1
        guest.fill(f"#t{japanese_id}-body", "両市の学校は、毎年相互に訪問し、共同授業を行う。")
        guest.fill(f"#t{japanese_id}-comment", "共同授業を加えたい。")
        guest.click(f"#propose-{japanese_id} button[type=submit]")
        guest.wait_for_selector("text=Your open proposals")
        guest.click("button:has-text('Approve this version')")
        guest.wait_for_selector(".approval-approved")

        staff.goto(staff_url)
        staff.click("button:has-text('Approve this version for our side')")
        staff.wait_for_selector("button:has-text('Mark ready to sign')")  # both approved, proposal still open
        assert staff.locator("#negotiation ins").count() >= 1  # what the proposal adds
        _accessible(staff, 1280)
        staff.click("button:has-text('Accept the proposal')")
        staff.wait_for_selector("text=Approval withdrawn: the Japanese text changed on")
        assert "共同授業を行う" in staff.locator("#texts").inner_text()
        assert staff.locator("button:has-text('Mark ready to sign')").count() == 0

        guest.goto(portal_url)
        assert "Your approval was withdrawn because the Japanese text changed on" in guest.content()
        guest.click("button:has-text('Approve this version')")
        guest.wait_for_selector(".approval-approved")

        staff.goto(staff_url)
        staff.click("button:has-text('Approve this version for our side')")
        staff.click("button:has-text('Mark ready to sign')")
        staff.wait_for_selector("#negotiation .tag:has-text('Ready to sign')")
        assert "Marked ready to sign." in staff.locator("#negotiation").inner_text()

        _sign_in(phone, live_server, "guest.kyoto@demo.example")
        phone.goto(portal_url)
        assert "Ready to sign" in phone.content()
        _accessible(phone, 390)
    finally:
        for context in (staff_context, guest_context, phone_context):
            context.close()
