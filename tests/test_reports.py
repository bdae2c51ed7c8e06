"""Reports people are required to file (issue 21, section 6): the annual report to the council (figures, PDF,
XLSX, narratives), the post-mission report and the award-entry draft; costs on the engagement and program forms."""
import io
from datetime import UTC, date, datetime

import pytest
from flask_login import login_user
from openpyxl import load_workbook
from pypdf import PdfReader

from crm.engagements.models import Engagement, EngagementKind
from crm.enums import CommitmentStatus, Pillar, Recommendation, Side
from crm.governance.models import Commitment, PartnershipReview, ReportNarrative
from crm.governance.reports import annual, award
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import ItineraryItem, MissionOutcome, TradeMission
from crm.programs.projects.models import JointProject, Milestone

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def year_of_activity(make, session):
    """Portland's 2025 with Kyoto, Cairo and Lyon: engagements, a mission, an exchange, a project, costs in two
    currencies, a review decided, a narrative; Lyon's 25th year falls in 2026."""
    portland = make.home_city()
    kyoto = make.partnership(partner=make.city("Kyoto", "京都", "JP"), home=portland, established_on=date(1959, 9, 1))
    cairo = make.partnership(partner=make.city("Cairo", "القاهرة", "EG", timezone="Africa/Cairo"), home=portland,
                             established_on=date(2010, 4, 1))
    lyon = make.partnership(partner=make.city("Lyon", None, "FR", timezone="Europe/Paris"), home=portland,
                            established_on=date(2001, 3, 1))
    make.engagement(kyoto, occurred_on=date(2025, 2, 1), pillar=Pillar.EDUCATION, cost_minor=50000,
                    cost_currency="USD", funded_by="City budget")
    make.engagement(kyoto, occurred_on=date(2025, 3, 1), pillar=Pillar.EDUCATION, initiated_by=Side.PARTNER)
    make.engagement(kyoto, occurred_on=date(2025, 4, 1), kind=EngagementKind.CEREMONY, substantive=False)
    make.engagement(kyoto, occurred_on=date(2024, 4, 1), pillar=Pillar.CULTURE)  # not that year
    make.engagement(cairo, occurred_on=date(2025, 7, 1), pillar=Pillar.BUSINESS, cost_minor=120000,
                    cost_currency="EGP")
    mission = TradeMission(partnership=kyoto, title="Kyoto design mission", direction="outbound",
                           occurred_on=date(2025, 5, 10), ends_on=date(2025, 5, 15), pillar=Pillar.BUSINESS,
                           objectives="Meet the design schools", sectors="design, tea", cost_minor=150000,
                           cost_currency="JPY", funded_by="State grant")
    mission.outcomes.append(MissionOutcome(kind="deal", description="Tea import deal"))
    exchange = Exchange(partnership=kyoto, title="Youth orchestra", exchange_kind="youth", direction="both",
                        occurred_on=date(2025, 8, 1), ends_on=date(2025, 8, 10), participants=12,
                        pillar=Pillar.CULTURE, cost_minor=200000, cost_currency="USD", funded_by="State grant")
    project = JointProject(partnership=kyoto, title="River water project", theme="sustainability",
                           occurred_on=date(2024, 6, 1), pillar=Pillar.GOVERNMENT)
    project.milestones.append(Milestone(title="Sensors installed", due_on=date(2025, 6, 1)))
    review = PartnershipReview(partnership=cairo, reason="periodic", due_on=date(2025, 5, 1),
                               decision=Recommendation.CONTINUE, decided_on=date(2025, 6, 1),
                               decided_by_body="City Council", resolution_ref="Res. 2025-114")
    narrative = ReportNarrative(partnership=kyoto, year=2025, body="A year of music and design with Kyoto.")
    session.add_all([mission, exchange, project, review, narrative])
    session.commit()
    return {"kyoto": kyoto, "cairo": cairo, "lyon": lyon, "mission": mission, "portland": portland}


def gathered(app, user, year=2025, home_city_id=None):
    with app.test_request_context():
        login_user(user)
        return annual.gather(year, home_city_id, date(2026, 11, 25))


# -- rules -------------------------------------------------------------------------------------------------

def test_jubilees_in_a_year():
    assert annual.jubilees_in_year(date(2001, 3, 1), 2026) == [(25, date(2026, 3, 1))]
    assert annual.jubilees_in_year(date(1986, 5, 2), 2026) == [(40, date(2026, 5, 2))]
    assert annual.jubilees_in_year(date(2003, 3, 1), 2026) == []  # 23 years
    assert annual.jubilees_in_year(date(1996, 2, 29), 2026) == [(30, date(2026, 2, 28))]
    assert annual.jubilees_in_year(None, 2026) == []


def test_the_report_defaults_to_the_year_that_ended():
    assert annual.default_year(date(2026, 11, 25)) == 2025


def test_costs_are_added_per_currency_only():
    totals: dict = {}
    for minor, currency in ((100, "USD"), (250, "USD"), (1500, "JPY"), (999, None), (None, "EUR")):
        annual.add_cost(totals, minor, currency)
    assert totals == {"USD": 350, "JPY": 1500}


def test_whole_years_of_partnership():
    assert award.whole_years(date(1990, 5, 1), date(2026, 5, 1)) == 36
    assert award.whole_years(date(1990, 5, 2), date(2026, 5, 1)) == 35
    assert award.whole_years(None, date(2026, 5, 1)) is None


# -- the annual figures ------------------------------------------------------------------------------------

def test_annual_figures_per_partnership(app, make, year_of_activity):
    report = gathered(app, make.user("viewer"))
    rows = {row.partnership.partner_city.name: row for row in report.partnerships}
    assert set(rows) == {"Kyoto", "Cairo", "Lyon"}
    kyoto = rows["Kyoto"]
    assert kyoto.engagements == 5  # 2 meetings, a ceremony, the mission and the exchange (not 2024's)
    assert kyoto.substantive == 4
    assert kyoto.partner_started == 1
    assert kyoto.by_pillar[Pillar.EDUCATION] == 2 and kyoto.by_pillar[Pillar.BUSINESS] == 1
    assert [m.title for m in kyoto.missions] == ["Kyoto design mission"]
    assert [o.description for o in kyoto.missions[0].outcomes] == ["Tea import deal"]
    assert kyoto.participants == 12
    assert [p.title for p in kyoto.projects] == ["River water project"]  # begun in 2024, still running
    assert kyoto.costs == {"USD": 250000, "JPY": 150000}  # never added across currencies
    assert sorted(kyoto.funders) == ["City budget", "State grant"]
    assert kyoto.narrative.body.startswith("A year of music")
    assert rows["Cairo"].costs == {"EGP": 120000}
    assert [r.resolution_ref for r in rows["Cairo"].reviews] == ["Res. 2025-114"]
    assert rows["Lyon"].anniversaries == [(25, date(2026, 3, 1))]
    assert report.costs == {"EGP": 120000, "JPY": 150000, "USD": 250000}
    assert report.as_of == date(2025, 12, 31)
    assert all(row.flag is not None for row in report.partnerships)


def test_a_home_city_scope_leaves_out_other_home_cities(app, make, year_of_activity):
    other = make.home_city("Salem", default=False)
    make.partnership(partner=make.city("Busan", "부산", "KR"), home=other, established_on=date(2000, 1, 1))
    user = make.user("viewer")
    assert len(gathered(app, user).partnerships) == 4
    scoped = gathered(app, user, home_city_id=other.id)
    assert [row.partnership.partner_city.name for row in scoped.partnerships] == ["Busan"]


def test_annual_figures_take_a_fixed_number_of_queries(app, make, session, year_of_activity, count_queries):
    user = make.user("viewer")
    gathered(app, user)  # warm caches (settings)
    with count_queries() as few:
        gathered(app, user)
    for n in range(6):
        partnership = make.partnership(partner=make.city(f"Extra {n}"), established_on=date(2000, 1, 1))
        make.engagement(partnership, occurred_on=date(2025, 3, 3), cost_minor=100, cost_currency="EUR")
        session.add(TradeMission(partnership=partnership, title=f"Mission {n}", direction="inbound",
                                 occurred_on=date(2025, 9, 1), ends_on=date(2025, 9, 2)))
        session.add(ReportNarrative(partnership=partnership, year=2025, body="x"))
    session.commit()
    with count_queries() as many:
        report = gathered(app, user)
    assert len(report.partnerships) == 9
    assert many.count == few.count, many.statements


# -- pages and files ---------------------------------------------------------------------------------------

def test_annual_page_lists_the_partnerships(client, login, year_of_activity):
    login("viewer")
    response = client.get("/reports/annual")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kyoto" in page and "Cairo" in page and "2025" in page
    assert "/reports/annual.pdf?year=2025" in page


def test_annual_xlsx_opens_and_has_the_rows(client, login, year_of_activity):
    login("viewer")
    response = client.get("/reports/annual.xlsx?year=2025&lang=en")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[:2] == ["Partnerships", "Trade missions"]
    rows = list(workbook["Partnerships"].iter_rows(values_only=True))
    assert rows[0][0] == "Partner city"
    assert {row[0] for row in rows[1:]} == {"Kyoto (京都)", "Cairo (القاهرة)", "Lyon"}
    costs = list(workbook["Costs"].iter_rows(values_only=True))[1:]
    assert {(row[1], float(row[2])) for row in costs} == {("USD", 2500.0), ("JPY", 150000.0), ("EGP", 1200.0)}
    missions = list(workbook["Trade missions"].iter_rows(values_only=True))[1:]
    assert missions[0][1] == "Kyoto design mission" and "Tea import deal" in missions[0][5]


def test_annual_xlsx_in_japanese(client, login, year_of_activity):
    login("viewer")
    workbook = load_workbook(io.BytesIO(client.get("/reports/annual.xlsx?year=2025&lang=ja").data))
    assert workbook.worksheets[0]["A1"].value != "Partner city"


def test_annual_pdf_prints_the_names_in_three_scripts(client, login, year_of_activity):
    login("viewer")
    response = client.get("/reports/annual.pdf?year=2025&lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for name in ("Kyoto", "京都", "Lyon", "A year of music and design with Kyoto."):
        assert name in text
    from tests.pdf_inspect import fonts_by_character
    fonts = fonts_by_character(response.data)
    assert "京" in fonts and "ق" in fonts  # CJK and Arabic printed with real glyphs


def test_annual_pdf_in_arabic(client, login, year_of_activity):
    login("viewer")
    response = client.get("/reports/annual.pdf?year=2025&lang=ar")
    assert response.status_code == 200
    assert "Kyoto" in pdf_text(response.data)


def test_an_unknown_year_is_not_found(client, login):
    login("viewer")
    assert client.get("/reports/annual.pdf?year=1200").status_code == 404
    assert client.get("/reports/annual/1200/narratives").status_code == 404


def test_guests_cannot_reach_the_reports(client, login, make, year_of_activity):
    from crm.guests.models import GuestAccess

    guest = make.user("guest")
    make.session.add(GuestAccess(user=guest, partnership=year_of_activity["kyoto"],
                                 contact=make.contact(year_of_activity["kyoto"])))
    make.session.commit()
    login(guest)
    mission = year_of_activity["mission"]
    for url in ("/reports/annual", "/reports/annual.pdf?year=2025", "/reports/annual/2025/narratives",
                f"/missions/{mission.id}/report", f"/partnerships/{year_of_activity['kyoto'].id}/award-entry"):
        assert client.get(url).status_code == 404, url


# -- narratives --------------------------------------------------------------------------------------------

def test_a_narrative_is_written_and_saved(client, login, session, year_of_activity):
    login("coordinator")
    cairo = year_of_activity["cairo"]
    page = client.get("/reports/annual/2025/narratives").get_data(as_text=True)
    assert f'name="p{cairo.id}-body"' in page
    response = client.post(f"/reports/annual/2025/narratives/{cairo.id}",
                           data={f"p{cairo.id}-version": "", f"p{cairo.id}-body": "Cairo's year of trade."})
    assert response.status_code == 302
    saved = session.query(ReportNarrative).filter_by(partnership_id=cairo.id, year=2025).one()
    assert saved.body == "Cairo's year of trade."


def test_a_stale_narrative_save_is_a_conflict(client, login, session, year_of_activity):
    login("coordinator")
    kyoto = year_of_activity["kyoto"]
    narrative = session.query(ReportNarrative).filter_by(partnership_id=kyoto.id, year=2025).one()
    opened = str(narrative.version)
    first = client.post(f"/reports/annual/2025/narratives/{kyoto.id}",
                        data={f"p{kyoto.id}-version": opened, f"p{kyoto.id}-body": "First writer."})
    assert first.status_code == 302
    second = client.post(f"/reports/annual/2025/narratives/{kyoto.id}",
                         data={f"p{kyoto.id}-version": opened, f"p{kyoto.id}-body": "Second writer."})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Second writer." in page and "First writer." in page  # their version shown, mine kept
    session.expire_all()
    assert session.get(ReportNarrative, narrative.id).body == "First writer."


def test_a_narrative_opened_on_none_conflicts_with_one_written_meanwhile(client, login, session, year_of_activity):
    login("coordinator")
    lyon = year_of_activity["lyon"]
    session.add(ReportNarrative(partnership_id=lyon.id, year=2025, body="Written meanwhile."))
    session.commit()
    response = client.post(f"/reports/annual/2025/narratives/{lyon.id}",
                           data={f"p{lyon.id}-version": "", f"p{lyon.id}-body": "Mine."})
    assert response.status_code == 409


def test_a_viewer_reads_but_cannot_save_narratives(client, login, year_of_activity):
    login("viewer")
    kyoto = year_of_activity["kyoto"]
    page = client.get("/reports/annual/2025/narratives").get_data(as_text=True)
    assert "A year of music and design with Kyoto." in page and "<textarea" not in page
    assert client.post(f"/reports/annual/2025/narratives/{kyoto.id}", data={}).status_code == 403


# -- the post-mission report -------------------------------------------------------------------------------

@pytest.fixture
def mission_with_photos(app, make, session, year_of_activity):
    from crm.attachments.models import Attachment
    from crm.attachments.storage import attachment_key
    from crm.storage import store

    mission = year_of_activity["mission"]
    mission.itinerary.append(ItineraryItem(
        starts_at=datetime(2025, 5, 11, 1, 0, tzinfo=UTC), ends_at=datetime(2025, 5, 11, 2, 0, tzinfo=UTC),
        timezone="Asia/Tokyo", title="Meeting at the city hall"))
    photos = []
    with app.app_context():
        for n, name in enumerate(("chosen-photo.png", "left-out-photo.png", "notes.pdf")):
            stored = f"{n + 7}f".ljust(32, "a")
            attachment = Attachment(partnership_id=mission.partnership_id, engagement_id=mission.id, filename=name,
                                    stored_name=stored, content_type="application/pdf" if name.endswith("pdf")
                                    else "image/png", size=len(PNG), sha256="0" * 64)
            store().put(attachment_key(attachment), io.BytesIO(PNG))
            photos.append(attachment)
    session.add_all(photos)
    session.add_all([
        Commitment(partnership_id=mission.partnership_id, engagement_id=mission.id, side=Side.HOME,
                   description="Send the tea samples", due_on=date(2025, 6, 1)),
        Commitment(partnership_id=mission.partnership_id, engagement_id=mission.id, side=Side.PARTNER,
                   description="Host the return visit", status=CommitmentStatus.DONE, done_on=date(2025, 9, 1)),
    ])
    session.commit()
    return mission, photos


def test_the_mission_report_page_offers_only_the_images(client, login, mission_with_photos):
    login("viewer")
    mission, _photos = mission_with_photos
    page = client.get(f"/missions/{mission.id}/report").get_data(as_text=True)
    assert "chosen-photo.png" in page and "left-out-photo.png" in page and "notes.pdf" not in page
    assert "2 commitments made at the mission" in page


def test_the_post_mission_report_has_the_chosen_photo_and_the_commitments(client, login, mission_with_photos):
    login("viewer")
    mission, photos = mission_with_photos
    response = client.get(f"/missions/{mission.id}/report.pdf?photo={photos[0].id}&photo={photos[2].id}&lang=en")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "chosen-photo.png" in text and "left-out-photo.png" not in text and "notes.pdf" not in text
    assert "Send the tea samples" in text and "Host the return visit" in text
    assert "Tea import deal" in text and "Meet the design schools" in text
    assert "Meeting at the city hall" in text and "10:00" in text  # 01:00 UTC is 10:00 in Kyoto
    reader = PdfReader(io.BytesIO(response.data))
    images = {image.name for page in reader.pages for image in page.images}  # pages share their resources
    assert len(images) == 1


def test_the_mission_page_links_to_the_report(client, login, year_of_activity):
    login("viewer")
    mission = year_of_activity["mission"]
    assert f"/missions/{mission.id}/report" in client.get(f"/missions/{mission.id}").get_data(as_text=True)


# -- the award entry ---------------------------------------------------------------------------------------

def test_award_entry_counts_the_period(client, login, year_of_activity):
    login("viewer")
    kyoto = year_of_activity["kyoto"]
    response = client.get(f"/partnerships/{kyoto.id}/award-entry?date_from=2025-01-01&date_until=2025-12-31")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "5 engagements, of which 4 substantive." in page
    assert "1 exchange with 12 participants." in page
    assert "Partners for 66 years, since 1959-09-01." in page
    assert "1 trade mission with 1 recorded outcomes." in page
    assert "design" in page and "Youth" in page  # sectors: the mission's and the exchange's kind
    assert "Started by the partner: 25% of substantive engagements." in page


def test_award_entry_refuses_a_reversed_period(client, login, year_of_activity):
    login("viewer")
    kyoto = year_of_activity["kyoto"]
    response = client.get(f"/partnerships/{kyoto.id}/award-entry?date_from=2025-12-31&date_until=2025-01-01")
    assert response.status_code == 422
    assert "The end cannot be before the start." in response.get_data(as_text=True)


def test_award_entry_pdf(client, login, year_of_activity):
    login("viewer")
    cairo = year_of_activity["cairo"]
    response = client.get(f"/partnerships/{cairo.id}/award-entry.pdf?date_from=2025-01-01&date_until=2025-12-31")
    assert response.status_code == 200
    assert "القاهرة" in pdf_text(response.data) or "Cairo" in pdf_text(response.data)


# -- costs on the forms ------------------------------------------------------------------------------------

def test_an_engagement_cost_is_saved_in_minor_units(client, login, session, make):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto", "京都", "JP"))
    engagement = make.engagement(partnership, occurred_on=date(2026, 1, 5))
    data = {"version": engagement.version, "kind": "meeting", "occurred_on": "2026-01-05", "title": "Budget talk",
            "substantive": "yes", "visibility": "shared", "initiated_by": "home", "cost_amount": "1250.50",
            "cost_currency": "USD", "funded_by": "City budget"}
    response = client.post(f"/engagements/{engagement.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    saved = session.get(Engagement, engagement.id)
    assert (saved.cost_minor, saved.cost_currency, saved.funded_by) == (125050, "USD", "City budget")
    page = client.get(f"/engagements/{engagement.id}/edit").get_data(as_text=True)
    assert "Cost to our side" in page and 'value="1250.50"' in page


def test_a_cost_needs_its_currency_and_keeps_what_was_typed(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    engagement = make.engagement(partnership)
    data = {"version": engagement.version, "kind": "meeting", "occurred_on": "2025-01-01", "title": "Talk",
            "substantive": "yes", "visibility": "shared", "initiated_by": "home", "cost_amount": "12.345",
            "cost_currency": "USD"}
    response = client.post(f"/engagements/{engagement.id}/edit", data=data)
    assert response.status_code == 200
    assert "USD does not have that many decimal places." in response.get_data(as_text=True)
    data.update(cost_amount="", cost_currency="JPY")
    page = client.post(f"/engagements/{engagement.id}/edit", data=data).get_data(as_text=True)
    assert "Enter the amount, or leave the currency empty." in page


def test_a_mission_form_saves_its_cost(client, login, session, make):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto", "京都", "JP"))
    response = client.post(f"/partnerships/{partnership.id}/missions/new", data={
        "title": "Tea mission", "direction": "outbound", "starts_on": "2026-03-01", "ends_on": "2026-03-05",
        "visibility": "shared", "lead_id": "0", "cost_amount": "300000", "cost_currency": "JPY",
        "funded_by": "Chamber of commerce"})
    assert response.status_code == 302, response.get_data(as_text=True)
    mission = session.query(TradeMission).filter_by(title="Tea mission").one()
    assert (mission.cost_minor, mission.cost_currency, mission.funded_by) == (300000, "JPY", "Chamber of commerce")



# -- demo --------------------------------------------------------------------------------------------------

def test_the_demo_has_narratives_and_costs_for_last_year(app, client, login):
    from crm.demo.seed import seed_demo
    from crm.extensions import db

    with app.app_context():
        seed_demo()
        db.session.commit()
    login("viewer")
    page = client.get("/reports/annual?year=2025").get_data(as_text=True)
    assert page.count("Not written yet") >= 3 and ">Written<" in page
    assert "$12,500.00" in page  # Kyoto's mission, in dollars
    narratives = client.get("/reports/annual/2025/narratives").get_data(as_text=True)
    assert "Our oldest partnership had one of its fullest years" in narratives


# -- slots on other pages ----------------------------------------------------------------------------------

def test_the_partnership_page_links_to_the_narrative_and_the_award_entry(client, login, year_of_activity):
    login("viewer")
    kyoto = year_of_activity["kyoto"]
    page = client.get(f"/partnerships/{kyoto.id}?section=governance").get_data(as_text=True)
    assert "A year of music and design with Kyoto." in page
    assert f"/reports/annual/2025/narratives#p{kyoto.id}" in page
    assert f"/partnerships/{kyoto.id}/award-entry?" in page


def test_the_dashboard_links_to_the_annual_report(client, login, year_of_activity):
    login("viewer")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "/reports/annual?year=2025" in page


def test_the_annual_page_runs_a_fixed_number_of_queries(client, login, make, session, year_of_activity,
                                                         count_queries):
    login("viewer")
    client.get("/reports/annual?year=2025")
    with count_queries() as few:
        assert client.get("/reports/annual?year=2025").status_code == 200
    for n in range(5):
        partnership = make.partnership(partner=make.city(f"More {n}"), established_on=date(1990, 1, 1))
        make.engagement(partnership, occurred_on=date(2025, 5, 5))
        session.add(ReportNarrative(partnership=partnership, year=2025, body="y"))
    session.commit()
    with count_queries() as many:
        assert client.get("/reports/annual?year=2025").status_code == 200
    assert many.count == few.count


def test_the_milestones_of_a_year():
    project = JointProject(title="p")
    project.milestones = [Milestone(title="due in it", due_on=date(2025, 6, 1)),
                          Milestone(title="late, reached in it", due_on=date(2024, 12, 1), done_on=date(2025, 2, 1)),
                          Milestone(title="early, reached in it", due_on=date(2026, 3, 1), done_on=date(2025, 11, 1)),
                          Milestone(title="another year", due_on=date(2026, 6, 1)),
                          Milestone(title="reached before", due_on=date(2024, 6, 1), done_on=date(2024, 6, 1))]
    found = annual.milestones_in(project, date(2025, 1, 1), date(2025, 12, 31))
    assert [m.title for m in found] == ["late, reached in it", "due in it", "early, reached in it"]


def test_bad_input_changes_nothing_and_never_fails(client, login, year_of_activity):
    login("viewer")
    mission, kyoto = year_of_activity["mission"], year_of_activity["kyoto"]
    assert client.get("/reports/annual?year=abc&scope=xyz&lang=tlh").status_code == 200
    assert client.get("/reports/annual.xlsx?year=abc").status_code == 404
    assert client.get(f"/missions/{mission.id}/report?photo=abc&lang=x").status_code == 200
    assert client.get(f"/partnerships/{kyoto.id}/award-entry?date_from=nope&date_until=2025-01-01").status_code == 422
    assert client.get(f"/partnerships/{kyoto.id}/award-entry.pdf?date_from=nope").status_code == 404
