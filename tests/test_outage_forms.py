"""Nothing typed is lost to a database outage: a form sent meanwhile comes back filled in, with a notice to send
it again, to the same address by POST; no page sends the user to a GET of an address that only takes POST."""
import html
import io
import re

import pytest
import sqlalchemy.exc

from crm import create_app
from crm.engagements.models import Engagement
from crm.extensions import db

NOTICE = "The database did not answer; nothing was saved. Send it again."


def outage(*args, **kwargs):
    raise sqlalchemy.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))


def hidden_fields(page: str) -> list[tuple[str, str]]:
    return [(html.unescape(name), html.unescape(value))
            for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)]


def resend_form(page: str) -> str:
    match = re.search(r'<form method="post" action="([^"]*)"', page)
    assert match, page
    return html.unescape(match.group(1))


def test_a_form_sent_during_an_outage_comes_back_filled_in_and_can_be_sent_again(client, login, make, session,
                                                                                 monkeypatch):
    login("coordinator")
    partnership = make.partnership()
    typed = {"kind": "meeting", "occurred_on": "2025-03-14", "title": "Port <authority> & \"harbour\" 港湾会議",
             "notes": "Line one\nLine two: agreed next steps", "substantive": "yes", "visibility": "shared",
             "pillar": "business", "initiated_by": "partner"}
    address = f"/partnerships/{partnership.id}/engagements"
    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", outage)
        response = client.post(address, data=typed)
    assert response.status_code == 503
    page = response.text
    assert NOTICE in page
    assert resend_form(page) == address
    assert f'href="{address}"' not in page  # no "try again" link: a GET here would be a 405
    fields = hidden_fields(page)
    assert dict(fields)["csrf_token"]  # a fresh token
    assert [(name, value) for name, value in fields if name != "csrf_token"] == list(typed.items())
    assert session.query(Engagement).filter_by(title=typed["title"]).count() == 0  # nothing was saved

    again = client.post(address, data=dict(fields))  # the database is back: "Send it again"
    assert again.status_code == 302
    saved = session.query(Engagement).filter_by(title=typed["title"]).one()
    assert saved.notes == typed["notes"]


def test_a_page_read_during_an_outage_keeps_its_try_again_link(client, login, monkeypatch):
    login("viewer")
    monkeypatch.setattr("crm.dashboard.views.portfolio_snapshot", outage)
    response = client.get("/dashboard?tab=all")
    assert response.status_code == 503
    assert 'href="/dashboard?tab=all"' in response.text and NOTICE not in response.text


def test_an_upload_sent_during_an_outage_asks_for_the_file_again(app, client, login, make, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    login("coordinator")
    engagement = make.engagement(make.partnership())
    monkeypatch.setattr(db.session, "commit", outage)
    response = client.post(f"/engagements/{engagement.id}/attachments",
                           data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "minutes.pdf"), "visibility": "shared",
                                 "next": "/somewhere"},
                           content_type="multipart/form-data")
    assert response.status_code == 503 and NOTICE in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert '<input type="file" id="resend-file-1" name="file">' in response.text
    assert "Choose the file again" in response.text
    assert ("visibility", "shared") in hidden_fields(response.text)
    assert "%PDF" not in response.text and "minutes.pdf" not in response.text
    assert list((tmp_path / "attachments").rglob("*.*")) == []  # nor any file on disk


def test_a_password_is_never_written_back_into_the_page(tmp_path):
    """A real outage (nothing listens where the database should be): the sign-in form comes back with the
    e-mail address, and asks for the password again instead of carrying it."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                      "SECRET_KEY": "x", "TESTING": True, "WTF_CSRF_ENABLED": False})
    response = app.test_client().post("/sign-in", data={"email": "ana@example.org", "password": "s3cret horse",
                                                        "csrf_token": "old-token"})
    assert response.status_code == 503 and NOTICE in response.text
    assert "s3cret horse" not in response.text and "old-token" not in response.text
    fields = dict(hidden_fields(response.text))
    assert fields["email"] == "ana@example.org" and "password" not in fields and fields["csrf_token"]
    assert 'type="password"' in response.text and "Type your password again" in response.text


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_no_page_sends_the_user_to_a_get_of_a_post_only_address(app, client, login, csrf_on):
    """Every address that only takes POST, answered with a page (here: the expired-form page): neither a link
    nor the language switcher leads to a GET of it."""
    login("admin")
    methods: dict[str, set] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            methods.setdefault(re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule), set()).update(rule.methods)
    post_only = sorted(address for address, allowed in methods.items() if "POST" in allowed and "GET" not in allowed)
    assert len(post_only) > 10
    for address in post_only:
        response = client.post(address, data={})
        if not response.content_type.startswith("text/html"):
            continue
        assert f'href="{address}"' not in response.text, address
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
        switched = client.post("/language", data={"language": "en", "next": address, "csrf_token": token})
        assert switched.status_code == 302
        assert client.get(switched.headers["Location"]).status_code != 405, address


def test_no_password_field_is_written_back_whatever_its_name(client, login, monkeypatch):
    """A change of password names its fields current, password and confirm: none comes back in the page."""
    from crm.errors import password_field_names

    assert {"password", "confirm", "current"} <= password_field_names()
    login("coordinator")
    monkeypatch.setattr(db.session, "commit", outage)
    monkeypatch.setattr(db.session, "execute", outage)
    response = client.post("/portal/password", data={"current": "old secret one", "password": "new secret two",
                                                     "confirm": "new secret two", "note": "kept text"})
    assert response.status_code == 503, response.status_code
    for secret in ("old secret one", "new secret two"):
        assert secret not in response.text
    assert dict(hidden_fields(response.text))["note"] == "kept text"
    assert response.text.count('type="password"') == 3
