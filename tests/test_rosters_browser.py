"""A partner's guest fills in its town's list and the certified lists print, in a real Chromium (issue 22 §2):
Kyoto's guest opens the youth delegation's participants from the portal, uploads its list (a CSV with Japanese
headers), checks the preview and adds it; staff see it on the People and protocol page with its counts; the
certified list prints in Japanese for Kyoto and in English for Portland, with the names in their own script. The
pages are axe-core clean, the portal's also on a 390 px phone."""
import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_negotiation_browser import _accessible, _context, _sign_in

pytestmark = pytest.mark.browser
LIST = ("氏名（漢字）,ローマ字,市町村,役割,性別,未成年\n"
        "小林 さくら,KOBAYASHI Sakura,京都市,生徒,女,はい\n"
        "加藤 蓮,KATO Ren,宇治市,生徒,男,はい\n"
        "吉田 恵子,YOSHIDA Keiko,京都市,引率,女,いいえ\n")


def _youth_delegation(live_server):  # noqa: F811
    from sqlalchemy import select

    from crm.engagements.models import Engagement
    from crm.extensions import db

    with live_server.app.app_context():
        return db.session.scalar(select(Engagement.id).where(Engagement.title == "Kyoto youth delegation to Portland"))


def _pdf_text(data: bytes) -> str:
    from tests.pdf_inspect import glyphs

    return "".join(glyph.text for glyph in glyphs(data))


def test_the_partner_uploads_its_list_and_both_towns_lists_print(live_server, chromium, tmp_path):  # noqa: F811
    engagement_id = _youth_delegation(live_server)
    roster_url = f"/portal/engagements/{engagement_id}/participants"
    guest_context, guest = _context(chromium)
    staff_context, staff = _context(chromium)
    phone_context, phone = _context(chromium, 390)
    try:
        _sign_in(guest, live_server, "guest.kyoto@demo.example")
        guest.goto(f"{live_server}/portal/")
        guest.click(f"a[href='{roster_url}']")  # from "Coming up"
        guest.wait_for_selector("#your-list")
        assert "山田 花子" in guest.content() and "Jane Whitfield" in guest.content()
        _accessible(guest, 1280)

        guest.click(f"a[href='{roster_url}/upload']")
        csv = tmp_path / "kyoto-list.csv"
        csv.write_text(LIST, encoding="utf-8")
        guest.set_input_files("input[type=file]", str(csv))
        guest.click("form[enctype] button[type=submit]")
        guest.wait_for_selector("#preview-heading")
        assert "KOBAYASHI Sakura" in guest.inner_text("table")
        assert guest.locator("select[name=name_native] option[selected]").get_attribute("value") == "0"
        _accessible(guest, 1280)
        guest.click("button[value=apply]")
        guest.wait_for_selector(".flash-success")
        assert "小林 さくら (KOBAYASHI Sakura)" in guest.inner_text("#your-list")

        # uploading the same file again adds nobody twice
        guest.goto(f"{live_server}{roster_url}/upload")
        guest.set_input_files("input[type=file]", str(csv))
        guest.click("form[enctype] button[type=submit]")
        guest.click("button[value=apply]")
        guest.wait_for_selector(".flash-success")
        assert guest.locator("#your-list li strong:has-text('KOBAYASHI Sakura')").count() == 1

        _sign_in(phone, live_server, "guest.kyoto@demo.example")
        phone.goto(f"{live_server}{roster_url}")
        _accessible(phone, 390)

        _sign_in(staff, live_server, "coordinator@demo.example")
        staff.goto(f"{live_server}/engagements/{engagement_id}/people")
        section = staff.inner_text("#participants")
        assert "小林 さくら (KOBAYASHI Sakura)" in section and "Added by the partner" in section
        assert "Invited from abroad" in section

        japanese = staff.request.get(f"{live_server}/engagements/{engagement_id}/participants/certified.pdf?side=partner")
        assert japanese.ok and "-ja.pdf" in japanese.headers["content-disposition"]
        text = _pdf_text(japanese.body())
        assert "小林" in text and "KOBAYASHI" in text and "山田" in text
        english = staff.request.get(f"{live_server}/engagements/{engagement_id}/participants/certified.pdf?side=home")
        assert english.ok and "-en.pdf" in english.headers["content-disposition"]
        text = _pdf_text(english.body())
        assert "Whitfield" in text and "Host municipality" in text and "小林" not in text
        guest_list = guest.request.get(f"{live_server}/engagements/{engagement_id}/participants/certified.pdf")
        assert guest_list.ok and "小林" in _pdf_text(guest_list.body())
    finally:
        for context in (guest_context, staff_context, phone_context):
            context.close()
