"""The permission matrix: every route, every role, every method, both partnerships.

Two partnerships (Alphaville and Bravoburg) each get every kind of record,
shared and staff-only, and one guest. Each route is requested with its URL
parameters filled from each partnership's real ids, as anonymous, the guest
of Alphaville, the guest of Bravoburg, a viewer, a coordinator and an admin,
with every method it accepts; the answer must match POLICY below. A route
missing from POLICY fails the test. Every response to a guest is searched
for the other partnership's records and for anything staff-only (all of
which carry "SECRET" in their text), which must never appear.
"""
import importlib
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from crm import create_app

# endpoint -> who may reach it
POLICY = {
    "main.home": "public",
    "auth.sign_in": "public",
    "auth.sign_out": "public",
    "auth.forgot_password": "public",
    "auth.reset_password": "public",
    "auth.two_factor_code": "public",
    "auth.two_factor_enroll": "public",
    "auth.security": "staff",
    "auth.security_enable": "staff",
    "auth.security_disable": "staff",
    "auth.security_recovery_codes": "staff",
    "i18n.switch_language": "public",
    "cities.lookup": "staff",
    "cities.create": "editors",
    "cities.edit": "editors",
    "cities.detail": "staff",
    "cities.confirm_native_name": "editors",
    "cities.emblem": "staff",
    "cities.upload_emblem": "editors",
    "cities.remove_emblem": "editors",
    "partnerships.index": "staff",
    "partnerships.detail": "staff",
    "partnerships.create": "editors",
    "partnerships.edit": "editors",
    "partnerships.archive": "editors",
    "partnerships.restore": "editors",
    "engagements.log": "editors",
    "engagements.edit": "editors",
    "engagements.delete": "editors",
    "engagements.index": "staff",
    "engagements.export": "staff",
    "partnerships.export": "staff",
    "missions.export": "staff",
    "exchanges.export": "staff",
    "projects.export": "staff",
    "agreements.export": "staff",
    "contacts.export_contacts": "staff",
    "contacts.export_organizations": "staff",
    "contacts.contacts": "staff",
    "contacts.create_contact": "editors",
    "contacts.edit_contact": "editors",
    "contacts.organizations": "staff",
    "contacts.create_organization": "editors",
    "contacts.edit_organization": "editors",
    "settings.index": "admins",
    "trash.index": "admins",
    "trash.restore_engagement": "admins",
    "trash.restore_document": "admins",
    "trash.undo_engagement": "editors",
    "trash.undo_document": "editors",
    "settings.update": "admins",
    "settings.add_home": "admins",
    "settings.home_threshold": "admins",
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
    "attachments.change_visibility": "editors",
    "attachments.delete": "editors",
    "attachments.download": "staff+guests",
    "attachments.upload_to_agreement": "editors",
    "attachments.upload_to_engagement": "editors",
    "calendar.create_feed": "staff",
    "calendar.feed": "public",
    "calendar.revoke_feed": "staff",
    "calendar.upcoming": "staff",
    "calendar.month": "staff+guests",
    "preferences.page": "staff",
    "dashboard.index": "staff",
    "dashboard.mark_partner_news_seen": "staff",
    "dashboard.partner_news_mail": "staff",
    "dashboard.portfolio": "staff",
    "maps.world": "staff",
    "exchanges.create": "editors",
    "exchanges.delete": "editors",
    "exchanges.detail": "staff",
    "exchanges.edit": "editors",
    "exchanges.index": "staff",
    "missions.add_delegate": "editors",
    "missions.add_itinerary_item": "editors",
    "missions.reply_to_comment": "editors",
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
    "attachments.upload_to_partnership": "editors",
    "guests.accept": "public",
    "guests.deactivate": "editors",
    "guests.index": "staff",
    "guests.invite": "editors",
    "guests.resend": "editors",
    "guests.revoke": "editors",
    "guests.sent": "editors",
    "audit.index": "admins",
    "users.index": "admins",
    "users.reset_two_factor": "admins",
    "users.show": "admins",
    "users.change_role": "admins",
    "users.deactivate": "admins",
    "users.reactivate": "admins",
    "users.end_session": "admins",
    "users.invite": "admins",
    "users.revoke_invitation": "admins",
    "users.invitation_sent": "admins",
    "staff_invitations.accept": "public",
    "auth.sessions_page": "staff+guests",
    "auth.end_session": "staff+guests",
    "auth.sign_out_everywhere": "staff+guests",
    "health_checks.liveness": "public",
    "health_checks.readiness": "public",
    "documents.agreement": "staff+guests",
    "documents.agreement_archive": "staff",
    "documents.briefing": "staff+guests",
    "documents.profile": "staff",
    "portal.change_password": "guests",
    "portal.comment": "guests",
    "portal.home": "guests",
    "portal.log_engagement": "guests",
    "portal.mission": "guests",
    "portal.partnership": "guests",
    "portal.profile": "guests",
    "portal.upload": "guests",
    "imports.upload": "editors",
    "imports.columns": "editors",
    "imports.job": "editors",
    "imports.status": "editors",
    "imports.resolve": "editors",
    "imports.confirm": "editors",
    "imports.discard": "editors",
    "imports.retry": "editors",
    "exports.status": "staff",
    "exports.progress": "staff",
    "exports.download": "staff",
    "api.partnerships": "token",
    "api.partnership": "token",
    "api.partnership_engagements": "token",
    "api.engagements": "token",
    "api.engagement": "token",
    "api.agreements": "token",
    "api.agreement": "token",
    "api.openapi": "public",
    "api_tokens.account": "staff+guests",
    "api_tokens.revoke_own": "staff+guests",
    "api_tokens.admin_index": "admins",
    "api_tokens.admin_revoke": "admins",
    "search.results": "staff",
    "agreements.new": "editors",
    "missions.new": "editors",
    "exchanges.new": "editors",
    "projects.new": "editors",
    "bulk.archive_partnerships": "editors",
    "bulk.assign_liaison": "editors",
    "bulk.export_partnerships": "editors",
    "bulk.share_engagements": "editors",
    "bulk.hide_engagements": "editors",
    "bulk.export_contacts": "editors",
}
#: each governance capability's part of the matrix, in a file of its own (tests/access_<name>.py)
GOVERNANCE_PARTS = [importlib.import_module(f"tests.access_{name}")
                    for name in ("plans", "reviews", "commitments", "reminders", "negotiation", "reports",
                                 # issue 22: people, delegations and protocol
                                 "people", "privacy", "protocol", "rosters", "costs", "gifts", "letters", "hosting",
                                 # issue 23: the public face
                                 "public", "wikidata")]
for _part in GOVERNANCE_PARTS:
    POLICY.update(_part.POLICY)


AUDIENCES = {
    "public": {"anonymous", "guest_a", "guest_b", "viewer", "coordinator", "admin"},
    "staff": {"viewer", "coordinator", "admin"},
    "editors": {"coordinator", "admin"},
    "admins": {"admin"},
    "guests": {"guest_a", "guest_b"},
    "staff+guests": {"viewer", "coordinator", "admin", "guest_a", "guest_b"},
    # the JSON API: only a bearer token opens it, never a session, so every role here gets a 401
    "token": set(),
    # the public face: everyone alike, and only what is published (Alpha's partnership; never Bravo's)
    "published": {"anonymous", "guest_a", "guest_b", "viewer", "coordinator", "admin"},
}
ROLES = ["anonymous", "guest_a", "guest_b", "viewer", "coordinator", "admin"]
OTHER_SIDE = {"guest_a": "Bravo", "guest_b": "Alpha"}

_collection_app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collect"})
RULES = [rule for rule in _collection_app.url_map.iter_rules() if rule.endpoint != "static"]
CASES = [(rule.rule, rule.endpoint, method) for rule in RULES
         for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


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


def build_side(make, session, prefix: str, country: str):
    """Every kind of record for one partnership; staff-only ones say SECRET."""
    from crm.agreements.models import Agreement, AgreementText, Signatory
    from crm.attachments.models import Attachment
    from crm.engagements.models import Visibility
    from crm.guests.models import GuestAccess, Invitation
    from crm.programs.exchanges.models import Exchange
    from crm.programs.missions.models import Delegate, ItineraryComment, ItineraryItem, MissionOutcome, TradeMission
    from crm.programs.projects.models import JointProject, Milestone

    shared, secret = Visibility.SHARED, Visibility.STAFF_ONLY
    partnership = make.partnership(partner=make.city(f"{prefix}ville", country_code=country),
                                   staff_notes=f"{prefix} SECRET staff note", summary=f"{prefix} shared summary")
    contact = make.contact(partnership, name=f"{prefix} Contact", email=f"{prefix.lower()}@partner.example")
    make.contact(partnership, name=f"{prefix} SECRET contact", visibility=secret)
    engagement = make.engagement(partnership, title=f"{prefix} shared meeting", notes=f"{prefix} notes")
    make.engagement(partnership, title=f"{prefix} SECRET staff-only meeting", visibility=secret)
    agreement = Agreement(partnership=partnership, kind="mou", title=f"{prefix} agreement", status="signed",
                          signed_on=date(2024, 5, 1), notes=f"{prefix} SECRET agreement note")
    agreement.texts.append(AgreementText(language="en", body=f"{prefix} agreement text"))
    agreement.signatories.append(Signatory(side="home", name=f"{prefix} Mayor"))
    draft = Agreement(partnership=partnership, kind="addendum", title=f"{prefix} SECRET draft agreement")
    soon = date.today() + timedelta(days=20)
    mission = TradeMission(partnership=partnership, title=f"{prefix} mission", direction="outbound",
                           occurred_on=soon, ends_on=soon + timedelta(days=2), notes=f"{prefix} mission notes")
    mission.itinerary.append(ItineraryItem(starts_at=datetime.combine(soon, datetime.min.time(), tzinfo=UTC),
                                           ends_at=datetime.combine(soon, datetime.min.time(), tzinfo=UTC)
                                           + timedelta(hours=1), timezone="UTC", title=f"{prefix} visit"))
    mission.delegates.append(Delegate(contact=contact, role="lead"))
    mission.outcomes.append(MissionOutcome(kind="lead", description=f"{prefix} lead"))
    secret_mission = TradeMission(partnership=partnership, title=f"{prefix} SECRET mission", direction="inbound",
                                  occurred_on=soon, ends_on=soon, visibility=secret)
    project = JointProject(partnership=partnership, title=f"{prefix} project", theme="health",
                           occurred_on=date(2025, 1, 1))
    project.milestones.append(Milestone(title=f"{prefix} milestone", due_on=soon))
    exchange = Exchange(partnership=partnership, title=f"{prefix} exchange", exchange_kind="youth",
                        direction="both", occurred_on=soon, ends_on=soon + timedelta(days=5))
    session.add_all([agreement, draft, mission, secret_mission, project, exchange])
    session.flush()
    attachments = [
        Attachment(partnership_id=partnership.id, agreement_id=agreement.id, filename=f"{prefix}-scan.pdf",
                   stored_name=(prefix[0].lower() + "1").ljust(32, "0"), content_type="application/pdf", size=1,
                   sha256="0" * 64),
        Attachment(partnership_id=partnership.id, engagement_id=engagement.id, filename=f"{prefix}-minutes.pdf",
                   stored_name=(prefix[0].lower() + "2").ljust(32, "0"), content_type="application/pdf", size=1,
                   sha256="0" * 64),
    ]
    session.add_all(attachments)
    guest = make.user("guest", name=f"{prefix} Guest", email=f"guest.{prefix.lower()}@partner.example")
    access = GuestAccess(user=guest, partnership=partnership, contact=contact)
    invitation = Invitation(partnership=partnership, contact=contact, email=contact.email,
                            token_hash=prefix.lower().ljust(64, "0"), expires_at=datetime.now(UTC) + timedelta(days=7))
    session.add_all([access, invitation])
    session.flush()
    from crm.api.models import ApiToken
    from crm.api.tokens import digest
    api_token = ApiToken(user=guest, name=f"{prefix} open data", token_hash=digest(f"{prefix} token"),
                         prefix="scc_" + prefix[:8])
    session.add(api_token)
    comment = ItineraryComment(item_id=mission.itinerary[0].id, partnership_id=partnership.id, author=guest,
                               body=f"{prefix} comment")
    session.add(comment)
    session.commit()
    ids = {
        "partnership_id": partnership.id, "engagement_id": engagement.id, "contact_id": contact.id,
        "organization_id": make.organization(partnership, name=f"{prefix} University").id,
        "city_id": partnership.partner_city_id, "agreement_id": agreement.id, "text_id": agreement.texts[0].id,
        "signatory_id": agreement.signatories[0].id, "mission_id": mission.id, "item_id": mission.itinerary[0].id,
        "delegate_id": mission.delegates[0].id, "outcome_id": mission.outcomes[0].id, "project_id": project.id,
        "milestone_id": project.milestones[0].id, "exchange_id": exchange.id, "attachment_id": attachments[0].id,
        "invitation_id": invitation.id, "access_id": access.id, "token": "not-a-real-token",
        "token_id": api_token.id, "comment_id": comment.id,
    }
    records = {"partnership": partnership, "agreement": agreement, "draft": draft, "mission": mission,
               "project": project, "exchange": exchange, "engagement": engagement, "contact": contact,
               "guest": guest, "ids": ids}
    for part in GOVERNANCE_PARTS:
        ids.update(part.build(make, session, prefix, records))
    session.commit()
    return ids, guest


@pytest.fixture
def world(app, make, session, tmp_path, monkeypatch):
    make.home_city()
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))  # the public photos' files
    with app.app_context():
        alpha, guest_a = build_side(make, session, "Alpha", "JP")
        bravo, guest_b = build_side(make, session, "Bravo", "EG")
    users = {"guest_a": guest_a, "guest_b": guest_b}
    for role in ("viewer", "coordinator", "admin"):
        users[role] = make.user(role)
    alpha["user_id"] = bravo["user_id"] = users["coordinator"].id
    alpha["session_id"] = bravo["session_id"] = users["coordinator"].current_session_id
    return {"alpha": alpha, "bravo": bravo, "users": users}


def fill(rule: str, ids: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)


def sign_in_as(client, user):
    with client.session_transaction() as flask_session:
        flask_session.clear()
        if user is not None:
            flask_session["_user_id"] = user.get_id()
            flask_session["_fresh"] = True


@pytest.mark.parametrize("rule, endpoint, method", CASES, ids=[f"{e}-{m}" for _, e, m in CASES])
def test_route_answers_every_role_as_the_policy_says(app, client, world, _transaction, rule, endpoint, method):
    audience = AUDIENCES[POLICY[endpoint]]
    has_ids = "<" in rule.replace("<lang>", "")  # a page's language is no record of either side
    checked = 0
    for role in ROLES:
        for side in ("alpha", "bravo") if has_ids else ("alpha",):
            url = fill(rule, world[side])
            savepoint = _transaction.begin_nested()  # each request starts from the same world
            try:
                sign_in_as(client, world["users"].get(role))
                response = client.open(url, method=method)
                body = response.get_data(as_text=True) if response.mimetype.startswith("text/") or (
                    POLICY[endpoint] == "published" and not response.mimetype.startswith("image/")) else ""
            finally:
                savepoint.rollback()
            case = f"{role} {method} {url} → {response.status_code}"
            own_side = {"guest_a": "alpha", "guest_b": "bravo"}.get(role)
            if POLICY[endpoint] == "token":
                assert response.status_code == 401 and response.is_json, case
            elif POLICY[endpoint] == "published":
                # The same answer for everyone: Alpha's published pages, a 404 for anything of Bravo's.
                assert response.status_code == (404 if side == "bravo" else 200) or (
                    not has_ids and response.status_code == 302), case
                assert "Bravo" not in body, f"{case}: shows an unpublished partnership"
                assert "SECRET" not in body, f"{case}: shows something staff-only"
            elif role == "anonymous":
                if "anonymous" in audience:
                    assert response.status_code not in (401, 403, 500), case
                else:
                    assert response.status_code == 302 and "/sign-in" in response.headers["Location"], case
            elif role in OTHER_SIDE:
                if role not in audience or (has_ids and side != own_side and "public" not in POLICY[endpoint]):
                    assert response.status_code == 404, case
                else:
                    assert response.status_code not in (401, 403, 500), case
                assert OTHER_SIDE[role] not in body, f"{case}: shows the other partnership"
                assert "SECRET" not in body, f"{case}: shows something staff-only"
            elif role in audience:
                assert response.status_code not in (401, 403, 500), case
            else:
                assert response.status_code == 403, case
            checked += 1
    assert checked


def test_the_matrix_covers_every_route_role_and_method():
    """The figure reported when resolving: (route, role, method) cases, each for both partnerships' ids."""
    assert len(CASES) * len(ROLES) > 500
