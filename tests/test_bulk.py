"""Bulk actions on the lists: the confirmation names how many records will change (GET), its POST changes them,
one audit event per record; only records the reader may see are counted or changed; editors only."""
import csv
import io

import pytest
from flask import g
from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.enums import Visibility
from crm.partnerships.models import Partnership
from tests.test_browser import chromium, live_server  # noqa: F401  (module fixtures: one browser, one database)


def events(session, action, ids, record_type="partnerships"):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.record_type == record_type,
                                                    AuditEvent.record_id.in_(ids))).all()


def test_archive_confirmation_names_how_many_then_archives_each_with_its_own_audit_event(client, login, make,
                                                                                       session):
    login("coordinator")
    kyoto = make.partnership(partner=make.city("Kyoto"))
    cairo = make.partnership(partner=make.city("Cairo"))
    kept = make.partnership(partner=make.city("Lyon"))
    ids = [kyoto.id, cairo.id]
    page = client.get("/bulk/partnerships/archive", query_string={"ids": ids, "next": "/partnerships/?q=a"})
    assert page.status_code == 200
    assert "Archive 2 partnerships?" in page.text and "Kyoto" in page.text and "Cairo" in page.text
    assert "Lyon" not in page.text
    done = client.post("/bulk/partnerships/archive", data={"ids": ids, "next": "/partnerships/?q=a"})
    assert done.status_code == 302 and done.headers["Location"] == "/partnerships/?q=a"
    session.expire_all()
    assert session.get(Partnership, kyoto.id).archived_at and session.get(Partnership, cairo.id).archived_at
    assert session.get(Partnership, kept.id).archived_at is None
    archived = events(session, "update", ids)
    assert sorted(e.record_id for e in archived) == sorted(ids) and all("archived_at" in e.changes for e in archived)
    assert "2 partnerships were archived." in client.get("/partnerships/").text


def test_archive_ignores_unknown_and_already_archived_ids(client, login, make, session):
    from crm.database import utcnow

    login("coordinator")
    current = make.partnership(partner=make.city("Kyoto"))
    old = make.partnership(partner=make.city("Cairo"), archived_at=utcnow())
    page = client.get("/bulk/partnerships/archive", query_string={"ids": [current.id, old.id, 999999, "x"]})
    assert "Archive 1 partnership?" in page.text and "Cairo" not in page.text
    client.post("/bulk/partnerships/archive", data={"ids": [current.id, old.id, 999999]})
    assert [e.record_id for e in events(session, "update", [current.id, old.id])] == [current.id]


def test_nothing_selected_says_so_and_changes_nothing(client, login, make, session):
    login("coordinator")
    page = client.get("/bulk/partnerships/archive")
    assert "None of the selected partnerships can be archived." in page.text and 'name="ids"' not in page.text
    assert client.post("/bulk/partnerships/archive", data={}).status_code == 200


def test_assign_liaison_changes_only_those_without_that_liaison(client, login, make, session):
    login("coordinator")
    liaison = make.user("coordinator", name="Aiko Tanaka")
    kyoto = make.partnership(partner=make.city("Kyoto"))
    cairo = make.partnership(partner=make.city("Cairo"), liaison=liaison)
    page = client.get("/bulk/partnerships/liaison", query_string={"ids": [kyoto.id, cairo.id]})
    assert "Assign a liaison to 2 partnerships" in page.text and "Aiko Tanaka" in page.text
    response = client.post("/bulk/partnerships/liaison", data={"ids": [kyoto.id, cairo.id], "liaison_id": liaison.id})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Partnership, kyoto.id).liaison_id == liaison.id
    changed = events(session, "update", [kyoto.id, cairo.id])
    assert [e.record_id for e in changed] == [kyoto.id] and changed[0].changes["liaison_id"] == [None, liaison.id]


def test_assign_liaison_refuses_someone_who_is_not_staff(client, login, make, session):
    login("coordinator")
    kyoto = make.partnership(partner=make.city("Kyoto"))
    guest = make.user("guest")
    response = client.post("/bulk/partnerships/liaison", data={"ids": [kyoto.id], "liaison_id": guest.id})
    assert response.status_code == 200 and "Not a valid choice" in response.text
    assert not events(session, "update", [kyoto.id])


@pytest.mark.parametrize("visibility, path, title", [
    (Visibility.SHARED, "/bulk/engagements/share", "Share 2 engagements with the partner?"),
    (Visibility.STAFF_ONLY, "/bulk/engagements/staff-only", "Make 2 engagements staff-only?"),
])
def test_engagements_shared_or_made_staff_only_each_with_its_audit_event(client, login, make, session, visibility,
                                                                         path, title):
    login("coordinator")
    partnership = make.partnership()
    other = Visibility.STAFF_ONLY if visibility == Visibility.SHARED else Visibility.SHARED
    changing = [make.engagement(partnership, visibility=other) for _ in range(2)]
    already = make.engagement(partnership, visibility=visibility)
    ids = [e.id for e in changing] + [already.id]
    page = client.get(path, query_string={"ids": ids})
    assert title in page.text and already.title not in page.text
    client.post(path, data={"ids": ids})
    session.expire_all()
    changed = events(session, "update", ids, "engagement")
    assert sorted(e.record_id for e in changed) == sorted(e.id for e in changing)
    assert all(e.changes["visibility"] == [other.value, visibility.value] for e in changed)


def test_a_deleted_engagement_is_left_out(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    kept, gone = make.engagement(partnership), make.engagement(partnership)
    assert client.post(f"/engagements/{gone.id}/delete").status_code == 302
    page = client.get("/bulk/engagements/staff-only", query_string={"ids": [kept.id, gone.id]})
    assert "Make 1 engagement staff-only?" in page.text


def test_records_are_chosen_through_the_readers_scope(app, make, session):
    """A guest (who never reaches these pages) would be offered only their own partnership's records: the bulk
    queries load through crm.partnerships.queries.visible_partnership_ids."""
    from flask_login import login_user

    from crm.bulk.queries import chosen_contacts, chosen_engagements, chosen_partnerships

    alpha, bravo = make.partnership(partner=make.city("Alpha")), make.partnership(partner=make.city("Bravo"))
    records = {p.id: (make.engagement(p), make.contact(p)) for p in (alpha, bravo)}
    guest = make.user("guest")
    with app.test_request_context():
        login_user(guest)
        g.guest_scope, g.guest_user_id = [alpha.id], guest.id
        assert [p.id for p in chosen_partnerships([alpha.id, bravo.id])] == [alpha.id]
        assert [e.id for e in chosen_engagements([r[0].id for r in records.values()])] == [records[alpha.id][0].id]
        assert [c.id for c in chosen_contacts([r[1].id for r in records.values()])] == [records[alpha.id][1].id]


def test_export_selected_partnerships_and_contacts(client, login, make):
    login("coordinator")
    kyoto = make.partnership(partner=make.city("Kyoto"))
    cairo = make.partnership(partner=make.city("Cairo"))
    make.partnership(partner=make.city("Lyon"))
    page = client.get("/bulk/partnerships/export", query_string={"ids": [kyoto.id, cairo.id]})
    assert "Export 2 partnerships" in page.text
    download = client.post("/bulk/partnerships/export", data={"ids": [kyoto.id, cairo.id], "fmt": "csv"})
    assert download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff")), delimiter=","))
    names = {row[0] for row in rows[1:]}
    assert names == {"Kyoto", "Cairo"}
    ana, ben = make.contact(kyoto, name="Ana Ruiz"), make.contact(cairo, name="Ben Said")
    make.contact(kyoto, name="Not Chosen")
    assert "Export 2 contacts" in client.get("/bulk/contacts/export", query_string={"ids": [ana.id, ben.id]}).text
    xlsx = client.post("/bulk/contacts/export", data={"ids": [ana.id, ben.id], "fmt": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    text = client.post("/bulk/contacts/export", data={"ids": [ana.id, ben.id]}).get_data(as_text=True)
    assert "Ana Ruiz" in text and "Ben Said" in text and "Not Chosen" not in text


@pytest.mark.parametrize("path", ["/bulk/partnerships/archive", "/bulk/partnerships/liaison",
                                  "/bulk/partnerships/export", "/bulk/engagements/share",
                                  "/bulk/engagements/staff-only", "/bulk/contacts/export"])
def test_viewers_are_refused(client, login, make, session, path):
    login("viewer")
    partnership = make.partnership()
    engagement = make.engagement(partnership, visibility=Visibility.STAFF_ONLY)
    ids = [partnership.id, engagement.id]
    assert client.get(path, query_string={"ids": ids}).status_code == 403
    assert client.post(path, data={"ids": ids}).status_code == 403
    assert not events(session, "update", [partnership.id])
    assert not events(session, "update", [engagement.id], "engagement")


def test_the_confirmation_needs_the_csrf_token(app, make, session):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        user = make.user("coordinator")
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = user.get_id()
            flask_session["_fresh"] = True
        partnership = make.partnership()
        page = client.get("/bulk/partnerships/archive", query_string={"ids": [partnership.id]})
        assert 'name="csrf_token"' in page.text
        client.post("/bulk/partnerships/archive", data={"ids": [partnership.id]})
        session.expire_all()
        assert session.get(Partnership, partnership.id).archived_at is None
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_lists_offer_the_bulk_actions_to_editors_only(client, login, make):
    partnership = make.partnership(partner=make.city("Kyoto"))
    make.engagement(partnership)
    make.contact(partnership)
    login("viewer")
    assert 'data-select-all' not in client.get("/partnerships/").text
    login("coordinator")
    listing = client.get("/partnerships/").text
    assert 'data-select-all' in listing and 'formaction="/bulk/partnerships/archive"' in listing
    assert f'name="ids" value="{partnership.id}"' in listing and 'aria-label="Select Kyoto"' in listing
    assert 'formaction="/bulk/engagements/share"' in client.get("/engagements/").text
    assert 'formaction="/bulk/contacts/export"' in client.get("/contacts/").text


@pytest.mark.browser
def test_select_two_partnerships_and_archive_them_on_a_phone(live_server, chromium, tmp_path):  # noqa: F811
    """At 390 px: tick two rows, Archive, the confirmation names both and the count, confirm, back on the list
    without them; every page axe-core clean and no wider than the screen."""
    from tests.test_browser import assert_accessible_on_a_phone, sign_in

    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        sign_in(phone, live_server)
        assert_accessible_on_a_phone(phone, tmp_path, "bulk-list")
        boxes = phone.locator("input[type=checkbox][name=ids]")
        names = [boxes.nth(i).get_attribute("aria-label").removeprefix("Select ") for i in (0, 1)]
        boxes.nth(0).check()
        boxes.nth(1).check()
        phone.click(".bulk-actions button:has-text('Archive')")
        phone.wait_for_url("**/bulk/partnerships/archive?**")
        assert phone.inner_text("h1") == "Archive 2 partnerships?"
        assert all(phone.locator(".bulk-names li", has_text=name).count() == 1 for name in names)
        assert_accessible_on_a_phone(phone, tmp_path, "bulk-confirm")
        phone.click(".bulk-confirm button:has-text('Archive')")
        phone.wait_for_selector(".flash-success")
        assert "2 partnerships were archived." in phone.inner_text(".flash-success")
        assert "/partnerships/" in phone.url
        for name in names:
            assert phone.locator(f"input[name=ids][aria-label='Select {name}']").count() == 0
        assert_accessible_on_a_phone(phone, tmp_path, "bulk-done")
    finally:
        context.close()
