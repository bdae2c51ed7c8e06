"""Two-factor sign-in: enrolment, single-use codes, recovery codes, limits, the office requirement, admin reset."""
import email
import email.policy
import json
import re
import time
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.auth import pending, two_factor
from crm.auth.models import User
from crm.extensions import db
from crm.settings.models import OfficeSettings
from tests.factories import PASSWORD


def enrol(session, user, last_step=None) -> list[str]:
    """Turn two-factor sign-in on for user directly; returns the recovery codes."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = datetime.now(UTC)
    user.totp_last_step = last_step
    codes = two_factor.new_recovery_codes(user)
    session.commit()
    return codes


def require_two_factor(session, required=True):
    settings = session.get(OfficeSettings, 1) or OfficeSettings(id=1)
    settings.require_two_factor = required
    session.add(settings)
    session.commit()


def code_now(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def wrong_code(secret: str) -> str:
    """Six digits that are not a code of this secret anywhere near now."""
    totp, now = pyotp.TOTP(secret), time.time()
    near = {totp.at(now + offset) for offset in range(-90, 91, 30)}
    return next(candidate for candidate in ("000000", "111111", "222222") if candidate not in near)


def password_step(client, user, **extra):
    return client.post("/sign-in", data={"email": user.email, "password": PASSWORD, **extra})


def signed_in(client) -> bool:
    with client.session_transaction() as flask_session:
        return "_user_id" in flask_session


def fresh(session, user) -> User:
    session.expire_all()
    return session.get(User, user.id)


# The plain functions


def test_codes_are_accepted_one_step_either_side_and_only_once(app_ctx, make):
    user = make.user("viewer")
    user_id = user.id
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = 1_900_000_000.0
    step = totp.timecode(now)
    app_user = db.session.get(User, user_id)
    two_factor.enable(app_user, secret, step - 3)
    assert not two_factor.verify(app_user, totp.at(now - 60), at=now)  # two steps old
    assert not two_factor.verify(app_user, totp.at(now + 60), at=now)  # two steps ahead
    assert not two_factor.verify(app_user, "12345", at=now) and not two_factor.verify(app_user, "", at=now)
    assert two_factor.verify(app_user, totp.at(now - 30), at=now)  # the previous step: clocks drift
    assert two_factor.verify(app_user, totp.at(now), at=now)
    assert not two_factor.verify(app_user, totp.at(now), at=now)  # used
    assert not two_factor.verify(app_user, totp.at(now - 30), at=now)  # older than one used
    assert two_factor.verify(app_user, totp.at(now + 30), at=now)
    assert app_user.totp_last_step == step + 1


def test_recovery_codes_are_stored_as_hashes_and_work_once(app_ctx, make):
    user = db.session.get(User, make.user("viewer").id)
    codes = two_factor.enable(user, pyotp.random_base32(), 0)
    assert len(codes) == 8 and len(set(codes)) == 8
    for code in codes:
        assert code not in user.totp_recovery_hashes and code.replace("-", "") not in user.totp_recovery_hashes
    assert two_factor.verify(user, codes[0])
    assert not two_factor.verify(user, codes[0])
    assert two_factor.verify(user, " " + codes[1].upper().replace("-", "") + " ")  # as people type them
    assert two_factor.recovery_codes_left(user) == 6


def test_qr_code_is_inline_svg_without_style(app_ctx, make):
    user = make.user("viewer")
    uri = two_factor.provisioning_uri(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert uri.startswith("otpauth://totp/") and "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri and "issuer=" in uri
    svg = str(two_factor.qr_svg(uri, "QR <code>"))
    assert svg.startswith("<svg") and "style" not in svg and "<script" not in svg
    assert "QR &lt;code&gt;" in svg


# Signing in


def test_sign_in_waits_for_the_code_and_then_goes_on(client, make, session):
    user = make.user("viewer")
    enrol(session, user)
    response = client.post("/sign-in?next=/contacts/", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in/code")
    assert not signed_in(client) and client.get("/partnerships/").status_code == 302
    page = client.get("/sign-in/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    response = client.post("/sign-in/code", data={"code": code_now(user)})
    assert response.status_code == 302 and response.headers["Location"] == "/contacts/"
    assert client.get("/partnerships/").status_code == 200
    assert fresh(session, user).last_sign_in_at is not None


def test_wrong_code_is_refused(client, make, session):
    user = make.user("viewer")
    enrol(session, user)
    password_step(client, user)
    response = client.post("/sign-in/code", data={"code": wrong_code(user.totp_secret)})
    assert response.status_code == 200 and "That code is not right" in response.text
    assert not signed_in(client)


def test_the_same_code_is_refused_the_second_time(client, make, session):
    user = make.user("viewer")
    enrol(session, user)
    code = code_now(user)
    password_step(client, user)
    assert client.post("/sign-in/code", data={"code": code}).status_code == 302
    client.post("/sign-out")
    password_step(client, fresh(session, user))
    again = client.post("/sign-in/code", data={"code": code})
    assert again.status_code == 200 and "already used" in again.text
    assert not signed_in(client)


def test_a_recovery_code_works_once(client, make, session):
    user = make.user("viewer")
    codes = enrol(session, user)
    password_step(client, user)
    assert client.post("/sign-in/code", data={"code": codes[3]}).status_code == 302
    assert signed_in(client)
    client.post("/sign-out")
    password_step(client, fresh(session, user))
    assert client.post("/sign-in/code", data={"code": codes[3]}).status_code == 200
    assert not signed_in(client)
    assert two_factor.recovery_codes_left(fresh(session, user)) == 7


def test_remember_me_is_kept_through_the_code_step(client, make, session):
    user = make.user("viewer")
    enrol(session, user)
    password_step(client, user, remember="y")
    assert client.get_cookie("remember_token") is None
    client.post("/sign-in/code", data={"code": code_now(user)})
    assert client.get_cookie("remember_token") is not None


def test_a_pending_sign_in_expires(client, make, session):
    user = make.user("viewer")
    enrol(session, user)
    password_step(client, user)
    with client.session_transaction() as flask_session:
        flask_session[pending.KEY] = {**flask_session[pending.KEY], "at": time.time() - pending.LIFETIME_SECONDS - 1}
    response = client.post("/sign-in/code", data={"code": code_now(user)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    assert not signed_in(client)


def test_a_password_change_ends_a_pending_sign_in(client, make, session):
    user = make.user("viewer")
    enrol(session, user)
    password_step(client, user)
    user.set_password("a brand new long password")
    session.commit()
    assert client.post("/sign-in/code", data={"code": code_now(user)}).headers["Location"].endswith("/sign-in")
    assert not signed_in(client)


def test_without_a_pending_sign_in_the_code_pages_do_nothing(client, make, session):
    for path in ("/sign-in/code", "/sign-in/enroll"):
        for response in (client.get(path), client.post(path, data={"code": "123456"})):
            assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    assert not signed_in(client)


def test_five_wrong_codes_lock_the_pending_sign_in(client, make, session):
    user = make.user("viewer")
    enrol(session, user)
    password_step(client, user)
    replay = client.get_cookie("session").value  # the cookie before any wrong code
    wrong = wrong_code(user.totp_secret)
    for _ in range(pending.MAX_WRONG_CODES - 1):
        assert client.post("/sign-in/code", data={"code": wrong}).status_code == 200
    locked = client.post("/sign-in/code", data={"code": wrong})
    assert locked.status_code == 302 and locked.headers["Location"].endswith("/sign-in")
    assert client.post("/sign-in/code", data={"code": code_now(user)}).headers["Location"].endswith("/sign-in")
    assert not signed_in(client)
    # Replaying the older cookie gets no more guesses: the count for this sign-in is kept on the server.
    client.set_cookie("session", replay)
    assert client.post("/sign-in/code", data={"code": code_now(user)}).status_code == 429
    assert not signed_in(client)


def test_code_attempts_are_rate_limited_per_account(client, make, session, caplog):
    user = make.user("viewer")
    enrol(session, user)
    wrong = wrong_code(user.totp_secret)
    password_step(client, user)
    for _ in range(pending.MAX_WRONG_CODES):
        client.post("/sign-in/code", data={"code": wrong})
    password_step(client, user)  # a new pending sign-in, the same account
    with caplog.at_level("INFO", logger="crm.auth"):
        refused = client.post("/sign-in/code", data={"code": code_now(user)})
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert not signed_in(client)
    assert any("too many attempts" in record.getMessage() and user.email in record.getMessage()
               for record in caplog.records)


def test_every_attempt_is_logged_and_the_code_never(client, make, session, caplog):
    user = make.user("viewer")
    enrol(session, user)
    code = code_now(user)
    wrong = wrong_code(user.totp_secret)
    with caplog.at_level("INFO", logger="crm.auth"):
        password_step(client, user)
        client.post("/sign-in/code", data={"code": wrong})
        client.post("/sign-in/code", data={"code": code})
    messages = [record.getMessage() for record in caplog.records if record.name == "crm.auth"]
    assert any("password accepted" in m and user.email in m for m in messages)
    assert any("code refused" in m and user.email in m for m in messages)
    assert any("succeeded" in m and user.email in m for m in messages)
    assert not any(code in m or wrong in m for m in messages)


# The office requirement


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path / "outbox"))
    return tmp_path / "outbox"


def mailed_codes(outbox) -> list[str]:
    """The confirmation codes e-mailed so far, oldest first."""
    return [re.search(r"^(\d{8})$", message.get_content(), re.M).group(1) for message in messages_in(outbox)]


def messages_in(outbox):
    if not outbox.exists():
        return []
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(outbox.glob("*.eml"))]


def confirm_by_mail(client, outbox):
    """The step before enrolment at sign-in: the code e-mailed to the account's own address."""
    page = client.get("/sign-in/enroll").text
    assert "Confirm it is you" in page and 'class="secret-key"' not in page
    response = client.post("/sign-in/enroll", data={"code": mailed_codes(outbox)[-1]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in/enroll")


def test_required_two_factor_makes_staff_enrol_at_sign_in(client, make, session, outbox):
    require_two_factor(session)
    user = make.user("coordinator")
    response = client.post("/sign-in?next=/contacts/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/sign-in/enroll")
    assert not signed_in(client) and client.get("/partnerships/").status_code == 302
    confirm_by_mail(client, outbox)
    page = client.get("/sign-in/enroll").text
    assert "<svg" in page and " style=" not in page and "<script>" not in page
    secret = re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page).group(1)
    assert client.post("/sign-in/enroll", data={"code": wrong_code(secret)}).status_code == 200
    done = client.post("/sign-in/enroll", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "Your recovery codes" in done.text and 'href="/contacts/"' in done.text
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.text)
    assert len(codes) == 8
    assert signed_in(client)
    user = fresh(session, user)
    assert user.two_factor_enabled and user.totp_secret == secret
    assert all(code not in user.totp_recovery_hashes for code in codes)
    # the next sign-in asks for a code
    client.post("/sign-out")
    assert password_step(client, user).headers["Location"].endswith("/sign-in/code")


def test_required_two_factor_does_not_apply_to_guests(client, make, session):
    require_two_factor(session)
    guest = make.user("guest")
    response = password_step(client, guest)
    assert response.status_code == 302 and "/sign-in/" not in response.headers["Location"]
    assert signed_in(client)


def test_turning_it_off_is_refused_when_the_office_requires_it(client, login, make, session):
    user = login("viewer")
    enrol(session, user)
    require_two_factor(session)
    assert "cannot be turned off" in client.get("/account/security").text
    response = client.post("/account/security/disable", data={"password": PASSWORD, "code": code_now(user)},
                           follow_redirects=True)
    assert "cannot be turned off" in response.text
    assert fresh(session, user).two_factor_enabled


# Self-service


def test_staff_turn_it_on_and_off_on_their_security_page(client, login, make, session):
    user = login("viewer")
    assert "Off" in client.get("/account/security").text
    page = client.get("/account/security/enable").text
    secret = re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page).group(1)
    assert re.search(r'<code class="secret-key">([A-Z2-7]+)</code>',
                     client.get("/account/security/enable").text).group(1) == secret  # stable on reload
    # turning it on needs the password: a session left open cannot tie the account to someone else's app
    assert 'name="password"' in page
    refused = client.post("/account/security/enable", data={"password": "not it at all",
                                                             "code": pyotp.TOTP(secret).now()})
    assert "The password is not right." in refused.text and not fresh(session, user).two_factor_enabled
    assert "not it at all" not in refused.text  # a password is never typed back into the page
    assert not client.post("/account/security/enable", data={"code": pyotp.TOTP(secret).now()}).text.count(
        "Your recovery codes") and not fresh(session, user).two_factor_enabled
    done = client.post("/account/security/enable", data={"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", done.text)) == 8
    assert fresh(session, user).two_factor_enabled
    assert "8 unused recovery codes left" in client.get("/account/security").text
    # new recovery codes need the password
    assert client.post("/account/security/recovery-codes", data={"password": "not it at all"}).status_code == 422
    fresh_codes = client.post("/account/security/recovery-codes", data={"password": PASSWORD})
    assert fresh_codes.status_code == 200 and "Your recovery codes" in fresh_codes.text
    # turning it off needs the password and a code
    refused = client.post("/account/security/disable", data={"password": "not it at all", "code": "123456"})
    assert refused.status_code == 422 and fresh(session, user).two_factor_enabled
    code = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", fresh_codes.text)[0]
    off = client.post("/account/security/disable", data={"password": PASSWORD, "code": code})
    assert off.status_code == 302
    user = fresh(session, user)
    assert not user.two_factor_enabled and user.totp_secret is None and user.totp_recovery_hashes is None


def test_admin_resets_two_factor_and_ends_the_users_sessions(app, client, login, make, session):
    user = make.user("coordinator", name="Lost Phone")
    enrol(session, user)
    elsewhere = app.test_client()
    with elsewhere.session_transaction() as flask_session:
        flask_session["_user_id"] = user.get_id()
    assert elsewhere.get("/partnerships/").status_code == 200
    login("admin")
    listing = client.get("/admin/users/").text
    assert "Lost Phone" in listing and f"/admin/users/{user.id}/reset-two-factor" in listing
    assert "Reset two-factor sign-in" in client.get(f"/admin/users/{user.id}/reset-two-factor").text
    assert client.post(f"/admin/users/{user.id}/reset-two-factor").status_code == 302
    user = fresh(session, user)
    assert not user.two_factor_enabled and user.totp_secret is None and user.totp_recovery_hashes is None
    assert elsewhere.get("/partnerships/").status_code == 302
    assert password_step(app.test_client(), user).headers["Location"] == "/"  # the password alone again
    guest = make.user("guest")
    assert client.post(f"/admin/users/{guest.id}/reset-two-factor").status_code == 404


def test_only_admins_see_the_user_list(client, login):
    login("coordinator")
    assert client.get("/admin/users/").status_code == 403


def test_the_audit_trail_records_the_changes_but_never_a_secret(client, login, make, session):
    user = login("viewer")
    page = client.get("/account/security/enable").text
    secret = re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page).group(1)
    done = client.post("/account/security/enable", data={"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.text)
    hashes = fresh(session, user).totp_recovery_hashes.split()
    events = session.scalars(select(AuditEvent).where(AuditEvent.record_type == "users",
                                                      AuditEvent.record_id == user.id)).all()
    enabled = [event for event in events if "totp_enabled_at" in event.changes]
    assert enabled and enabled[0].user_id == user.id
    assert enabled[0].changes["totp_secret"] == ["•••", "•••"]
    text = json.dumps([event.changes for event in events])
    assert secret not in text and not any(code in text for code in codes) and not any(h in text for h in hashes)


@pytest.mark.parametrize("path", ["/account/security", "/account/security/enable", "/admin/users/"])
def test_pages_have_no_inline_styles(client, login, path):
    login("admin")
    page = client.get(path).text
    assert " style=" not in page and "<style" not in page and "<script>" not in page
