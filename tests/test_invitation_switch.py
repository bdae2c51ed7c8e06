"""Issue 15, item 13: opening an invitation link never signs anyone out by itself.

The token is checked first; someone else signed in is asked before being signed out."""
import re

import pytest

NEW_PASSWORD = "a long partner password"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


@pytest.fixture
def invitation_path(client, login, make, outbox):
    partnership = make.partnership(partner=make.city("Kyoto"))
    contact = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    login("coordinator")
    response = client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": contact.id},
                           follow_redirects=True)
    link = re.search(r'value="(http[^"]+/invitations/[^"]+)"', response.text).group(1)
    return "/" + link.split("/", 3)[3]


def signed_in(client) -> bool:
    return client.get("/partnerships/").status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_link_leaves_whoever_is_signed_in_signed_in(client, login, method):
    login("coordinator")
    response = getattr(client, method)("/invitations/not-a-real-token")
    assert response.status_code == 410
    assert signed_in(client)


def test_a_good_link_asks_before_switching_accounts(client, invitation_path):
    # the coordinator who made the invitation opens it: asked, still signed in
    page = client.get(invitation_path)
    assert page.status_code == 200 and "Switch accounts?" in page.text and "hanako@kyoto.example" in page.text
    assert "Accept the invitation" not in page.text
    assert signed_in(client)
    # confirming signs out and shows the invitation
    response = client.post(invitation_path)
    assert response.status_code == 302 and response.headers["Location"].endswith(invitation_path)
    assert not signed_in(client)
    page = client.get(invitation_path)
    assert "Accept the invitation" in page.text
    response = client.post(invitation_path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                  "language": "en", "timezone": "UTC"})
    assert response.status_code == 302 and "/portal/" in response.headers["Location"]


def test_the_confirmation_needs_the_csrf_token(app, client, invitation_path, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(invitation_path)  # a cross-site form, without the token
    assert response.status_code in (200, 400)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    assert signed_in(client)
