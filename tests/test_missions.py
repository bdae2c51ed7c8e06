from datetime import UTC, date, datetime

import pytest

from crm.engagements.models import Engagement
from crm.programs.missions.models import Delegate, ItineraryItem, MissionDirection, MissionOutcome, TradeMission

TOKYO = "Asia/Tokyo"


@pytest.fixture
def kyoto(make):
    home = make.home_city()
    home_city = home
    home_city.timezone = "America/Los_Angeles"
    return make.partnership(partner=make.city("Kyoto", "京都市", "JP", timezone=TOKYO))


@pytest.fixture
def mission(kyoto, session):
    mission = TradeMission(partnership=kyoto, title="Clean-tech mission", direction=MissionDirection.OUTBOUND,
                           occurred_on=date(2026, 3, 9), ends_on=date(2026, 3, 11),
                           destination=kyoto.partner_city)
    session.add(mission)
    session.commit()
    return mission


def mission_data(**overrides):
    data = {"title": "Clean-tech mission", "direction": "outbound", "starts_on": "2026-03-09",
            "ends_on": "2026-03-11", "destination": "", "destination-ref": "", "lead_id": 0,
            "objectives": "Meet battery makers", "sectors": "clean energy, ports ,", "visibility": "shared",
            "notes": ""}
    data.update(overrides)
    return data


def test_plan_an_outbound_mission_defaults_to_the_partner_city(client, login, kyoto, session):
    login("coordinator")
    response = client.post(f"/partnerships/{kyoto.id}/missions/new", data=mission_data())
    assert response.status_code == 302
    mission = session.query(TradeMission).one()
    assert mission.destination_city_id == kyoto.partner_city_id
    assert mission.sector_list == ["clean energy", "ports"] and mission.substantive
    # it is an engagement: on the partnership timeline, linked to its page
    page = client.get(f"/partnerships/{kyoto.id}").text
    assert f'href="/missions/{mission.id}"' in page


def test_mission_end_cannot_be_before_its_start(client, login, kyoto, session):
    login("coordinator")
    response = client.post(f"/partnerships/{kyoto.id}/missions/new",
                           data=mission_data(starts_on="2026-03-11", ends_on="2026-03-09"))
    assert "The end cannot be before the start." in response.text
    assert session.query(TradeMission).count() == 0


def itinerary(day="2026-03-09", starts="09:00", ends="10:30", zone=TOKYO, **extra):
    return {"day": day, "starts": starts, "ends": ends, "timezone": zone, "title": "Port authority visit",
            "location": "Kyoto port office", "contact_id": 0, "notes": "", **extra}


def test_a_three_day_itinerary_in_local_time(client, login, mission, session):
    login("coordinator")
    for day in ("2026-03-09", "2026-03-10", "2026-03-11"):
        assert client.post(f"/missions/{mission.id}/itinerary", data=itinerary(day=day)).status_code == 302
    items = session.query(ItineraryItem).order_by(ItineraryItem.starts_at).all()
    assert len(items) == 3
    # 09:00 in Kyoto is midnight UTC, stored unambiguously
    assert items[0].starts_at == datetime(2026, 3, 9, 0, 0, tzinfo=UTC) and items[0].timezone == TOKYO
    page = client.get(f"/missions/{mission.id}").text
    assert "09:00–10:30" in page
    assert "Monday, March 9, 2026" in page
    # …and beside it, the home city's time (the evening before in Portland)
    assert '<bdi dir="ltr">17:00–18:30</bdi> in <bdi>Portland</bdi> (3/8/26)' in page  # US clocks went forward on March 8


@pytest.mark.parametrize("overrides, message", [
    ({"day": "2026-03-12"}, "Choose a day of the mission"),
    ({"ends": "08:00"}, "The end must be after the start."),
    ({"zone": "Mars/Base"}, "Not a valid choice"),
    ({"starts": "25:00"}, "Not a valid time value."),
    ({"title": ""}, "This field is required."),
])
def test_bad_itinerary_items_are_refused_at_the_field(client, login, mission, session, overrides, message):
    login("coordinator")
    response = client.post(f"/missions/{mission.id}/itinerary", data=itinerary(**overrides))
    assert response.status_code == 422 and message in response.text
    assert session.query(ItineraryItem).count() == 0


def test_a_time_skipped_by_daylight_saving_is_refused(client, login, kyoto, session):
    login("coordinator")
    mission = TradeMission(partnership=kyoto, title="Berlin fair", direction=MissionDirection.OUTBOUND,
                           occurred_on=date(2025, 3, 29), ends_on=date(2025, 3, 31))
    session.add(mission)
    session.commit()
    response = client.post(f"/missions/{mission.id}/itinerary",
                           data=itinerary(day="2025-03-30", starts="02:30", ends="04:00", zone="Europe/Berlin"))
    assert "does not exist that day" in response.text
    ok = client.post(f"/missions/{mission.id}/itinerary",
                     data=itinerary(day="2025-03-30", starts="10:00", ends="11:00", zone="Europe/Berlin"))
    assert ok.status_code == 302
    assert session.query(ItineraryItem).one().starts_at == datetime(2025, 3, 30, 8, 0, tzinfo=UTC)


def test_edit_an_itinerary_item_shows_local_time(client, login, mission, session):
    login("coordinator")
    client.post(f"/missions/{mission.id}/itinerary", data=itinerary(starts="14:00", ends="15:00"))
    item = session.query(ItineraryItem).one()
    page = client.get(f"/itinerary/{item.id}/edit").text
    assert 'value="14:00"' in page
    client.post(f"/itinerary/{item.id}/edit", data=itinerary(starts="15:00", ends="16:00"))
    session.expire_all()
    assert session.get(ItineraryItem, item.id).starts_at == datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
    assert "Remove" in client.get(f"/itinerary/{item.id}/delete").text
    client.post(f"/itinerary/{item.id}/delete")
    assert session.query(ItineraryItem).count() == 0


def test_delegation_and_outcomes(client, login, mission, make, session):
    login("coordinator")
    contact = make.contact(mission.partnership, name="山田 花子")
    organization = make.organization(mission.partnership, name="Kyoto Chamber")
    assert client.post(f"/missions/{mission.id}/delegates", data={
        "contact_id": contact.id, "organization_id": organization.id, "role": "Host"}).status_code == 302
    empty = client.post(f"/missions/{mission.id}/delegates", data={"contact_id": 0, "organization_id": 0})
    assert "Choose a person, an organization, or both." in empty.text
    assert session.query(Delegate).count() == 1
    for data in [{"kind": "lead", "description": "Battery supplier"},
                 {"kind": "investment", "description": "New plant", "amount": "250000000", "currency": "JPY"}]:
        assert client.post(f"/missions/{mission.id}/outcomes", data=data).status_code == 302
    for data, message in [({"kind": "investment", "description": "x"}, "An investment needs"),
                          ({"kind": "deal", "description": "x", "amount": "10.5", "currency": "JPY"},
                           "JPY does not have that many decimal places."),
                          ({"kind": "deal", "description": "x", "amount": "10", "currency": "ZZZ"},
                           "Not a valid choice")]:
        assert message in client.post(f"/missions/{mission.id}/outcomes", data=data).text
    assert session.query(MissionOutcome).count() == 2
    page = client.get(f"/missions/{mission.id}").text
    assert "山田 花子" in page and "¥250,000,000" in page


def test_mission_list_filters(client, login, kyoto, session):
    login("viewer")
    session.add_all([
        TradeMission(partnership=kyoto, title="Spring outbound", direction="outbound", occurred_on=date(2026, 4, 1),
                     ends_on=date(2026, 4, 3)),
        TradeMission(partnership=kyoto, title="Autumn inbound", direction="inbound", occurred_on=date(2026, 10, 1),
                     ends_on=date(2026, 10, 2)),
    ])
    session.commit()
    assert "Autumn inbound" not in client.get("/missions/?direction=outbound").text
    page = client.get("/missions/?starts_from=2026-09-01&starts_until=2026-12-31").text
    assert "Autumn inbound" in page and "Spring outbound" not in page


def test_deleting_a_mission_removes_it_from_the_timeline(client, login, mission, session):
    login("coordinator")
    assert "Delete the trade mission" in client.get(f"/missions/{mission.id}/delete").text
    client.post(f"/missions/{mission.id}/delete")
    assert session.query(Engagement).count() == 0


def test_the_generic_engagement_editor_hands_missions_to_their_own_page(client, login, mission):
    login("coordinator")
    response = client.get(f"/engagements/{mission.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/missions/{mission.id}/edit")
