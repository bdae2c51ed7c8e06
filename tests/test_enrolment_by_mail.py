"""When the office requires two-factor sign-in, enrolment at first sign-in needs a code e-mailed to the
account's own address: a stolen password alone cannot tie the account to the thief's authenticator.

Security issue, item 17 (polish). Also here: the mail every part of the app sends carries Date and
Message-ID (and Auto-Submitted when the app sends it by itself), and a mail server that is down never
makes a page a 500."""
import socket

import pytest
from flask import session as flask_session

from crm.auth import pending
from crm.mail import build_message
from tests.factories import PASSWORD
from tests.test_two_factor import (confirm_by_mail, fresh, mailed_codes, messages_in, outbox,  # noqa: F401
                                   require_two_factor, signed_in)


@pytest.fixture
def mail_server_down(app, monkeypatch):
    """A mail server address where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)


def start(client, make, session, **user_fields):
    require_two_factor(session)
    user = make.user("coordinator", **user_fields)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/sign-in/enroll")
    return user


def test_the_password_alone_shows_no_secret_and_mails_a_code_to_the_account(client, make, session, outbox):
    user = start(client, make, session)
    page = client.get("/sign-in/enroll").text
    assert "Confirm it is you" in page and user.email in page
    assert 'class="secret-key"' not in page and 'class="qr"' not in page  # nothing to scan yet
    [message] = messages_in(outbox)
    assert message["To"].addresses[0].addr_spec == user.email
    assert message["Date"] and message["Message-ID"] and message["Auto-Submitted"] == "auto-generated"
    [code] = mailed_codes(outbox)
    # the code is not in the (signed, readable) session cookie, nor its plain hash
    with client.session_transaction() as saved:
        assert code not in repr(dict(saved))
    # a reload does not send another
    client.get("/sign-in/enroll")
    assert len(messages_in(outbox)) == 1
    # posting an authenticator code instead gets nowhere
    assert client.post("/sign-in/enroll", data={"code": "123456"}).status_code == 422
    assert 'class="secret-key"' not in client.get("/sign-in/enroll").text
    confirm_by_mail(client, outbox)
    assert 'class="secret-key"' in client.get("/sign-in/enroll").text
    assert not signed_in(client)


def test_wrong_mailed_codes_count_towards_the_lock(client, make, session, outbox):
    start(client, make, session)
    client.get("/sign-in/enroll")
    [code] = mailed_codes(outbox)
    wrong = f"{(int(code) + 1) % 10 ** 8:08d}"
    for _ in range(pending.MAX_WRONG_CODES - 1):
        assert client.post("/sign-in/enroll", data={"code": wrong}).status_code == 422
    locked = client.post("/sign-in/enroll", data={"code": wrong})
    assert locked.status_code == 302 and locked.headers["Location"].endswith("/sign-in")
    # the right code is worth nothing once the sign-in is locked
    assert client.post("/sign-in/enroll", data={"code": code}).headers["Location"].endswith("/sign-in")
    assert not signed_in(client)


def test_a_new_code_replaces_the_last_and_there_are_only_a_few(client, make, session, outbox):
    start(client, make, session)
    client.get("/sign-in/enroll")
    for _ in range(pending.MAX_MAILED_CODES - 1):
        page = client.post("/sign-in/enroll", data={"resend": "1"}).text
        assert "A code is on its way" in page
    first, *_, last = mailed_codes(outbox)
    assert len(mailed_codes(outbox)) == pending.MAX_MAILED_CODES
    assert "No more codes can be sent" in client.post("/sign-in/enroll", data={"resend": "1"}).text
    assert len(mailed_codes(outbox)) == pending.MAX_MAILED_CODES
    if first != last:
        assert client.post("/sign-in/enroll", data={"code": first}).status_code == 422  # replaced
    assert client.post("/sign-in/enroll", data={"code": last}).headers["Location"].endswith("/sign-in/enroll")


def test_the_code_is_written_in_the_users_language(client, make, session, outbox):
    start(client, make, session, language="fr")
    client.get("/sign-in/enroll")
    [message] = messages_in(outbox)
    assert message["Content-Language"] == "fr" and "Bonjour" in message.get_content()


def waiting_mail(session) -> list:
    """The messages the job queue holds to try again (the mail server was down)."""
    from sqlalchemy import select

    from crm.jobs.models import QUEUED, Job

    session.expire_all()
    return [job for job in session.scalars(select(Job).where(Job.task == "crm.jobs.mail:deliver_job"))
            if job.status == QUEUED and job.attempts == 1 and "MailNotSent" in (job.error or "")]


def test_a_mail_server_that_is_down_holds_nothing_up_and_the_code_goes_later(client, make, session,
                                                                             mail_server_down):
    start(client, make, session)
    page = client.get("/sign-in/enroll")
    assert page.status_code == 200 and "A code is on its way" in page.text
    assert 'class="secret-key"' not in page.text
    assert len(waiting_mail(session)) == 1  # the job queue tries again, with growing waits


def test_enrolling_from_the_security_page_needs_the_password_not_a_mail(client, login, session, outbox):
    require_two_factor(session, required=False)
    login("viewer")
    page = client.get("/account/security/enable").text
    assert 'class="secret-key"' in page and 'name="password"' in page
    assert messages_in(outbox) == []


# Every e-mail: Date, Message-ID, and a mail server that is down


def test_every_message_carries_date_and_message_id(app):
    with app.test_request_context():
        plain = build_message("a@example.org", "A", "Subject", "text")
        automatic = build_message("a@example.org", "A", "Subject", "text", automatic=True)
    assert plain["Date"] and plain["Message-ID"].startswith("<") and "Auto-Submitted" not in plain
    assert automatic["Auto-Submitted"] == "auto-generated"
    assert plain["Message-ID"] != automatic["Message-ID"]


def test_a_reset_request_with_the_mail_server_down_answers_as_always(client, make, mail_server_down, caplog):
    user = make.user("viewer")
    response = client.post("/forgot-password", data={"email": user.email}, follow_redirects=True)
    assert response.status_code == 200 and "a link to choose a new password is on its way" in response.text
    assert any("not sent" in record.getMessage() for record in caplog.records)


def test_a_guest_invitation_with_the_mail_server_down_still_shows_the_link(client, login, make, session,
                                                                           mail_server_down):
    partnership = make.partnership()
    contact = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    login("coordinator")
    response = client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": contact.id},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "An e-mail with the link is on its way" in response.text and 'id="invitation-link"' in response.text
    assert len(waiting_mail(session)) == 1


def test_a_staff_invitation_with_the_mail_server_down_still_shows_the_link(client, login, session,
                                                                           mail_server_down):
    login("admin")
    response = client.post("/admin/users/invite", data={"email": "new.person@city.example", "role": "viewer"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "An e-mail with the link is on its way" in response.text and 'id="invitation-link"' in response.text
    assert len(waiting_mail(session)) == 1

