"""Issue 23 §1, the public face's headers: cached for anonymous visitors (Cache-Control, ETag, 304), private for
anyone signed in, framed only by the origins the office listed (every other page never), and rate-limited."""
from datetime import date

import pytest

from crm.settings.models import OfficeSettings


@pytest.fixture
def published(make, session):
    partnership = make.partnership(partner=make.city("Kyoto"), is_public=True, established_on=date(1959, 3, 21))
    return partnership


def public_urls(partnership) -> list[str]:
    return ["/public/en/", f"/public/ar/partnerships/{partnership.id}", "/open-data/partnerships.json",
            "/open-data/partnerships.csv", "/open-data/catalog.json"]


def frame_origins(session, text):
    settings = session.get(OfficeSettings, 1) or OfficeSettings(id=1)
    settings.public_frame_ancestors = text
    session.add(settings)
    session.flush()


def test_an_anonymous_get_is_cached_with_an_etag_and_answers_304(client, published):
    for url in public_urls(published):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=300", url
        etag = response.headers["ETag"]
        assert etag and "Set-Cookie" not in response.headers, url
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url
        assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, max-age=300", url


def test_a_changed_page_gets_a_new_etag(client, make, session, published):
    url = f"/public/en/partnerships/{published.id}"
    before = client.get(url).headers["ETag"]
    published.established_on = date(1960, 1, 1)
    session.flush()
    after = client.get(url, headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before


def test_the_max_age_is_configurable(app, client, published):
    app.config["PUBLIC_MAX_AGE"] = 60
    try:
        assert client.get("/public/en/").headers["Cache-Control"] == "public, max-age=60"
    finally:
        app.config["PUBLIC_MAX_AGE"] = 300


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_a_signed_in_readers_answer_stays_private(client, login, published, role):
    login(role)
    for url in public_urls(published):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "ETag" not in response.headers or client.get(
            url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 200, url


def test_errors_and_redirects_are_not_cached(client, make):
    hidden = make.partnership(is_public=False)
    missing = client.get(f"/public/en/partnerships/{hidden.id}")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "private, no-store"
    start = client.get("/public/")
    assert start.status_code == 302 and "public" not in start.headers["Cache-Control"]


def test_public_pages_may_be_framed_only_by_the_configured_origins(client, session, published):
    for url in public_urls(published):
        response = client.get(url)
        assert "frame-ancestors 'self';" not in response.headers["Content-Security-Policy"]
        assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'"), url
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN", url
    frame_origins(session, "https://www.city.example\nhttps://portal.city.example:8443")
    for url in public_urls(published):
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert policy.endswith("frame-ancestors 'self' https://www.city.example https://portal.city.example:8443"), url
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "X-Frame-Options" not in response.headers, url  # it cannot name origins; CSP does
    missing = client.get("/public/en/partnerships/999999")  # an error page of the public face may be framed too
    assert missing.status_code == 404 and "https://www.city.example" in missing.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/sign-in", "/partnerships/", "/settings/"])
def test_every_other_page_is_never_framed(client, login, session, url):
    frame_origins(session, "https://www.city.example")
    if url != "/sign-in":
        login("admin")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert "city.example" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_rate_limit_answers_429_in_the_pages_language(app, client, published):
    app.config["PUBLIC_RATE_LIMIT"] = "3 per minute"
    try:
        for _ in range(3):
            assert client.get("/public/en/").status_code == 200
        refused = client.get(f"/public/ar/partnerships/{published.id}")  # one counter for every public route
        assert refused.status_code == 429
        assert 'lang="ar"' in refused.text and "Retry-After" in refused.headers
        assert "public" not in refused.headers["Cache-Control"]
        feed = client.get("/open-data/partnerships.json")
        assert feed.status_code == 429 and feed.is_json and feed.json["error"] == "too_many_requests"
        assert client.get("/sign-in").status_code == 200  # the rest of the site counts apart
    finally:
        app.config["PUBLIC_RATE_LIMIT"] = "300 per minute"


def test_the_rate_limit_counts_each_address_apart(app, client, published):
    app.config["PUBLIC_RATE_LIMIT"] = "2 per minute"
    try:
        for _ in range(2):
            assert client.get("/public/en/").status_code == 200
        assert client.get("/public/en/").status_code == 429
        other = client.get("/public/en/", environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert other.status_code == 200
    finally:
        app.config["PUBLIC_RATE_LIMIT"] = "300 per minute"
