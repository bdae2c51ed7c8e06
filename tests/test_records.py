"""The one CRUD mechanism (crm/records.py) and the program registry (crm/programs/registry.py): every program
type gets the same pages from its registry entry; edits go back where the user came from, on this site only."""
from datetime import date

import pytest

from crm.programs.exchanges.models import Exchange, ExchangeDirection, ExchangeKind
from crm.programs.registry import PROGRAMS

ENDPOINTS = {"index", "export", "create", "detail", "edit", "delete"}


def test_every_program_type_gets_the_skeletons_pages_with_declared_access(app):
    for kind in PROGRAMS:
        endpoints = {rule.endpoint.split(".", 1)[1] for rule in app.url_map.iter_rules()
                     if rule.endpoint.startswith(f"{kind.name}.")}
        assert ENDPOINTS <= endpoints, kind.name
        for endpoint in ENDPOINTS:
            assert app.view_functions[f"{kind.name}.{endpoint}"].allowed_roles, (kind.name, endpoint)
        for template in ("index", "form", "detail"):
            assert app.jinja_env.get_template(f"{kind.name}/{template}.html")


@pytest.mark.parametrize("kind", PROGRAMS, ids=[kind.name for kind in PROGRAMS])
def test_every_program_type_lists_creates_shows_edits_and_confirms_deletion(client, login, make, kind):
    login("coordinator")
    partnership = make.partnership()
    assert client.get(f"/{kind.name}/").status_code == 200
    assert client.get(f"/{kind.name}/export.csv").status_code == 200
    assert client.get(f"/partnerships/{partnership.id}/{kind.name}/new").status_code == 200
    record = kind.model(partnership=partnership, title="Harbour week", occurred_on=date(2026, 5, 4),
                        **{"ends_on": date(2026, 5, 8)} if hasattr(kind.model, "ends_on") else {},
                        **_required(kind.model))
    make.session.add(record)
    make.session.commit()
    for path in ("", "/edit", "/delete"):
        response = client.get(f"/{kind.name}/{record.id}{path}")
        assert response.status_code == 200 and "Harbour week" in response.text, path


def _required(model) -> dict:
    from crm.programs.missions.models import MissionDirection, TradeMission
    from crm.programs.projects.models import JointProject, ProjectStatus, ProjectTheme

    if model is TradeMission:
        return {"direction": MissionDirection.OUTBOUND}
    if model is JointProject:
        return {"theme": ProjectTheme.CULTURE, "status": ProjectStatus.ACTIVE}
    return {"exchange_kind": ExchangeKind.CULTURAL, "direction": ExchangeDirection.OUTGOING}


def _exchange(make, partnership) -> Exchange:
    exchange = Exchange(partnership=partnership, title="Orchestra", exchange_kind=ExchangeKind.CULTURAL,
                        direction=ExchangeDirection.OUTGOING, occurred_on=date(2026, 5, 4), ends_on=date(2026, 5, 8))
    make.session.add(exchange)
    make.session.commit()
    return exchange


def _edit_data(exchange: Exchange, **overrides) -> dict:
    data = {"version": exchange.version, "title": "Orchestra tour", "exchange_kind": "cultural",
            "direction": "outgoing", "starts_on": "2026-05-04", "ends_on": "2026-05-08", "participants": "40",
            "host_organization_id": 0, "visibility": "shared", "notes": ""}
    return data | overrides


@pytest.mark.parametrize("next_url, lands_on", [
    ("/exchanges/?kind=cultural", "/exchanges/?kind=cultural"),
    ("https://elsewhere.example/phish", None),
    ("//elsewhere.example/phish", None),
])
def test_a_save_goes_back_where_the_user_came_from_on_this_site_only(client, login, make, next_url, lands_on):
    login("coordinator")
    exchange = _exchange(make, make.partnership())
    response = client.post(f"/exchanges/{exchange.id}/edit", query_string={"next": next_url},
                           data=_edit_data(exchange))
    assert response.status_code == 302
    assert response.headers["Location"] == (lands_on or f"/exchanges/{exchange.id}")


def test_a_stale_save_shows_the_conflict_and_keeps_the_typed_input(client, login, make):
    login("coordinator")
    exchange = _exchange(make, make.partnership())
    opened = exchange.version
    exchange.title = "Orchestra (renamed by a colleague)"
    make.session.commit()
    response = client.post(f"/exchanges/{exchange.id}/edit", data=_edit_data(exchange, version=opened,
                                                                              title="My own title"))
    assert response.status_code == 409
    assert "Orchestra (renamed by a colleague)" in response.text and 'value="My own title"' in response.text


def test_an_invalid_child_row_comes_back_on_its_parents_page_with_the_input(client, login, make, session):
    login("coordinator")
    from crm.programs.projects.models import JointProject, ProjectStatus, ProjectTheme

    project = JointProject(partnership=make.partnership(), title="Riverfront", theme=ProjectTheme.CULTURE,
                           status=ProjectStatus.ACTIVE, occurred_on=date(2026, 5, 4))
    session.add(project)
    session.commit()
    response = client.post(f"/projects/{project.id}/milestones", data={"title": "Design brief", "due_on": ""})
    assert response.status_code == 422
    assert "Riverfront" in response.text and 'value="Design brief"' in response.text
    assert "The milestone was not saved" in response.text
