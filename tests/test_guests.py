"""Partner-city guests: invitations, acceptance, what they see and what they can do."""
import email
import re
from datetime import UTC, date, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.engagements.models import Engagement, Visibility
from crm.guests.invitations import token_hash
from crm.guests.models import GuestAccess, Invitation
from crm.partnerships.models import Side
from crm.programs.missions.models import ItineraryComment
from crm.roles import Role
from tests.factories import PASSWORD

NEW_PASSWORD = "a long partner password"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


@pytest.fixture
def kyoto(make):
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", timezone="Asia/Tokyo"),
                                   staff_notes="SECRET budget note")
    contact = make.contact(partnership, name="山田 花子", email="hanako@kyoto.example", language="es")
    make.engagement(partnership, title="Shared working meeting")
    make.engagement(partnership, title="SECRET staff-only briefing", visibility=Visibility.STAFF_ONLY)
    return partnership, contact


def invite(client, partnership, contact) -> str:
    response = client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": contact.id},
                           follow_redirects=True)
    assert response.status_code == 200
    return re.search(r'value="(http[^"]+/invitations/[^"]+)"', response.text).group(1)


def path_of(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_coordinator_invites_and_the_link_is_shown_and_emailed(client, login, kyoto, session, outbox):
    login("coordinator")
    partnership, contact = kyoto
    link = invite(client, partnership, contact)
    invitation = session.scalars(select(Invitation)).one()
    token = link.rsplit("/", 1)[1]
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert invitation.expires_at - datetime.now(UTC) > timedelta(days=6)
    message = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "hanako@kyoto.example"
    body = message.get_body(("plain",)).get_content()
    assert link in body and "Portland" in body
    assert message["Content-Language"] == "es"  # the contact's language
    page = client.get(f"/partnerships/{partnership.id}/guests").text
    assert "Sent" in page and "hanako@kyoto.example" in page


def test_guest_accepts_chooses_a_password_and_lands_in_their_partnership(client, app, login, kyoto, session,
                                                                           outbox):
    login("coordinator")
    partnership, contact = kyoto
    link = invite(client, partnership, contact)
    guest_client = app.test_client()
    form = guest_client.get(path_of(link))
    assert form.status_code == 200 and "山田 花子" in form.text
    assert 'value="es" selected' in form.text or 'selected value="es"' in form.text  # preset from the contact
    weak = guest_client.post(path_of(link), data={"password": "short", "confirm": "short", "language": "es",
                                                  "timezone": "Asia/Tokyo"})
    assert "10" in weak.text and session.scalars(select(User).where(User.role == Role.GUEST)).first() is None
    done = guest_client.post(path_of(link), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                  "language": "es", "timezone": "Asia/Tokyo"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/portal/partnerships/{partnership.id}")
    guest = session.scalars(select(User).where(User.role == Role.GUEST)).one()
    assert guest.email == "hanako@kyoto.example" and guest.language == "es" and guest.timezone == "Asia/Tokyo"
    portal = guest_client.get(done.headers["Location"]).text
    assert '<html lang="es"' in portal and "Shared working meeting" in portal
    assert "SECRET" not in portal
    # the link was single-use
    assert guest_client.get(path_of(link)).status_code == 410  # and the guest stays signed in (in Spanish)
    assert "already been used" in app.test_client().get(path_of(link)).text


@pytest.mark.parametrize("change, message", [
    ("revoke", "withdrawn"), ("expire", "expired"), ("tamper", "not valid"),
])
def test_unusable_invitations_get_a_clear_page_and_change_nothing(client, app, login, kyoto, session, outbox,
                                                                   change, message):
    login("coordinator")
    partnership, contact = kyoto
    link = invite(client, partnership, contact)
    invitation = session.scalars(select(Invitation)).one()
    if change == "revoke":
        client.post(f"/invitations/{invitation.id}/revoke")
    elif change == "expire":
        invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        session.commit()
    else:
        link = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    guest_client = app.test_client()
    response = guest_client.post(path_of(link), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                      "language": "en", "timezone": "UTC"})
    assert response.status_code == 410 and message in response.text
    assert session.scalars(select(User).where(User.role == Role.GUEST)).first() is None


def test_resend_replaces_the_link(client, app, login, kyoto, session, outbox):
    login("coordinator")
    partnership, contact = kyoto
    old = invite(client, partnership, contact)
    invitation = session.scalars(select(Invitation)).one()
    response = client.post(f"/invitations/{invitation.id}/resend", follow_redirects=True)
    new = re.search(r'value="(http[^"]+/invitations/[^"]+)"', response.text).group(1)
    assert new != old
    assert app.test_client().get(path_of(old)).status_code == 410
    assert app.test_client().get(path_of(new)).status_code == 200


def test_a_staff_address_cannot_become_a_guest(client, app, login, kyoto, session, outbox, make):
    staff = make.user("viewer", email="hanako@kyoto.example")
    login("coordinator")
    partnership, contact = kyoto
    link = invite(client, partnership, contact)
    response = app.test_client().post(path_of(link), data={"password": PASSWORD})
    assert "staff account" in response.text
    assert session.get(User, staff.id).role == Role.VIEWER
    assert session.scalars(select(Invitation)).one().accepted_at is None  # nothing half-done


def test_a_second_invitation_joins_the_existing_account_and_the_guest_switches(client, app, login, kyoto, make,
                                                                                 session, outbox):
    login("coordinator")
    partnership, contact = kyoto
    guest_client = app.test_client()
    link = invite(client, partnership, contact)
    guest_client.post(path_of(link), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "language": "en",
                                           "timezone": "UTC"})
    second = make.partnership(partner=make.city("Osaka"))
    second_contact = make.contact(second, name="山田 花子", email="hanako@kyoto.example")
    link2 = invite(client, second, second_contact)
    form = guest_client.get(path_of(link2)).text
    assert "already have an account" in form
    assert "not right" in guest_client.post(path_of(link2), data={"password": "wrong password x"}).text
    guest_client.post(path_of(link2), data={"password": NEW_PASSWORD})
    assert len(session.scalars(select(GuestAccess)).all()) == 2
    page = guest_client.get(f"/portal/partnerships/{second.id}").text
    assert "Osaka" in page and f"/portal/partnerships/{partnership.id}" in page  # the switcher


@pytest.fixture
def guest(make, kyoto, session):
    partnership, contact = kyoto
    user = make.user("guest", email="hanako@kyoto.example", name="山田 花子")
    session.add(GuestAccess(user=user, partnership=partnership, contact=contact))
    session.commit()
    return user


def test_guest_logs_an_engagement_marked_as_from_the_partner(client, app, login, kyoto, guest, session):
    partnership, _contact = kyoto
    login(guest)
    response = client.post(f"/portal/partnerships/{partnership.id}/engagements", data={
        "kind": "meeting", "occurred_on": "2026-11-20", "title": "Youth orchestra planning", "notes": "",
        "substantive": "yes", "visibility": "staff_only", "initiated_by": "home"})
    assert response.status_code == 302
    logged = session.scalars(select(Engagement).where(Engagement.title == "Youth orchestra planning")).one()
    # whatever was posted, a guest's engagement is shared and from the partner side
    assert logged.visibility == Visibility.SHARED and logged.logged_by_side == Side.PARTNER
    assert logged.initiated_by == Side.PARTNER and logged.logged_by_id == guest.id
    client.post("/sign-out")
    login("coordinator")
    assert "Added by the partner" in client.get(f"/partnerships/{partnership.id}").text


def test_guest_uploads_a_document_and_staff_see_it(client, login, kyoto, guest, session, app, tmp_path,
                                                  monkeypatch):
    import io

    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path))
    partnership, _contact = kyoto
    login(guest)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(f"/portal/partnerships/{partnership.id}/documents",
                           data={"file": (io.BytesIO(pdf), "議事録.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    from crm.attachments.models import Attachment

    attachment = session.scalars(select(Attachment)).one()
    assert attachment.uploaded_by_side == Side.PARTNER and attachment.partnership_id == partnership.id
    assert "議事録.pdf" in client.get(f"/portal/partnerships/{partnership.id}").text
    assert client.get(f"/attachments/{attachment.id}").data == pdf


def test_guest_comments_on_an_upcoming_itinerary_item(client, login, kyoto, guest, session):
    from crm.programs.missions.models import ItineraryItem, TradeMission

    partnership, _contact = kyoto
    soon = date.today() + timedelta(days=10)
    mission = TradeMission(partnership=partnership, title="Port mission", direction="inbound", occurred_on=soon,
                           ends_on=soon)
    mission.itinerary.append(ItineraryItem(starts_at=datetime.combine(soon, datetime.min.time(), tzinfo=UTC),
                                           ends_at=datetime.combine(soon, datetime.min.time(), tzinfo=UTC)
                                           + timedelta(hours=1), timezone="Asia/Tokyo", title="Port tour"))
    session.add(mission)
    session.commit()
    login(guest)
    assert "Port tour" in client.get(f"/portal/missions/{mission.id}").text
    client.post(f"/portal/itinerary/{mission.itinerary[0].id}/comments", data={"body": "Can we start at 10?"})
    comment = session.scalars(select(ItineraryComment)).one()
    assert comment.author_id == guest.id and comment.partnership_id == partnership.id
    client.post("/sign-out")
    login("viewer")
    page = client.get(f"/missions/{mission.id}").text
    assert "Can we start at 10?" in page and "Partner side" in page


def test_guest_updates_details_and_changes_password(client, app, login, kyoto, guest, session, make):
    _partnership, contact = kyoto
    login(guest)
    response = client.post("/portal/profile", data={"name": "Hanako Yamada", "job_title": "Director",
                                                    "phone": "+81 75 000", "language": "es",
                                                    "timezone": "Asia/Tokyo", "version": f"{contact.id}:1"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, guest.id).language == "es"
    assert session.get(type(contact), contact.id).job_title == "Director"
    other_device = app.test_client()
    with other_device.session_transaction() as flask_session:
        flask_session["_user_id"] = make.session_id(session.get(User, guest.id))
    wrong = client.post("/portal/password", data={"current": "nope nope nope", "password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD})
    assert wrong.status_code == 422
    ok = client.post("/portal/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert ok.status_code == 302
    assert client.get("/portal/profile").status_code == 200  # this session continues
    assert other_device.get("/portal/profile").status_code == 302  # the other one ended


def test_deactivating_a_guest_ends_their_access_at_once(client, app, login, kyoto, guest, session):
    partnership, _contact = kyoto
    guest_client = app.test_client()
    with guest_client.session_transaction() as flask_session:
        flask_session["_user_id"] = guest.get_id()
    assert guest_client.get(f"/portal/partnerships/{partnership.id}").status_code == 200
    login("coordinator")
    access = session.scalars(select(GuestAccess)).one()
    assert "Deactivate" in client.get(f"/guest-access/{access.id}/deactivate").text
    client.post(f"/guest-access/{access.id}/deactivate")
    assert guest_client.get(f"/portal/partnerships/{partnership.id}").status_code in (302, 404)


def test_the_guest_scope_applies_to_any_query_in_a_guest_request(app, kyoto, guest, make):
    """Even a query that forgets every filter returns only the guest's shared records."""
    from flask import g

    from crm.extensions import db
    from crm.guests.scope import start_guest_request
    from crm.partnerships.models import Partnership

    other = make.partnership(partner=make.city("Cairo"))
    make.engagement(other, title="Cairo meeting")
    with app.test_request_context():
        start_guest_request(guest.id)
        titles = set(db.session.scalars(select(Engagement.title)))
        assert titles == {"Shared working meeting"}
        assert [p.id for p in db.session.scalars(select(Partnership))] == [kyoto[0].id]
        assert db.session.get(Partnership, other.id) is None
        g.pop("guest_scope")


def test_guest_language_and_partner_share_count_for_health(client, login, kyoto, guest, app):
    from crm.extensions import db
    from crm.health.queries import activities

    partnership, _contact = kyoto
    login(guest)
    client.post(f"/portal/partnerships/{partnership.id}/engagements", data={
        "kind": "visit", "occurred_on": date.today().isoformat(), "title": "Partner visit", "substantive": "yes"})
    with app.app_context():
        facts = activities(date.today(), [partnership.id])[partnership.id]
        db.session.remove()
    assert facts.partner_started_12m >= 1
