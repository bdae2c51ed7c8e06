"""The read-only JSON API: tokens, authentication, scoping, pagination, filters,
and the OpenAPI description checked against the running app by schemathesis."""
import hashlib
import re
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from crm.api.models import ApiToken
from crm.api.tokens import digest
from tests.test_access import build_side

TOKEN_SHAPE = re.compile(r"scc_[A-Za-z0-9_-]{43}")


def give_token(session, user, name="tests") -> str:
    secret = "scc_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=digest(secret), prefix=secret[:12]))
    session.commit()
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(make, session):
    make.home_city()
    alpha, guest_a = build_side(make, session, "Alpha", "JP")
    bravo, guest_b = build_side(make, session, "Bravo", "EG")
    return {"alpha": alpha, "bravo": bravo, "guest_a": guest_a, "guest_b": guest_b}


def get(client, url, secret, **params):
    response = client.get(url, headers=bearer(secret), query_string=params)
    assert response.is_json, (url, response.status_code, response.data[:200])
    return response


# -- tokens -------------------------------------------------------------------------------------------------------

def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(client, login, session):
    user = login("viewer")
    response = client.post("/account/api-tokens", data={"name": "open-data portal"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    shown = TOKEN_SHAPE.findall(response.text)
    assert shown, "the new secret is on the page"
    secret = shown[0]
    token = session.query(ApiToken).filter_by(user_id=user.id).one()
    assert token.name == "open-data portal"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12] and secret not in (token.token_hash, token.prefix, token.name)
    # shown once: the page never shows it again, only its first characters
    again = client.get("/account/api-tokens").text
    assert secret not in again and token.prefix in again
    assert get(client, "/api/v1/partnerships", secret).status_code == 200
    session.refresh(token)
    assert token.last_used_at is not None


def test_a_token_needs_a_name(client, login, session):
    user = login("viewer")
    response = client.post("/account/api-tokens", data={"name": "  "})
    assert response.status_code == 422
    assert session.query(ApiToken).filter_by(user_id=user.id).count() == 0


def test_the_audit_trail_records_tokens_without_their_hash(client, login, session):
    from crm.audit.models import AuditEvent

    login("coordinator")
    client.post("/account/api-tokens", data={"name": "audited"})
    event = session.query(AuditEvent).filter_by(record_type="api_tokens").one()
    assert event.changes["token_hash"] == [None, "•••"]


def test_the_owner_revokes_a_token(client, login, session):
    user = login("viewer")
    secret = give_token(session, user)
    token = session.query(ApiToken).filter_by(user_id=user.id).one()
    assert client.get(f"/account/api-tokens/{token.id}/revoke").status_code == 200  # asks first
    response = client.post(f"/account/api-tokens/{token.id}/revoke")
    assert response.status_code == 302
    session.refresh(token)
    assert token.revoked_at is not None
    response = get(client, "/api/v1/partnerships", secret)
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_nobody_revokes_another_users_token_from_their_account(client, login, make, session):
    secret = give_token(session, make.user("viewer"))
    token = session.query(ApiToken).one()
    login("admin")  # even an admin: that page is for their own tokens
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    assert get(client, "/api/v1/partnerships", secret).status_code == 200


def test_an_admin_sees_and_revokes_every_users_token(client, login, make, session, world):
    secret = give_token(session, world["guest_a"], name="partner feed")
    give_token(session, make.user("coordinator", name="Carla Coordinator"), name="dashboard")
    token = session.query(ApiToken).filter_by(name="partner feed").one()
    login("admin")
    page = client.get("/admin/api-tokens").text
    assert "partner feed" in page and "Carla Coordinator" in page and "Alpha Guest" in page
    assert "Carla Coordinator" not in client.get("/admin/api-tokens?q=alpha").text
    assert client.get(f"/admin/api-tokens/{token.id}/revoke").status_code == 200
    assert client.post(f"/admin/api-tokens/{token.id}/revoke").status_code == 302
    assert get(client, "/api/v1/partnerships", secret).status_code == 401
    assert "partner feed" in client.get("/admin/api-tokens?state=revoked").text
    assert "partner feed" not in client.get("/admin/api-tokens").text


def test_a_deactivated_users_tokens_stop_working(client, make, session):
    user = make.user("viewer")
    secret = give_token(session, user)
    assert get(client, "/api/v1/partnerships", secret).status_code == 200
    user.active = False
    session.commit()
    assert get(client, "/api/v1/partnerships", secret).status_code == 401


def test_guests_manage_their_own_tokens(client, login, world):
    login(world["guest_a"])
    page = client.get("/account/api-tokens")
    assert page.status_code == 200 and "Alpha open data" in page.text and "Bravo" not in page.text


# -- authentication -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-token",
                                    "Bearer scc_" + "A" * 43, "Token scc_" + "A" * 43])
def test_missing_or_wrong_tokens_get_a_401(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/partnerships", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["error"]["code"] == "unauthorized"


def test_a_session_cookie_does_not_open_the_api(client, login):
    login("admin")
    response = client.get("/api/v1/partnerships")
    assert response.status_code == 401 and response.is_json


def test_a_token_is_the_user_even_with_someone_elses_session(client, login, session, world):
    login("admin")
    secret = give_token(session, world["guest_a"])
    ids = [p["id"] for p in get(client, "/api/v1/partnerships", secret).json["items"]]
    assert ids == [world["alpha"]["partnership_id"]]


def test_the_openapi_description_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert set(document["paths"]) == {"/partnerships", "/partnerships/{partnership_id}",
                                      "/partnerships/{partnership_id}/engagements", "/engagements",
                                      "/engagements/{engagement_id}", "/agreements", "/agreements/{agreement_id}",
                                      "/open-data/partnerships.json", "/open-data/partnerships.csv"}


def test_unknown_api_addresses_and_methods_answer_in_json(client, make, session):
    secret = give_token(session, make.user("viewer"))
    response = client.get("/api/v1/nothing-here", headers=bearer(secret))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    response = client.post("/api/v1/partnerships", headers=bearer(secret))
    assert response.status_code == 405 and "GET" in response.headers["Allow"] and response.is_json


def test_each_token_has_its_own_rate_limit(app, client, make, session):
    first, second = give_token(session, make.user("viewer")), give_token(session, make.user("viewer"))
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [get(client, "/api/v1/agreements", first).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert get(client, "/api/v1/partnerships", first).json["error"]["code"] == "too_many_requests"
        assert get(client, "/api/v1/partnerships", second).status_code == 200
    finally:
        app.config.pop("API_RATE_LIMIT")


# -- scope --------------------------------------------------------------------------------------------------------

def test_a_guest_token_sees_only_its_partnership_and_what_is_shared(client, session, world):
    secret = give_token(session, world["guest_a"])
    alpha, bravo = world["alpha"], world["bravo"]

    partnerships = get(client, "/api/v1/partnerships", secret).json
    assert [p["id"] for p in partnerships["items"]] == [alpha["partnership_id"]]
    only = partnerships["items"][0]
    assert "staff_notes" not in only and "health" not in only and "liaison" not in only
    assert only["summary"] == "Alpha shared summary"
    assert get(client, f"/api/v1/partnerships/{bravo['partnership_id']}", secret).status_code == 404

    engagements = get(client, "/api/v1/engagements", secret, per_page=100).json["items"]
    assert engagements and {e["partnership_id"] for e in engagements} == {alpha["partnership_id"]}
    assert all("visibility" not in e for e in engagements)
    assert get(client, f"/api/v1/engagements/{bravo['engagement_id']}", secret).status_code == 404
    assert get(client, f"/api/v1/engagements/{alpha['engagement_id']}", secret).status_code == 200
    assert get(client, f"/api/v1/partnerships/{bravo['partnership_id']}/engagements", secret).status_code == 404
    assert get(client, "/api/v1/engagements", secret, partnership=bravo["partnership_id"]).json["items"] == []

    agreements = get(client, "/api/v1/agreements", secret).json["items"]
    # not the draft; the agreement in negotiation is shared with the partner (issue 21)
    assert sorted(a["id"] for a in agreements) == sorted([alpha["agreement_id"], alpha["negotiated_agreement_id"]])
    assert "notes" not in agreements[0]
    detail = get(client, f"/api/v1/agreements/{alpha['agreement_id']}", secret).json
    assert detail["texts"][0]["body"] == "Alpha agreement text" and "notes" not in detail
    assert get(client, f"/api/v1/agreements/{bravo['agreement_id']}", secret).status_code == 404

    everything = "".join(get(client, url, secret, per_page=100).text for url in (
        "/api/v1/partnerships", "/api/v1/engagements", "/api/v1/agreements",
        f"/api/v1/partnerships/{alpha['partnership_id']}", f"/api/v1/agreements/{alpha['agreement_id']}",
        f"/api/v1/partnerships/{alpha['partnership_id']}/engagements"))
    assert "SECRET" not in everything and "Bravo" not in everything


def test_staff_only_records_are_404_for_a_guest_token(client, session, world):
    from crm.agreements.models import Agreement
    from crm.engagements.models import Engagement

    secret = give_token(session, world["guest_a"])
    hidden = session.query(Engagement).filter(Engagement.title == "Alpha SECRET staff-only meeting").one()
    draft = session.query(Agreement).filter(Agreement.title == "Alpha SECRET draft agreement").one()
    assert get(client, f"/api/v1/engagements/{hidden.id}", secret).status_code == 404
    assert get(client, f"/api/v1/agreements/{draft.id}", secret).status_code == 404


def test_a_guest_whose_access_ended_sees_nothing(client, session, world):
    from crm.guests.models import GuestAccess

    secret = give_token(session, world["guest_a"])
    session.query(GuestAccess).filter_by(user_id=world["guest_a"].id).update({"active": False})
    session.commit()
    assert get(client, "/api/v1/partnerships", secret).json["items"] == []
    assert get(client, "/api/v1/engagements", secret).json["items"] == []


def test_a_viewer_token_sees_what_the_web_list_shows(client, login, make, session, world):
    from crm.partnerships.models import Partnership

    archived = make.partnership(partner=make.city("Gone City"), archived_at=datetime.now(UTC))
    viewer = make.user("viewer")
    secret = give_token(session, viewer)
    items = get(client, "/api/v1/partnerships", secret).json["items"]
    # the matrix's two partnerships, and those its parts add (a person linked to a second partnership)
    live = {p.id for p in session.query(Partnership) if p.archived_at is None}
    assert {p["id"] for p in items} == live >= {world["alpha"]["partnership_id"], world["bravo"]["partnership_id"]}
    login(viewer)
    web = client.get("/partnerships/").text
    for partnership in session.query(Partnership):
        assert (partnership.partner_city.name in web) == (partnership.id in {p["id"] for p in items})
    assert archived.id not in {p["id"] for p in items}
    assert get(client, f"/api/v1/partnerships/{archived.id}", secret).json["archived"] is True

    alpha = next(p for p in items if p["id"] == world["alpha"]["partnership_id"])
    assert alpha["staff_notes"] == "Alpha SECRET staff note"
    assert alpha["health"]["state"] in {"ceremonial", "at_risk", "new", "healthy"}
    engagements = get(client, "/api/v1/engagements", secret, per_page=100).json["items"]
    assert "Alpha SECRET staff-only meeting" in {e["title"] for e in engagements}
    statuses = {a["status"] for a in get(client, "/api/v1/agreements", secret).json["items"]}
    assert "draft" in statuses


def test_the_health_reason_is_in_english_whatever_the_users_language(client, make, session):
    make.home_city()
    make.partnership(partner=make.city("Kyoto"), established_on=date(2015, 1, 1))
    secret = give_token(session, make.user("viewer", language="es"))
    health = get(client, "/api/v1/partnerships", secret).json["items"][0]["health"]
    assert health["state"] == "ceremonial"
    assert health["reason"].startswith("No substantive engagement since it was established on January 1, 2015")


# -- shape, pagination, filters -----------------------------------------------------------------------------------

def test_every_endpoint_answers_with_its_documented_fields(client, make, session, world):
    secret = give_token(session, make.user("admin"))
    alpha = world["alpha"]
    partnership = get(client, f"/api/v1/partnerships/{alpha['partnership_id']}", secret).json
    assert set(partnership) == {"id", "url", "kind", "status", "established_on", "home_city", "partner_city",
                                "priorities", "summary", "archived", "created_at", "updated_at", "staff_notes",
                                "threshold_months", "liaison", "health"}
    assert set(partnership["partner_city"]) == {"id", "name", "native_name", "country_code", "region", "lat",
                                                "lng", "timezone"}
    assert partnership["partner_city"]["name"] == "Alphaville"
    assert partnership["partner_city"]["country_code"] == "JP"
    assert partnership["created_at"].endswith("Z")
    assert partnership["url"].endswith(f"/api/v1/partnerships/{alpha['partnership_id']}")
    assert set(partnership["health"]) == {"state", "reason", "threshold_months"}

    engagement = get(client, f"/api/v1/engagements/{alpha['mission_id']}", secret).json
    assert engagement["record_type"] == "trade_mission" and engagement["kind"] == "trade_mission"
    assert date.fromisoformat(engagement["ends_on"]) > date.fromisoformat(engagement["occurred_on"])
    assert engagement["planned"] is True and engagement["visibility"] == "shared"

    agreement = get(client, f"/api/v1/agreements/{alpha['agreement_id']}", secret).json
    assert agreement["signed_on"] == "2024-05-01" and agreement["languages"] == ["en"]
    assert agreement["signatories"] == [{"side": "home", "name": "Alpha Mayor", "title": None, "city": None}]
    assert agreement["notes"] == "Alpha SECRET agreement note"

    for url in ("/api/v1/partnerships", "/api/v1/engagements", "/api/v1/agreements",
                f"/api/v1/partnerships/{alpha['partnership_id']}/engagements"):
        listing = get(client, url, secret).json
        assert set(listing) == {"items", "page", "per_page", "total", "pages", "next", "prev"}, url
        assert listing["items"], url


def test_lists_page_with_next_and_link_headers(client, make, session, world):
    secret = give_token(session, make.user("viewer"))
    for n in range(3):
        make.partnership(partner=make.city(f"Extra {n}", country_code="FR"))
    first = get(client, "/api/v1/partnerships", secret, per_page=2, country="FR")
    body = first.json
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 2, 3, 2)
    assert body["prev"] is None and "page=2" in body["next"] and "country=FR" in body["next"]
    assert 'rel="next"' in first.headers["Link"] and 'rel="last"' in first.headers["Link"]
    second = client.get(body["next"], headers=bearer(secret)).json
    assert len(second["items"]) == 1 and second["next"] is None and "page=1" in second["prev"]
    seen = {p["id"] for p in body["items"]} | {p["id"] for p in second["items"]}
    assert len(seen) == 3
    past = get(client, "/api/v1/partnerships", secret, page=9).json
    assert past["items"] == [] and past["page"] == 9


@pytest.mark.parametrize("params, parameter", [
    ({"per_page": 101}, "per_page"), ({"page": 0}, "page"), ({"page": "two"}, "page"),
    ({"status": "lively"}, "status"), ({"country": "Japan"}, "country"),
    ({"updated_since": "yesterday"}, "updated_since"), ({"updated_since": "2025-02-30T00:00:00Z"}, "updated_since"),
    ({"page": ""}, "page"), ({"stauts": "active"}, "stauts"),
])
def test_bad_parameters_are_named_in_a_400(client, make, session, params, parameter):
    secret = give_token(session, make.user("viewer"))
    response = get(client, "/api/v1/partnerships", secret, **params)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_parameter" and response.json["error"]["parameter"] == parameter


def test_partnership_filters(client, make, session, world):
    secret = give_token(session, make.user("viewer"))
    kyoto = make.partnership(partner=make.city("Kyoto", native_name="京都市", country_code="JP"),
                             status="suspended")

    def ids(**params):
        return {p["id"] for p in get(client, "/api/v1/partnerships", secret, **params).json["items"]}

    assert ids(status="suspended") == {kyoto.id}
    assert ids(country="eg") == {world["bravo"]["partnership_id"]}
    assert ids(q="京都") == {kyoto.id}
    assert ids(q="kyo") == {kyoto.id}
    assert ids(updated_since="2999-01-01T00:00:00Z") == set()
    assert kyoto.id in ids(updated_since=(datetime.now(UTC) - timedelta(hours=1)).isoformat())


def test_engagement_and_agreement_filters(client, make, session, world):
    from crm.partnerships.models import Partnership

    secret = give_token(session, make.user("viewer"))
    alpha = world["alpha"]
    partnership = session.get(Partnership, alpha["partnership_id"])
    make.engagement(partnership, title="Old letter", kind="letter", occurred_on=date(2010, 6, 1))

    def titles(url="/api/v1/engagements", **params):
        return [e["title"] for e in get(client, url, secret, per_page=100, **params).json["items"]]

    assert titles(kind="letter") == ["Old letter"]
    assert titles(to="2010-12-31") == ["Old letter"]
    assert "Old letter" not in titles(**{"from": "2011-01-01"})
    assert set(titles(partnership=world["bravo"]["partnership_id"])) == {
        "Bravo shared meeting", "Bravo SECRET staff-only meeting", "Bravo mission", "Bravo SECRET mission",
        "Bravo project", "Bravo exchange", "Bravo SECRET staff-only visit",  # the rosters' part
        "Bravo SECRET staff-only engagement marked public"}  # the public face's part
    assert "Old letter" in titles(f"/api/v1/partnerships/{alpha['partnership_id']}/engagements")
    assert titles(f"/api/v1/partnerships/{alpha['partnership_id']}/engagements", kind="letter") == ["Old letter"]
    assert get(client, "/api/v1/engagements", secret, **{"from": "2010-13-01"}).status_code == 400

    drafts = get(client, "/api/v1/agreements", secret, status="draft").json["items"]
    assert {a["title"] for a in drafts} == {"Alpha SECRET draft agreement", "Bravo SECRET draft agreement"}
    mine = get(client, "/api/v1/agreements", secret, partnership=alpha["partnership_id"], kind="mou").json["items"]
    assert [a["title"] for a in mine] == ["Alpha agreement"]


def test_a_list_costs_the_same_queries_whatever_its_length(client, make, session, count_queries, world):
    secret = give_token(session, make.user("viewer"))

    def cost() -> int:
        with count_queries() as counter:
            assert get(client, "/api/v1/partnerships", secret, per_page=100).status_code == 200
            assert get(client, "/api/v1/engagements", secret, per_page=100).status_code == 200
        return counter.count

    cost()  # the first use of a token also records when it was used
    few = cost()
    for n in range(6):
        partnership = make.partnership(partner=make.city(f"More {n}"), priorities=["trade"])
        make.engagement(partnership)
    assert cost() == few


# -- the OpenAPI description against the running app --------------------------------------------------------------

@pytest.mark.parametrize("who, mode", [("admin", "positive"), ("guest", "positive"), ("admin", "negative")])
def test_the_openapi_description_holds_against_the_running_app(app, make, session, world, who, mode):
    """Valid requests as staff and as a guest, and invalid ones (which must be refused with a 4xx), each
    answer as described: status, content type, headers and body schema (the default checks)."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    from crm.extensions import limiter

    user = make.user("admin") if who == "admin" else world["guest_a"]
    headers = bearer(give_token(session, user))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    real = {"partnership_id": world["alpha"]["partnership_id"], "engagement_id": world["alpha"]["mission_id"],
            "agreement_id": world["alpha"]["agreement_id"]}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/open-data/"):
            continue  # served beside the API, not under /api/v1: tests/test_open_data.py checks them
        strategy = operation.as_strategy(generation_mode=GenerationMode(mode))
        names = [name for name in real if f"{{{name}}}" in operation.path]
        if names:  # generated ids are almost never real: half the cases use a record that exists
            strategy = st.one_of(strategy, operation.as_strategy(generation_mode=GenerationMode(mode),
                                                                 path_parameters={n: real[n] for n in names}))

        @settings(max_examples=25, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def conforms(case):
            limiter.reset()
            # a negative case that leaves out the required Authorization header must go without it: adding ours
            # back would make the request valid, and its acceptance would be reported as a failure
            missing = mode == "negative" and "authorization" not in {name.lower() for name in case.headers or {}}
            case.call_and_validate(headers={} if missing else headers)

        conforms()
        operations += 1
    assert operations == 7
