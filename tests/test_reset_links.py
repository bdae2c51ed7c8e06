"""Issue 15, item 9: only the newest reset link works; using or issuing one ends every earlier link."""
import email
import re
import threading
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.auth.models import PasswordReset, User
from crm.extensions import db, limiter
from tests.factories import PASSWORD
from tests.test_concurrency import committed  # noqa: F401  (the fixture)

NEW = "a brand new passphrase"
OTHER = "another new passphrase"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def request_link(client, outbox, address: str) -> str:
    before = set(outbox.glob("*.eml"))
    assert client.post("/forgot-password", data={"email": address}).status_code == 302
    [new] = set(outbox.glob("*.eml")) - before
    body = email.message_from_bytes(new.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    return "/" + re.search(r"http\S+/reset-password/\S+", body).group(0).split("/", 3)[3]


def test_a_newer_link_ends_the_older_ones(client, make, session, outbox):
    user = make.user("viewer")
    first, second = request_link(client, outbox, user.email), request_link(client, outbox, user.email)
    assert client.get(first).status_code == 410
    assert client.post(first, data={"password": NEW, "confirm": NEW}).status_code == 410
    assert client.get(second).status_code == 200
    assert client.post(second, data={"password": NEW, "confirm": NEW}).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).check_password(NEW)


def test_using_a_link_ends_every_other_one(client, make, session, outbox):
    # Links issued before this rule (both still live) must not outlive the one that was used.
    user = make.user("viewer")
    first = request_link(client, outbox, user.email)
    limiter.reset()
    second = request_link(client, outbox, user.email)
    session.execute(sa.update(PasswordReset).values(expires_at=datetime.now(UTC) + timedelta(minutes=30)))
    session.commit()
    assert client.get(first).status_code == 200 and client.get(second).status_code == 200  # both live, as of old
    assert client.post(second, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert client.post(first, data={"password": OTHER, "confirm": OTHER}).status_code == 410
    session.expire_all()
    assert session.get(User, user.id).check_password(NEW)
    assert [r.used_at is not None for r in session.scalars(select(PasswordReset).order_by(PasswordReset.id))] == [
        False, True]


def test_two_links_used_at_once_change_the_password_once(app, committed):  # noqa: F811
    from crm.auth import resets

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        user = User(email="race-reset@example.org", name="Race Reset", role="viewer")
        user.set_password(PASSWORD)
        setup.add(user)
        setup.flush()
        links = [PasswordReset(user_id=user.id, token_hash=resets._hash(f"race-{n}"),
                               expires_at=datetime.now(UTC) + timedelta(minutes=30)) for n in range(2)]
        setup.add_all(links)
        setup.commit()
        created += [("users", user.id)] + [("password_resets", link.id) for link in links]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def use(n: int):
        with app.app_context():
            try:
                reset = resets.usable(f"race-{n}")
                barrier.wait()
                if reset is not None and resets.complete(reset, f"race password number {n}"):
                    db.session.commit()
                    outcomes.append("changed")
                else:
                    db.session.rollback()
                    outcomes.append("refused")
            finally:
                db.session.remove()

    engines = db._app_engines[app]  # connections of their own, swapped once, not by the threads
    shared, engines[None] = engines[None], engine
    try:
        with app.test_request_context():
            threads = [threading.Thread(target=use, args=(n,)) for n in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        engines[None] = shared
    assert sorted(outcomes) == ["changed", "refused"]
    with Session(engine) as check:
        used = check.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id,
                                                         PasswordReset.used_at.is_not(None))).all()
        assert len(used) == 1
