"""What partners do reaches staff, and staff answer (issue 17, section 4).

The dashboard's "New from partners" lists what guests added since the user last looked; each partnership
with unseen partner activity is marked; the liaison hears of it by e-mail at once or in a daily digest, as
they prefer; staff reply to itinerary comments and the guest reads the reply in the portal; what staff create
is staff only unless they choose to share it; accepting an invitation counts as the guest's first sign-in.
"""
import re

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.roles import Role
from tests.factories import PASSWORD
from tests.test_browser import chromium, live_server, phone  # noqa: F401  (the browser fixtures)


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def chosen(page: str, name: str) -> str | None:
    """The value of the radio button or option of `name` the page has preselected."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and f'id="{name}-' in tag and "checked" in tag:  # a WTForms radio button
            return re.search(r'value="([^"]*)"', tag).group(1)
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.DOTALL)
    if select_html:
        found = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                          select_html.group(1))
        return found and (found.group(1) or found.group(2))
    return None


# ---- private by default --------------------------------------------------------------------------------------

def test_what_staff_create_is_staff_only_unless_they_share_it(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    assert chosen(client.get(f"/partnerships/{partnership.id}").text, "visibility") == "staff_only"
    for program in ("missions", "exchanges", "projects"):
        page = client.get(f"/partnerships/{partnership.id}/{program}/new")
        assert page.status_code == 200 and chosen(page.text, "visibility") == "staff_only", program
    # the delegate's path: "Add a new contact first" from a mission's delegation
    page = client.get(f"/contacts/new?partnership={partnership.id}")
    assert chosen(page.text, "visibility") == "staff_only"


def test_an_existing_shared_record_keeps_its_choice_on_edit(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    contact = make.contact(partnership, email="delegate@example.org")
    assert contact.visibility.value == "shared"
    assert chosen(client.get(f"/contacts/{contact.id}/edit").text, "visibility") == "shared"


# ---- the sign-in record ----------------------------------------------------------------------------------------

def test_accepting_an_invitation_is_the_guests_first_sign_in(client, app, login, make, session, outbox):
    login("coordinator")
    partnership = make.partnership()
    contact = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    response = client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": contact.id},
                           follow_redirects=True)
    link = re.search(r'value="(http[^"]+/invitations/[^"]+)"', response.text).group(1)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    guest_client = app.test_client()
    done = guest_client.post(path, data={"password": PASSWORD + " more", "confirm": PASSWORD + " more",
                                         "language": "en", "timezone": "Asia/Tokyo"})
    assert done.status_code == 302
    guest = session.scalars(select(User).where(User.email == "hanako@kyoto.example")).one()
    assert guest.role == Role.GUEST and guest.last_sign_in_at is not None


# ---- the world of the following tests ----------------------------------------------------------------------------

@pytest.fixture
def kyoto(make, session):
    """A partnership with its liaison (who reads English pages; a test makes them Japanese-speaking), a partner
    contact and that contact's guest account."""
    from crm.guests.models import GuestAccess

    liaison = make.user("coordinator", name="Liaison Lee", email="lee@portland.example", language="en")
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", timezone="Asia/Tokyo"), liaison=liaison)
    contact = make.contact(partnership, name="Hanako Yamada", email="hanako@kyoto.example")
    guest = make.user("guest", email="hanako@kyoto.example", name="Hanako Yamada")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=contact))
    session.commit()
    return partnership, liaison, guest


def a_mission(session, partnership, clock):
    from datetime import UTC, datetime, timedelta

    from crm.engagements.models import Visibility
    from crm.programs.missions.models import ItineraryItem, TradeMission

    soon = clock.today() + timedelta(days=10)
    start = datetime.combine(soon, datetime.min.time(), tzinfo=UTC)
    mission = TradeMission(partnership=partnership, title="Port mission", direction="inbound", occurred_on=soon,
                           ends_on=soon, visibility=Visibility.SHARED)
    mission.itinerary.append(ItineraryItem(starts_at=start, ends_at=start + timedelta(hours=1),
                                           timezone="Asia/Tokyo", title="Port tour"))
    session.add(mission)
    session.commit()
    return mission


# ---- replies ---------------------------------------------------------------------------------------------------

def test_staff_reply_to_a_partners_comment_and_the_guest_reads_it(client, login, kyoto, session, clock):
    from crm.programs.missions.models import ItineraryComment

    partnership, liaison, guest = kyoto
    mission = a_mission(session, partnership, clock)
    login(guest)
    client.post(f"/portal/itinerary/{mission.itinerary[0].id}/comments", data={"body": "Can we start at 10?"})
    comment = session.scalars(select(ItineraryComment)).one()
    client.post("/sign-out")

    login(liaison)
    page = client.get(f"/missions/{mission.id}").text
    assert f'action="/itinerary/comments/{comment.id}/replies"' in page
    empty = client.post(f"/itinerary/comments/{comment.id}/replies", data={"body": "  "})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text and " open>" in empty.text
    done = client.post(f"/itinerary/comments/{comment.id}/replies", data={"body": "Yes, 10 is fine."})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"#comment-{comment.id}")
    reply = session.scalars(select(ItineraryComment).where(ItineraryComment.reply_to_id == comment.id)).one()
    assert reply.author_id == liaison.id and reply.item_id == comment.item_id
    client.post("/sign-out")

    login(guest)
    portal = client.get(f"/portal/missions/{mission.id}").text
    assert "Yes, 10 is fine." in portal and "Reply from the city" in portal
    assert portal.index("Can we start at 10?") < portal.index("Yes, 10 is fine.")


def test_viewers_and_guests_cannot_reply(client, login, kyoto, session, clock):
    from crm.programs.missions.models import ItineraryComment

    partnership, _liaison, guest = kyoto
    mission = a_mission(session, partnership, clock)
    comment = ItineraryComment(item_id=mission.itinerary[0].id, partnership_id=partnership.id, author_id=guest.id,
                               body="Hello")
    session.add(comment)
    session.commit()
    login("viewer")
    assert client.post(f"/itinerary/comments/{comment.id}/replies", data={"body": "x"}).status_code == 403
    assert client.post("/itinerary/comments/999999/replies", data={"body": "x"}).status_code in (403, 404)


# ---- the dashboard ---------------------------------------------------------------------------------------------

def guest_logs(client, partnership, title="Youth orchestra planning"):
    return client.post(f"/portal/partnerships/{partnership.id}/engagements", data={
        "kind": "meeting", "occurred_on": "2026-11-20", "title": title, "notes": "", "substantive": "yes"})


def test_what_a_guest_adds_is_new_on_the_liaisons_dashboard_until_marked_as_seen(app, client, login, kyoto, session,
                                                                                  clock, outbox):
    partnership, liaison, guest = kyoto
    login(liaison)
    page = client.get("/dashboard").text
    assert "New from partners" in page and "Nothing new from partners since you last looked." in page
    clock.shift(60)
    login(guest)
    assert guest_logs(client, partnership).status_code == 302
    client.post("/sign-out")

    login(liaison)
    page = client.get("/dashboard").text
    assert "Hanako Yamada added the engagement “Youth orchestra planning”" in page
    assert "Nothing new from partners" not in page
    assert f'href="/partnerships/{partnership.id}#timeline"' in page
    seen = re.search(r'name="until" type="hidden" value="([^"]+)"|name="until" value="([^"]+)"', page)
    assert seen, page
    from crm.dashboard.partner_activity import unseen_partnership_ids
    with app.app_context():
        assert unseen_partnership_ids(session.get(User, liaison.id), [partnership.id]) == {partnership.id}

    response = client.post("/dashboard/partner-news/seen", data={"until": seen.group(1) or seen.group(2)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard#partner-news")
    page = client.get("/dashboard").text
    assert "Youth orchestra planning" not in page and "Nothing new from partners since you last looked." in page
    session.expire_all()
    with app.app_context():
        assert unseen_partnership_ids(session.get(User, liaison.id), [partnership.id]) == set()


def test_comments_documents_and_contact_details_are_news_too(client, login, kyoto, session, clock, outbox):
    partnership, liaison, guest = kyoto
    mission = a_mission(session, partnership, clock)
    login(liaison)
    client.post("/dashboard/partner-news/seen", data={"until": ""})
    clock.shift(60)
    login(guest)
    client.post(f"/portal/itinerary/{mission.itinerary[0].id}/comments", data={"body": "Can we start at 10?"})
    client.post("/portal/profile", data={"name": "Hanako Yamada", "job_title": "Director", "phone": "+81 75 1234",
                                         "language": "ja", "timezone": "Asia/Tokyo",
                                         "version": client.get("/portal/profile").text.split('name="version"')[1]
                                         .split('value="')[1].split('"')[0]})
    client.post("/sign-out")
    login(liaison)
    page = client.get("/dashboard").text
    assert "Hanako Yamada commented on “Port tour”" in page and "Can we start at 10?" in page
    assert "Hanako Yamada updated their contact details" in page


def test_only_guests_activity_is_news_and_only_in_partnerships_the_reader_sees(client, login, kyoto, make, clock):
    partnership, liaison, _guest = kyoto
    login(liaison)
    client.post("/dashboard/partner-news/seen", data={"until": ""})
    clock.shift(60)
    client.post(f"/partnerships/{partnership.id}/engagements", data={
        "kind": "meeting", "occurred_on": "2026-11-20", "title": "Staff's own entry", "substantive": "yes",
        "visibility": "staff_only", "initiated_by": "home"})
    page = client.get("/dashboard").text
    assert "added the engagement" not in page and "Nothing new from partners since you last looked." in page


def test_the_mail_preference_is_chosen_on_the_panel(client, login, kyoto, session):
    _partnership, liaison, _guest = kyoto
    login(liaison)
    assert chosen(client.get("/dashboard").text, "partner_news_mail") == "at_once"
    assert client.post("/dashboard/partner-news/mail", data={"partner_news_mail": "daily"}).status_code == 302
    session.expire_all()
    assert session.get(User, liaison.id).partner_news_mail == "daily"
    assert chosen(client.get("/dashboard").text, "partner_news_mail") == "daily"
    client.post("/dashboard/partner-news/mail", data={"partner_news_mail": "weekly"})
    session.expire_all()
    assert session.get(User, liaison.id).partner_news_mail == "daily"


def test_the_partnerships_with_unseen_news_for_templates(app, client, login, kyoto, clock):
    partnership, liaison, guest = kyoto
    login(liaison)
    client.post("/dashboard/partner-news/seen", data={"until": ""})
    clock.shift(60)
    login(guest)
    guest_logs(client, partnership)
    login(liaison)
    from flask import render_template_string

    template = "{{ partnership_id in partnerships_with_partner_news() }}"
    with client:
        client.get("/dashboard")  # the request context stays open: the liaison is signed in
        assert render_template_string(template, partnership_id=partnership.id) == "True"
    with client:
        client.post("/dashboard/partner-news/seen", data={"until": ""})
        client.get("/dashboard")
        assert render_template_string(template, partnership_id=partnership.id) == "False"


def test_a_document_the_guest_uploads_is_news_and_mailed(app, client, login, kyoto, tmp_path, monkeypatch, outbox):
    import io

    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    partnership, liaison, guest = kyoto
    login(guest)
    response = client.post(f"/portal/partnerships/{partnership.id}/documents",
                           data={"file": (io.BytesIO(pdf), "Minutes.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert any("Minutes.pdf" in m.get_body(("plain",)).get_content() for m in messages(outbox))
    login(liaison)
    assert "Hanako Yamada uploaded the document “Minutes.pdf”" in client.get("/dashboard").text


# ---- e-mail ------------------------------------------------------------------------------------------------------

def messages(outbox):
    import email
    from email import policy

    return [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(outbox.glob("*.eml"))]


def test_the_liaison_is_told_at_once_in_their_language(client, login, kyoto, outbox, session):
    partnership, liaison, guest = kyoto
    liaison.language = "ja"
    session.commit()
    login(guest)
    assert guest_logs(client, partnership).status_code == 302
    (message,) = messages(outbox)
    assert message["To"].addresses[0].addr_spec == "lee@portland.example"
    assert message["Date"] and message["Message-ID"] and message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "ja"  # the liaison's language
    body = message.get_body(("plain",)).get_content()
    assert "Youth orchestra planning" in body and f"http://localhost/partnerships/{partnership.id}#timeline" in body
    assert "Kyoto" in message["Subject"]


def test_a_daily_liaison_gets_no_mail_at_once_but_the_digest_holds_it(app, client, login, kyoto, session, outbox,
                                                                     clock):
    from datetime import timedelta

    from crm.dashboard.partner_mail import send_partner_digests

    partnership, liaison, guest = kyoto
    liaison.partner_news_mail = "daily"
    session.commit()
    login(guest)
    assert guest_logs(client, partnership).status_code == 302
    assert messages(outbox) == []
    with app.app_context():
        assert send_partner_digests(clock.today()) == []  # today's news go in tomorrow's digest
        sent = send_partner_digests(clock.today() + timedelta(days=1))
    assert [user.email for user, _delivery in sent] == ["lee@portland.example"]
    (message,) = messages(outbox)
    assert message["Auto-Submitted"] == "auto-generated" and message["Message-ID"]
    assert "Youth orchestra planning" in message.get_body(("plain",)).get_content()


def test_never_means_never(client, login, kyoto, session, outbox):
    partnership, liaison, guest = kyoto
    liaison.partner_news_mail = "never"
    session.commit()
    login(guest)
    assert guest_logs(client, partnership).status_code == 302
    assert messages(outbox) == []


def test_a_mail_server_that_is_down_does_not_fail_the_guest(app, client, login, kyoto, session, monkeypatch):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    partnership, _liaison, guest = kyoto
    login(guest)
    assert guest_logs(client, partnership).status_code == 302
    from crm.engagements.models import Engagement
    assert session.scalars(select(Engagement).where(Engagement.title == "Youth orchestra planning")).one()


# ---- in a browser: the panel and the reply form on a phone, axe-clean -----------------------------------------

@pytest.mark.browser
def test_a_guests_engagement_on_the_coordinators_phone_dashboard(live_server, chromium, phone, tmp_path):  # noqa: F811
    from tests.test_browser import assert_accessible_on_a_phone, sign_in

    guest_context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True)
    guest = guest_context.new_page()
    guest.set_default_timeout(10_000)
    guest.goto(f"{live_server}/sign-in")
    guest.fill("#email", "guest.kyoto@demo.example")
    guest.fill("#password", "sister-cities-demo")
    guest.click("button.primary")
    guest.wait_for_selector("text=Add what happened")
    guest.click("#timeline summary")
    guest.select_option("#kind", "meeting")
    guest.fill("#occurred_on", str(live_server.office_today()))
    guest.fill("#title", "Tea ceremony rehearsal")
    guest.click("#timeline button[type=submit]")
    guest.wait_for_selector(".flash-success")
    guest_context.close()

    sign_in(phone, live_server)
    phone.goto(f"{live_server}/dashboard")
    news = phone.locator("#partner-news")
    assert "added the engagement “Tea ceremony rehearsal”" in news.inner_text()
    assert_accessible_on_a_phone(phone, tmp_path, "dashboard-partner-news")
    phone.select_option("#partner_news_mail", "daily")
    phone.click("#partner-news form.inline-filter button")
    phone.wait_for_selector(".flash-success")
    phone.click("#partner-news button:has-text('Mark as seen')")
    phone.wait_for_selector("text=Nothing new from partners since you last looked.")
    assert phone.input_value("#partner_news_mail") == "daily"
    assert_accessible_on_a_phone(phone, tmp_path, "dashboard-partner-news-seen")


def test_the_digest_skips_liaisons_with_nothing_new_and_says_what_the_mail_server_did(app, client, login, kyoto,
                                                                                       make, session, outbox, clock):
    from datetime import timedelta

    from crm.dashboard.partner_mail import send_partner_digests
    from crm.mail import Delivery

    partnership, liaison, guest = kyoto
    quiet = make.user("coordinator", partner_news_mail="daily")
    make.partnership(liaison=quiet)
    liaison.partner_news_mail = "daily"
    session.commit()
    login(guest)
    guest_logs(client, partnership)
    with app.app_context():
        sent = send_partner_digests(clock.today() + timedelta(days=1))
    assert [(user.id, bool(path)) for user, path in sent] == [(liaison.id, True)]  # an outbox path: no SMTP
    assert sent[0][1] is not Delivery.FAILED


# ---- the dashboard's smaller defects -----------------------------------------------------------------------------

def test_dashboard_links_end_with_their_text_and_no_empty_pillar_chart(client, login, make):
    from datetime import date

    login("coordinator")
    make.partnership(partner=make.city("Kyoto"), established_on=date(2001, 1, 1))
    page = client.get("/dashboard").text
    assert ">Kyoto</span></span></a>" in page  # the partner city's link: no trailing underlined space
    links = re.findall(r"<a\b[^>]*>(.*?)</a>", page, re.DOTALL)
    assert [text for text in links if text != text.rstrip()] == []
    assert "Pillar not set" not in page and "No substantive engagements in the last three years." in page
