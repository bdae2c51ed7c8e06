from argon2 import PasswordHasher

from crm.auth.models import User
from crm.auth.passwords import hash_password, password_problems
from tests.factories import PASSWORD


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


def test_staff_signs_in_and_lands_on_partnerships(client, make, session):
    user = make.user("viewer")
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    assert client.get("/partnerships/").status_code == 200
    session.expire_all()
    assert session.get(User, user.id).last_sign_in_at is not None


def test_email_is_matched_without_case_or_spaces(client, make):
    make.user("viewer", email="mixed@example.org")
    assert sign_in(client, "  Mixed@Example.org ").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make):
    user = make.user("viewer")
    wrong = sign_in(client, user.email, "not the password")
    unknown = sign_in(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    message = "The e-mail address or password is not right."
    assert message in wrong.text and message in unknown.text
    assert client.get("/partnerships/").status_code == 302


def test_deactivated_user_cannot_sign_in(client, make):
    user = make.user("coordinator", active=False)
    response = sign_in(client, user.email)
    assert "not right" in response.text


def test_remember_me_sets_a_lasting_cookie(client, make):
    user = make.user("viewer")
    sign_in(client, user.email, remember="y")
    assert client.get_cookie("remember_token") is not None


def test_sign_out_ends_every_copy_of_the_session(app, client, make):
    user = make.user("viewer")
    sign_in(client, user.email, remember="y")
    copied = app.test_client()
    for cookie in ("session", "remember_token"):
        value = client.get_cookie(cookie)
        copied.set_cookie(cookie, value.value)
    assert copied.get("/partnerships/").status_code == 200
    assert client.post("/sign-out").status_code == 302
    assert client.get("/partnerships/").status_code == 302
    assert copied.get("/partnerships/").status_code == 302  # the copy stopped working too


def test_sign_in_follows_only_local_next(client, make):
    user = make.user("viewer")
    response = client.post("/sign-in?next=/contacts/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/contacts/"
    client.post("/sign-out")
    response = client.post("/sign-in?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert "evil" not in response.headers["Location"]


def test_passwords_are_argon2id_and_old_hashes_are_upgraded(make, session, client):
    user = make.user("viewer")
    assert user.password_hash.startswith("$argon2id$")
    weaker = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    user.password_hash = weaker.hash(PASSWORD)
    session.commit()
    old = user.password_hash
    assert sign_in(client, user.email).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).password_hash != old


def test_password_policy():
    assert password_problems("short")
    assert password_problems("someone@example.org", "someone@example.org")
    assert password_problems("password123")
    assert password_problems("a long and unusual phrase", "someone@example.org") == []
    assert hash_password("x") != hash_password("x")  # salted


def test_signed_in_user_visiting_sign_in_is_sent_on(client, login):
    login("viewer")
    assert client.get("/sign-in").status_code == 302
