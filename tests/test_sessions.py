"""A record per signed-in session: signing out ends this one, "sign out everywhere" ends all,
a password change or reset ends the others, and the user can see and end each one."""
from datetime import timedelta

from sqlalchemy import select

from crm.auth.models import User, UserSession
from crm.auth.sessions import describe_device, digest
from tests.factories import PASSWORD

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")


def sign_in(app, user, agent=FIREFOX, address="203.0.113.7"):
    device = app.test_client()
    response = device.post("/sign-in", data={"email": user.email, "password": PASSWORD},
                           headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 302 and "/sign-in" not in response.headers["Location"]
    return device


def signed_in(device) -> bool:
    return device.get("/partnerships/").status_code == 200


def live(session, user) -> list[UserSession]:
    session.expire_all()
    return list(session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                          UserSession.revoked_at.is_(None))))


def stolen_copy(app, device):
    """Another client carrying the same cookies, as a thief who copied them would."""
    thief = app.test_client()
    for cookie in device._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def test_devices_are_described_in_short():
    assert describe_device(FIREFOX) == "Firefox · Windows"
    assert describe_device(IPHONE) == "Safari · iPhone"
    assert describe_device("curl/8.5.0") == "curl/8.5.0"
    assert describe_device(None) == ""
    assert len(describe_device("x" * 5000)) <= 120


def test_signing_in_records_the_session_with_device_and_address_and_only_a_hash(app, make, session):
    user = make.user("coordinator")
    before = {record.id for record in live(session, user)}
    device = sign_in(app, user)
    [record] = [record for record in live(session, user) if record.id not in before]
    assert record.device == "Firefox · Windows" and record.address == "203.0.113.7"
    with device.session_transaction() as flask_session:
        secret = flask_session["_user_id"].split(":", 1)[1]
    assert record.token_hash == digest(secret) and secret not in record.token_hash
    page = device.get("/account/sessions").text
    assert "Firefox · Windows" in page and "This device" in page


def test_signing_out_ends_this_session_only_and_its_stolen_cookie(app, make, session):
    user = make.user("coordinator")
    laptop, phone = sign_in(app, user), sign_in(app, user, agent=IPHONE)
    thief = stolen_copy(app, laptop)
    assert signed_in(thief)
    laptop.post("/sign-out")
    assert not signed_in(laptop) and not signed_in(thief)
    assert signed_in(phone)  # the other device stays signed in


def test_a_stolen_remember_cookie_stops_working_after_sign_out(app, make, session):
    user = make.user("viewer")
    laptop = app.test_client()
    laptop.post("/sign-in", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remember = laptop.get_cookie("remember_token")
    assert remember is not None
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    assert signed_in(thief)
    laptop.post("/sign-out")
    thief = app.test_client()  # a fresh browser session: only the remember cookie
    thief.set_cookie("remember_token", remember.value)
    assert not signed_in(thief)


def test_sign_out_everywhere_ends_every_session(app, make, session):
    user = make.user("coordinator")
    laptop, phone = sign_in(app, user), sign_in(app, user, agent=IPHONE)
    response = laptop.post("/account/sessions/end-all")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    assert not signed_in(laptop) and not signed_in(phone)
    assert live(session, user) == []


def test_ending_one_session_from_the_list_signs_that_device_out(app, make, session):
    user = make.user("viewer")
    laptop, phone = sign_in(app, user), sign_in(app, user, agent=IPHONE)
    phone_record = next(record for record in live(session, user) if record.device == "Safari · iPhone")
    page = laptop.get("/account/sessions").text
    assert "Safari · iPhone" in page and f"/account/sessions/{phone_record.id}/end" in page
    assert laptop.post(f"/account/sessions/{phone_record.id}/end").status_code == 302
    assert not signed_in(phone) and signed_in(laptop)
    assert laptop.post(f"/account/sessions/{phone_record.id}/end").status_code == 404  # already ended


def test_nobody_can_end_another_users_session(app, make, session):
    victim, other = make.user("coordinator"), make.user("viewer")
    victim_device = sign_in(app, victim)
    record = live(session, victim)[-1]
    attacker = sign_in(app, other)
    assert attacker.post(f"/account/sessions/{record.id}/end").status_code == 404
    assert signed_in(victim_device)
    assert f"/account/sessions/{record.id}/end" not in attacker.get("/account/sessions").text


def test_a_password_reset_ends_every_session(app, client, make, session, monkeypatch, tmp_path):
    from crm.auth import resets

    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    user = make.user("viewer")
    laptop = sign_in(app, user)
    with app.test_request_context():
        resets.request_reset(user.email)
        from crm.auth.models import PasswordReset
        from crm.extensions import db

        reset = db.session.scalars(select(PasswordReset)).one()
        assert resets.complete(reset, "a brand new long password")
        db.session.commit()
    assert not signed_in(laptop)
    assert live(session, user) == []


def test_last_use_is_written_at_most_once_a_minute(app, make, session, clock, count_queries):
    user = make.user("viewer")
    device = sign_in(app, user)
    record = live(session, user)[-1]
    first = record.last_used_at
    with count_queries() as counted:
        device.get("/account/sessions")
    assert not any(s.lstrip().upper().startswith("UPDATE USER_SESSIONS") for s in counted.statements)
    clock.shift(timedelta(minutes=2))
    with count_queries() as counted:
        device.get("/account/sessions")
    assert any(s.lstrip().upper().startswith("UPDATE USER_SESSIONS") for s in counted.statements)
    assert live(session, user)[-1].last_used_at >= first + timedelta(minutes=2)


def test_a_deactivated_account_has_no_session(app, make, session):
    user = make.user("coordinator")
    device = sign_in(app, user)
    session.get(User, user.id).active = False
    session.commit()
    assert not signed_in(device)
