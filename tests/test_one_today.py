"""One "today": the office's local date rules everywhere, whatever zone the server or the reader is in.

The office is in Portland (America/Los_Angeles). The server process runs with TZ=Pacific/Kiritimati
(UTC+14) and the reader's own zone is Kiritimati too. At 06:00 UTC on 26 November it is still the
evening of 25 November in Portland, but already 26 November in UTC and in Kiritimati: every place
that shows what is planned, due, expired or upcoming must say what Portland's calendar says.
"""
import io
import json
import os
import time
from datetime import UTC, date, datetime

import pytest
import time_machine
from icalendar import Calendar
from pypdf import PdfReader

from crm.agreements.models import Agreement, AgreementKind, AgreementStatus
from crm.engagements.models import Engagement, EngagementKind
from crm.programs.missions.models import ItineraryItem, MissionDirection, TradeMission
from crm.programs.projects.models import JointProject, Milestone, ProjectStatus, ProjectTheme
from tests.test_api import bearer, give_token

OFFICE_TODAY = date(2026, 11, 25)   # Portland
ELSEWHERE = date(2026, 11, 26)      # UTC, Kiritimati, and the process's own local date
INSTANT = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


@pytest.fixture
def far_from_the_office(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    with time_machine.travel(INSTANT, tick=False):
        assert date.today() == ELSEWHERE and datetime.now(UTC).date() == ELSEWHERE
        yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def office(far_from_the_office, make, session):
    """Athens: quiet since 2024 with a working visit on 26 November (planned, for Portland) and an
    agreement expiring on 25 November; Piraeus: a milestone due and a mission ending on 25 November."""
    portland = make.home_city()
    athens = make.partnership(home=portland, partner=make.city("Athens", "Αθήνα", "GR", timezone="Europe/Athens"),
                              established_on=date(1999, 1, 1))
    session.add_all([
        Engagement(partnership=athens, kind=EngagementKind.MEETING, occurred_on=date(2024, 6, 1), substantive=True,
                   title="Last working meeting"),
        Engagement(partnership=athens, kind=EngagementKind.VISIT, occurred_on=ELSEWHERE, substantive=True,
                   title="Harbour working visit"),
        Agreement(partnership=athens, kind=AgreementKind.SISTER_CITY, status=AgreementStatus.SIGNED,
                  title="Athens sister-city agreement", expires_on=OFFICE_TODAY),
    ])
    piraeus = make.partnership(home=portland, partner=make.city("Piraeus", "Πειραιάς", "GR", timezone="Europe/Athens"))
    project = JointProject(partnership=piraeus, title="Harbour lights", theme=ProjectTheme.SUSTAINABILITY,
                           status=ProjectStatus.ACTIVE, occurred_on=date(2026, 1, 10))
    session.add_all([project, Milestone(project=project, title="Survey report", due_on=OFFICE_TODAY)])
    mission = TradeMission(partnership=piraeus, title="Shipping mission", occurred_on=date(2026, 11, 20),
                           ends_on=OFFICE_TODAY, direction=MissionDirection.OUTBOUND)
    session.add(mission)
    session.flush()
    item = ItineraryItem(mission=mission, starts_at=datetime(2026, 11, 25, 8, tzinfo=UTC),
                         ends_at=datetime(2026, 11, 25, 9, tzinfo=UTC), timezone="Europe/Athens", title="Port tour")
    session.add(item)
    session.commit()
    reader = make.user("coordinator", timezone="Pacific/Kiritimati")
    return {"athens": athens, "piraeus": piraeus, "project": project, "mission": mission, "item": item, "reader": reader}


def test_the_app_sees_the_office_date_not_the_servers_or_the_readers(app, office, login, client):
    from crm.clock import office_today

    with app.test_request_context():
        assert office_today() == OFFICE_TODAY


def test_the_planned_visit_is_planned_on_every_page(client, login, office):
    login(office["reader"])
    athens = office["athens"]
    timeline = client.get(f"/partnerships/{athens.id}").text
    visit = timeline.split("Harbour working visit")[0].rsplit('<li class="timeline-item', 1)[1]
    assert "planned" in visit
    assert "Revival planned" in timeline  # health: the visit does not count yet
    engagements = client.get(f"/engagements/?partnership_id={athens.id}").text
    row = engagements.split("Harbour working visit")[0].rsplit("<tr", 1)[1] + \
        engagements.split("Harbour working visit")[1].split("</tr>")[0]
    assert "Planned" in engagements.split("Harbour working visit")[1].split("</tr>")[0] or "Planned" in row


def test_the_dashboard_agrees_on_what_needs_attention_expires_and_comes_up(client, login, office):
    login(office["reader"])
    page = client.get("/dashboard").text
    attention = page.split('id="attention"')[1].split("</section>")[0]
    assert "Athens" in attention and "Revival planned" in attention
    assert "Athens sister-city agreement" in page  # expires today in Portland: still expiring, not expired


def test_milestones_due_today_are_not_overdue(client, login, office):
    login(office["reader"])
    page = client.get(f"/projects/{office['project'].id}").text
    row = page.split("Survey report")[1].split("</tr>")[0]
    assert "Overdue" not in row


def test_the_calendar_page_and_feed_start_on_the_office_date(client, login, office, app, session):
    from crm.auth.models import User
    from crm.calendar.tokens import issue_feed_token
    from crm.extensions import db

    login(office["reader"])
    page = client.get("/calendar/").text
    assert "November 25, 2026" in page and "Athens sister-city agreement" in page
    with app.app_context():
        token = issue_feed_token(db.session.get(User, office["reader"].id))
        db.session.commit()
    feed = Calendar.from_ical(client.get(f"/calendar/feed/{token}.ics").data)
    summaries = {str(e["SUMMARY"]) for e in feed.walk("VEVENT")}
    assert any("Athens sister-city agreement" in s for s in summaries)


def test_the_api_and_the_cli_agree(client, session, office, app):
    secret = give_token(session, office["reader"])
    athens = office["athens"]
    detail = client.get(f"/api/v1/partnerships/{athens.id}", headers=bearer(secret)).get_json()
    assert detail["health"]["state"] in ("ceremonial",) and "planned" in detail["health"]["reason"].lower()
    engagements = client.get(f"/api/v1/partnerships/{athens.id}/engagements", headers=bearer(secret)).get_json()
    planned = {e["title"]: e["planned"] for e in engagements["items"]}
    assert planned == {"Last working meeting": False, "Harbour working visit": True}
    result = app.test_cli_runner().invoke(args=["crm", "ceremonial", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["partner_city"]: row for row in json.loads(result.output)}
    assert rows["Athens"]["state"] == "ceremonial"


def test_guests_can_still_comment_on_a_mission_ending_today(client, login, office, make, session):
    from crm.guests.models import GuestAccess

    guest = make.user("guest", timezone="Pacific/Kiritimati")
    session.add(GuestAccess(user_id=guest.id, partnership_id=office["piraeus"].id))
    session.commit()
    login(guest)
    page = client.get(f"/portal/missions/{office['mission'].id}").text
    assert "<textarea" in page  # the comment box is still open
    response = client.post(f"/portal/itinerary/{office['item'].id}/comments", data={"body": "See you at the port"},
                           follow_redirects=True)
    assert "Your comment was added." in response.text


def test_the_profile_pdf_and_the_export_speak_of_the_same_day(client, login, office):
    login(office["reader"])
    athens = office["athens"]
    pdf = PdfReader(io.BytesIO(client.get(f"/partnerships/{athens.id}/profile.pdf").data))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())  # lines wrap anywhere
    assert "Revival planned" in text or "revival planned" in text.lower()
    export = client.get("/partnerships/export.csv")
    assert export.status_code == 200
    assert "2026-11-25" in export.headers["Content-Disposition"]
