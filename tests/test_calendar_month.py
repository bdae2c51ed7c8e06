"""The month calendar: paging by month, the office's month by default, planned engagements, anniversaries,
filters, and a guest's view of their own partnerships."""
from datetime import UTC, date, datetime

import pytest

from crm.agreements.models import Agreement, AgreementKind, AgreementStatus
from crm.calendar.month import add_months, anniversary_in, parse_month
from crm.engagements.models import EngagementKind, Visibility
from crm.guests.models import GuestAccess
from tests.test_calendar import agreement, exchange, milestone, mission, project, save


@pytest.fixture
def kyoto(make):
    make.home_city()  # Portland: the office's zone is America/Los_Angeles
    return make.partnership(partner=make.city("Kyoto", native_name="京都市"))


@pytest.fixture
def osaka(make):
    return make.partnership(partner=make.city("Osaka", native_name="大阪市"))


def signed(session, partnership, title, signed_on, status=AgreementStatus.SIGNED):
    return save(session, Agreement(partnership=partnership, kind=AgreementKind.SISTER_CITY, status=status,
                                   title=title, signed_on=signed_on))


# Months


@pytest.mark.parametrize("text, first", [("2026-12", date(2026, 12, 1)), ("2027-01", date(2027, 1, 1)),
                                         ("2026-13", None), ("2026-00", None), ("26-12", None), ("", None),
                                         ("2026-1", None), ("9999-12", None), ("2026-12x", None)])
def test_a_month_is_named_year_dash_month(text, first):
    assert parse_month(text) == first


def test_months_page_across_the_year():
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
    assert add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)
    assert anniversary_in(date(2024, 2, 29), 2027) == date(2027, 2, 28)
    assert anniversary_in(date(2024, 2, 29), 2028) == date(2028, 2, 29)


def test_december_pages_to_january_and_back(client, login, kyoto, session):
    mission(session, kyoto, "New Year delegation", date(2027, 1, 8), date(2027, 1, 10))
    login("coordinator")
    december = client.get("/calendar/month?month=2026-12").text
    assert "December 2026" in december and 'rel="next" href="/calendar/month?month=2027-01"' in december
    assert 'rel="prev" href="/calendar/month?month=2026-11"' in december
    assert "New Year delegation" not in december
    january = client.get("/calendar/month?month=2027-01").text
    assert "January 2027" in january and "New Year delegation" in january
    assert 'rel="prev" href="/calendar/month?month=2026-12"' in january
    assert 'rel="next" href="/calendar/month?month=2027-02"' in january


def test_a_month_beyond_ninety_days_is_shown(client, login, kyoto, session):
    mission(session, kyoto, "Spring trade fair", date(2027, 5, 3), date(2027, 5, 6))
    login("viewer")
    assert "Spring trade fair" not in client.get("/calendar/").text  # the upcoming page stops at 90 days
    assert "Spring trade fair" in client.get("/calendar/month?month=2027-05").text


@pytest.mark.parametrize("month", ["2026-13", "nonsense", "0000-01"])
def test_an_impossible_month_is_not_found(client, login, month):
    login("viewer")
    assert client.get(f"/calendar/month?month={month}").status_code == 404


def test_the_default_month_is_the_offices_not_the_servers(client, login, kyoto, session, clock):
    # 03:00 UTC on 1 January 2027 is still the evening of 31 December in Portland.
    clock.move_to(datetime(2027, 1, 1, 3, 0, tzinfo=UTC))
    login("viewer")
    page = client.get("/calendar/month").text
    assert "December 2026" in page and "January 2027" not in page.split('rel="next"')[0]
    assert 'rel="next" href="/calendar/month?month=2027-01"' in page
    assert "Today" in page or "Nothing is planned in December 2026." in page


def test_today_is_marked_on_the_offices_date(client, login, kyoto, session):
    milestone(session, project(session, kyoto), "Survey report", date(2026, 11, 25))
    login("viewer")
    page = client.get("/calendar/month").text
    assert "November 2026" in page and "Survey report" in page
    day = page.split('datetime="2026-11-25"')[1].split("</h3>")[0]
    assert "Today" in day


# What a month holds


def test_planned_engagements_and_anniversaries_appear(client, login, make, kyoto, session):
    make.engagement(kyoto, title="Sister-city gala planning call", kind=EngagementKind.CALL,
                    occurred_on=date(2026, 12, 9))
    make.engagement(kyoto, title="Last week's meeting", occurred_on=date(2026, 11, 18))  # past: not planned
    make.engagement(kyoto, title="Gala planning, earlier", occurred_on=date(2026, 11, 20))
    signed(session, kyoto, "Kyoto sister-city agreement", date(1959, 12, 14))
    signed(session, kyoto, "Draft youth addendum", date(2020, 12, 2), status=AgreementStatus.DRAFT)
    signed(session, kyoto, "Signed this very month", date(2026, 12, 3))  # no anniversary yet
    login("coordinator")
    page = client.get("/calendar/month?month=2026-12").text
    assert "Sister-city gala planning call" in page and "Planned engagement" in page and "Call" in page
    assert "Kyoto sister-city agreement" in page and "Anniversary of signing" in page
    assert "67 years since it was signed" in page
    assert "Draft youth addendum" not in page and "Signed this very month" not in page
    assert page.index("Sister-city gala planning call") < page.index("Kyoto sister-city agreement")  # 9th, 14th
    november = client.get("/calendar/month?month=2026-11").text
    assert "Last week's meeting" not in november and "Gala planning, earlier" not in november
    assert "Kyoto sister-city agreement" not in november


def test_a_month_has_every_kind_in_day_order(client, login, kyoto, session):
    mission(session, kyoto, "Robotics trade mission", date(2026, 12, 10), date(2026, 12, 12))
    mission(session, kyoto, "Mission from November", date(2026, 11, 28), date(2026, 12, 2))
    exchange(session, kyoto, "Winter exchange", date(2026, 12, 20), date(2027, 1, 5))
    milestone(session, project(session, kyoto), "Wetland survey report", date(2026, 12, 15))
    agreement(session, kyoto, "Kyoto cultural agreement", date(2026, 12, 31))
    login("viewer")
    page = client.get("/calendar/month?month=2026-12").text
    titles = ["Mission from November", "Robotics trade mission", "Wetland survey report", "Winter exchange",
              "Kyoto cultural agreement"]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Under way" in page and "京都市" in page


def test_filters_by_partnership_and_kind(client, login, make, kyoto, osaka, session):
    mission(session, kyoto, "Kyoto mission", date(2026, 12, 10), date(2026, 12, 11))
    mission(session, osaka, "Osaka mission", date(2026, 12, 12), date(2026, 12, 13))
    make.engagement(osaka, title="Osaka planning call", occurred_on=date(2026, 12, 14))
    signed(session, osaka, "Osaka sister-city agreement", date(1970, 12, 1))
    login("viewer")
    only_osaka = client.get(f"/calendar/month?month=2026-12&partnership={osaka.id}").text
    assert "Osaka mission" in only_osaka and "Osaka planning call" in only_osaka and "Kyoto mission" not in only_osaka
    missions = client.get("/calendar/month?month=2026-12&kind=mission").text
    assert "Kyoto mission" in missions and "Osaka mission" in missions
    assert "Osaka planning call" not in missions and "Osaka sister-city agreement" not in missions
    anniversaries = client.get(f"/calendar/month?month=2026-12&kind=anniversary&partnership={osaka.id}").text
    assert "Osaka sister-city agreement" in anniversaries and "Osaka mission" not in anniversaries
    # paging keeps the filters; clearing them keeps the month
    assert f'href="/calendar/month?month=2027-01&amp;partnership={osaka.id}&amp;kind=anniversary"' in anniversaries
    assert 'href="/calendar/month?month=2026-12">Clear filters' in anniversaries
    nothing = client.get(f"/calendar/month?month=2026-12&kind=milestone&partnership={osaka.id}").text
    assert "Nothing matches these filters in December 2026." in nothing
    unknown = client.get("/calendar/month?month=2026-12&kind=picnic&partnership=999999")
    assert unknown.status_code == 200 and "Kyoto mission" in unknown.text  # unknown choices are ignored


def test_an_empty_month_says_so(client, login):
    login("viewer")
    page = client.get("/calendar/month?month=2031-03").text
    assert "Nothing is planned in March 2031." in page


def test_staff_see_staff_only_records_and_links_to_staff_pages(client, login, make, kyoto, session):
    hidden = mission(session, kyoto, "Quiet scouting trip", date(2026, 12, 5), date(2026, 12, 6),
                     visibility=Visibility.STAFF_ONLY)
    make.engagement(kyoto, title="Internal prep call", occurred_on=date(2026, 12, 7), visibility=Visibility.STAFF_ONLY)
    login("viewer")
    page = client.get("/calendar/month?month=2026-12").text
    assert "Quiet scouting trip" in page and "Internal prep call" in page
    assert f'href="/missions/{hidden.id}"' in page and f'href="/partnerships/{kyoto.id}"' in page
    assert 'href="/preferences/"' in page and 'href="/calendar/"' in page


# Guests


def test_guests_see_only_their_partnerships_and_what_is_shared(client, login, make, kyoto, osaka, session):
    shared = mission(session, kyoto, "Kyoto shared mission", date(2026, 12, 10), date(2026, 12, 11))
    mission(session, kyoto, "Kyoto SECRET mission", date(2026, 12, 12), date(2026, 12, 12),
            visibility=Visibility.STAFF_ONLY)
    make.engagement(kyoto, title="Kyoto planning call", occurred_on=date(2026, 12, 14))
    make.engagement(kyoto, title="Kyoto SECRET call", occurred_on=date(2026, 12, 15), visibility=Visibility.STAFF_ONLY)
    signed(session, kyoto, "Kyoto sister-city agreement", date(1959, 12, 14))
    signed(session, kyoto, "Kyoto SECRET negotiation", date(2001, 12, 1), status=AgreementStatus.IN_NEGOTIATION)
    mission(session, osaka, "Osaka mission", date(2026, 12, 10), date(2026, 12, 11))
    signed(session, osaka, "Osaka sister-city agreement", date(1970, 12, 1))
    guest = make.user("guest")
    session.add(GuestAccess(user=guest, partnership=kyoto, contact=make.contact(kyoto)))
    session.commit()
    login(guest)
    page = client.get("/calendar/month?month=2026-12").text
    assert "Kyoto shared mission" in page and "Kyoto planning call" in page and "Kyoto sister-city agreement" in page
    assert "SECRET" not in page and "Osaka" not in page
    assert f'href="/portal/missions/{shared.id}"' in page and f'href="/portal/partnerships/{kyoto.id}"' in page
    assert 'href="/calendar/"' not in page and 'href="/preferences/"' not in page
    # another partnership's id in the filter shows nothing of it
    other = client.get(f"/calendar/month?month=2026-12&partnership={osaka.id}").text
    assert "Osaka" not in other


def test_the_month_page_issues_a_fixed_number_of_queries(client, login, make, session, count_queries):
    login("viewer")
    make.home_city()

    def add(n):
        partnership = make.partnership()
        mission(session, partnership, f"Mission {n}", date(2026, 12, n), date(2026, 12, n + 1))
        exchange(session, partnership, f"Exchange {n}", date(2026, 12, n), date(2026, 12, n + 2))
        milestone(session, project(session, partnership), f"Milestone {n}", date(2026, 12, n))
        agreement(session, partnership, f"Agreement {n}", date(2026, 12, n))
        make.engagement(partnership, title=f"Call {n}", occurred_on=date(2026, 12, n))
        signed(session, partnership, f"Founding {n}", date(1990, 12, n))

    add(1)
    with count_queries() as few:
        assert client.get("/calendar/month?month=2026-12").status_code == 200
    for n in range(2, 12):
        add(n)
    with count_queries() as many:
        page = client.get("/calendar/month?month=2026-12")
    assert page.status_code == 200 and "Founding 11" in page.text
    assert many.count == few.count, many.statements


def test_a_guests_month_holds_nothing_the_portal_does_not(client, login, make, kyoto, session):
    """The month calendar is a guest page that hands out partnership data (tests/test_guest_documents.py's
    COMPARED): every title it shows is on the guest's portal, and nothing staff-only is."""
    import html
    import re

    from tests.test_guest_documents import MARK, assert_nothing_for_staff_only

    mission(session, kyoto, "Clean-tech mission", date(2026, 12, 3), date(2026, 12, 5))
    mission(session, kyoto, f"{MARK} scouting trip", date(2026, 12, 8), date(2026, 12, 9),
            visibility=Visibility.STAFF_ONLY)
    make.engagement(kyoto, title="Garden festival planning", occurred_on=date(2026, 12, 11))
    make.engagement(kyoto, title=f"{MARK} budget talks", occurred_on=date(2026, 12, 12),
                    visibility=Visibility.STAFF_ONLY)
    milestone(session, project(session, kyoto, "Flood resilience"), "Dyke survey", date(2026, 12, 16))
    milestone(session, project(session, kyoto, f"{MARK} joint fund", visibility=Visibility.STAFF_ONLY),
              f"{MARK} fund review", date(2026, 12, 17))
    signed(session, kyoto, "Sister City Agreement", date(2015, 12, 1))
    signed(session, kyoto, f"{MARK} draft addendum", date(2019, 12, 2), status=AgreementStatus.DRAFT)
    guest = make.user("guest")
    session.add(GuestAccess(user=guest, partnership=kyoto, contact=make.contact(kyoto)))
    session.commit()
    login(guest)
    page = client.get("/calendar/month?month=2026-12").text
    assert_nothing_for_staff_only(page, "the guest's month calendar")
    shown = {html.unescape(title) for title in re.findall(r'<a href="/portal/[^"]*"><bdi>(.*?)</bdi></a>', page)}
    assert shown == {"Clean-tech mission", "Garden festival planning", "Dyke survey", "Sister City Agreement"}
    portal = html.unescape(client.get(f"/portal/partnerships/{kyoto.id}").text)
    assert all(title in portal for title in shown - {"Dyke survey"}), portal
