"""The lists: a New button wherever the user may create (asking for the partnership first where a record belongs
to one), a sort control that shows the order applied, and "new contact" detours that come back."""
import re

import pytest

from crm.contacts.models import Contact
from crm.partnerships.models import Side

KINDS = [("missions", "New trade mission"), ("exchanges", "New exchange"), ("projects", "New joint project"),
         ("agreements", "New agreement")]


@pytest.mark.parametrize("name, label", KINDS)
def test_new_button_asks_for_the_partnership_first(client, login, make, name, label):
    login("coordinator")
    kyoto = make.partnership(partner=make.city("Kyoto"))
    listing = client.get(f"/{name}/").text
    assert f'href="/{name}/new"' in listing and label in listing
    chooser = client.get(f"/{name}/new")
    assert chooser.status_code == 200 and f"<h1>{label}</h1>" in chooser.text
    assert f'<option value="{kyoto.id}">Kyoto</option>' in chooser.text
    chosen = client.get(f"/{name}/new", query_string={"partnership": kyoto.id})
    assert chosen.status_code == 302 and chosen.headers["Location"] == f"/partnerships/{kyoto.id}/{name}/new"
    assert client.get(chosen.headers["Location"]).status_code == 200


@pytest.mark.parametrize("name, label", KINDS)
def test_new_button_uses_the_lists_partnership_filter(client, login, make, name, label):
    login("coordinator")
    kyoto = make.partnership(partner=make.city("Kyoto"))
    listing = client.get(f"/{name}/", query_string={"partnership": kyoto.id}).text
    assert f'href="/{name}/new?partnership={kyoto.id}"' in listing


@pytest.mark.parametrize("name, label", KINDS)
def test_viewers_get_no_new_button_and_no_chooser(client, login, make, name, label):
    login("viewer")
    make.partnership()
    assert label not in client.get(f"/{name}/").text
    assert client.get(f"/{name}/new").status_code == 403


def test_the_chooser_leads_nowhere_unseen(client, login, make):
    login("coordinator")
    assert client.get("/missions/new", query_string={"partnership": 999999}, follow_redirects=True).status_code == 404
    page = client.get("/missions/new").text
    assert "Record a partnership first" in page and 'href="/partnerships/new"' in page


def sort_control(page: str) -> str:
    """The option the list's Sort by select shows as chosen."""
    select = re.search(r'<select[^>]*name="sort".*?</select>', page, re.DOTALL).group(0)
    chosen = re.search(r'<option selected value="(\w+)"|<option value="(\w+)" selected', select)
    return (chosen.group(1) or chosen.group(2)) if chosen else "the first option"


def test_sort_control_shows_the_order_applied(client, login, make):
    """The partner cities' alphabetical order is applied when nothing is asked: the control says so (it showed
    its first option, Health, while the rows were alphabetical)."""
    login("viewer")
    for name in ("Osaka", "Cairo", "Lyon"):
        make.partnership(partner=make.city(name))
    page = client.get("/partnerships/").text
    assert sort_control(page) == "partner"
    assert page.index("Cairo") < page.index("Lyon") < page.index("Osaka")
    assert re.search(r'<th scope="col" aria-sort="ascending"><a href="[^"]*sort=partner', page)
    assert sort_control(client.get("/partnerships/", query_string={"sort": "nonsense"}).text) == "partner"
    by_health = client.get("/partnerships/", query_string={"sort": "health"}).text
    assert sort_control(by_health) == "health" and 'aria-sort="other"' in by_health
    by_country = client.get("/partnerships/", query_string={"sort": "country"}).text
    assert sort_control(by_country) == "country" and by_country.count("aria-sort=") == 1


def test_new_contact_detour_from_a_guests_page_returns_there_with_the_partner_side(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    guests_page = f"/partnerships/{partnership.id}/guests"
    opened = client.get(f"/contacts/new?partnership={partnership.id}", headers={"Referer": f"http://localhost{guests_page}"})
    assert opened.status_code == 302
    form_url = opened.headers["Location"]
    assert "side=partner" in form_url and "next=" in form_url
    form = client.get(form_url).text
    assert re.search(r'<option selected value="partner"|<option value="partner" selected', form)
    saved = client.post(form_url, data={"partnership_id": partnership.id, "side": "partner", "name": "Mei Lin",
                                        "organization_id": 0, "visibility": "shared"})
    assert saved.status_code == 302 and saved.headers["Location"] == guests_page
    assert session.query(Contact).filter_by(name="Mei Lin").one().side == Side.PARTNER


def test_new_contact_detour_from_a_mission_returns_to_the_mission(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    mission_page = "/missions/7"
    opened = client.get(f"/contacts/new?partnership={partnership.id}",
                        headers={"Referer": f"http://localhost{mission_page}"})
    assert opened.status_code == 302 and "side=" not in opened.headers["Location"]
    saved = client.post(opened.headers["Location"], data={"partnership_id": partnership.id, "side": "home",
                                                          "name": "Ken Sato", "organization_id": 0,
                                                          "visibility": "shared"})
    assert saved.headers["Location"] == mission_page


def test_new_contact_from_elsewhere_is_not_a_detour(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    for referer in ("http://localhost/contacts/", "http://elsewhere.example/guests", None):
        headers = {"Referer": referer} if referer else {}
        assert client.get(f"/contacts/new?partnership={partnership.id}", headers=headers).status_code == 200
    page = client.get(f"/contacts/new?partnership={partnership.id}&side=partner").text
    assert re.search(r'<option selected value="partner"|<option value="partner" selected', page)


@pytest.mark.parametrize("name", ["missions", "exchanges", "projects"])
def test_program_lists_sort_by_their_headers(client, login, make, session, name):
    from datetime import date

    from crm.enums import ExchangeDirection, ExchangeKind, MissionDirection, ProjectTheme
    from crm.programs.registry import PROGRAMS

    login("viewer")
    kind = next(k for k in PROGRAMS if k.name == name)
    extra = {"missions": {"direction": MissionDirection.OUTBOUND},
             "exchanges": {"exchange_kind": ExchangeKind.STUDENT, "direction": ExchangeDirection.OUTGOING,
                           "participants": 3},
             "projects": {"theme": next(iter(ProjectTheme))}}[name]
    for title, city, day in (("Beta", "Osaka", date(2025, 3, 1)), ("Alpha", "Cairo", date(2025, 1, 1)),
                             ("Gamma", "Lyon", date(2025, 2, 1))):
        partnership = make.partnership(partner=make.city(city))
        record = kind.model(partnership=partnership, title=title, occurred_on=day, ends_on=day, **extra)
        session.add(record)
    session.commit()

    def order(page):
        return sorted(("Alpha", "Beta", "Gamma"), key=page.index)

    newest = client.get(f"/{name}/").text
    assert order(newest) == ["Beta", "Gamma", "Alpha"]
    assert re.search(r'<th scope="col" aria-sort="descending"><a href="[^"]*sort=dates', newest)
    by_title = client.get(f"/{name}/", query_string={"sort": "title"}).text
    assert order(by_title) == ["Alpha", "Beta", "Gamma"] and by_title.count("aria-sort=") == 1
    assert re.search(r'aria-sort="ascending"><a href="[^"]*sort=title', by_title)
    assert order(client.get(f"/{name}/", query_string={"sort": "partner"}).text) == ["Alpha", "Gamma", "Beta"]


def test_lists_with_one_order_say_which(client, login, make):
    login("viewer")
    make.contact(make.partnership(), name="Ana")
    assert '<th scope="col" aria-sort="ascending">Name</th>' in client.get("/contacts/").text
    make.engagement(make.partnership())
    assert '<th scope="col" aria-sort="descending">Date</th>' in client.get("/engagements/").text
