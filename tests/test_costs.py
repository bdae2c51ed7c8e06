"""Trip costs, funding and approvals (issue 22 §3): the rules (totals per currency, the approval that is due, what
the disclosure covers), the cost lines and their receipts, the trip's approval, the dashboard's trips without
approval and its setting, the totals page with its exports, and the disclosure of travel paid by others."""
import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.engagements.models import Engagement
from crm.enums import CostCategory, CostStage, EngagementKind, ParticipantRole, Payer, Side, Visibility
from crm.guests.models import GuestAccess
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.protocol.costs.rules import (
    TRIP_KINDS,
    approval_missing,
    cost_totals,
    is_disclosed,
    left_without_approval,
)
from crm.protocol.models import CostLine, RosterEntry, TripApproval
from crm.settings.models import OfficeSettings
from tests.races import second_insert_waits_then_is_refused

TODAY = date(2026, 11, 25)  # the frozen clock's day
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BUDGET, ACTUAL = CostStage.BUDGET, CostStage.ACTUAL


# --- the rules -------------------------------------------------------------------------------------------------

def test_totals_are_kept_per_currency_never_added_across():
    totals = cost_totals([
        (BUDGET, Payer.CITY, "USD", 100_00), (BUDGET, Payer.CITY, "USD", 50_00), (BUDGET, Payer.CITY, "JPY", 20_000),
        (ACTUAL, Payer.SPONSOR, "EUR", 300_00), (ACTUAL, Payer.CITY, "EUR", 10_00), (ACTUAL, Payer.CITY, "JPY", 5),
    ])
    assert totals.cell(BUDGET) == [("JPY", 20_000), ("USD", 150_00)]
    assert totals.cell(ACTUAL) == [("EUR", 310_00), ("JPY", 5)]
    assert totals.cell(ACTUAL, Payer.SPONSOR) == [("EUR", 300_00)]
    assert totals.cell(BUDGET, Payer.SPONSOR) == []
    assert totals.payers == [Payer.CITY, Payer.SPONSOR]  # in the payers' own order
    assert totals.stages == [BUDGET, ACTUAL]
    assert not cost_totals([])


@pytest.mark.parametrize("kind, starts_on, approved, missing", [
    (EngagementKind.TRADE_MISSION, TODAY + timedelta(days=30), False, True),  # the last day of the lead time
    (EngagementKind.TRADE_MISSION, TODAY + timedelta(days=31), False, False),  # not yet
    (EngagementKind.EXCHANGE, TODAY, False, True),  # leaves today
    (EngagementKind.VISIT, TODAY + timedelta(days=3), False, True),
    (EngagementKind.VISIT, TODAY - timedelta(days=1), False, False),  # past: no longer "due"
    (EngagementKind.TRADE_MISSION, TODAY + timedelta(days=3), True, False),  # approved
    (EngagementKind.MEETING, TODAY + timedelta(days=3), False, False),  # not a trip
])
def test_an_approval_is_missing_within_the_lead_days_before_departure(kind, starts_on, approved, missing):
    assert approval_missing(kind, starts_on, approved, TODAY, 30) is missing


def test_the_lead_days_move_the_window_with_the_day_injected():
    later = TODAY + timedelta(days=400)
    assert approval_missing(EngagementKind.VISIT, later + timedelta(days=5), False, later, 10)
    assert not approval_missing(EngagementKind.VISIT, later + timedelta(days=5), False, later, 4)
    assert approval_missing(EngagementKind.VISIT, later, False, later, 0)  # 0: only a trip leaving today


def test_a_trip_that_left_without_approval():
    assert left_without_approval(EngagementKind.EXCHANGE, TODAY - timedelta(days=1), False, TODAY)
    assert not left_without_approval(EngagementKind.EXCHANGE, TODAY - timedelta(days=1), True, TODAY)
    assert not left_without_approval(EngagementKind.EXCHANGE, TODAY, False, TODAY)
    assert EngagementKind.MEETING not in TRIP_KINDS


@pytest.mark.parametrize("stage, payer, role, officials, disclosed", [
    (ACTUAL, Payer.SPONSOR, ParticipantRole.OFFICIAL, False, True),
    (ACTUAL, Payer.PARTNER, ParticipantRole.DELEGATE, False, True),
    (ACTUAL, Payer.GRANT, ParticipantRole.STAFF, False, True),
    (ACTUAL, Payer.GRANT, ParticipantRole.STUDENT, True, False),  # a student is no official
    (ACTUAL, Payer.CITY, ParticipantRole.OFFICIAL, False, False),  # the city's own money
    (ACTUAL, Payer.TRAVELLER, ParticipantRole.OFFICIAL, False, False),
    (BUDGET, Payer.SPONSOR, ParticipantRole.OFFICIAL, False, False),  # a plan is not a payment
    (ACTUAL, Payer.PARTNER, None, True, True),  # the whole trip's, and officials travelled
    (ACTUAL, Payer.PARTNER, None, False, False),
])
def test_what_the_disclosure_covers(stage, payer, role, officials, disclosed):
    assert is_disclosed(stage, payer, role, officials) is disclosed


# --- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture
def kyoto(make):
    return make.partnership(partner=make.city("Kyoto", native_name="京都市"))


@pytest.fixture
def mission(session, kyoto):
    trip = TradeMission(partnership=kyoto, title="Kyoto trade mission", direction="outbound",
                        occurred_on=TODAY + timedelta(days=12), ends_on=TODAY + timedelta(days=16))
    session.add(trip)
    session.commit()
    return trip


def traveller(session, make, engagement, name, role=ParticipantRole.OFFICIAL, **fields):
    person = make.contact(engagement.partnership, name=name, **fields.pop("contact", {}))
    entry = RosterEntry(engagement_id=engagement.id, contact_id=person.id, side=fields.pop("side", Side.HOME),
                        role=role, **fields)
    session.add(entry)
    session.commit()
    return entry


def line(session, engagement, amount_minor, currency, *, stage=ACTUAL, paid_by=Payer.CITY, **fields):
    fields.setdefault("category", CostCategory.TRAVEL)
    row = CostLine(engagement_id=engagement.id, stage=stage, amount_minor=amount_minor, currency=currency,
                   paid_by=paid_by, **fields)
    session.add(row)
    session.commit()
    return row


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def form(**fields):
    data = {"stage": "actual", "category": "travel", "description": "Flights", "amount": "1250.00",
            "currency": "USD", "paid_by": "city", "payer_name": "", "roster_entry_id": "0"}
    data.update(fields)
    return data


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    return tmp_path / "attachments"


# --- cost lines ----------------------------------------------------------------------------------------------

def test_an_editor_adds_a_line_in_the_currencys_minor_units(client, login, session, mission):
    login("coordinator")
    response = client.post(f"/engagements/{mission.id}/costs/new", data=form())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/engagements/{mission.id}/people#costs")
    client.post(f"/engagements/{mission.id}/costs/new",
                data=form(stage="budget", category="lodging", amount="45000", currency="JPY"))
    rows = session.scalars(select(CostLine).where(CostLine.engagement_id == mission.id).order_by(CostLine.id)).all()
    assert [(r.stage, r.amount_minor, r.currency) for r in rows] == [(ACTUAL, 125_000, "USD"), (BUDGET, 45_000, "JPY")]


@pytest.mark.parametrize("fields, message", [
    ({"amount": ""}, "Enter the amount."),
    ({"amount": "12.345"}, "USD does not have that many decimal places."),
    ({"amount": "12.5", "currency": "JPY"}, "JPY does not have that many decimal places."),
    ({"currency": ""}, "Choose the currency."),
    ({"amount": "-5"}, "Number must be between 0 and"),
    ({"paid_by": "sponsor"}, "Write the name of the grant or the sponsor."),
])
def test_a_wrong_line_is_refused_with_what_was_typed_kept(client, login, session, mission, fields, message):
    login("coordinator")
    response = client.post(f"/engagements/{mission.id}/costs/new", data=form(description="Hotel Okura", **fields))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body
    assert 'value="Hotel Okura"' in body
    assert session.scalar(select(CostLine).where(CostLine.engagement_id == mission.id)) is None


def test_a_traveller_must_be_on_this_trips_roster(client, login, session, make, mission, kyoto):
    other = make.engagement(kyoto, kind=EngagementKind.VISIT, title="Another visit")
    stranger = traveller(session, make, other, "Someone Else")
    mayor = traveller(session, make, mission, "Jane Mayor")
    login("coordinator")
    page = client.get(f"/engagements/{mission.id}/costs/new").get_data(as_text=True)
    assert "Jane Mayor" in page and "Someone Else" not in page
    refused = client.post(f"/engagements/{mission.id}/costs/new", data=form(roster_entry_id=str(stranger.id)))
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    client.post(f"/engagements/{mission.id}/costs/new", data=form(roster_entry_id=str(mayor.id)))
    assert session.scalar(select(CostLine.roster_entry_id).where(CostLine.engagement_id == mission.id)) == mayor.id


def test_editing_a_line_that_changed_meanwhile_shows_the_conflict(client, login, session, mission):
    row = line(session, mission, 10_000, "USD", description="Taxi")
    login("coordinator")
    page = client.get(f"/costs/lines/{row.id}/edit").get_data(as_text=True)
    assert 'value="100.00"' in page or 'value="100"' in page
    row.description = "Taxi and train"
    session.commit()  # someone else saved: the version moved on
    response = client.post(f"/costs/lines/{row.id}/edit", data=form(description="Airport taxi", version="1"))
    assert response.status_code == 409 and "Taxi and train" in response.get_data(as_text=True)
    session.refresh(row)
    assert row.description == "Taxi and train"
    saved = client.post(f"/costs/lines/{row.id}/edit",
                        data=form(description="Airport taxi", amount="80", version=str(row.version)))
    assert saved.status_code == 302
    session.refresh(row)
    assert (row.description, row.amount_minor) == ("Airport taxi", 8_000)


def test_deleting_a_line_asks_first_and_takes_its_receipts(client, login, session, mission, storage_dir):
    row = line(session, mission, 10_000, "USD", description="Hotel")
    row_id = row.id
    login("coordinator")
    client.post(f"/costs/lines/{row.id}/receipts", data={"file": (io.BytesIO(PDF), "hotel.pdf")},
                content_type="multipart/form-data")
    assert len([p for p in storage_dir.rglob("*") if p.is_file()]) == 1
    asking = client.get(f"/costs/lines/{row.id}/delete")
    assert asking.status_code == 200 and "Its receipts are deleted with it." in asking.get_data(as_text=True)
    assert session.get(CostLine, row.id) is not None
    assert client.post(f"/costs/lines/{row.id}/delete").status_code == 302
    session.expire_all()
    assert session.scalar(select(CostLine).where(CostLine.id == row_id)) is None
    assert session.scalar(select(Attachment).where(Attachment.cost_line_id == row_id)) is None
    assert [p for p in storage_dir.rglob("*") if p.is_file()] == []


def test_a_viewer_reads_the_costs_but_changes_nothing(client, login, session, mission):
    row = line(session, mission, 10_000, "USD")
    login("viewer")
    page = client.get(f"/engagements/{mission.id}/people").get_data(as_text=True)
    assert "$100.00" in page and "Add an actual cost" not in page
    assert client.get(f"/costs/lines/{row.id}/edit").status_code == 403
    assert client.post(f"/engagements/{mission.id}/costs/new", data=form()).status_code == 403


# --- the hub's section ---------------------------------------------------------------------------------------

def test_the_section_totals_per_payer_and_currency(client, login, session, make, mission):
    mayor = traveller(session, make, mission, "Jane Mayor", funded_by=Payer.CITY)
    traveller(session, make, mission, "Sam Student", role=ParticipantRole.STUDENT, funded_by=Payer.GRANT)
    traveller(session, make, mission, "Kim Student", role=ParticipantRole.STUDENT, funded_by=Payer.GRANT)
    traveller(session, make, mission, "Lee Chaperone", role=ParticipantRole.CHAPERONE)
    line(session, mission, 125_000, "USD", roster_entry_id=mayor.id)
    line(session, mission, 40_000, "JPY", paid_by=Payer.SPONSOR, payer_name="Kyoto Air")
    line(session, mission, 200_000, "USD", stage=BUDGET)
    mission.cost_minor, mission.cost_currency = 150_000, "USD"
    session.commit()
    login("viewer")
    page = client.get(f"/engagements/{mission.id}/people").get_data(as_text=True)
    assert "Costs and approval" in page
    assert "$1,250.00" in page and "¥40,000" in page and "$2,000.00" in page
    assert "Kyoto Air" in page and "Jane Mayor" in page
    assert "its cost to our side as $1,500.00" in page  # the engagement's own figure, beside the lines
    assert "2 travellers" in page and "Funding not stated" in page  # who funds whom
    assert "This trip starts in 12 days and has no approval on record." in page


def test_receipts_are_the_lines_staff_only_files(client, login, session, make, mission, kyoto):
    row = line(session, mission, 10_000, "USD", description="Hotel")
    login("coordinator")
    response = client.post(f"/costs/lines/{row.id}/receipts", data={"file": (io.BytesIO(PDF), "hotel.pdf"),
                                                                     "visibility": "shared"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    receipt = session.scalar(select(Attachment).where(Attachment.cost_line_id == row.id))
    assert (receipt.engagement_id, receipt.visibility) == (mission.id, Visibility.STAFF_ONLY)
    hub = client.get(f"/engagements/{mission.id}/people").get_data(as_text=True)
    assert "hotel.pdf" in hub
    mission_page = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "hotel.pdf" not in mission_page  # not among the mission's documents
    assert client.get(f"/attachments/{receipt.id}").status_code == 200
    refused = client.post(f"/costs/lines/{row.id}/receipts", data={"file": (io.BytesIO(b"MZ\x90\x00" * 20), "x.exe")},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "This kind of file cannot be attached." in refused.get_data(as_text=True)
    # the documents' share switch refuses a receipt
    shared = client.post(f"/attachments/{receipt.id}/visibility", data={"visibility": "shared"},
                         follow_redirects=True)
    assert "stays with staff" in shared.get_data(as_text=True)
    session.refresh(receipt)
    assert receipt.visibility == Visibility.STAFF_ONLY
    # a guest of the partnership never reaches a receipt, even one made shared by a crafted request
    receipt.visibility = Visibility.SHARED
    guest = make.user("guest", name="Hanako Yamada")
    session.add(GuestAccess(user=guest, partnership=kyoto, contact=make.contact(kyoto, name="Hanako Yamada")))
    session.commit()
    login(guest)
    assert client.get(f"/attachments/{receipt.id}").status_code == 404
    assert "hotel.pdf" not in client.get(f"/portal/partnerships/{kyoto.id}").get_data(as_text=True)


# --- the approval --------------------------------------------------------------------------------------------

def test_recording_editing_and_removing_the_approval(client, login, session, mission):
    login("coordinator")
    response = client.post(f"/engagements/{mission.id}/approval", data={
        "body": "City Council", "approved_on": "2026-11-20", "reference": "Resolution 2026-114", "notes": ""})
    assert response.status_code == 302
    approval = session.scalar(select(TripApproval).where(TripApproval.engagement_id == mission.id))
    assert (approval.body, approval.reference) == ("City Council", "Resolution 2026-114")
    page = client.get(f"/engagements/{mission.id}/people").get_data(as_text=True)
    assert "Resolution 2026-114" in page and "has no approval on record" not in page
    edited = client.post(f"/engagements/{mission.id}/approval", data={
        "body": "City Manager", "approved_on": "2026-11-21", "reference": "", "notes": "", "version": "1"})
    assert edited.status_code == 302
    session.refresh(approval)
    assert approval.body == "City Manager" and approval.reference is None
    assert client.get(f"/engagements/{mission.id}/approval/delete").status_code == 200
    assert client.post(f"/engagements/{mission.id}/approval/delete").status_code == 302
    session.expire_all()
    assert session.scalar(select(TripApproval).where(TripApproval.engagement_id == mission.id)) is None


def test_an_approval_in_the_future_or_without_a_body_is_refused(client, login, session, mission):
    login("coordinator")
    response = client.post(f"/engagements/{mission.id}/approval", data={
        "body": "", "approved_on": (TODAY + timedelta(days=1)).isoformat(), "reference": "R-1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "the date cannot be in the future" in body and "This field is required." in body and 'value="R-1"' in body
    assert session.scalar(select(TripApproval)) is None


def test_two_editors_recording_the_approval_at_once_keep_one(client, login, session, mission, monkeypatch):
    """The second insert is refused by the unique index; the page then shows the approval that won."""
    session.add(TripApproval(engagement_id=mission.id, body="City Council", approved_on=TODAY))
    session.commit()
    from crm.protocol.costs import views

    looked = []
    real = views.approval_of
    # the page looked before the other editor's approval was committed: it saw none
    monkeypatch.setattr(views, "approval_of", lambda engagement_id: real(engagement_id) if looked.append(1) or
                        len(looked) > 1 else None)
    login("coordinator")
    response = client.post(f"/engagements/{mission.id}/approval", data={
        "body": "City Manager", "approved_on": "2026-11-24"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "City Council" in body and 'value="City Manager"' in body
    assert session.scalars(select(TripApproval.body)).all() == ["City Council"]


def test_two_connections_inserting_an_approval_make_one(app):
    """On PostgreSQL, two transactions record an approval of the same trip at the same moment: the second waits
    for the first and the unique index refuses it (what new_approval catches)."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("two real connections: the PostgreSQL lane")

    from sqlalchemy import create_engine, delete, insert

    from crm.cities.models import City
    from crm.partnerships.models import Partnership

    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    now = datetime.now().astimezone()
    cities, partnerships, engagements = City.__table__, Partnership.__table__, Engagement.__table__
    approvals = TripApproval.__table__
    try:
        with engine.begin() as setup:
            home, partner = (setup.execute(insert(cities).values(name=name, country_code="JP")
                                           .returning(cities.c.id)).scalar() for name in ("Cost A", "Cost B"))
            pid = setup.execute(insert(partnerships).values(
                home_city_id=home, partner_city_id=partner, kind="sister_city", status="active", version=1,
                created_at=now, updated_at=now).returning(partnerships.c.id)).scalar()
            eid = setup.execute(insert(engagements).values(
                partnership_id=pid, record_type="engagement", kind="visit", occurred_on=TODAY, title="Race visit",
                substantive=True, visibility="shared", initiated_by="home", logged_by_side="home", version=1,
                created_at=now, updated_at=now).returning(engagements.c.id)).scalar()
        row = {"engagement_id": eid, "body": "Council", "approved_on": TODAY, "version": 1, "created_at": now,
               "updated_at": now}
        second_insert_waits_then_is_refused(engine, approvals, row)
    finally:
        with engine.begin() as cleanup:
            race = select(engagements.c.id).where(engagements.c.title == "Race visit").scalar_subquery()
            cleanup.execute(delete(approvals).where(approvals.c.engagement_id.in_(race)))
            cleanup.execute(delete(engagements).where(engagements.c.title == "Race visit"))
            cleanup.execute(delete(partnerships).where(partnerships.c.home_city_id.in_(
                select(cities.c.id).where(cities.c.name.in_(["Cost A", "Cost B"])))))
            cleanup.execute(delete(cities).where(cities.c.name.in_(["Cost A", "Cost B"])))
        engine.dispose()


# --- the dashboard and its setting ---------------------------------------------------------------------------

def trips_card(client) -> str:
    """The dashboard's card of trips without approval (other cards name trips too)."""
    page = client.get("/dashboard").get_data(as_text=True)
    if 'id="trips-without-approval"' not in page:
        return ""
    card = page[page.index('id="trips-without-approval"'):]
    return card[:card.index("</section>")]


def test_the_dashboard_lists_trips_without_approval(client, login, session, make, kyoto, mission):
    make.engagement(kyoto, kind=EngagementKind.VISIT, title="Autumn visit", occurred_on=TODAY + timedelta(days=45))
    make.engagement(kyoto, kind=EngagementKind.MEETING, title="Planning call", occurred_on=TODAY + timedelta(days=5))
    make.engagement(kyoto, kind=EngagementKind.VISIT, title="Last week's visit", occurred_on=TODAY - timedelta(days=7))
    exchange = Exchange(partnership=kyoto, title="Youth exchange", exchange_kind="youth", direction="both",
                        occurred_on=TODAY + timedelta(days=2), ends_on=TODAY + timedelta(days=9))
    session.add(exchange)
    session.commit()
    login("viewer")
    page = trips_card(client)
    assert "Trips without approval" in page
    assert "Kyoto trade mission" in page and "Youth exchange" in page and "starts in 12 days" in page
    assert "Autumn visit" not in page and "Planning call" not in page and "Last week&#39;s visit" not in page
    assert page.index("Youth exchange") < page.index("Kyoto trade mission")  # the soonest first
    assert f"/engagements/{mission.id}/people#costs-approval" in page
    session.add(TripApproval(engagement_id=mission.id, body="Council", approved_on=TODAY))
    settings = session.get(OfficeSettings, 1)
    settings.approval_lead_days = 60
    session.commit()
    page = trips_card(client)
    assert "Kyoto trade mission" not in page and "Autumn visit" in page


def test_the_dashboard_says_nothing_when_every_trip_is_approved(client, login, session, mission):
    session.add(TripApproval(engagement_id=mission.id, body="Council", approved_on=TODAY))
    session.commit()
    login("viewer")
    assert "Trips without approval" not in client.get("/dashboard").get_data(as_text=True)


def test_an_admin_sets_the_lead_days(client, login, session, make):
    make.home_city()
    login("coordinator")
    assert client.get("/settings/costs").status_code == 403
    login("admin")
    assert client.get("/settings/costs").status_code == 200
    refused = client.post("/settings/costs", data={"approval_lead_days": "999"})
    assert refused.status_code == 200 and "Number must be between 0 and 365." in refused.get_data(as_text=True)
    settings = session.get(OfficeSettings, 1)
    saved = client.post("/settings/costs", data={"approval_lead_days": "45", "version": str(settings.version)})
    assert saved.status_code == 302
    session.refresh(settings)
    assert settings.approval_lead_days == 45


# --- totals, exports and the disclosure ----------------------------------------------------------------------

@pytest.fixture
def two_years(session, make, kyoto, mission):
    cairo = make.partnership(partner=make.city("Cairo", native_name="القاهرة", country_code="EG"))
    old = make.engagement(kyoto, kind=EngagementKind.VISIT, title="Kyoto visit 2025", occurred_on=date(2025, 4, 2))
    exchange = Exchange(partnership=cairo, title="Cairo exchange", exchange_kind="youth", direction="incoming",
                        occurred_on=date(2026, 3, 1), ends_on=date(2026, 3, 10))
    session.add(exchange)
    session.commit()
    line(session, old, 90_000, "USD")
    line(session, old, 30_000, "JPY", paid_by=Payer.PARTNER)
    line(session, mission, 125_000, "USD")
    line(session, mission, 80_000, "USD", paid_by=Payer.SPONSOR, payer_name="Kyoto Air")
    line(session, mission, 200_000, "USD", stage=BUDGET)
    line(session, exchange, 50_000, "EUR", paid_by=Payer.GRANT, payer_name="CERV")
    return {"kyoto": kyoto, "cairo": cairo, "mission": mission, "exchange": exchange, "old": old}


def test_the_totals_page_has_a_row_per_year_partnership_and_currency(client, login, two_years):
    login("viewer")
    page = client.get("/costs/").get_data(as_text=True)
    assert "Trip costs" in page
    assert "$2,050.00" in page  # Kyoto 2026 actual in USD: 1,250 + 800
    assert "$2,000.00" in page  # its budget
    assert "€500.00" in page and "¥30,000" in page and "$900.00" in page
    only_2025 = client.get("/costs/?year=2025").get_data(as_text=True)
    assert "$900.00" in only_2025 and "$2,050.00" not in only_2025 and "€500.00" not in only_2025
    cairo = two_years["cairo"].id
    only_cairo = client.get(f"/costs/?partnership={cairo}").get_data(as_text=True)
    assert "€500.00" in only_cairo and "$900.00" not in only_cairo
    assert "$900.00" in client.get("/costs/?year=2024").get_data(as_text=True)  # not a year of costs: every year
    assert "No trip costs match these filters." in client.get(f"/costs/?year=2025&partnership={cairo}").get_data(
        as_text=True)


def test_the_totals_page_when_nothing_is_recorded(client, login):
    login("viewer")
    assert "No trip costs recorded yet." in client.get("/costs/").get_data(as_text=True)


def test_the_totals_export_in_csv_and_xlsx(client, login, two_years):
    login("viewer")
    response = client.get("/costs/export.csv?year=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = csv_rows(response)
    kyoto = next(r for r in rows if r["Partner city"].startswith("Kyoto") and r["Currency"] == "USD")
    assert (kyoto["Year"], kyoto["Budget"], kyoto["Actual"]) == ("2026", "2000.00", "2050.00")
    assert (kyoto["Paid by the city"], kyoto["Paid by sponsors"]) == ("1250.00", "800.00")
    assert {r["Currency"] for r in rows} == {"USD", "EUR"}  # a row per currency, never a sum across
    workbook = load_workbook(io.BytesIO(client.get("/costs/export.xlsx").data))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Year", "Partner city", "Home city", "Currency", "Budget", "Actual"]
    assert sheet.max_row == 1 + 4  # Kyoto 2026 USD, Kyoto 2025 USD and JPY, Cairo 2026 EUR


def test_the_disclosure_reports_what_others_paid_for_officials(client, login, session, make, two_years):
    mission, exchange = two_years["mission"], two_years["exchange"]
    mayor = traveller(session, make, mission, "Jane Mayor", arrives_on=mission.occurred_on,
                      leaves_on=mission.occurred_on + timedelta(days=3),
                      contact={"passport_number": "TK1234567", "medical_notes": "Allergic to peanuts"})
    student = traveller(session, make, exchange, "Sam Student", role=ParticipantRole.STUDENT)
    traveller(session, make, exchange, "Amal Official", role=ParticipantRole.OFFICIAL,
              contact={"name_native": "أمل", "name_romanized": "Amal HASSAN"})
    line(session, mission, 60_000, "USD", paid_by=Payer.SPONSOR, payer_name="Kyoto Air", roster_entry_id=mayor.id,
         description="Business-class upgrade")
    line(session, mission, 10_000, "USD", paid_by=Payer.CITY, roster_entry_id=mayor.id)  # the city's: not disclosed
    line(session, exchange, 20_000, "EUR", paid_by=Payer.GRANT, payer_name="CERV", roster_entry_id=student.id)
    line(session, mission, 5_000, "USD", paid_by=Payer.PARTNER, stage=BUDGET, roster_entry_id=mayor.id)
    login("viewer")
    response = client.get("/costs/disclosure.csv?year=2026")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    rows = csv_rows(response)
    described = {(r["Name of official"], r["Payer's name"], r["Amount"], r["Currency"]) for r in rows}
    assert described == {
        ("Jane Mayor", "Kyoto Air", "600.00", "USD"),
        ("Jane Mayor", "Kyoto Air", "800.00", "USD"),  # the mission's whole-trip sponsorship: its official named
        ("أمل (Amal HASSAN)", "CERV", "500.00", "EUR"),  # the exchange's whole-trip grant, its official named
    }
    upgrade = next(r for r in rows if r["Amount"] == "600.00")
    assert upgrade["Payer type"] == "A sponsor" and upgrade["Travel from"] == mission.occurred_on.isoformat()
    assert upgrade["Travel until"] == (mission.occurred_on + timedelta(days=3)).isoformat()
    assert upgrade["Destination"] == "Kyoto (京都市)" and upgrade["Purpose"] == "Kyoto trade mission"
    assert upgrade["Description"] == "Travel: Business-class upgrade"
    grant = next(r for r in rows if r["Currency"] == "EUR")
    assert grant["Destination"].startswith("Portland")  # an incoming exchange comes to us
    assert (grant["Travel from"], grant["Travel until"]) == ("2026-03-01", "2026-03-10")
    assert "TK1234567" not in body and "peanuts" not in body  # never a sensitive field
    workbook = load_workbook(io.BytesIO(client.get("/costs/disclosure.xlsx?year=2026").data))
    assert workbook.active.max_row == 4
    assert client.get("/costs/disclosure.csv?year=2025").get_data(as_text=True).count("\n") == 1  # header only


def test_money_is_decimal_in_the_export(client, login, session, mission):
    line(session, mission, 123_456, "USD", paid_by=Payer.SPONSOR, payer_name="S")
    login("viewer")
    rows = csv_rows(client.get("/costs/export.csv"))
    assert Decimal(rows[0]["Actual"]) == Decimal("1234.56")


# --- query counts --------------------------------------------------------------------------------------------

def test_the_section_reads_a_fixed_number_of_queries(client, login, session, make, mission, count_queries):
    login("viewer")

    def add(n):
        for i in range(n):
            entry = traveller(session, make, mission, f"Delegate {i} {n}", funded_by=Payer.CITY)
            line(session, mission, 1000 + i, ("USD", "JPY", "EUR")[i % 3], roster_entry_id=entry.id,
                 paid_by=(Payer.CITY, Payer.GRANT)[i % 2], payer_name="G")

    add(2)
    client.get(f"/engagements/{mission.id}/people")
    with count_queries() as small:
        assert client.get(f"/engagements/{mission.id}/people").status_code == 200
    add(20)
    with count_queries() as large:
        assert client.get(f"/engagements/{mission.id}/people").status_code == 200
    assert small.count == large.count, (small.statements, large.statements)


# --- the demo ------------------------------------------------------------------------------------------------

def test_the_demo_has_costs_in_three_currencies_an_approved_trip_and_one_without(app, session, client, login):
    from crm.demo.seed import seed_demo
    from crm.extensions import db

    with app.app_context():
        seed_demo(TODAY)
        db.session.commit()
    currencies = set(session.scalars(select(CostLine.currency)))
    assert {"JPY", "USD", "EUR"} <= currencies
    assert {CostStage.BUDGET, CostStage.ACTUAL} <= set(session.scalars(select(CostLine.stage)))
    assert session.scalar(select(TripApproval).limit(1)) is not None
    login("viewer")
    card = trips_card(client)
    assert "Heritage conservation staff exchange to Cairo" in card
    rows = csv_rows(client.get(f"/costs/disclosure.csv?year={TODAY.year}"))
    assert {"Mediterranean Heritage Fund", "Cairo Governorate"} <= {r["Payer's name"] for r in rows}


# --- the annual report to the council ------------------------------------------------------------------------

def test_the_annual_report_has_the_trip_costs_per_currency(client, login, session, two_years, tmp_path):
    from pypdf import PdfReader

    login("viewer")
    workbook = load_workbook(io.BytesIO(client.get("/reports/annual.xlsx?year=2026&lang=en").data))
    sheet = workbook["Trip costs"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Partner city", "Currency", "Budget", "Actual", "Paid by the city", "Paid by others"]
    figures = {(row[0].split(" ")[0], row[1]): row[2:] for row in rows[1:]}
    assert figures[("Kyoto", "USD")] == [2000, 2050, 1250, 800]
    assert figures[("Cairo", "EUR")] == [0, 500, 0, 500]
    assert ("Kyoto", "JPY") not in figures  # 2025's yen are not 2026's
    for language in ("en", "ja", "ar"):
        response = client.get(f"/reports/annual.pdf?year=2026&lang={language}")
        assert response.status_code == 200
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        assert "2,050.00" in text or "2,050" in text or "2.050" in text
        (tmp_path / f"annual-{language}.pdf").write_bytes(response.data)
