"""Browsers and proxies (issue 25 item 4): private pages stay private, public assets stay cached,
every 405 says what is allowed, every download has a readable ASCII name."""
import hashlib
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.routing import Map

from crm.attachments.models import Attachment
from crm.caching import static_digests
from crm.downloads import ascii_file_name, content_disposition
from crm.guests.models import GuestAccess

STATIC = Path(__file__).resolve().parent.parent / "crm" / "static"
A_YEAR = "public, max-age=31536000, immutable"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{16})"')


def digest(app, relative: str) -> str:
    """The version the app took from the file's content at start (the file may change under a long run)."""
    return app.extensions["static_digests"][relative]


# Signed-in pages and private downloads


@pytest.mark.parametrize("role", ["viewer", "coordinator", "admin"])
def test_signed_in_pages_are_never_stored(client, login, make, role):
    login(role)
    partnership = make.partnership(staff_notes="Mayor prefers morning meetings")
    for url in ("/dashboard", f"/partnerships/{partnership.id}", "/calendar/", "/partnerships/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
    page = client.get(f"/partnerships/{partnership.id}")
    assert "Mayor prefers morning meetings" in page.text  # the staff notes are on a no-store page
    assert page.headers["Cache-Control"] == "private, no-store"


def test_a_guests_portal_pages_are_never_stored(client, login, make, session):
    partnership = make.partnership()
    guest = make.user("guest")
    session.add(GuestAccess(user=guest, partnership=partnership))
    session.commit()
    login(guest)
    for url in ("/portal/", f"/portal/partnerships/{partnership.id}", "/portal/profile"):
        response = client.get(url)
        assert response.status_code in (200, 302), url  # the portal's home goes to the only partnership
        assert response.headers["Cache-Control"] == "private, no-store", url


def test_after_sign_out_nothing_signed_in_was_kept(client, login):
    login("coordinator")
    assert client.get("/dashboard").headers["Cache-Control"] == "private, no-store"
    client.post("/sign-out")
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert "no-store" in response.headers["Cache-Control"]


def test_anonymous_pages_are_not_stored_either(client):
    response = client.get("/sign-in")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"


def test_a_downloaded_document_is_never_stored(client, login, make, app, session, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    login("coordinator")
    engagement = make.engagement(make.partnership(), title="Port meeting")
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    uploaded = client.post(f"/engagements/{engagement.id}/attachments",
                           data={"file": (io.BytesIO(pdf), "Minutes.pdf")}, content_type="multipart/form-data")
    assert uploaded.status_code == 302
    attachment = session.scalars(select(Attachment)).one()
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == pdf
    # send_file answers no-cache, which still lets the browser keep a copy; a signed-in answer is no-store
    assert response.headers["Cache-Control"] == "private, no-store"


def test_exports_and_pdfs_are_never_stored(client, login, make):
    login("viewer")
    assert client.get("/partnerships/export.csv").headers["Cache-Control"] == "private, no-store"
    assert client.get("/missions/export.xlsx").headers["Cache-Control"] == "private, no-store"


# Static files


def test_static_digests_are_content_hashes(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_bytes(b"body { color: black }")
    (tmp_path / "app.js").write_bytes(b"")
    first = static_digests(tmp_path)
    assert first == {"css/app.css": hashlib.sha256(b"body { color: black }").hexdigest()[:16],
                     "app.js": hashlib.sha256(b"").hexdigest()[:16]}
    (tmp_path / "css" / "app.css").write_bytes(b"body { color: navy }")
    assert static_digests(tmp_path)["css/app.css"] != first["css/app.css"]


def test_the_app_hashes_every_static_file(app):
    files = {path.relative_to(STATIC).as_posix() for path in STATIC.rglob("*") if path.is_file()}
    assert set(app.extensions["static_digests"]) == files
    assert all(re.fullmatch(r"[0-9a-f]{16}", value) for value in app.extensions["static_digests"].values())


def test_static_urls_carry_the_content_hash(app, client, login):
    for signed_in in (False, True):
        if signed_in:
            login("viewer")
        page = client.get("/dashboard" if signed_in else "/sign-in").text
        found = dict(STATIC_URL.findall(page))
        assert {"/static/css/app.css", "/static/js/app.js"} <= set(found), found
        for url, version in found.items():
            assert version == digest(app, url.removeprefix("/static/")), url


@pytest.mark.parametrize("signed_in", [False, True])
def test_fingerprinted_static_files_are_cached_for_a_year_without_vary_cookie(app, client, login, signed_in):
    if signed_in:
        login("coordinator")
    for relative in ("css/app.css", "js/app.js"):
        response = client.get(f"/static/{relative}?v={digest(app, relative)}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == A_YEAR
        assert "Cookie" not in response.headers.get("Vary", "")
        assert "Set-Cookie" not in response.headers
        assert response.data == (STATIC / relative).read_bytes()


def test_a_static_url_without_the_current_hash_is_revalidated(client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=0123456789abcdef"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"]
        assert "no-cache" in response.headers["Cache-Control"]
        assert "Cookie" not in response.headers.get("Vary", "")


def test_a_missing_static_file_is_a_plain_404(client):
    response = client.get("/static/css/nothing-here.css?v=0123456789abcdef")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


# 405


def sample_url(rule) -> str:
    """An address the rule matches: 1 for a number, the first choice of an any(…), "x" otherwise."""
    values = dict(rule.defaults or {})
    for argument, converter in rule._converters.items():
        if hasattr(converter, "items"):
            values[argument] = sorted(converter.items)[0]
        else:
            values[argument] = 1 if "Integer" in type(converter).__name__ or "Id" in type(converter).__name__ else "x"
    return Map([rule.empty()]).bind("localhost").build(rule.endpoint, values)


def test_every_405_names_the_allowed_methods(app, client, login):
    login("admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        url = sample_url(rule)
        adapter = app.url_map.bind("localhost")
        allowed = set()
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            try:
                if adapter.match(url, method=method)[0]:
                    allowed.add(method)
            except Exception:  # noqa: BLE001  (not this method, or another rule's address)
                pass
        if "PUT" in allowed or not allowed:
            continue
        response = client.put(url)
        assert response.status_code == 405, url
        assert set(response.headers["Allow"].split(", ")) == allowed, url
        checked += 1
    assert checked > 50


def test_a_405_on_a_web_page_is_the_translated_page_with_allow(client, login):
    login("viewer")
    response = client.delete("/calendar/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert "This page cannot be used that way." in response.text


# Download names


@pytest.mark.parametrize("name, fallback", [
    ("تقرير الزيارة.pdf", "tqryr lzyrh.pdf"),
    ("東京訪問の議事録.pdf", "DongJingFangWennoYiShiLu.pdf"),
    ("Протокол встречи.docx", "Protokol vstrechi.docx"),
    ("Zürich – Genève.pdf", "Zurich - Geneve.pdf"),
    (" .pdf", "download.pdf"),
    ("京都.", "JingDou"),
    ('a"b\\c/d.txt', "a-b-c-d.txt"),
    ("line\r\nbreak.pdf", "line-break.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
])
def test_download_names_fall_back_to_readable_ascii(name, fallback):
    assert ascii_file_name(name) == fallback


def test_content_disposition_carries_both_names():
    assert content_disposition("東京訪問.pdf") == (
        "attachment; filename=\"DongJingFangWen.pdf\"; filename*=UTF-8''%E6%9D%B1%E4%BA%AC%E8%A8%AA%E5%95%8F.pdf")
    assert content_disposition("Agreement-京都市.pdf", fallback="Agreement-Kyoto.pdf").startswith(
        'attachment; filename="Agreement-Kyoto.pdf"; ')
    assert content_disposition("feed.ics", inline=True).startswith('inline; filename="feed.ics"; ')
    # a bidi override is in neither name
    assert "%E2%80%AE" not in content_disposition("x\u202efdp.exe")
