"""In Chromium at 390 px: the invitation result page's copy button and the Undo offered after a deletion,
axe-core clean."""
import pytest

from tests.test_browser import assert_accessible_on_a_phone, chromium, live_server, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(chromium):  # noqa: F811
    """A 390 px phone that may write to the clipboard."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_invitation_link_is_copied_and_a_reload_sends_nothing(live_server, phone, tmp_path):  # noqa: F811
    sign_in(phone, live_server, email="admin@demo.example")
    phone.goto(f"{live_server}/admin/users/invite")
    phone.fill("#email", "copy.me@city.example")
    phone.select_option("#role", "viewer")
    phone.click("button:has-text('Send the invitation')")
    link = phone.input_value("#invitation-link")
    assert "/join/" in link and "/join/" not in phone.url  # the link is never in the address
    phone.click("button:has-text('Copy the link')")
    phone.wait_for_selector(".copy-status:has-text('Copied')")
    assert phone.evaluate("navigator.clipboard.readText()") == link
    assert_accessible_on_a_phone(phone, tmp_path, "invitation-sent")
    phone.reload()
    assert phone.locator("#invitation-link").count() == 0  # shown once; nothing sent again
    assert_accessible_on_a_phone(phone, tmp_path, "invitation-sent-again")


def test_a_coordinator_undoes_a_deletion_from_the_message(live_server, phone, tmp_path):  # noqa: F811
    from crm.engagements.models import Engagement, EngagementKind
    from crm.extensions import db

    with live_server.app.app_context():
        engagement_id, partnership_id = db.session.execute(
            db.select(Engagement.id, Engagement.partnership_id).where(Engagement.kind == EngagementKind.MEETING)
            .order_by(Engagement.id.desc()).limit(1)).one()
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/engagements/{engagement_id}/delete")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector(".flash:has-text('Deleted by mistake?')")
    assert_accessible_on_a_phone(phone, tmp_path, "deleted-with-undo")
    phone.click(".flash a:has-text('Undo')")
    assert_accessible_on_a_phone(phone, tmp_path, "undo-confirm")
    phone.click("main form button:has-text('Undo')")
    phone.wait_for_selector(".flash:has-text('was restored')")
    assert f"/partnerships/{partnership_id}" in phone.url
    assert phone.locator(f"a[href='/engagements/{engagement_id}/edit']").count() >= 1
