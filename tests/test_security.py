"""Headers, health endpoints, sign-in rate limits and CSRF."""
from crm import create_app
from tests.factories import PASSWORD


def test_every_page_sends_security_headers(client):
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_pages_have_no_inline_scripts_or_styles(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    for url in ("/dashboard", f"/partnerships/{partnership.id}", "/partnerships/new"):
        page = client.get(url).text
        assert "<script>" not in page and " style=" not in page and "<style" not in page, url


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json()["database"] == "up"


def test_readiness_says_unavailable_when_the_database_is_down(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                      "SECRET_KEY": "x", "TESTING": True})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["database"] == "down"


def test_sign_in_attempts_are_rate_limited_per_account(client, make):
    user = make.user("viewer")
    for _ in range(10):
        assert client.post("/sign-in", data={"email": user.email, "password": "wrong guess!"}).status_code == 200
    refused = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    # another account from the same address is still allowed
    other = make.user("viewer")
    assert client.post("/sign-in", data={"email": other.email, "password": PASSWORD}).status_code == 302


def test_sign_in_attempts_are_logged(client, make, caplog):
    user = make.user("viewer")
    with caplog.at_level("INFO", logger="crm.auth"):
        client.post("/sign-in", data={"email": user.email, "password": "wrong guess!"})
        client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    messages = [record.getMessage() for record in caplog.records]
    assert any("refused" in m and user.email in m for m in messages)
    assert any("succeeded" in m and user.email in m for m in messages)


def test_state_changing_requests_need_the_csrf_token(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        user = make.user("viewer")
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400 and "expired" in response.text
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_database_outage_gets_a_try_again_page_not_a_500(client, login, monkeypatch):
    import sqlalchemy.exc

    login("viewer")

    def down(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("crm.dashboard.views.portfolio_snapshot", down)
    response = client.get("/dashboard")
    assert response.status_code == 503 and "try again" in response.text
