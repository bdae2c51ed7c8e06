"""Sharing only by choice: every document is staff only or shared, and guests see only what was shared.

Security issue, item 7: documents attached to a partnership or a shared record were visible to guests
although nobody chose that. Now staff uploads are staff only unless the uploader shares them, the
upload form says who will see the file, and an editor can change it later.
"""
import html
import io

import pytest
from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.engagements.models import Visibility
from crm.guests.models import GuestAccess
from tests.test_migration_history import scratch_database  # noqa: F401  (the fixture)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))


@pytest.fixture
def world(make, session):
    partnership = make.partnership(partner=make.city("Kyoto"))
    contact = make.contact(partnership, name="Hanako Yamada", email="hanako@kyoto.example")
    guest = make.user("guest", email="hanako@kyoto.example", name="Hanako Yamada")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=contact))
    session.commit()
    return partnership, guest


def upload(client, url, name, **fields):
    return client.post(url, data={"file": (io.BytesIO(PDF), name), **fields}, content_type="multipart/form-data")


def stored(session, name) -> Attachment:
    session.expire_all()
    return session.scalars(select(Attachment).where(Attachment.filename == name)).one()


def guest_sees(app, guest, make, partnership_id, attachment) -> bool:
    """Whether the guest finds the file in the portal and can download it (the two must agree)."""
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = make.session_id(guest)
        flask_session["_fresh"] = True
    listed = attachment.filename in client.get(f"/portal/partnerships/{partnership_id}").text
    downloaded = client.get(f"/attachments/{attachment.id}").status_code == 200
    assert listed == downloaded, "the portal's list and the download disagree"
    return listed


def test_a_staff_upload_is_staff_only_unless_shared(app, client, login, make, session, world):
    partnership, guest = world
    login("coordinator")
    upload(client, f"/partnerships/{partnership.id}/attachments", "Internal briefing.pdf")
    upload(client, f"/partnerships/{partnership.id}/attachments", "Programme.pdf", visibility="shared")
    internal, programme = stored(session, "Internal briefing.pdf"), stored(session, "Programme.pdf")
    assert internal.visibility == Visibility.STAFF_ONLY and programme.visibility == Visibility.SHARED
    assert not guest_sees(app, guest, make, partnership.id, internal)
    assert guest_sees(app, guest, make, partnership.id, programme)


def test_the_upload_form_says_who_will_see_the_file(client, login, world):
    partnership, _guest = world
    login("coordinator")
    page = html.unescape(client.get(f"/partnerships/{partnership.id}?section=contacts").text)
    assert "Who sees it" in page
    assert '<input type="radio" name="visibility" value="staff_only" checked>' in page
    assert "Staff only: only your office's staff see it" in page
    assert "Shared: the partner city's contacts with guest access see it too" in page


def test_a_guest_upload_is_shared_whatever_is_posted_and_the_portal_says_who_sees_it(app, client, login, make,
                                                                                     session, world):
    partnership, guest = world
    login(guest)
    page = html.unescape(client.get(f"/portal/partnerships/{partnership.id}").text)
    assert "Who sees it: the city's staff and everyone on your side" in page
    upload(client, f"/portal/partnerships/{partnership.id}/documents", "Our agenda.pdf", visibility="staff_only")
    agenda = stored(session, "Our agenda.pdf")
    assert agenda.visibility == Visibility.SHARED
    assert guest_sees(app, guest, make, partnership.id, agenda)


def test_an_editor_shares_a_document_and_takes_it_back(app, client, login, make, session, world):
    partnership, guest = world
    login("coordinator")
    upload(client, f"/partnerships/{partnership.id}/attachments", "Budget.pdf")
    budget = stored(session, "Budget.pdf")
    page = client.get(f"/partnerships/{partnership.id}?section=contacts").text
    assert "Share “Budget.pdf” with the partner" in page
    response = client.post(f"/attachments/{budget.id}/visibility", data={"visibility": "shared"})
    assert response.status_code == 302
    assert stored(session, "Budget.pdf").visibility == Visibility.SHARED
    assert guest_sees(app, guest, make, partnership.id, budget)
    assert "now shared with the partner" in client.get(response.location).text
    # a second click (another tab, a double-click) sets the same value: nothing flips back
    client.post(f"/attachments/{budget.id}/visibility", data={"visibility": "shared"})
    assert stored(session, "Budget.pdf").visibility == Visibility.SHARED
    client.post(f"/attachments/{budget.id}/visibility", data={"visibility": "staff_only"})
    assert stored(session, "Budget.pdf").visibility == Visibility.STAFF_ONLY
    assert not guest_sees(app, guest, make, partnership.id, budget)


def test_a_wrong_visibility_changes_nothing(client, login, session, world):
    partnership, _guest = world
    login("coordinator")
    upload(client, f"/partnerships/{partnership.id}/attachments", "Budget.pdf")
    budget = stored(session, "Budget.pdf")
    response = client.post(f"/attachments/{budget.id}/visibility", data={"visibility": "everyone"},
                           follow_redirects=True)
    assert "Choose who may see the document." in response.text
    assert stored(session, "Budget.pdf").visibility == Visibility.STAFF_ONLY


def test_viewers_and_guests_cannot_change_who_sees_a_document(app, client, login, make, session, world):
    partnership, guest = world
    login("coordinator")
    upload(client, f"/partnerships/{partnership.id}/attachments", "Budget.pdf")
    budget = stored(session, "Budget.pdf")
    login("viewer")
    assert client.post(f"/attachments/{budget.id}/visibility", data={"visibility": "shared"}).status_code == 403
    login(guest)
    assert client.post(f"/attachments/{budget.id}/visibility", data={"visibility": "shared"}).status_code in (403,
                                                                                                              404)
    assert stored(session, "Budget.pdf").visibility == Visibility.STAFF_ONLY


def test_a_shared_file_of_a_staff_only_record_stays_hidden(app, client, login, make, session, world):
    partnership, guest = world
    engagement = make.engagement(partnership, title="Quiet talks", visibility=Visibility.STAFF_ONLY)
    login("coordinator")
    page = client.get(f"/engagements/{engagement.id}/edit").text
    assert "This record is staff only, so its documents stay hidden" in page
    upload(client, f"/engagements/{engagement.id}/attachments", "Talking points.pdf", visibility="shared")
    points = stored(session, "Talking points.pdf")
    assert points.visibility == Visibility.SHARED
    assert not guest_sees(app, guest, make, partnership.id, points)


def test_the_list_says_who_sees_each_document(client, login, world):
    partnership, _guest = world
    login("coordinator")
    upload(client, f"/partnerships/{partnership.id}/attachments", "A.pdf")
    upload(client, f"/partnerships/{partnership.id}/attachments", "B.pdf", visibility="shared")
    page = client.get(f"/partnerships/{partnership.id}?section=contacts").text
    assert page.count('class="badge visibility-staff_only"') == 1
    assert page.count('class="badge visibility-shared"') == 1


def test_the_upgrade_makes_earlier_staff_uploads_staff_only_and_keeps_the_partners_own_shared(scratch_database):  # noqa: F811
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tests.test_migration_history import app_on

    now = "2026-12-01 09:00:00"
    with app_on(scratch_database("docvis")) as engine:
        upgrade(revision="e3f4a5b6c7d8")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO cities (id, name, country_code, version, created_at, updated_at) "
                                 "VALUES (1, 'Kobe', 'JP', 1, :now, :now), (2, 'Lund', 'SE', 1, :now, :now)"),
                         {"now": now})
            conn.execute(sa.text("INSERT INTO partnerships (id, home_city_id, partner_city_id, kind, status, version, "
                                 "created_at, updated_at) VALUES (1, 1, 2, 'sister_city', 'active', 1, :now, :now)"),
                         {"now": now})
            for aid, side in [(1, "home"), (2, "partner")]:
                conn.execute(sa.text(
                    "INSERT INTO attachments (id, partnership_id, filename, stored_name, content_type, size, sha256, "
                    "uploaded_by_side, created_at, updated_at) VALUES (:id, 1, 'f.pdf', :stored, 'application/pdf', "
                    "1, 'x', :side, :now, :now)"), {"id": aid, "stored": f"s{aid}", "side": side, "now": now})
        upgrade(revision="f4a5b6c7d8e9")
        with engine.connect() as conn:
            rows = dict(conn.execute(sa.text("SELECT id, visibility FROM attachments ORDER BY id")).all())
        assert rows == {1: "staff_only", 2: "shared"}
