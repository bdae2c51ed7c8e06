"""Offboarding under Users: staff invitations, roles, deactivation (web and API at once), each user's
sessions, and the last active administrator, kept in the database."""
import email
import re
import threading
from email import policy

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.api.models import ApiToken
from crm.audit.models import AuditEvent
from crm.auth.models import User, UserSession
from crm.extensions import db
from crm.guests.models import GuestAccess
from crm.roles import Role
from crm.users.models import StaffInvitation
from tests.factories import PASSWORD
from tests.test_api import bearer, give_token
from tests.test_concurrency import committed  # noqa: F401
from tests.test_sessions import sign_in, signed_in

NEW_PASSWORD = "a long new staff password"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def fresh(session, user) -> User:
    session.expire_all()
    return session.get(User, user.id)


def audited(session, record_type, record_id, field) -> list[AuditEvent]:
    return [event for event in session.scalars(select(AuditEvent).where(AuditEvent.record_type == record_type,
                                                                         AuditEvent.record_id == record_id)
                                        .order_by(AuditEvent.id))
            if field in event.changes]


def test_deactivating_signs_out_everywhere_and_revokes_every_api_token(app, client, login, make, session):
    make.home_city()
    staff = make.user("coordinator", name="Leaving Soon")
    laptop, phone = sign_in(app, staff), sign_in(app, staff)
    secret = give_token(session, staff)
    api = app.test_client()
    assert api.get("/api/v1/partnerships", headers=bearer(secret)).status_code == 200
    login("admin")
    assert "Deactivate Leaving Soon?" in client.get(f"/admin/users/{staff.id}/deactivate").text
    assert fresh(session, staff).active  # asking changes nothing
    assert client.post(f"/admin/users/{staff.id}/deactivate").status_code == 302
    assert not signed_in(laptop) and not signed_in(phone)  # the next request is signed out
    assert api.get("/api/v1/partnerships", headers=bearer(secret)).status_code == 401
    assert not fresh(session, staff).active
    assert session.scalar(select(sa.func.count()).select_from(UserSession).where(
        UserSession.user_id == staff.id, UserSession.revoked_at.is_(None))) == 0
    assert all(token.revoked_at for token in session.scalars(select(ApiToken).where(ApiToken.user_id == staff.id)))
    again = app.test_client().post("/sign-in", data={"email": staff.email, "password": PASSWORD})
    assert "not right" in again.text  # no sign-in
    assert audited(session, "users", staff.id, "active")[-1].changes["active"] == [True, False]


def test_reactivating_allows_sign_in_but_old_tokens_stay_revoked(app, client, login, make, session):
    staff = make.user("viewer", name="Back Again")
    secret = give_token(session, staff)
    login("admin")
    client.post(f"/admin/users/{staff.id}/deactivate")
    assert "Reactivate Back Again?" in client.get(f"/admin/users/{staff.id}/reactivate").text
    assert client.post(f"/admin/users/{staff.id}/reactivate").status_code == 302
    assert fresh(session, staff).active
    assert signed_in(sign_in(app, staff))
    assert app.test_client().get("/api/v1/partnerships", headers=bearer(secret)).status_code == 401
    assert audited(session, "users", staff.id, "active")[-1].changes["active"] == [False, True]


def test_an_admin_changes_a_role_and_it_is_audited(app, client, login, make, session):
    staff = make.user("coordinator", name="Now Viewer")
    login("admin")
    page = client.get(f"/admin/users/{staff.id}/role")
    assert page.status_code == 200 and "Change the role of Now Viewer" in page.text
    assert client.post(f"/admin/users/{staff.id}/role", data={"role": "viewer"}).status_code == 302
    assert fresh(session, staff).role == Role.VIEWER
    assert audited(session, "users", staff.id, "role")[-1].changes["role"] == ["coordinator", "viewer"]
    assert client.post(f"/admin/users/{staff.id}/role", data={"role": "guest"}).status_code == 200  # not offered
    assert fresh(session, staff).role == Role.VIEWER


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(app, client, login, make, session):
    admin = login("admin")
    refused = client.post(f"/admin/users/{admin.id}/role", data={"role": "viewer"})
    assert refused.status_code == 409 and "at least one active administrator" in refused.text
    assert 'value="viewer" selected' in refused.text or "selected" in refused.text  # the choice is kept
    client.post(f"/admin/users/{admin.id}/deactivate")
    admin = fresh(session, admin)
    assert admin.role == Role.ADMIN and admin.active
    # A deactivated admin does not count: the other admin stays the last active one.
    other = make.user("admin")
    other.active = False
    session.commit()
    client.post(f"/admin/users/{admin.id}/deactivate")
    assert fresh(session, admin).active
    # With a second active admin, either may go.
    other.active = True
    session.commit()
    assert client.post(f"/admin/users/{other.id}/role", data={"role": "coordinator"}).status_code == 302
    assert fresh(session, other).role == Role.COORDINATOR


def test_the_last_admin_rule_holds_in_the_business_function(app_ctx, make, session):
    from crm.users import offboarding

    admin = db.session.get(User, make.user("admin").id)
    with pytest.raises(offboarding.LastAdminError):
        offboarding.deactivate(admin)
    db.session.rollback()
    with pytest.raises(offboarding.LastAdminError):
        offboarding.change_role(admin, Role.VIEWER)
    db.session.rollback()


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, committed):  # noqa: F811
    from crm.users import offboarding

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        # Every other admin in this database, if any, is set aside for the race and put back after.
        others = setup.scalars(select(User.id).where(User.role == Role.ADMIN, User.active)).all()
        setup.execute(sa.update(User).where(User.id.in_(others)).values(active=False))
        first = User(email="race-admin-1@example.org", name="Race One", role=Role.ADMIN, password_hash="x")
        second = User(email="race-admin-2@example.org", name="Race Two", role=Role.ADMIN, password_hash="x")
        setup.add_all([first, second])
        setup.commit()
        created += [("users", first.id), ("users", second.id)]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def demote(user_id):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait()
                offboarding.change_role(user, Role.VIEWER)
                db.session.commit()
                outcomes.append("demoted")
            except offboarding.LastAdminError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    # Both threads' sessions use real connections (not the test's own transaction): swapped once,
    # before they start and after they end, never by the threads themselves.
    engines = db._app_engines[app]
    shared, engines[None] = engines[None], engine
    try:
        try:
            with app.test_request_context():
                threads = [threading.Thread(target=demote, args=(uid,)) for uid in (first.id, second.id)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        finally:
            engines[None] = shared
        with Session(engine) as check:
            admins = check.scalars(select(User).where(User.id.in_([first.id, second.id]),
                                                      User.role == Role.ADMIN)).all()
            assert sorted(outcomes) == ["demoted", "refused"] and len(admins) == 1
    finally:
        with engine.begin() as conn:
            conn.execute(sa.update(User.__table__).where(User.__table__.c.id.in_(others)).values(active=True))


def test_an_admin_sees_a_users_sessions_and_ends_one(app, client, login, make, session):
    staff = make.user("coordinator", name="Two Devices")
    laptop = sign_in(app, staff)
    phone = sign_in(app, staff, agent="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36")
    login("admin")
    page = client.get(f"/admin/users/{staff.id}").text
    assert "Firefox · Windows" in page and "Chrome · Android" in page
    record = session.scalars(select(UserSession).where(UserSession.user_id == staff.id,
                                                       UserSession.device == "Chrome · Android")).one()
    url = f"/admin/users/{staff.id}/sessions/{record.id}/end"
    assert url in page and "Chrome · Android" in client.get(url).text
    assert signed_in(phone)  # asking ends nothing
    assert client.post(url).status_code == 302
    assert not signed_in(phone) and signed_in(laptop)
    assert audited(session, "user_sessions", record.id, "revoked_at")
    other = make.user("viewer")
    assert client.get(f"/admin/users/{other.id}/sessions/{record.id}/end").status_code == 404


def invitation_link(outbox) -> str:
    message = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    link = re.search(r"http\S+/join/\S+", message.get_body(("plain",)).get_content()).group(0)
    assert link.startswith("http://localhost/join/")  # built on CRM_PUBLIC_URL
    return "/" + link.split("/", 3)[3]


def test_an_admin_invites_a_staff_member_who_joins_once(app, client, login, make, session, outbox):
    login("admin")
    assert client.get("/admin/users/invite").status_code == 200
    kept = client.post("/admin/users/invite", data={"email": "not an address", "role": "coordinator"})
    assert kept.status_code == 422 and 'value="not an address"' in kept.text
    sent = client.post("/admin/users/invite", data={"email": "New.Staff@Example.org", "role": "coordinator"},
                       follow_redirects=True)
    assert sent.status_code == 200 and "/join/" in sent.text
    invitation = session.scalars(select(StaffInvitation)).one()
    assert invitation.email == "new.staff@example.org" and invitation.role == Role.COORDINATOR
    path = invitation_link(outbox)
    assert invitation.token_hash != path.rsplit("/", 1)[1]  # only a hash is stored
    assert audited(session, "staff_invitations", invitation.id, "email")
    assert "new.staff@example.org" in client.get("/admin/users/").text  # listed as open
    newcomer = app.test_client()
    short = newcomer.post(path, data={"name": "New Staff", "password": "short", "confirm": "short"})
    assert short.status_code == 422 and 'value="New Staff"' in short.text
    joined = newcomer.post(path, data={"name": "New Staff", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert joined.status_code == 302
    user = session.scalars(select(User).where(User.email == "new.staff@example.org")).one()
    assert user.name == "New Staff" and user.role == Role.COORDINATOR and user.check_password(NEW_PASSWORD)
    assert signed_in(newcomer)
    assert app.test_client().get(path).status_code == 410  # single use
    assert client.post("/admin/users/invite", data={"email": "new.staff@example.org",
                                                    "role": "viewer"}).status_code == 422  # exists already


def test_withdrawn_and_expired_staff_invitations_do_not_work(app, client, login, make, session, outbox, clock):
    from datetime import timedelta

    login("admin")
    client.post("/admin/users/invite", data={"email": "late@example.org", "role": "viewer"})
    path = invitation_link(outbox)
    clock.shift(timedelta(days=8))
    assert app.test_client().get(path).status_code == 410
    for message in outbox.glob("*.eml"):
        message.unlink()
    client.post("/admin/users/invite", data={"email": "late@example.org", "role": "viewer"})
    path = invitation_link(outbox)
    invitation = session.scalars(select(StaffInvitation).where(StaffInvitation.revoked_at.is_(None),
                                                               StaffInvitation.expires_at > sa.func.now())).first()
    invitation = invitation or session.scalars(select(StaffInvitation).order_by(StaffInvitation.id.desc())).first()
    assert client.post(f"/admin/users/invitations/{invitation.id}/revoke").status_code == 302
    assert app.test_client().get(path).status_code == 410


def test_a_guest_left_without_partnerships_is_deactivated(app, client, login, make, session):
    from tests.test_access import build_side

    make.home_city()
    _ids, guest = build_side(make, session, "Alpha", "JP")
    guest_device = sign_in(app, guest)
    assert guest_device.get("/portal/").status_code in (200, 302)
    secret = give_token(session, guest)
    api = app.test_client()
    assert api.get("/api/v1/partnerships", headers=bearer(secret)).status_code == 200
    login("coordinator")
    access = session.scalars(select(GuestAccess).where(GuestAccess.user_id == guest.id)).one()
    assert client.post(f"/guest-access/{access.id}/deactivate").status_code == 302
    assert api.get("/api/v1/partnerships", headers=bearer(secret)).status_code == 401
    assert not fresh(session, guest).active
    refused = app.test_client().post("/sign-in", data={"email": guest.email, "password": PASSWORD})
    assert "not right" in refused.text
    assert guest_device.get("/account/api-tokens").status_code == 302  # no session, so no new token


def test_admins_can_deactivate_a_guest_from_users(app, client, login, make, session):
    guest = make.user("guest", name="Partner Person")
    device = sign_in(app, guest)
    login("admin")
    assert "Partner Person" in client.get("/admin/users/?show=guests").text
    assert client.get(f"/admin/users/{guest.id}/role").status_code == 404  # guests have no staff role
    client.post(f"/admin/users/{guest.id}/deactivate")
    assert not fresh(session, guest).active
    assert device.get("/account/sessions").status_code == 302


def test_a_staff_invitation_used_twice_at_once_makes_one_account(app, committed):  # noqa: F811
    from datetime import UTC, datetime, timedelta

    from crm.users import staff_invitations

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        invitation = StaffInvitation(email="race-staff@example.org", role=Role.VIEWER,
                                     token_hash=staff_invitations.token_hash("race-staff-token"),
                                     expires_at=datetime.now(UTC) + timedelta(days=1))
        setup.add(invitation)
        setup.commit()
        created.append(("staff_invitations", invitation.id))
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def join():
        with app.app_context():
            try:
                found = staff_invitations.find_usable("race-staff-token")
                barrier.wait()
                staff_invitations.accept(found, name="Race Staff", password=NEW_PASSWORD)
                db.session.commit()
                outcomes.append("joined")
            except staff_invitations.StaffInvitationError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    engines = db._app_engines[app]  # real connections for both threads, swapped once (see above)
    shared, engines[None] = engines[None], engine
    try:
        with app.test_request_context():
            threads = [threading.Thread(target=join) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        engines[None] = shared
    with Session(engine) as check:
        users = check.scalars(select(User).where(User.email == "race-staff@example.org")).all()
        assert sorted(outcomes) == ["joined", "refused"] and len(users) == 1
        check.execute(sa.text("UPDATE staff_invitations SET user_id = NULL WHERE id = :id"), {"id": invitation.id})
        check.execute(sa.delete(User).where(User.email == "race-staff@example.org"))
        check.commit()
