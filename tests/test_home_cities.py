"""An association of several member cities: each home city's partnerships on
their own, on the dashboard, in the ceremonial report, with its own threshold."""
from datetime import date

from crm.engagements.models import Engagement, EngagementKind
from crm.health.queries import activities
from crm.health.rules import HealthState, evaluate
from crm.settings.models import HomeCity
from tests.conftest import FROZEN_AT

TODAY = FROZEN_AT.date()  # the suite's stopped clock: the app sees this day too


def association(make, session):
    """Portland and Eugene, each with one partner quiet since 2024-01-01 (about two years)."""
    portland = make.home_city("Portland")
    eugene = make.home_city("Eugene", default=False)
    sapporo = make.partnership(partner=make.city("Sapporo"), home=portland)
    kakegawa = make.partnership(partner=make.city("Kakegawa"), home=eugene)
    for partnership in (sapporo, kakegawa):
        session.add(Engagement(partnership=partnership, occurred_on=date(2024, 1, 1), title="Visit",
                               kind=EngagementKind.VISIT, substantive=True))
    session.commit()
    return portland, eugene, sapporo, kakegawa


def test_a_home_city_threshold_applies_to_its_partnerships_only(app_ctx, make, session):
    portland, eugene, sapporo, kakegawa = association(make, session)
    session.get(HomeCity, eugene.id).threshold_months = 60
    session.commit()
    facts = activities(TODAY)
    assert facts[kakegawa.id].threshold_months == 60 and facts[kakegawa.id].home_city_id == eugene.id
    assert facts[sapporo.id].threshold_months == 12
    assert evaluate(facts[sapporo.id], TODAY).state == HealthState.CEREMONIAL
    assert evaluate(facts[kakegawa.id], TODAY).state == HealthState.HEALTHY
    # the partnership's own threshold still comes first
    kakegawa.threshold_months = 6
    session.commit()
    assert activities(TODAY)[kakegawa.id].threshold_months == 6


def test_the_dashboard_shows_one_home_city_at_a_time(client, login, make, session):
    portland, eugene, sapporo, kakegawa = association(make, session)
    login("viewer")
    everything = client.get("/dashboard").text
    assert "Sapporo" in everything and "Kakegawa" in everything and "All home cities" in everything
    only_eugene = client.get(f"/dashboard?home={eugene.id}").text
    attention = only_eugene.split('id="attention"')[1].split("</section>")[0]
    assert "Kakegawa" in attention and "Sapporo" not in attention
    assert f"home={eugene.id}" in only_eugene  # links to the lists keep the home city
    assert client.get("/dashboard?home=999999").status_code == 200  # unknown: everything


def test_an_admin_sets_a_home_city_threshold(client, login, make, session):
    portland, eugene, sapporo, kakegawa = association(make, session)
    login("admin")
    assert client.post(f"/settings/home-cities/{eugene.id}/threshold",
                       data={"threshold_months": "36", "version": "1"}).status_code == 302
    session.expire_all()
    assert session.get(HomeCity, eugene.id).threshold_months == 36
    refused = client.post(f"/settings/home-cities/{eugene.id}/threshold", data={"threshold_months": "0"})
    assert refused.status_code == 422 and "between 1 and 120" in refused.text
    client.post(f"/settings/home-cities/{eugene.id}/threshold", data={"threshold_months": "", "version": "2"})
    session.expire_all()
    assert session.get(HomeCity, eugene.id).threshold_months is None
    assert client.post("/settings/home-cities/999999/threshold", data={}).status_code == 404


def test_the_ceremonial_report_per_home_city(app, make, session):
    association(make, session)
    runner = app.test_cli_runner()
    both = runner.invoke(args=["crm", "ceremonial", "--format", "csv"]).output
    assert "Sapporo" in both and "Kakegawa" in both
    eugene_only = runner.invoke(args=["crm", "ceremonial", "--format", "csv", "--home-city", "eugene"]).output
    assert "Kakegawa" in eugene_only and "Sapporo" not in eugene_only
    unknown = runner.invoke(args=["crm", "ceremonial", "--home-city", "Atlantis"])
    assert unknown.exit_code != 0 and "not one of the home cities" in unknown.output


def test_an_association_with_many_home_cities_types_the_name(client, login, make, session, monkeypatch):
    from crm.partnerships import choices
    from crm.settings import service

    monkeypatch.setattr(service, "MANY_HOME_CITIES", 1)
    monkeypatch.setattr(choices, "MANY_HOME_CITIES", 1)
    import crm.dashboard.views as dashboard

    monkeypatch.setattr(dashboard, "MANY_HOME_CITIES", 1)
    portland, eugene, sapporo, kakegawa = association(make, session)
    login("viewer")
    page = client.get("/dashboard").text
    assert 'name="home_name"' in page and f'<option value="{eugene.id}"' not in page
    attention = client.get("/dashboard?home_name=eugene").text.split('id="attention"')[1].split("</section>")[0]
    assert "Kakegawa" in attention and "Sapporo" not in attention
    listing = client.get(f"/partnerships/?home={eugene.id}").text  # the list offers only the chosen one
    assert "Kakegawa" in listing and "Sapporo" not in listing
    home_select = listing.split('name="home"')[1].split("</select>")[0]
    assert f'value="{eugene.id}"' in home_select and f'value="{portland.id}"' not in home_select


def test_list_filters_offer_only_the_chosen_partnership_in_a_portfolio_of_thousands(client, login, make, session,
                                                                                      monkeypatch):
    from crm.partnerships import choices

    monkeypatch.setattr(choices, "MANY_PARTNERSHIPS", 1)
    first, second = make.partnership(partner=make.city("Alpha")), make.partnership(partner=make.city("Bravo"))
    login("viewer")
    for url in ("/missions/", "/contacts/", "/engagements/", "/agreements/"):
        plain = client.get(url).text.split('name="partnership"')[1].split("</select>")[0]
        assert f'value="{first.id}"' not in plain and f'value="{second.id}"' not in plain, url
        chosen = client.get(f"{url}?partnership={second.id}").text.split('name="partnership"')[1].split("</select>")[0]
        assert f'value="{second.id}"' in chosen and f'value="{first.id}"' not in chosen, url


def test_the_settings_page_pages_through_many_home_cities(client, login, make, session, monkeypatch):
    from crm.settings import views

    monkeypatch.setattr(views, "HOME_CITIES_PER_PAGE", 1)
    association(make, session)
    login("admin")
    first = client.get("/settings/").text
    assert "Page 1 of 2" in first and "Eugene" in first.split("Home cities")[1]
    second = client.get("/settings/?page=2").text
    assert "Portland" in second.split("Home cities")[1].split("</ul>")[0]
