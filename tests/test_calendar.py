import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from crm.agreements.models import Agreement, AgreementKind, AgreementStatus
from crm.auth.models import User
from crm.calendar.feed import build_feed
from crm.calendar.tokens import issue_feed_token, revoke_feed_token, user_for_feed_token
from crm.calendar.upcoming import upcoming_events
from crm.engagements.models import Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.programs.exchanges.models import Exchange, ExchangeDirection, ExchangeKind
from crm.programs.missions.models import ItineraryItem, MissionDirection, TradeMission
from crm.programs.projects.models import JointProject, Milestone, ProjectStatus, ProjectTheme

FEED_URL = re.compile(r'value="(http://localhost/calendar/feed/[A-Za-z0-9_-]+\.ics)"')


def today() -> date:
    # The pages and the feed count days from the office's date; the suite's clock stops at noon UTC
    # on 25 November 2026 (tests/conftest.py), the same date in Portland, the factories' office.
    return date(2026, 11, 25)


def days(n: int) -> date:
    return today() + timedelta(days=n)


def save(session, *objects):
    session.add_all(objects)
    session.commit()
    return objects[0] if len(objects) == 1 else objects


def mission(session, partnership, title, starts_on, ends_on, **fields):
    fields.setdefault("direction", MissionDirection.OUTBOUND)
    return save(session, TradeMission(partnership=partnership, title=title, occurred_on=starts_on, ends_on=ends_on,
                                      **fields))


def exchange(session, partnership, title, starts_on, ends_on, **fields):
    return save(session, Exchange(partnership=partnership, title=title, occurred_on=starts_on, ends_on=ends_on,
                                  exchange_kind=ExchangeKind.STUDENT, direction=ExchangeDirection.OUTGOING, **fields))


def project(session, partnership, title="Riverfront restoration", **fields):
    fields.setdefault("occurred_on", days(-60))
    return save(session, JointProject(partnership=partnership, title=title, theme=ProjectTheme.SUSTAINABILITY,
                                      status=fields.pop("status", ProjectStatus.ACTIVE), **fields))


def milestone(session, joint_project, title, due_on, done_on=None):
    return save(session, Milestone(project=joint_project, title=title, due_on=due_on, done_on=done_on))


def agreement(session, partnership, title, expires_on, status=AgreementStatus.SIGNED):
    return save(session, Agreement(partnership=partnership, kind=AgreementKind.SISTER_CITY, status=status,
                                   title=title, expires_on=expires_on))


@pytest.fixture
def kyoto(make):
    return make.partnership(partner=make.city("Kyoto", native_name="京都市"))


@pytest.fixture
def portfolio(session, kyoto):
    """One partnership with something of every kind, inside and outside the next 90 days."""
    joint = project(session, kyoto)
    return {
        "in": [
            mission(session, kyoto, "Robotics trade mission", days(10), days(14)),
            mission(session, kyoto, "Mission under way", days(-3), days(2)),
            exchange(session, kyoto, "Student exchange summer", days(20), days(34)),
            milestone(session, joint, "Wetland survey report", days(30)),
            agreement(session, kyoto, "Kyoto sister-city agreement", days(40)),
        ],
        "out": [
            mission(session, kyoto, "Mission next spring", days(100), days(104)),
            mission(session, kyoto, "Mission last week", days(-10), days(-5)),
            milestone(session, joint, "Milestone already reached", days(15), done_on=days(-1)),
            milestone(session, joint, "Milestone far away", days(120)),
            agreement(session, kyoto, "Draft addendum", days(45), status=AgreementStatus.DRAFT),
            agreement(session, kyoto, "Agreement expiring next year", days(200)),
        ],
    }


# The upcoming page


def test_upcoming_page_lists_each_kind_in_range_sorted_by_date(client, login, portfolio, kyoto):
    login("coordinator")
    page = client.get("/calendar/").text
    for record in portfolio["out"]:
        assert record.title not in page
    positions = [page.index(record.title) for record in portfolio["in"]]
    # The mission under way is listed first (today), then the others by date.
    assert positions[1] < positions[0] < positions[2] < positions[3] < positions[4]
    assert "Under way" in page and "京都市" in page
    assert "Riverfront restoration" in page  # the milestone's project
    mission = portfolio["in"][0]
    assert f'href="/missions/{mission.id}"' in page or any(f'href="/{kind}/' in page for kind in ("missions",
                                                                                                  "exchanges"))
    assert 'aria-current="page">Calendar</a>' in page


def test_upcoming_events_come_sorted_from_four_queries(app_ctx, portfolio, count_queries):
    with count_queries() as counter:
        events = upcoming_events(select(Partnership.id), today(), include_staff_only=True)
        assert [e.title for e in events] == [
            "Mission under way", "Robotics trade mission", "Student exchange summer", "Wetland survey report",
            "Kyoto sister-city agreement"]
        assert {e.partner_city for e in events} == {"Kyoto"}
    assert counter.count <= 4
    assert [e.kind for e in events] == ["mission", "mission", "exchange", "milestone", "agreement_expiry"]
    assert events[0].date == days(-3) and events[0].listed_on == today()


def test_upcoming_leaves_out_cancelled_projects_and_partnerships_out_of_scope(app_ctx, session, make, kyoto):
    milestone(session, project(session, kyoto, status=ProjectStatus.CANCELLED), "Cancelled work", days(5))
    other = make.partnership()
    mission(session, other, "Someone else's mission", days(5), days(6))
    events = upcoming_events(select(Partnership.id).where(Partnership.id == kyoto.id), today(),
                             include_staff_only=True)
    assert events == []


def test_staff_only_engagements_are_left_out_unless_asked_for(app_ctx, session, kyoto):
    mission(session, kyoto, "Quiet scouting trip", days(5), days(6), visibility=Visibility.STAFF_ONLY)
    hidden = project(session, kyoto, "Internal project", visibility=Visibility.STAFF_ONLY)
    milestone(session, hidden, "Internal milestone", days(7))
    scope = select(Partnership.id)
    assert [e.title for e in upcoming_events(scope, today())] == []
    assert [e.title for e in upcoming_events(scope, today(), include_staff_only=True)] == [
        "Quiet scouting trip", "Internal milestone"]


def test_staff_see_staff_only_missions_on_the_page(client, login, session, kyoto):
    mission(session, kyoto, "Quiet scouting trip", days(5), days(6), visibility=Visibility.STAFF_ONLY)
    login("viewer")
    assert "Quiet scouting trip" in client.get("/calendar/").text


def test_a_viewer_sees_the_calendar_with_an_empty_state(client, login):
    login("viewer")
    response = client.get("/calendar/")
    assert response.status_code == 200
    assert "Nothing is planned in the next 90 days." in response.text
    assert "Create a feed address" in response.text


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/calendar/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    response = client.post("/calendar/feed")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_guests_cannot_open_the_calendar(client, login):
    login("guest")
    assert client.get("/calendar/").status_code == 404  # guests get the same answer as for anything missing
    assert client.post("/calendar/feed").status_code == 404  # guests get the same answer as for anything missing


# The feed's address


def create_feed(client) -> str:
    response = client.post("/calendar/feed")
    assert response.status_code == 302 and "/calendar/" in response.headers["Location"]
    assert "token" not in response.headers["Location"] and ".ics" not in response.headers["Location"]
    page = client.get("/calendar/")
    assert page.headers["Cache-Control"] == "private, no-store"
    return FEED_URL.search(page.text).group(1)


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_creating_a_feed_stores_only_a_hash_and_shows_the_address_once(client, login, session, role):
    user = login(role)
    url = create_feed(client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    session.expire_all()
    stored = session.get(User, user.id).calendar_token_hash
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {value for value in session.scalars(select(User.calendar_token_hash)) if value}
    again = client.get("/calendar/").text
    assert token not in again and "Stop the feed" in again and "Create a new address" in again

    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_revoking_the_feed_makes_its_address_404(client, login, session):
    user = login("coordinator")
    url = create_feed(client)
    response = client.post("/calendar/feed/revoke")
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    session.expire_all()
    assert session.get(User, user.id).calendar_token_hash is None
    assert "Create a feed address" in client.get("/calendar/").text


def test_a_new_address_replaces_the_old_one(client, login):
    login("coordinator")
    old = create_feed(client)
    new = create_feed(client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


@pytest.mark.parametrize("token", ["../../etc", "..%2F..%2Fetc", "x" * 43, "", "a" * 500, "%00"])
def test_unknown_or_malformed_tokens_get_404(client, token):
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_a_deactivated_users_feed_stops(app_ctx, make):
    user = db.session.get(User, make.user("viewer").id)
    token = issue_feed_token(user)
    assert user_for_feed_token(token) == user
    user.active = False
    db.session.flush()
    assert user_for_feed_token(token) is None
    user.active = True
    revoke_feed_token(user)
    assert user_for_feed_token(token) is None


# The feed's contents


def feed_token_for(user_id: int) -> str:
    token = issue_feed_token(db.session.get(User, user_id))
    db.session.commit()
    return token


def test_the_feed_has_an_event_of_each_kind_in_local_time(client, app, make, session, kyoto):
    trip = mission(session, kyoto, "Robotics trade mission", days(10), days(14))
    starts = datetime.combine(days(11), time(0, 30), tzinfo=UTC)  # 09:30 in Tokyo
    visit = save(session, ItineraryItem(mission=trip, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                        timezone="Asia/Tokyo", title="Factory visit", location="Kyoto Research Park"))
    exchange_ = exchange(session, kyoto, "Student exchange summer", days(20), days(34))
    due = milestone(session, project(session, kyoto), "Wetland survey report", days(30))
    expiry = agreement(session, kyoto, "Kyoto sister-city agreement", days(300))
    user = make.user("viewer")
    with app.app_context():
        token = feed_token_for(user.id)

    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["PRODID"]) == "-//Sister City CRM//EN" and str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Sister City CRM"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"mission-{trip.id}@sister-city-crm", f"itinerary-{visit.id}@sister-city-crm",
                           f"exchange-{exchange_.id}@sister-city-crm", f"milestone-{due.id}@sister-city-crm",
                           f"agreement-expiry-{expiry.id}@sister-city-crm"}

    whole_trip = events[f"mission-{trip.id}@sister-city-crm"]
    assert str(whole_trip["SUMMARY"]) == "Trade mission: Robotics trade mission"
    assert whole_trip["DTSTART"].dt == days(10) and whole_trip["DTEND"].dt == days(15)  # DTEND is exclusive
    assert f"http://localhost/partnerships/{kyoto.id}" == str(whole_trip["URL"])

    appointment = events[f"itinerary-{visit.id}@sister-city-crm"]
    assert appointment["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert (appointment["DTSTART"].dt.hour, appointment["DTSTART"].dt.minute) == (9, 30)
    assert appointment["DTSTART"].dt == starts and appointment["DTEND"].dt == starts + timedelta(hours=2)
    assert str(appointment["LOCATION"]) == "Kyoto Research Park"
    assert "Asia/Tokyo" in [tz.tz_name for tz in calendar.timezones]

    assert events[f"exchange-{exchange_.id}@sister-city-crm"]["DTEND"].dt == days(35)
    assert str(events[f"milestone-{due.id}@sister-city-crm"]["SUMMARY"]) == "Milestone due: Wetland survey report"
    assert events[f"agreement-expiry-{expiry.id}@sister-city-crm"]["DTSTART"].dt == days(300)


def test_itinerary_times_stay_right_across_a_daylight_saving_change(app_ctx, make, session, kyoto):
    trip = mission(session, kyoto, "Berlin trade fair", date(2025, 3, 28), date(2025, 3, 31))
    # Clocks in Berlin go forward at 02:00 on 30 March 2025: 10:00 is 09:00 UTC before, 08:00 UTC after.
    save(session,
         ItineraryItem(mission=trip, starts_at=datetime(2025, 3, 29, 9, tzinfo=UTC),
                       ends_at=datetime(2025, 3, 29, 10, tzinfo=UTC), timezone="Europe/Berlin", title="Before"),
         ItineraryItem(mission=trip, starts_at=datetime(2025, 3, 30, 8, tzinfo=UTC),
                       ends_at=datetime(2025, 3, 30, 9, tzinfo=UTC), timezone="Europe/Berlin", title="After"))
    owner = db.session.get(User, make.user("coordinator").id)

    data = build_feed(owner, select(Partnership.id), date(2025, 3, 1))

    assert b"DTSTART;TZID=Europe/Berlin:20250330T100000" in data
    assert b"DTSTART;TZID=Europe/Berlin:20250329T100000" in data
    calendar = Calendar.from_ical(data)
    after = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "After")
    assert after["DTSTART"].dt.replace(tzinfo=None) == datetime(2025, 3, 30, 10)
    assert after["DTSTART"].dt.astimezone(UTC) == datetime(2025, 3, 30, 8, tzinfo=UTC)
    berlin = next(tz for tz in calendar.timezones if tz.tz_name == "Europe/Berlin")
    # The VTIMEZONE itself carries the spring-forward, for programs that read it instead of their own tz data.
    zone = berlin.to_tz()
    assert datetime(2025, 3, 29, 10, tzinfo=zone).utcoffset() == timedelta(hours=1)
    assert datetime(2025, 3, 30, 10, tzinfo=zone).utcoffset() == timedelta(hours=2)


def test_a_non_staff_owners_feed_leaves_out_staff_only_engagements(app_ctx, make, session, kyoto):
    mission(session, kyoto, "Shared mission", days(5), days(6))
    mission(session, kyoto, "Quiet scouting trip", days(7), days(8), visibility=Visibility.STAFF_ONLY)
    guest = db.session.get(User, make.user("guest").id)

    data = build_feed(guest, select(Partnership.id), today())

    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(data).walk("VEVENT")]
    assert summaries == ["Trade mission: Shared mission"]
    assert b"Quiet scouting trip" not in data and b"URL" not in data


def test_a_guests_feed_is_empty_until_the_guest_portal_gives_guests_a_scope(client, app, make, session, kyoto):
    mission(session, kyoto, "Shared mission", days(5), days(6))
    guest = make.user("guest")
    with app.app_context():
        token = feed_token_for(guest.id)
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    assert Calendar.from_ical(response.data).walk("VEVENT") == []


def test_the_feed_is_written_in_the_owners_language(app_ctx, make):
    owner = db.session.get(User, make.user("coordinator", language="es").id)
    calendar = Calendar.from_ical(build_feed(owner, select(Partnership.id), today()))
    assert str(calendar["X-WR-CALNAME"]) == "CRM de Ciudades Hermanas"


def test_the_upcoming_page_and_the_feed_issue_a_fixed_number_of_queries(client, app, login, make, session,
                                                                         count_queries):
    user = login("viewer")
    with app.app_context():
        token = feed_token_for(user.id)

    def counts():
        with count_queries() as page:
            assert client.get("/calendar/").status_code == 200
        with count_queries() as feed:
            assert client.get(f"/calendar/feed/{token}.ics").status_code == 200
        return page.count, feed.count

    def add_one_of_each(n):
        partnership = make.partnership()
        trip = mission(session, partnership, f"Mission {n}", days(n), days(n + 1))
        save(session, ItineraryItem(mission=trip, starts_at=datetime.combine(days(n), time(1), tzinfo=UTC),
                                    ends_at=datetime.combine(days(n), time(2), tzinfo=UTC), timezone="Asia/Tokyo",
                                    title=f"Visit {n}"))
        exchange(session, partnership, f"Exchange {n}", days(n), days(n + 2))
        milestone(session, project(session, partnership), f"Milestone {n}", days(n))
        agreement(session, partnership, f"Agreement {n}", days(n))

    add_one_of_each(1)
    few = counts()
    for n in range(2, 12):
        add_one_of_each(n)
    assert counts() == few


# The feed as calendar programs read it (RFC 5545)

TRICKY = "Ports, rail; and \\ back-slashes\nnext line"


def x_text(calendar: Calendar, name: str) -> str:
    """An X- property read as TEXT (RFC 5545 3.3.11): icalendar keeps unknown properties as they came."""
    raw = calendar[name].to_ical().decode()
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


def _instant(value):
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def events_read_by_icalendar(data: bytes) -> dict:
    events = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        events[str(event["UID"])] = {
            "summary": str(event["SUMMARY"]), "description": str(event["DESCRIPTION"]),
            "location": str(event["LOCATION"]) if "LOCATION" in event else None,
            "url": str(event["URL"]) if "URL" in event else None,
            "start": _instant(event["DTSTART"].dt), "end": _instant(event["DTEND"].dt)}
    return events


def events_read_by_vobject(data: bytes) -> dict:
    import vobject

    events = {}
    for event in vobject.readOne(data.decode("utf-8")).vevent_list:
        contents = event.contents
        events[event.uid.value] = {
            "summary": event.summary.value, "description": event.description.value,
            "location": event.location.value if "location" in contents else None,
            "url": event.url.value if "url" in contents else None,
            "start": _instant(event.dtstart.value), "end": _instant(event.dtend.value)}
    return events


@pytest.fixture
def tricky_feed(app_ctx, make, session):
    """A feed whose every kind of event carries commas, semicolons, backslashes and line breaks."""
    partnership = make.partnership(partner=make.city("Kyoto", native_name="京都市"))
    trip = mission(session, partnership, f"Mission: {TRICKY}", days(10), days(14), destination=partnership.partner_city)
    starts = datetime.combine(days(11), time(0, 30), tzinfo=UTC)
    save(session, ItineraryItem(mission=trip, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                timezone="Asia/Tokyo", title=f"Visit {TRICKY}", location=f"Hall {TRICKY}"),
         ItineraryItem(mission=trip, starts_at=starts, ends_at=starts + timedelta(hours=1),
                       timezone="America/Los_Angeles", title="Call home, briefly; " + "長い名前" * 30))
    exchange(session, partnership, f"Exchange {TRICKY}", days(20), days(34))
    milestone(session, project(session, partnership, f"Project {TRICKY}"), f"Milestone {TRICKY}", days(30))
    agreement(session, partnership, f"Agreement {TRICKY}", days(40))
    owner = db.session.get(User, make.user("coordinator").id)
    return build_feed(owner, select(Partnership.id), today(), link=lambda pid: f"https://crm.example/p/{pid}?a=1,b")


def test_two_independent_parsers_read_the_same_events(tricky_feed):
    by_icalendar, by_vobject = events_read_by_icalendar(tricky_feed), events_read_by_vobject(tricky_feed)
    assert len(by_icalendar) == 6
    assert by_icalendar == by_vobject
    summaries = {event["summary"] for event in by_vobject.values()}
    assert f"Trade mission: Mission: {TRICKY}" in summaries and f"Visit {TRICKY}" in summaries
    assert any(event["location"] == f"Hall {TRICKY}" for event in by_vobject.values())
    assert any(event["description"].startswith(f"Joint project: Project {TRICKY}\n") for event in by_vobject.values())


def test_calendar_properties_are_escaped_text_and_real_durations(tricky_feed):
    import vobject

    lines = tricky_feed.decode("utf-8").replace("\r\n ", "").split("\r\n")
    assert "X-WR-CALDESC:Trade missions\\, exchanges\\, project milestones and agreement expiries." in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines and "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "SUMMARY:Exchange: Exchange Ports\\, rail\\; and \\\\ back-slashes\\nnext line" in lines
    calendar = vobject.readOne(tricky_feed.decode("utf-8"))
    assert calendar.x_wr_caldesc.value == "Trade missions, exchanges, project milestones and agreement expiries."
    assert x_text(Calendar.from_ical(tricky_feed), "X-WR-CALDESC") == calendar.x_wr_caldesc.value
    assert calendar.x_published_ttl.value == "PT1H"


@pytest.mark.parametrize("language", ["en", "ja", "ar", "de"])
def test_the_description_survives_both_parsers_in_every_language(app_ctx, make, language):
    import vobject
    from flask_babel import force_locale, gettext

    owner = db.session.get(User, make.user("coordinator", language=language).id)
    data = build_feed(owner, select(Partnership.id), today())
    with force_locale(language):
        expected = gettext("Trade missions, exchanges, project milestones and agreement expiries.")
    assert vobject.readOne(data.decode("utf-8")).x_wr_caldesc.value == expected
    assert x_text(Calendar.from_ical(data), "X-WR-CALDESC") == expected


def test_the_feed_keeps_crlf_folding_uids_stamps_and_time_zones(tricky_feed):
    assert tricky_feed.endswith(b"\r\n") and b"\n" not in tricky_feed.replace(b"\r\n", b"")
    for line in tricky_feed.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a character
    assert any(line.startswith(b" ") for line in tricky_feed.split(b"\r\n"))  # long lines were folded
    calendar = Calendar.from_ical(tricky_feed)
    for event in calendar.walk("VEVENT"):
        assert str(event["UID"]).endswith("@sister-city-crm") and "DTSTAMP" in event
    used = {event["DTSTART"].params["TZID"] for event in calendar.walk("VEVENT") if "TZID" in event["DTSTART"].params}
    assert used == {"Asia/Tokyo", "America/Los_Angeles"}
    assert used <= {tz.tz_name for tz in calendar.timezones}


def test_the_feed_download_is_named_inline_with_an_ascii_name(client, app, make):
    user = make.user("viewer")
    with app.app_context():
        token = feed_token_for(user.id)
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.headers["Content-Disposition"] == (
        "inline; filename=\"sister-city-crm.ics\"; filename*=UTF-8''sister-city-crm.ics")
