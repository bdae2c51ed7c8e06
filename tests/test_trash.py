"""Deleted engagements and documents disappear everywhere at once, an admin can
restore them for 30 days, and then they are purged with their files."""
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.attachments.models import Attachment
from crm.audit.models import AuditEvent
from crm.engagements.models import Engagement, EngagementKind
from crm.programs.missions.models import ItineraryItem, MissionDirection, TradeMission
from crm.programs.projects.models import JointProject, Milestone
from crm.trash import operations
from crm.trash.filters import INCLUDE_DELETED

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(folder))
    return folder


def files(folder):
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def mark_deleted(session, *records, days_ago=0):
    for record in records:
        record.deleted_at = datetime.now(UTC) - timedelta(days=days_ago)
    session.commit()


def count(session, model, **options):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).execution_options(**options))


def test_a_deleted_engagement_leaves_every_page_and_an_admin_restores_it(client, login, make, session):
    partnership = make.partnership(partner=make.city("Kyoto"))
    engagement = make.engagement(partnership, title="Port authority visit", occurred_on=date(2025, 3, 1))
    login("coordinator")
    assert "Port authority visit" in client.get(f"/partnerships/{partnership.id}").text
    assert client.post(f"/engagements/{engagement.id}/delete").status_code == 302
    assert f"/engagements/{engagement.id}/edit" not in client.get(f"/partnerships/{partnership.id}").text
    assert client.get(f"/engagements/{engagement.id}/edit").status_code == 404
    assert count(session, Engagement) == 0 and count(session, Engagement, include_deleted=True) == 1
    # only admins see the deleted records
    assert client.get("/admin/deleted/").status_code == 403
    login("admin")
    page = client.get("/admin/deleted/").text
    assert "Port authority visit" in page and "Restore" in page
    response = client.post(f"/admin/deleted/engagements/{engagement.id}/restore", follow_redirects=True)
    assert "“Port authority visit” was restored." in response.text
    assert f"/engagements/{engagement.id}/edit" in client.get(f"/partnerships/{partnership.id}").text
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == engagement.id,
                                                              AuditEvent.record_type == "engagement")
                              .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["delete", "restore"]


def test_deleting_resets_health_and_restoring_brings_it_back(app_ctx, make, session):
    from crm.extensions import db
    from crm.health.queries import activities

    partnership = make.partnership()
    recent = make.engagement(partnership, occurred_on=date.today() - timedelta(days=10))
    make.engagement(partnership, occurred_on=date(2020, 1, 1))
    assert activities(date.today())[partnership.id].last_substantive == recent.occurred_on
    operations.soft_delete(db.session.get(Engagement, recent.id), None)
    db.session.commit()
    assert activities(date.today())[partnership.id].last_substantive == date(2020, 1, 1)
    operations.restore(db.session.get(Engagement, recent.id, execution_options={INCLUDE_DELETED: True}))
    db.session.commit()
    assert activities(date.today())[partnership.id].last_substantive == recent.occurred_on


def test_a_deleted_mission_takes_its_itinerary_along_and_back(client, login, make, session):
    partnership = make.partnership()
    soon = date.today() + timedelta(days=5)
    mission = TradeMission(partnership=partnership, title="Green ports mission", occurred_on=soon,
                           direction=MissionDirection.OUTBOUND,
                           ends_on=soon + timedelta(days=2))
    session.add(mission)
    session.flush()
    start = datetime.combine(soon, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    session.add(ItineraryItem(mission_id=mission.id, starts_at=start, ends_at=start + timedelta(hours=1),
                              timezone="Asia/Tokyo", title="Harbour tour"))
    session.commit()
    login("coordinator")
    assert "Green ports mission" in client.get("/calendar/").text
    assert "Harbour tour" in client.get(f"/missions/{mission.id}").text
    assert client.post(f"/missions/{mission.id}/delete").status_code == 302
    assert client.get(f"/missions/{mission.id}").status_code == 404
    assert "Green ports mission" not in client.get("/calendar/").text
    assert "Green ports mission" not in client.get("/missions/").text
    assert count(session, ItineraryItem) == 0 and count(session, ItineraryItem, include_deleted=True) == 1
    login("admin")
    client.post(f"/admin/deleted/engagements/{mission.id}/restore")
    assert "Green ports mission" in client.get("/calendar/").text
    assert "Harbour tour" in client.get(f"/missions/{mission.id}").text


def test_a_deleted_project_takes_its_milestone_entries_along_and_back(client, login, make, session):
    partnership = make.partnership()
    login("coordinator")
    client.post(f"/partnerships/{partnership.id}/projects/new", data={
        "title": "Flood resilience", "theme": "sustainability", "status": "active", "starts_on": "2025-01-01",
        "ends_on": "", "amount": "", "currency": "", "visibility": "shared", "notes": ""})
    project = session.scalars(select(JointProject)).one()
    client.post(f"/projects/{project.id}/milestones",
                data={"title": "Study done", "due_on": "2025-06-01", "done_on": "2025-05-20"})
    assert count(session, Engagement) == 2  # the project and its reached milestone
    assert client.post(f"/projects/{project.id}/delete").status_code == 302
    assert count(session, Engagement) == 0 and count(session, Milestone) == 0
    login("admin")
    client.post(f"/admin/deleted/engagements/{project.id}/restore")
    assert count(session, Engagement) == 2 and count(session, Milestone) == 1


def test_a_deleted_document_can_be_restored_but_not_without_its_engagement(client, login, make, session,
                                                                             storage_dir):
    partnership = make.partnership()
    engagement = make.engagement(partnership, title="Signing visit")
    login("coordinator")
    client.post(f"/engagements/{engagement.id}/attachments", data={"file": (io.BytesIO(PDF), "minutes.pdf")},
                content_type="multipart/form-data")
    attachment = session.scalars(select(Attachment)).one()
    assert client.post(f"/attachments/{attachment.id}/delete").status_code == 302
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    assert len(files(storage_dir)) == 1
    login("admin")
    assert "minutes.pdf" in client.get("/admin/deleted/?show=documents").text
    client.post(f"/admin/deleted/documents/{attachment.id}/restore")
    assert client.get(f"/attachments/{attachment.id}").data == PDF
    # a document of a deleted engagement goes and comes back with it
    client.post(f"/engagements/{engagement.id}/delete")
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    client.post(f"/attachments/{attachment.id}/delete")  # already out of sight: nothing to delete
    client.post(f"/admin/deleted/engagements/{engagement.id}/restore")
    assert client.get(f"/attachments/{attachment.id}").data == PDF


def test_restoring_a_document_of_a_deleted_engagement_asks_for_the_engagement_first(client, login, make,
                                                                                     session):
    partnership = make.partnership()
    engagement = make.engagement(partnership)
    attachment = Attachment(partnership_id=partnership.id, engagement_id=engagement.id, filename="a.pdf",
                            stored_name="x" * 32, content_type="application/pdf", size=3, sha256="0" * 64)
    session.add(attachment)
    session.commit()
    mark_deleted(session, attachment, engagement)
    login("admin")
    response = client.post(f"/admin/deleted/documents/{attachment.id}/restore", follow_redirects=True)
    assert "restore the engagement first" in response.text
    assert count(session, Attachment) == 0


def test_after_thirty_days_restoring_is_refused_and_purge_removes_rows_and_files(client, login, make, session,
                                                                                  storage_dir, app):
    partnership = make.partnership()
    old = make.engagement(partnership, title="Old call")
    recent = make.engagement(partnership, title="Recent call")
    login("coordinator")
    client.post(f"/engagements/{old.id}/attachments", data={"file": (io.BytesIO(PDF), "old.pdf")},
                content_type="multipart/form-data")
    mark_deleted(session, old, days_ago=31)
    mark_deleted(session, recent)
    login("admin")
    assert "Old call" not in client.get("/admin/deleted/").text  # past the window: not offered
    response = client.post(f"/admin/deleted/engagements/{old.id}/restore", follow_redirects=True)
    assert "can no longer be restored" in response.text
    result = app.test_cli_runner().invoke(args=["crm", "purge-deleted"])
    assert "Removed 1 deleted engagements and 1 deleted documents." in result.output
    assert count(session, Engagement, include_deleted=True) == 1  # the recent one is still restorable
    assert files(storage_dir) == []


def test_purge_command(app, make, session):
    partnership = make.partnership()
    engagement = make.engagement(partnership)
    mark_deleted(session, engagement, days_ago=40)
    result = app.test_cli_runner().invoke(args=["crm", "purge-deleted"])
    assert "Removed 1 deleted engagements and 0 deleted documents." in result.output


def test_guests_never_see_a_deleted_shared_engagement(client, login, make, session):
    from crm.guests.models import GuestAccess

    partnership = make.partnership()
    contact = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    shared = make.engagement(partnership, title="Shared then deleted meeting")
    guest = make.user("guest", email="hanako@kyoto.example")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=contact))
    session.commit()
    login(guest)
    assert "Shared then deleted meeting" in client.get(f"/portal/partnerships/{partnership.id}").text
    mark_deleted(session, shared)
    assert "Shared then deleted meeting" not in client.get(f"/portal/partnerships/{partnership.id}").text


def test_restore_refuses_after_the_window(app_ctx, make, session):
    from crm.extensions import db

    engagement = make.engagement(make.partnership())
    mark_deleted(session, engagement, days_ago=31)
    loaded = db.session.get(Engagement, engagement.id, execution_options={INCLUDE_DELETED: True})
    with pytest.raises(operations.TooLate):
        operations.restore(loaded)
    db.session.expunge_all()
    assert db.session.get(Engagement, engagement.id) is None  # out of sight without the option
