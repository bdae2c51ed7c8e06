from crm.auth.models import User
from crm.cities.models import City
from crm.engagements.models import Engagement
from crm.partnerships.models import Partnership
from crm.roles import Role


def test_seed_demo_loads_a_realistic_portfolio_once(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["crm", "seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.example" in first.output
    partnerships = session.query(Partnership).count()
    engagements = session.query(Engagement).count()
    assert partnerships >= 15 and engagements > 300
    cities = session.query(City).all()
    continents = {"JP", "EG", "MX", "BR", "NZ", "IT"} & {c.country_code for c in cities}
    assert len(continents) >= 6
    assert {"京都", "القاهرة", "Москва"} <= {c.native_name for c in cities}
    assert {u.email for u in session.query(User)} >= {"admin@demo.example", "coordinator@demo.example",
                                                        "viewer@demo.example"}
    second = runner.invoke(args=["crm", "seed-demo"])
    assert second.exit_code == 0 and "already there" in second.output
    assert session.query(Partnership).count() == partnerships
    assert session.query(Engagement).count() == engagements


def test_demo_accounts_sign_in_with_the_documented_password(app, client, session):
    app.test_cli_runner().invoke(args=["crm", "seed-demo"])
    for email in ("admin@demo.example", "coordinator@demo.example", "viewer@demo.example"):
        response = client.post("/sign-in", data={"email": email, "password": "sister-cities-demo"})
        assert response.status_code == 302, email
        client.post("/sign-out")


def test_create_admin_asks_for_the_password_without_echoing(app, session):
    result = app.test_cli_runner().invoke(
        args=["crm", "create-admin", "--email", "Chief@City.example", "--name", "Chief"],
        input="short\nshort\na sturdy passphrase\na sturdy passphrase\n")
    assert result.exit_code == 0, result.output
    assert "a sturdy passphrase" not in result.output
    assert "Use at least 10 characters." in result.output
    user = session.query(User).filter_by(email="chief@city.example").one()
    assert user.role == Role.ADMIN and user.check_password("a sturdy passphrase")


def test_create_admin_refuses_a_duplicate(app, make):
    user = make.user("admin")
    result = app.test_cli_runner().invoke(args=["crm", "create-admin", "--email", user.email, "--name", "X"])
    assert result.exit_code != 0 and "exists already" in result.output
