"""Every API error is JSON in the shape the OpenAPI description documents, whatever raised it:
the app's refusals, a database outage (503, not the "try again" page), an unexpected failure (500)."""
import sqlite3

import jsonschema_rs  # comes with schemathesis
import pytest
import sqlalchemy.exc
from werkzeug.exceptions import RequestEntityTooLarge

from crm.api.openapi import openapi_document
from tests.test_api import bearer, give_token


def assert_documented_error(response, status: int, code: str):
    assert response.status_code == status, (response.status_code, response.data[:200])
    assert response.mimetype == "application/json", response.data[:200]
    jsonschema_rs.validate(openapi_document()["components"]["schemas"]["Error"], response.json)
    assert response.json["error"]["status"] == status and response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def outage(*args, **kwargs):
    raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


@pytest.mark.parametrize("where", ["crm.api.queries.partnership_list", "crm.api.bearer.token_for_secret"])
def test_a_database_outage_is_a_json_503_under_the_api(client, make, session, monkeypatch, where):
    secret = give_token(session, make.user("viewer"))
    monkeypatch.setattr(where, outage)
    response = client.get("/api/v1/partnerships", headers=bearer(secret))
    assert_documented_error(response, 503, "unavailable")
    assert int(response.headers["Retry-After"]) > 0


def test_the_web_pages_keep_their_try_again_page(client, login, monkeypatch):
    login("viewer")
    monkeypatch.setattr("crm.dashboard.views.portfolio_snapshot", outage)
    response = client.get("/dashboard")
    assert response.status_code == 503 and response.mimetype == "text/html"


def test_a_schema_behind_the_migrations_is_a_json_500_that_says_so(client, make, session, monkeypatch, caplog):
    secret = give_token(session, make.user("viewer"))

    def missing_table(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: agreements"))

    monkeypatch.setattr("crm.api.queries.agreement_list", missing_table)
    response = client.get("/api/v1/agreements", headers=bearer(secret))
    assert_documented_error(response, 500, "internal_error")
    assert "database update" in response.json["error"]["message"] and "flask db upgrade" in caplog.text


def test_an_unexpected_failure_is_a_json_500(app, client, make, session, monkeypatch):
    secret = give_token(session, make.user("viewer"))

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("crm.api.queries.agreement_list", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    response = client.get("/api/v1/agreements", headers=bearer(secret))
    assert_documented_error(response, 500, "internal_error")
    assert "a bug" not in response.text


@pytest.mark.parametrize("method, url, status, code", [
    ("GET", "/api/v1/nothing-here", 404, "not_found"),
    ("GET", "/api/v2/partnerships", 404, "not_found"),
    ("GET", "/api/v1/partnerships/99999999999999999999", 404, "not_found"),
    ("DELETE", "/api/v1/partnerships", 405, "method_not_allowed"),
    ("PUT", "/api/v1/agreements/1", 405, "method_not_allowed"),
    ("GET", "/api/v1/partnerships?page=x", 400, "invalid_parameter"),
    ("GET", "/api/v1/partnerships", 401, "unauthorized"),
])
def test_the_apps_own_refusals_are_documented_json(client, make, session, method, url, status, code):
    headers = bearer(give_token(session, make.user("viewer"))) if status != 401 else {}
    assert_documented_error(client.open(url, method=method, headers=headers), status, code)


def test_a_body_over_the_limit_is_a_json_413_under_the_api(app):
    with app.test_request_context("/api/v1/partnerships", method="GET"):
        response = app.make_response(app.handle_user_exception(RequestEntityTooLarge()))
    assert_documented_error(response, 413, "payload_too_large")


def test_too_many_requests_is_json_with_retry_after(app, client, make, session):
    secret = give_token(session, make.user("viewer"))
    app.config["API_RATE_LIMIT"] = "1 per minute"
    try:
        client.get("/api/v1/agreements", headers=bearer(secret))
        response = client.get("/api/v1/agreements", headers=bearer(secret))
    finally:
        app.config.pop("API_RATE_LIMIT")
    assert_documented_error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0


def test_an_untrusted_host_is_a_json_400_under_the_api(client):
    response = client.get("/api/v1/partnerships", base_url="http://evil.example")
    assert_documented_error(response, 400, "bad_request")
    assert client.get("/sign-in", base_url="http://evil.example").mimetype == "text/plain"
