"""Issue 15, item 10: line breaks in names and titles never make an e-mail a 500.

Single-line form fields fold line breaks at the form; the mailer folds whatever reaches a header
(names and titles from imports, the API or older data)."""
import email
import re
from email import policy

import pytest
from sqlalchemy import select

from crm.contacts.models import Contact
from crm.mail import build_message

BROKEN = "Ann\r\nBcc: everyone@attacker.example\r\n\r\nHello"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def only_message(outbox):
    [path] = outbox.glob("*.eml")
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r", "\x85", "\u2028", "\u2029", "\x0b", "\x00"])
def test_the_mailer_folds_line_breaks_in_headers(app_ctx, line_break):
    message = build_message("ann@example.org", f"Ann{line_break}Bcc: x@attacker.example",
                            f"Invitation{line_break}Bcc: y@attacker.example", "body")
    parsed = email.message_from_bytes(bytes(message), policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed["To"].addresses[0].addr_spec == "ann@example.org"
    assert parsed["To"].addresses[0].display_name == "Ann Bcc: x@attacker.example"
    assert parsed["Subject"] == "Invitation Bcc: y@attacker.example"


def test_an_invitation_to_a_contact_with_a_broken_name_is_sent(client, login, make, session, outbox):
    # a name stored before this rule (or by an import): the e-mail still goes out
    partnership = make.partnership(partner=make.city("Kyo\r\nto"))
    contact = make.contact(partnership, name=BROKEN, email="ann@kyoto.example")
    login("coordinator")
    response = client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": contact.id},
                           follow_redirects=True)
    assert response.status_code == 200
    message = only_message(outbox)
    assert message["Bcc"] is None and message["To"].addresses[0].addr_spec == "ann@kyoto.example"
    assert "\n" not in message["Subject"] and "Kyo to" in message["Subject"]


def test_a_reset_for_a_user_with_a_broken_name_is_sent(client, make, outbox):
    user = make.user("viewer", name=BROKEN)
    assert client.post("/forgot-password", data={"email": user.email}).status_code == 302
    message = only_message(outbox)
    assert message["Bcc"] is None and message["To"].addresses[0].display_name.startswith("Ann Bcc:")


def test_single_line_fields_fold_line_breaks_and_text_areas_keep_them(client, login, make, session):
    partnership = make.partnership()
    login("coordinator")
    response = client.post("/contacts/new", data={
        "partnership_id": partnership.id, "side": "partner", "name": BROKEN, "job_title": "Mayor\r\nof Kyoto",
        "visibility": "shared", "notes": "first line\r\nsecond line"})
    assert response.status_code == 302
    contact = session.scalars(select(Contact).where(Contact.partnership_id == partnership.id)).one()
    assert contact.name == "Ann Bcc: everyone@attacker.example Hello"
    assert contact.job_title == "Mayor of Kyoto"
    assert re.fullmatch(r"first line\r?\nsecond line", contact.notes)
