"""Every route, every role, every method: the answer matches the policy table.

A route missing from POLICY fails the test, so a new route cannot ship
without someone deciding who may reach it.
"""
import re

import pytest

from crm import create_app

# endpoint -> who may reach it
POLICY = {
    "main.home": "public",
    "auth.sign_in": "public",
    "auth.sign_out": "public",
    "i18n.switch_language": "public",
    "cities.lookup": "staff",
    "cities.create": "editors",
    "cities.edit": "editors",
    "partnerships.index": "staff",
    "partnerships.detail": "staff",
    "partnerships.create": "editors",
    "partnerships.edit": "editors",
    "partnerships.archive": "editors",
    "partnerships.restore": "editors",
    "engagements.log": "editors",
    "engagements.edit": "editors",
    "engagements.delete": "editors",
    "contacts.contacts": "staff",
    "contacts.create_contact": "editors",
    "contacts.edit_contact": "editors",
    "contacts.organizations": "staff",
    "contacts.create_organization": "editors",
    "contacts.edit_organization": "editors",
    "settings.index": "admins",
    "settings.update": "admins",
    "settings.add_home": "admins",
}
AUDIENCES = {
    "public": {"anonymous", "viewer", "coordinator", "admin"},
    "staff": {"viewer", "coordinator", "admin"},
    "editors": {"coordinator", "admin"},
    "admins": {"admin"},
}
ROLES = ["anonymous", "viewer", "coordinator", "admin"]

_collection_app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collect"})
RULES = [rule for rule in _collection_app.url_map.iter_rules() if rule.endpoint != "static"]
CASES = [
    (rule.rule, rule.endpoint, method, role)
    for rule in RULES
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    for role in ROLES
]


def test_every_route_is_in_the_policy_table():
    assert sorted({rule.endpoint for rule in RULES} - POLICY.keys()) == []
    assert sorted(POLICY.keys() - {rule.endpoint for rule in RULES}) == []


def test_every_view_declares_its_audience():
    for endpoint, view in _collection_app.view_functions.items():
        if endpoint != "static":
            assert getattr(view, "allowed_roles", None), endpoint


def test_a_view_without_a_declaration_is_refused():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})

    @app.get("/forgotten")
    def forgotten():
        return "should never be seen"

    assert app.test_client().get("/forgotten").status_code == 403


@pytest.fixture
def world(make):
    partnership = make.partnership(partner=make.city("Kyoto"))
    return {
        "partnership_id": partnership.id,
        "engagement_id": make.engagement(partnership).id,
        "contact_id": make.contact(partnership).id,
        "organization_id": make.organization(partnership).id,
        "city_id": partnership.partner_city_id,
    }


def fill(rule: str, world: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(world[m.group(1)]), rule)


@pytest.mark.parametrize("rule, endpoint, method, role", CASES, ids=[f"{e}-{m}-{r}" for _, e, m, r in CASES])
def test_route_answers_each_role_as_the_policy_says(client, login, world, rule, endpoint, method, role):
    if role != "anonymous":
        login(role)
    response = client.open(fill(rule, world), method=method)
    allowed = role in AUDIENCES[POLICY[endpoint]]
    if allowed:
        assert response.status_code not in (401, 403, 500), response.status_code
        if response.status_code == 302:
            assert "/sign-in" not in response.headers["Location"] or endpoint.startswith(("auth.", "main."))
    elif role == "anonymous":
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    else:
        assert response.status_code == 403
