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
    "agreements.add_signatory": "editors",
    "agreements.add_text": "editors",
    "agreements.create": "editors",
    "agreements.delete": "editors",
    "agreements.delete_signatory": "editors",
    "agreements.delete_text": "editors",
    "agreements.detail": "staff",
    "agreements.edit": "editors",
    "agreements.edit_text": "editors",
    "agreements.index": "staff",
    "agreements.move": "editors",
    "agreements.renew": "editors",
    "attachments.delete": "editors",
    "attachments.download": "staff",
    "attachments.upload_to_agreement": "editors",
    "attachments.upload_to_engagement": "editors",
    "calendar.create_feed": "staff",
    "calendar.feed": "public",
    "calendar.revoke_feed": "staff",
    "calendar.upcoming": "staff",
    "dashboard.index": "staff",
    "dashboard.portfolio": "staff",
    "exchanges.create": "editors",
    "exchanges.delete": "editors",
    "exchanges.detail": "staff",
    "exchanges.edit": "editors",
    "exchanges.index": "staff",
    "missions.add_delegate": "editors",
    "missions.add_itinerary_item": "editors",
    "missions.add_outcome": "editors",
    "missions.create": "editors",
    "missions.delete": "editors",
    "missions.delete_delegate": "editors",
    "missions.delete_itinerary_item": "editors",
    "missions.delete_outcome": "editors",
    "missions.detail": "staff",
    "missions.edit": "editors",
    "missions.edit_itinerary_item": "editors",
    "missions.index": "staff",
    "projects.add_milestone": "editors",
    "projects.create": "editors",
    "projects.delete": "editors",
    "projects.delete_milestone": "editors",
    "projects.detail": "staff",
    "projects.edit": "editors",
    "projects.edit_milestone": "editors",
    "projects.index": "staff",
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
def world(make, session):
    """One of every record, so every URL parameter has a real id."""
    from datetime import UTC, date, datetime

    from crm.agreements.models import Agreement, AgreementText, Signatory
    from crm.attachments.models import Attachment
    from crm.exchanges.models import Exchange
    from crm.missions.models import Delegate, ItineraryItem, MissionOutcome, TradeMission
    from crm.projects.models import JointProject, Milestone

    partnership = make.partnership(partner=make.city("Kyoto"))
    contact = make.contact(partnership)
    agreement = Agreement(partnership=partnership, kind="mou", title="MOU")
    agreement.texts.append(AgreementText(language="en", body="Text"))
    agreement.signatories.append(Signatory(side="home", name="Mayor"))
    mission = TradeMission(partnership=partnership, title="Mission", direction="outbound",
                           occurred_on=date(2026, 3, 9), ends_on=date(2026, 3, 11))
    mission.itinerary.append(ItineraryItem(starts_at=datetime(2026, 3, 9, 0, tzinfo=UTC),
                                           ends_at=datetime(2026, 3, 9, 1, tzinfo=UTC), timezone="Asia/Tokyo",
                                           title="Visit"))
    mission.delegates.append(Delegate(contact=contact))
    mission.outcomes.append(MissionOutcome(kind="lead", description="Lead"))
    project = JointProject(partnership=partnership, title="Project", theme="health", occurred_on=date(2026, 1, 1))
    project.milestones.append(Milestone(title="Milestone", due_on=date(2026, 6, 1)))
    exchange = Exchange(partnership=partnership, title="Exchange", exchange_kind="youth", direction="both",
                        occurred_on=date(2026, 7, 1), ends_on=date(2026, 7, 9))
    session.add_all([agreement, mission, project, exchange])
    session.flush()
    attachment = Attachment(partnership_id=partnership.id, agreement_id=agreement.id, filename="scan.pdf",
                            stored_name="0" * 32, content_type="application/pdf", size=1, sha256="0" * 64)
    session.add(attachment)
    session.commit()
    return {
        "partnership_id": partnership.id,
        "engagement_id": make.engagement(partnership).id,
        "contact_id": contact.id,
        "organization_id": make.organization(partnership).id,
        "city_id": partnership.partner_city_id,
        "agreement_id": agreement.id, "text_id": agreement.texts[0].id, "signatory_id": agreement.signatories[0].id,
        "mission_id": mission.id, "item_id": mission.itinerary[0].id, "delegate_id": mission.delegates[0].id,
        "outcome_id": mission.outcomes[0].id, "project_id": project.id, "milestone_id": project.milestones[0].id,
        "exchange_id": exchange.id, "attachment_id": attachment.id, "token": "not-a-real-token",
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
