"""Issue 15, items 1 and 5: links are built on CRM_PUBLIC_URL, requests for other hosts are refused,
and behind trusted proxies the client's own address and scheme count (rate limits included)."""
import email
import re
from email import policy

import pytest
from werkzeug.test import EnvironBuilder

from crm import configure_proxies
from crm.config import ConfigError, load_config

PUBLIC = "https://partners.example.org"
ATTACKER = "attacker.example"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


@pytest.fixture
def public(app, monkeypatch):
    """The office's public address, with every Host accepted (as if trusted hosts were switched off)."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)
    return PUBLIC


def sign_in_at(client, user, host: str):
    """Sign the client in with a session cookie for the host the request names."""
    with client.session_transaction(headers={"Host": host}) as flask_session:
        flask_session["_user_id"] = user.get_id()
        flask_session["_fresh"] = True
    return user


def mails(outbox) -> list[str]:
    return [email.message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
            for path in sorted(outbox.glob("*.eml"))]


def test_a_reset_requested_with_a_forged_host_links_to_the_public_address(client, make, outbox, public):
    user = make.user("viewer")
    response = client.post("/forgot-password", data={"email": user.email}, headers={"Host": ATTACKER})
    assert response.status_code == 302
    [body] = mails(outbox)
    assert ATTACKER not in body
    assert re.search(rf"{re.escape(PUBLIC)}/reset-password/[\w-]+", body)


def test_a_request_for_an_untrusted_host_is_refused_and_mails_nothing(app, client, make, outbox):
    assert app.config["TRUSTED_HOSTS"]  # the development default: the public host, localhost, 127.0.0.1
    user = make.user("viewer")
    response = client.post("/forgot-password", data={"email": user.email}, headers={"Host": ATTACKER})
    assert response.status_code == 400
    assert not list(outbox.glob("*.eml"))
    assert client.get("/sign-in", headers={"Host": f"{ATTACKER}:5000"}).status_code == 400
    assert client.get("/sign-in").status_code == 200  # the test client's localhost
    assert client.get("/sign-in", headers={"Host": "127.0.0.1:5000"}).status_code == 200  # make run


def test_an_invitation_made_through_a_forged_host_links_to_the_public_address(client, make, outbox, public):
    partnership = make.partnership()
    contact = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    sign_in_at(client, make.user("coordinator"), ATTACKER)
    response = client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": contact.id},
                           headers={"Host": ATTACKER}, follow_redirects=True)
    assert response.status_code == 200
    assert ATTACKER not in response.text  # the copy-this-link page
    shown = re.search(r'value="(http[^"]+/invitations/[^"]+)"', response.text).group(1)
    assert shown.startswith(f"{PUBLIC}/invitations/")
    [body] = mails(outbox)
    assert shown in body and ATTACKER not in body


def test_feeds_and_api_links_use_the_public_address(client, make, public):
    for number in range(3):
        make.partnership(partner=make.city(f"City {number}"))
    sign_in_at(client, make.user("coordinator"), ATTACKER)
    response = client.post("/calendar/feed", headers={"Host": ATTACKER}, follow_redirects=True)
    assert ATTACKER not in response.text
    feed_path = re.search(rf'value="{re.escape(PUBLIC)}(/calendar/feed/[\w-]+\.ics)"', response.text).group(1)
    feed = client.get(feed_path, headers={"Host": ATTACKER})
    assert feed.status_code == 200 and ATTACKER not in feed.text
    page = client.post("/account/api-tokens", data={"name": "laptop"}, headers={"Host": ATTACKER}).text
    assert f"{PUBLIC}/api/v1/partnerships" in page and f"{PUBLIC}/api/v1/openapi.json" in page
    assert ATTACKER not in page
    secret = re.search(r"Bearer ([\w.-]+)", page).group(1)
    answer = client.get("/api/v1/partnerships?per_page=1", headers={"Host": ATTACKER,
                                                                     "Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    assert ATTACKER not in answer.headers["Link"] and f"<{PUBLIC}/api/v1/partnerships?" in answer.headers["Link"]
    assert answer.json["items"] and all(item["url"].startswith(f"{PUBLIC}/api/v1/") for item in answer.json["items"])


def test_production_trusts_only_the_public_host_and_needs_it_set(monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("CRM_TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("CRM_PUBLIC_URL", raising=False)
    with pytest.raises(ConfigError):
        load_config(tmp_path)
    monkeypatch.setenv("CRM_PUBLIC_URL", "https://partners.example.org/")
    config = load_config(tmp_path)
    assert config["TRUSTED_HOSTS"] == ["partners.example.org"] and config["PUBLIC_URL"] == PUBLIC
    assert config["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("CRM_TRUSTED_HOSTS", "partners.example.org, .city.example")
    monkeypatch.setenv("CRM_TRUSTED_PROXIES", "1")
    config = load_config(tmp_path)
    assert config["TRUSTED_HOSTS"] == ["partners.example.org", ".city.example"] and config["TRUSTED_PROXIES"] == 1
    for wrong in ("-1", "two"):
        monkeypatch.setenv("CRM_TRUSTED_PROXIES", wrong)
        with pytest.raises(ConfigError):
            load_config(tmp_path)


@pytest.fixture
def behind_one_proxy(app, monkeypatch):
    """The app as deployed behind one TLS proxy (CRM_TRUSTED_PROXIES=1)."""
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored after the test
    configure_proxies(app)


def _sign_in_attempts(client, count: int, **headers) -> list[int]:
    return [client.post("/sign-in", data={"email": f"nobody{n}@example.org", "password": "wrong password"},
                        headers=headers).status_code for n in range(count)]


def test_behind_a_proxy_the_scheme_host_and_client_address_come_from_it(app, monkeypatch):
    seen = {}

    def inner(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return [b""]

    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", inner)
    configure_proxies(app)
    environ = EnvironBuilder(path="/", headers={
        "X-Forwarded-For": "192.0.2.66, 198.51.100.7", "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "partners.example.org", "X-Forwarded-Port": "443"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_environ()
    app.wsgi_app(environ, lambda *args: None)
    # only the entry the one trusted proxy added counts, not what the client put before it
    assert seen["REMOTE_ADDR"] == "198.51.100.7"
    assert seen["wsgi.url_scheme"] == "https" and seen["HTTP_HOST"].split(":")[0] == "partners.example.org"


def test_rate_limits_count_the_real_client_behind_a_proxy(client, behind_one_proxy):
    # 30 failed sign-ins a minute per address: one client behind the proxy hits the limit...
    assert _sign_in_attempts(client, 30, **{"X-Forwarded-For": "203.0.113.9"}) == [200] * 30
    assert _sign_in_attempts(client, 1, **{"X-Forwarded-For": "203.0.113.9"}) == [429]
    # ...and cannot dodge it by naming another address before the proxy's own entry
    assert _sign_in_attempts(client, 1, **{"X-Forwarded-For": "192.0.2.1, 203.0.113.9"}) == [429]
    # while everyone else behind the same proxy still signs in
    assert _sign_in_attempts(client, 1, **{"X-Forwarded-For": "198.51.100.7"}) == [200]


def test_without_trusted_proxies_forwarded_addresses_are_ignored(client):
    # With CRM_TRUSTED_PROXIES=0 anyone could claim any address: the header must not pick the limit's key.
    statuses = [client.post("/sign-in", data={"email": f"nobody{n}@example.org", "password": "wrong password"},
                            headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code for n in range(31)]
    assert statuses[-1] == 429
