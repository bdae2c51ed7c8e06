from datetime import date, timedelta

import pytest

from crm.engagements.models import Engagement, EngagementKind
from crm.programs.exchanges.models import Exchange, ExchangeDirection, ExchangeKind
from crm.programs.missions.models import MissionOutcome, OutcomeKind, TradeMission
from crm.programs.outcomes import outcome_totals
from crm.programs.projects.models import JointProject, Milestone, ProjectStatus, ProjectTheme


def exchange_data(**overrides):
    data = {"title": "Summer school", "exchange_kind": "student", "direction": "outgoing", "starts_on": "2026-07-01",
            "ends_on": "2026-07-14", "participants": "24", "host_organization_id": 0, "visibility": "shared",
            "notes": ""}
    data.update(overrides)
    return data


def test_record_an_exchange_with_its_host(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    host = make.organization(partnership, name="Kyoto University")
    response = client.post(f"/partnerships/{partnership.id}/exchanges/new",
                           data=exchange_data(host_organization_id=host.id))
    assert response.status_code == 302
    exchange = session.query(Exchange).one()
    assert exchange.participants == 24 and exchange.host_organization_id == host.id and exchange.substantive
    page = client.get(f"/exchanges/{exchange.id}").text
    assert "Kyoto University" in page and "Student exchange" in page
    assert f'href="/exchanges/{exchange.id}"' in client.get(f"/partnerships/{partnership.id}").text


@pytest.mark.parametrize("overrides, message", [
    ({"ends_on": "2026-06-01"}, "The end cannot be before the start."),
    ({"participants": "-3"}, "Number must be between 0 and 100000."),
    ({"exchange_kind": "space"}, "Not a valid choice"),
])
def test_bad_exchanges_are_refused(client, login, make, session, overrides, message):
    login("coordinator")
    partnership = make.partnership()
    assert message in client.post(f"/partnerships/{partnership.id}/exchanges/new",
                                  data=exchange_data(**overrides)).text
    assert session.query(Exchange).count() == 0


def test_a_host_from_another_partnership_is_refused(client, login, make, session):
    login("coordinator")
    partnership, other = make.partnership(), make.partnership()
    foreign = make.organization(other)
    response = client.post(f"/partnerships/{partnership.id}/exchanges/new",
                           data=exchange_data(host_organization_id=foreign.id))
    assert "Not a valid choice" in response.text


def test_exchange_list_filters_by_kind(client, login, make, session):
    login("viewer")
    partnership = make.partnership()
    for title, kind in [("Orchestra", ExchangeKind.CULTURAL), ("Semester", ExchangeKind.ACADEMIC)]:
        session.add(Exchange(partnership=partnership, title=title, exchange_kind=kind,
                             direction=ExchangeDirection.BOTH, occurred_on=date(2026, 1, 1), ends_on=date(2026, 1, 9)))
    session.commit()
    page = client.get("/exchanges/?kind=cultural").text
    assert "Orchestra" in page and "Semester" not in page


def project_data(**overrides):
    data = {"title": "Flood resilience", "theme": "sustainability", "status": "active", "starts_on": "2025-01-01",
            "ends_on": "", "amount": "125000.50", "currency": "EUR", "visibility": "shared", "notes": ""}
    data.update(overrides)
    return data


def test_project_with_budget_and_milestones(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    assert client.post(f"/partnerships/{partnership.id}/projects/new", data=project_data()).status_code == 302
    project = session.query(JointProject).one()
    assert project.budget_minor == 12500050 and project.budget_currency == "EUR"
    assert "€125,000.50" in client.get(f"/projects/{project.id}").text
    # an open milestone is not on the timeline…
    client.post(f"/projects/{project.id}/milestones", data={"title": "Study", "due_on": "2025-06-01"})
    milestone = session.query(Milestone).one()
    assert session.query(Engagement).filter_by(kind=EngagementKind.MILESTONE).count() == 0
    # …a reached one is, as a substantive engagement
    client.post(f"/milestones/{milestone.id}/edit",
                data={"title": "Study", "due_on": "2025-06-01", "done_on": "2025-06-03"})
    entry = session.query(Engagement).filter_by(kind=EngagementKind.MILESTONE).one()
    assert entry.substantive and entry.occurred_on == date(2025, 6, 3) and entry.title == "Study"
    assert "Milestone reached" in client.get(f"/partnerships/{partnership.id}").text
    # re-opening it takes it off again
    client.post(f"/milestones/{milestone.id}/edit", data={"title": "Study", "due_on": "2025-06-01", "done_on": ""})
    assert session.query(Engagement).filter_by(kind=EngagementKind.MILESTONE).count() == 0


@pytest.mark.parametrize("overrides, message", [
    ({"amount": "10", "currency": ""}, "Choose the currency."),
    ({"amount": "", "currency": "EUR"}, "Enter the amount, or leave the currency empty."),
    ({"amount": "1.005", "currency": "EUR"}, "EUR does not have that many decimal places."),
    ({"ends_on": "2024-01-01"}, "The end cannot be before the start."),
])
def test_bad_project_budgets_are_refused(client, login, make, session, overrides, message):
    login("coordinator")
    partnership = make.partnership()
    assert message in client.post(f"/partnerships/{partnership.id}/projects/new",
                                  data=project_data(**overrides)).text
    assert session.query(JointProject).count() == 0


def test_a_milestone_cannot_be_reached_in_the_future(client, login, make, session):
    login("coordinator")
    project = JointProject(partnership=make.partnership(), title="P", theme=ProjectTheme.HEALTH,
                           occurred_on=date(2025, 1, 1))
    session.add(project)
    session.commit()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(f"/projects/{project.id}/milestones",
                           data={"title": "M", "due_on": tomorrow, "done_on": tomorrow})
    assert "cannot be reached in the future" in response.text


def test_deleting_a_project_removes_its_milestone_entries(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    client.post(f"/partnerships/{partnership.id}/projects/new", data=project_data())
    project = session.query(JointProject).one()
    client.post(f"/projects/{project.id}/milestones", data={"title": "M", "due_on": "2025-02-01",
                                                            "done_on": "2025-02-01"})
    assert session.query(Engagement).count() == 2
    client.post(f"/projects/{project.id}/delete")
    assert session.query(Engagement).count() == 0


def test_outcome_totals_by_year_never_mix_currencies(app_ctx, make, session):
    partnership = make.partnership()
    other = make.partnership()
    for year, currency, amount in [(2024, "JPY", 5_000_000), (2024, "USD", 100_000), (2025, "JPY", 1_000)]:
        mission = TradeMission(partnership=partnership, title=f"M{year}", direction="outbound",
                               occurred_on=date(year, 5, 1), ends_on=date(year, 5, 3))
        mission.outcomes = [MissionOutcome(kind=OutcomeKind.INVESTMENT, description="i", amount_minor=amount,
                                           currency=currency),
                            MissionOutcome(kind=OutcomeKind.LEAD, description="l"),
                            MissionOutcome(kind=OutcomeKind.DEAL, description="d", amount_minor=7, currency="USD")]
        session.add(mission)
    session.add_all([
        Exchange(partnership=partnership, title="E", exchange_kind="student", direction="outgoing",
                 occurred_on=date(2024, 7, 1), ends_on=date(2024, 7, 9), participants=30),
        Exchange(partnership=partnership, title="E2", exchange_kind="youth", direction="incoming",
                 occurred_on=date(2024, 9, 1), ends_on=date(2024, 9, 9), participants=12),
        JointProject(partnership=partnership, title="P", theme="health", status=ProjectStatus.COMPLETED,
                     occurred_on=date(2023, 1, 1), ends_on=date(2024, 12, 1)),
        JointProject(partnership=partnership, title="P2", theme="health", status=ProjectStatus.ACTIVE,
                     occurred_on=date(2023, 1, 1)),
        TradeMission(partnership=other, title="Elsewhere", direction="inbound", occurred_on=date(2024, 1, 1),
                     ends_on=date(2024, 1, 2)),
        TradeMission(partnership=partnership, title="Future", direction="inbound", occurred_on=date(2099, 1, 1),
                     ends_on=date(2099, 1, 2)),
    ])
    session.commit()
    totals = {t.year: t for t in outcome_totals(partnership.id, today=date(2026, 1, 1))}
    assert set(totals) == {2024, 2025}
    assert totals[2024].missions == 2 and totals[2024].leads == 2 and totals[2024].deals == 2
    assert totals[2024].investment == {"JPY": 5_000_000, "USD": 100_000}  # deals' amounts are not investment
    assert totals[2024].participants == 42 and totals[2024].projects_completed == 1
    assert totals[2025].investment == {"JPY": 1_000}


def test_portfolio_page_shows_totals_per_currency(client, login, make, session):
    login("viewer")
    mission = TradeMission(partnership=make.partnership(), title="M", direction="outbound",
                           occurred_on=date(2024, 5, 1), ends_on=date(2024, 5, 3))
    mission.outcomes = [MissionOutcome(kind=OutcomeKind.INVESTMENT, description="i", amount_minor=250_000_000,
                                       currency="JPY"),
                        MissionOutcome(kind=OutcomeKind.INVESTMENT, description="i", amount_minor=150_000_00,
                                       currency="USD")]
    session.add(mission)
    session.commit()
    page = client.get("/portfolio").text
    assert "¥250,000,000" in page and "$150,000.00" in page
