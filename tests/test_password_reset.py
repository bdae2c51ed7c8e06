"""Password reset by a single-use, expiring e-mailed link."""
import email
import re
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import select

from crm.auth.models import PasswordReset, User
from tests.factories import PASSWORD

NEW = "a brand new passphrase"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def reset_link(outbox) -> str:
    message = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    link = re.search(r"http\S+/reset-password/\S+", message.get_body(("plain",)).get_content()).group(0)
    return "/" + link.split("/", 3)[3]


def test_reset_by_email_link_ends_old_sessions(app, client, make, session, outbox):
    user = make.user("viewer", language="es")
    old_device = app.test_client()
    with old_device.session_transaction() as flask_session:
        flask_session["_user_id"] = user.get_id()
    response = client.post("/forgot-password", data={"email": user.email})
    assert response.status_code == 302
    message = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    assert message["Content-Language"] == "es"
    path = reset_link(outbox)
    token = path.rsplit("/", 1)[1]
    assert session.scalars(select(PasswordReset)).one().token_hash != token  # only a hash is stored
    assert "10" in client.post(path, data={"password": "short", "confirm": "short"}).text
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).check_password(NEW)
    assert old_device.get("/dashboard").status_code == 302  # signed out everywhere
    assert client.get(path).status_code == 410  # single use


def test_unknown_addresses_get_the_same_answer_and_no_mail(client, make, outbox):
    known = make.user("viewer")
    a = client.post("/forgot-password", data={"email": "nobody@example.org"}, follow_redirects=True)
    b = client.post("/forgot-password", data={"email": known.email}, follow_redirects=True)
    assert "a link to choose a new password is on its way" in a.text
    assert "a link to choose a new password is on its way" in b.text
    assert len(list(outbox.glob("*.eml"))) == 1


def test_expired_and_forged_links_are_refused(client, make, session, outbox):
    user = make.user("viewer")
    client.post("/forgot-password", data={"email": user.email})
    path = reset_link(outbox)
    reset = session.scalars(select(PasswordReset)).one()
    reset.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    session.commit()
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 410
    assert client.get("/reset-password/forged-token").status_code == 410
    session.expire_all()
    assert session.get(User, user.id).check_password(PASSWORD)
