"""The import pages this work changed, in a real Chromium on a 390 px phone screen, checked by axe-core:
the upload page's hint on contacts' visibility, the contacts preview's Matched tab, the result that counts
shared and staff-only contacts, and the progress page naming its phase."""
from datetime import UTC, datetime

import pytest

from tests.test_browser import (  # noqa: F401  (fixtures)
    assert_accessible_on_a_phone,
    chromium,
    live_server,
    phone,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_a_contacts_import_on_a_phone(live_server, phone, tmp_path):  # noqa: F811
    spreadsheet = tmp_path / "contacts.csv"
    spreadsheet.write_text("Name,Partner city,Phone,Shared with the partner\n"
                           "Phone Shared Person,Kyoto,+81 75-222-3072,yes\nPhone Staff Person,Kyoto,,no\n",
                           encoding="utf-8")
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/import/")
    assert phone.locator("text=Imported contacts are staff only").count() == 1
    assert_accessible_on_a_phone(phone, tmp_path, "import-upload")
    phone.set_input_files("#file", str(spreadsheet))
    phone.check("input[name=kind][value=contacts]")
    phone.click("button:has-text('Upload and continue')")
    phone.click("button:has-text('Match the cities')")
    phone.click("nav.switcher a:has-text('Matched')")
    assert phone.locator("td:has-text('Kyoto')").count() >= 1
    assert_accessible_on_a_phone(phone, tmp_path, "import-contacts-matched")
    phone.click("button:has-text('Import now')")
    assert phone.locator("text=Shared with the partner: 1").count() == 1
    assert phone.locator("text=Staff only: 1").count() == 1
    assert_accessible_on_a_phone(phone, tmp_path, "import-contacts-done")


def test_the_progress_page_names_its_phase_on_a_phone(live_server, phone, tmp_path):  # noqa: F811
    from crm.auth.models import User
    from crm.extensions import db
    from crm.imports.models import APPLYING, ImportJob

    with live_server.app.app_context():  # an import another host has just started writing
        user = db.session.scalars(db.select(User).where(User.email == "coordinator@demo.example")).one()
        db.session.add(ImportJob(token="writing-in-the-browser-test", user_id=user.id, kind="contacts",
                                 mode="partners", filename="contacts.csv", status=APPLYING, total=10, processed=0,
                                 worker="another-host|4242|0|alive", heartbeat_at=datetime.now(UTC)))
        db.session.commit()
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/import/writing-in-the-browser-test")
    assert phone.locator("h2:has-text('Preparing the contacts…')").count() == 1
    assert_accessible_on_a_phone(phone, tmp_path, "import-progress")
