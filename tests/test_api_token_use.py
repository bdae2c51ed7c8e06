"""API reads stay reads: a token's last use is written at most once a minute, by a conditional UPDATE
in a transaction of its own, and concurrent reads neither wait for it nor fail because of it."""
import re
import secrets
import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.api.models import ApiToken
from crm.extensions import db
from tests.test_api import bearer, give_token
from tests.test_concurrency import committed  # noqa: F401  (the fixture: real commits, cleaned up after)

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def writes(counter) -> list[str]:
    return [statement for statement in counter.statements if WRITES.match(statement)]


def test_reads_within_a_minute_write_nothing_after_the_first(client, make, session, count_queries, clock):
    secret = give_token(session, make.user("viewer"))
    token = session.query(ApiToken).one()
    assert token.last_used_at is None
    with count_queries() as first:
        assert client.get("/api/v1/partnerships", headers=bearer(secret)).status_code == 200
    assert len(writes(first)) == 1 and "last_used_at" in writes(first)[0], [w[:90] for w in writes(first)]
    session.refresh(token)
    used = token.last_used_at
    assert used is not None

    with count_queries() as later:
        for url in ("/api/v1/partnerships", "/api/v1/engagements", "/api/v1/agreements") * 4:
            assert client.get(url, headers=bearer(secret)).status_code == 200
    assert writes(later) == []
    session.refresh(token)
    assert token.last_used_at == used

    clock.shift(timedelta(seconds=61))
    with count_queries() as next_minute:
        assert client.get("/api/v1/partnerships", headers=bearer(secret)).status_code == 200
    assert len(writes(next_minute)) == 1
    session.refresh(token)
    assert token.last_used_at >= used + timedelta(seconds=60)


def test_a_refused_write_of_the_last_use_does_not_fail_the_read(client, make, session, monkeypatch, caplog):
    import sqlalchemy.exc

    secret = give_token(session, make.user("viewer"))
    original = db.session.execute

    def busy(statement, *args, **kwargs):
        if isinstance(statement, sa.Update):
            raise sqlalchemy.exc.OperationalError(str(statement), {}, Exception("database is locked"))
        return original(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "execute", busy)
    response = client.get("/api/v1/partnerships", headers=bearer(secret))
    assert response.status_code == 200 and response.is_json
    assert "last use not recorded" in caplog.text


def _user_and_token(engine, created) -> str:
    from crm.auth.models import User

    secret = "scc_" + secrets.token_urlsafe(32)
    with Session(engine, expire_on_commit=False) as setup:
        user = User(email=f"reader-{secrets.token_hex(4)}@example.org", name="Reader", role="viewer")
        user.set_password("a long reader password")
        setup.add(user)
        setup.commit()
        created.append(("users", user.id))
        from crm.api.tokens import digest

        token = ApiToken(user_id=user.id, name="race", token_hash=digest(secret), prefix=secret[:12])
        setup.add(token)
        setup.commit()
        created.append(("api_tokens", token.id))
    return secret


def _read_at_once(app, engine, monkeypatch, secret: str, readers: int = 2):
    """`readers` API reads that meet just before recording the token's use: (status, wrote) per read."""
    import crm.api.bearer

    barrier = threading.Barrier(readers, timeout=30)
    original = crm.api.bearer.record_use
    wrote: dict[int, bool] = {}

    def at_once(token):
        barrier.wait()
        result = original(token)
        wrote[threading.get_ident()] = result
        return result

    monkeypatch.setattr(crm.api.bearer, "record_use", at_once)
    results: list = [None] * readers

    def read(n: int):
        try:
            response = app.test_client().get("/api/v1/partnerships", headers=bearer(secret))
            results[n] = (response.status_code, wrote.get(threading.get_ident()))
        except Exception as error:  # noqa: BLE001  (a 500, in testing)
            results[n] = ("error", repr(error))

    engines = db._app_engines[app]
    shared, engines[None] = engines[None], engine  # the requests' sessions use real connections
    try:
        threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        elapsed = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads), "a read waited on the token's row"
    finally:
        engines[None] = shared
    return results, elapsed


def test_concurrent_first_reads_both_answer_and_one_records_the_use(app, committed, monkeypatch):  # noqa: F811
    engine, created = committed
    secret = _user_and_token(engine, created)
    results, _elapsed = _read_at_once(app, engine, monkeypatch, secret)
    assert sorted(results) == [(200, False), (200, True)], results
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT last_used_at FROM api_tokens WHERE id = :id"),
                            {"id": created[-1][1]}).scalar() is not None


def test_reads_do_not_wait_for_a_transaction_holding_the_tokens_row(app, committed, monkeypatch):  # noqa: F811
    engine, created = committed
    secret = _user_and_token(engine, created)
    with engine.connect() as holder:  # e.g. an administrator's request revoking tokens, not yet committed
        holder.execute(sa.text("SELECT id FROM api_tokens WHERE id = :id FOR UPDATE"), {"id": created[-1][1]})
        results, elapsed = _read_at_once(app, engine, monkeypatch, secret)
        holder.rollback()
    assert results == [(200, False), (200, False)], results
    assert elapsed < 10
