"""One truth for guests: every document a guest can download says what their portal says, and no more.

The portal shows a guest the engagements, agreements and contacts shared with
the partner, and no health verdict. The PDFs, the JSON API and the calendar
feed a guest can fetch are compared here with that portal view: the same
engagements, the same counts, no health or ceremonial wording, and never a
staff-only record (each one's title carries MARK, so a leak is found by text).
"""
import html
import io
import json
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from crm.access import PUBLIC
from crm.agreements.models import Agreement, AgreementText, Signatory
from crm.api.models import ApiToken
from crm.api.tokens import digest
from crm.calendar.tokens import issue_feed_token
from crm.engagements.models import Engagement, Visibility
from crm.guests.models import GuestAccess
from crm.programs.missions.models import Delegate, ItineraryItem, TradeMission
from crm.programs.projects.models import JointProject
from crm.roles import Role

MARK = "ZZSTAFFONLY"  #: in every staff-only title and note: it must never reach a guest
#: words of the health verdict and its figures (staff only), in English
HEALTH_WORDS = ("Relationship health", "ceremonial", "Ceremonial", "At risk", "Healthy", "Revival planned",
                "Since the last substantive engagement", "Substantive engagements, last 12 months",
                "Pillars reached", "Started by the partner", "threshold", "health")

#: every GET endpoint a guest can reach that hands out partnership data, each compared below
COMPARED = {"documents.agreement", "documents.briefing", "api.partnerships", "api.partnership", "api.engagements",
            "api.partnership_engagements", "api.engagement", "api.agreements", "api.agreement", "calendar.feed",
            "calendar.month"}  # the month calendar: compared in tests/test_calendar_month.py
#: every other GET endpoint a guest can reach, and why it needs no comparison
NOT_COMPARED = {
    "main.home": "sends a guest on to the portal",
    "portal.home": "the portal itself", "portal.partnership": "the portal itself", "portal.mission": "the portal itself",
    "portal.profile": "the guest's own details",
    "negotiation.portal_agreement": "the portal itself (an agreement's texts and its negotiation; no staff notes)",
    "commitments.portal": "the portal itself (the partnership's shared commitments, both ways; no staff-only ones)",
    "rosters.portal": "the portal itself (an engagement's participants; tests/test_rosters.py)",
    "rosters.portal_new": "the portal itself (the guest's own town's list)",
    "rosters.portal_edit": "the portal itself (the guest's own town's list)",
    "rosters.portal_remove": "the portal itself (the guest's own town's list)",
    "rosters.portal_upload": "the portal itself (the guest's own town's list)",
    "rosters.certified": "the portal's participants printed; compared with it in tests/test_rosters.py (the guest's "
                         "lists hold who the portal shows, no staff-only person, nothing sensitive)",
    "gifts.register_csv": "the published gift register: the same for anyone, signed in or not (tests/test_gifts.py)",
    "gifts.register_pdf": "the published gift register: the same for anyone, signed in or not (tests/test_gifts.py)",
    "api_tokens.account": "the guest's own API tokens", "api_tokens.revoke_own": "the guest's own API tokens",
    "api.openapi": "the API's description: the same for everyone, no records",
    "attachments.download": "a file as someone uploaded it, listed under the portal's Documents",
    "auth.sign_in": "signing in", "auth.two_factor_code": "signing in", "auth.two_factor_enroll": "signing in",
    "auth.forgot_password": "signing in", "auth.reset_password": "signing in", "guests.accept": "signing in",
    "staff_invitations.accept": "signing in", "auth.sessions_page": "the user's own signed-in devices",
    "health_checks.liveness": "for the load balancer", "health_checks.readiness": "for the load balancer",
}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def portal_titles(client, partnership_id: int) -> tuple[list[str], list[str]]:
    """(timeline titles over every page, "Coming up" titles) as the guest's portal shows them."""
    timeline, page = [], 1
    while True:
        text = client.get(f"/portal/partnerships/{partnership_id}?page={page}").text
        timeline += [html.unescape(t) for t in re.findall(r'class="timeline-title"><strong><bdi>(.*?)</bdi>', text)]
        if f"page={page + 1}" not in text:  # the last page (a page past it would show the last one again)
            break
        page += 1
    text = client.get(f"/portal/partnerships/{partnership_id}").text
    coming = text.split("<h2>", 2)[1]  # the first card is "Coming up"
    upcoming = [html.unescape(t) for t in re.findall(r"<bdi>(.*?)</bdi>", coming)]
    return timeline, upcoming


def assert_nothing_for_staff_only(text: str, what: str):
    assert MARK not in text, f"{what} shows a staff-only record"
    leaked = [word for word in HEALTH_WORDS if word in text]
    assert not leaked, f"{what} shows the health verdict: {leaked}"


@pytest.fixture
def kyoto(clock, make, session):
    """A partnership where staff know more than the partner: staff-only engagements, notes, a draft."""
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", timezone="Asia/Tokyo"),
                                   established_on=date(2015, 4, 1), staff_notes=f"{MARK} budget worries")
    host = make.contact(partnership, name="Hanako Yamada", email="hanako@kyoto.example")
    adviser = make.contact(partnership, name=f"{MARK} adviser", visibility=Visibility.STAFF_ONLY)
    today = clock.today()
    shared = {  # title: (days ago, substantive)
        "Port authority call": (300, True),
        "University talks": (120, True),
        "Anniversary greetings": (60, False),
        "Garden festival": (1200, True),  # older than a year: the portal shows it, the packet does not
    }
    for title, (days_ago, substantive) in shared.items():
        make.engagement(partnership, title=title, occurred_on=today - timedelta(days=days_ago),
                        substantive=substantive)
    for n, days_ago in enumerate((20, 100, 200)):  # staff would count these in their health figures
        make.engagement(partnership, title=f"{MARK} budget talks {n}", occurred_on=today - timedelta(days=days_ago),
                        visibility=Visibility.STAFF_ONLY)
    start = today + timedelta(days=30)
    mission = TradeMission(partnership=partnership, title="Clean-tech mission", direction="outbound",
                           occurred_on=start, ends_on=start + timedelta(days=2), destination=partnership.partner_city,
                           objectives="Meet battery makers")
    mission.itinerary.append(ItineraryItem(
        starts_at=datetime.combine(start, time(0), tzinfo=UTC), ends_at=datetime.combine(start, time(1), tzinfo=UTC),
        timezone="Asia/Tokyo", title="Battery plant visit", contact=host))
    mission.itinerary.append(ItineraryItem(  # a meeting with a staff-only person is itself staff-only
        starts_at=datetime.combine(start, time(2), tzinfo=UTC), ends_at=datetime.combine(start, time(3), tzinfo=UTC),
        timezone="Asia/Tokyo", title="Private dinner", location=f"{MARK} hotel", contact=adviser))
    mission.delegates += [Delegate(contact=host, role="Host"), Delegate(contact=adviser, role="Adviser"),
                          Delegate(contact=adviser, role=f"{MARK} SECRET delegate role")]
    scouting = TradeMission(partnership=partnership, title=f"{MARK} scouting trip", direction="outbound",
                            occurred_on=start + timedelta(days=10), ends_on=start + timedelta(days=11),
                            visibility=Visibility.STAFF_ONLY)
    projects = [JointProject(partnership=partnership, title="Flood resilience", theme="sustainability",
                             status="active", occurred_on=today - timedelta(days=150)),
                JointProject(partnership=partnership, title=f"{MARK} joint fund", theme="technology",
                             status="active", occurred_on=today - timedelta(days=151),
                             visibility=Visibility.STAFF_ONLY)]
    signed = Agreement(partnership=partnership, kind="sister_city", title="Sister City Agreement", status="signed",
                       signed_on=date(2015, 4, 1), signed_at="Kyoto", notes=f"{MARK} negotiating margin")
    signed.texts.append(AgreementText(language="en", body="The two cities deepen their friendship."))
    signed.signatories.append(Signatory(side="partner", name="Mayor of Kyoto"))
    draft = Agreement(partnership=partnership, kind="addendum", title=f"{MARK} draft addendum", status="draft")
    session.add_all([mission, scouting, *projects, signed, draft])
    session.commit()
    guest = make.user("guest", email="hanako@kyoto.example", name="Hanako Yamada", language="en")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=host))
    session.commit()
    return partnership, guest, mission, signed, draft


def test_every_endpoint_a_guest_can_reach_is_compared_or_says_why_not(app):
    reachable = {rule.endpoint for rule in app.url_map.iter_rules()
                 if "GET" in rule.methods and rule.endpoint != "static"
                 and {PUBLIC, Role.GUEST} & set(getattr(app.view_functions[rule.endpoint], "allowed_roles", ()))}
    assert reachable - COMPARED - set(NOT_COMPARED) == set(), "a guest can fetch this: compare it with the portal"
    assert (COMPARED | set(NOT_COMPARED)) - reachable == set(), "no longer reachable by a guest: remove it here"


def test_the_guests_briefing_packet_shows_what_the_portal_shows_and_no_health_verdict(client, login, kyoto):
    partnership, guest, mission, _signed, _draft = kyoto
    login("coordinator")
    staff = pdf_text(client.get(f"/missions/{mission.id}/briefing.pdf?lang=en").data)
    login(guest)
    timeline, upcoming = portal_titles(client, partnership.id)
    response = client.get(f"/missions/{mission.id}/briefing.pdf?lang=en")
    assert response.status_code == 200
    packet = pdf_text(response.data)
    assert "Relationship health" in staff and f"{MARK} joint fund" in staff  # the staff copy stays as it was
    assert_nothing_for_staff_only(packet, "the guest's briefing packet")
    assert "%" not in packet  # no figure at all, so none computed on a different set than staff's
    # the same engagements: every title the packet prints is on the portal's timeline ...
    all_titles = set(timeline) | {"Garden festival"}
    printed = {title for title in all_titles if title in packet}
    assert printed <= set(timeline)
    # ... and the packet's last twelve months are the portal's last twelve months, all of them
    assert printed == set(timeline) - {"Garden festival"}, (printed, timeline)
    assert "Clean-tech mission" in upcoming and "Battery plant visit" in packet
    assert "1 member in the delegation" in packet  # the staff-only adviser is not counted either
    assert "SECRET delegate role" in staff and "Private dinner" in staff and "Adviser" in staff
    # the staff-only adviser's rows are left out whole, not just unnamed: no role, no meeting with them
    assert "SECRET delegate role" not in packet and "Adviser" not in packet and "Private dinner" not in packet
    page = client.get(f"/portal/missions/{mission.id}").text
    assert "Battery plant visit" in page and "Private dinner" not in page and MARK not in page


def test_the_guests_agreement_pdf_is_the_one_the_portal_lists(client, login, kyoto):
    partnership, guest, _mission, signed, draft = kyoto
    login(guest)
    portal = client.get(f"/portal/partnerships/{partnership.id}").text
    response = client.get(f"/agreements/{signed.id}.pdf")
    assert client.get(f"/agreements/{draft.id}.pdf").status_code == 404
    assert f"/agreements/{signed.id}.pdf" in portal and f"/agreements/{draft.id}.pdf" not in portal
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "The two cities deepen their friendship." in text and "Mayor of Kyoto" in text
    assert_nothing_for_staff_only(text, "the guest's agreement PDF")


def test_the_guests_api_answers_what_the_portal_shows(client, login, kyoto, session):
    partnership, guest, _mission, signed, draft = kyoto
    secret = "scc_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=guest.id, name="guest", token_hash=digest(secret), prefix=secret[:12]))
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    login(guest)
    timeline, _upcoming = portal_titles(client, partnership.id)
    answers = {url: client.get(url, headers=headers) for url in (
        "/api/v1/partnerships", f"/api/v1/partnerships/{partnership.id}",
        "/api/v1/engagements?per_page=100", f"/api/v1/partnerships/{partnership.id}/engagements?per_page=100",
        "/api/v1/agreements?per_page=100", f"/api/v1/agreements/{signed.id}")}
    staff_only = session.scalars(select(Engagement.id).where(
        Engagement.partnership_id == partnership.id, Engagement.visibility == Visibility.STAFF_ONLY)).all()
    hidden = [client.get(url, headers=headers).status_code for url in (
        f"/api/v1/agreements/{draft.id}", *(f"/api/v1/engagements/{e}" for e in staff_only))]
    staff_fields = {"partnerships": {"health", "staff_notes", "threshold_months", "liaison"},
                    "engagements": {"visibility"}, "agreements": {"notes"}}
    for url, answer in answers.items():
        assert answer.status_code == 200, url
        assert_nothing_for_staff_only(json.dumps(answer.json, ensure_ascii=False), url)
        kind = next(kind for kind in staff_fields if kind in url.rsplit("/", 2)[-1] or kind in url.rsplit("/", 1)[0])
        for item in answer.json.get("items", [answer.json]):
            assert not staff_fields[kind] & set(item), (url, sorted(item))
    # the same engagements, the same count, as the portal's timeline
    for url in ("/api/v1/engagements?per_page=100", f"/api/v1/partnerships/{partnership.id}/engagements?per_page=100"):
        assert sorted(item["title"] for item in answers[url].json["items"]) == sorted(timeline), url
        assert answers[url].json["total"] == len(timeline), url
    assert [item["title"] for item in answers["/api/v1/agreements?per_page=100"].json["items"]] == [signed.title]
    assert len(staff_only) == 5 and set(hidden) == {404}


def test_a_guests_calendar_feed_holds_nothing_the_portal_does_not(app, client, login, kyoto, session):
    """Guests cannot ask for a feed yet, and a guest's feed is empty; once it is not, this compares it."""
    partnership, guest, _mission, _signed, _draft = kyoto
    with app.test_request_context():
        token = issue_feed_token(session.merge(guest))
    session.commit()
    login(guest)
    timeline, upcoming = portal_titles(client, partnership.id)
    client.post("/sign-out")
    feed = client.get(f"/calendar/feed/{token}.ics")
    assert feed.status_code == 200
    text = feed.get_data(as_text=True).replace("\r\n ", "")  # unfold iCalendar lines
    assert_nothing_for_staff_only(text, "the guest's calendar feed")
    summaries = [line.split(":", 1)[1] for line in text.splitlines() if line.startswith("SUMMARY:")]
    known = set(timeline) | set(upcoming) | {"Battery plant visit"}
    assert all(any(title in summary for title in known) for summary in summaries), (summaries, known)
