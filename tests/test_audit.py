"""Every create, change and delete is recorded with who, when and from what to what."""
from sqlalchemy import select

from crm.audit.models import AuditEvent


def test_changes_to_a_partnership_are_recorded_with_old_and_new_values(client, login, make, session):
    user = login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto"))
    client.post(f"/partnerships/{partnership.id}/edit", data={
        "home_city_id": partnership.home_city_id, "partner_city": "Kyoto",
        "partner_city-ref": f"city:{partnership.partner_city_id}", "kind": "sister_city", "status": "suspended",
        "liaison_id": 0, "threshold_months": "18"})
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "update",
                                                     AuditEvent.record_type == "partnerships")).one()
    assert event.user_id == user.id and event.partnership_id == partnership.id
    assert event.changes["status"] == ["active", "suspended"] and event.changes["threshold_months"] == [None, 18]


def test_engagement_create_and_delete_are_recorded(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    client.post(f"/partnerships/{partnership.id}/engagements", data={
        "kind": "call", "occurred_on": "2026-01-05", "title": "Call with the port", "substantive": "yes",
        "visibility": "shared", "initiated_by": "home"})
    created = session.scalars(select(AuditEvent).where(AuditEvent.action == "create",
                                                       AuditEvent.record_type == "engagement")).one()
    assert created.changes["title"] == [None, "Call with the port"]
    client.post(f"/engagements/{created.record_id}/delete")
    deleted = session.scalars(select(AuditEvent).where(AuditEvent.action == "delete")).one()
    assert deleted.record_id == created.record_id and deleted.changes["deleted_at"][0] is None


def test_secrets_are_never_written_to_the_trail(make, session):
    user = make.user("viewer")
    user.set_password("another long passphrase")
    session.commit()
    for event in session.scalars(select(AuditEvent).where(AuditEvent.record_type == "users")):
        for field in ("password_hash", "session_token"):
            if field in event.changes:
                assert set(event.changes[field]) <= {"•••", None}


def test_admins_browse_the_trail_and_staff_see_a_partnerships_history(client, login, make, session):
    partnership = make.partnership(partner=make.city("Kyoto"), summary="First")
    partnership.summary = "Second"
    session.commit()
    login("viewer")
    assert "History of changes" in client.get(f"/partnerships/{partnership.id}").text
    assert client.get("/audit/").status_code == 403
    client.post("/sign-out")
    login("admin")
    page = client.get(f"/audit/?partnership={partnership.id}").text
    assert "First" in page and "Second" in page
    assert "No changes recorded" in client.get("/audit/?record=nothing").text
