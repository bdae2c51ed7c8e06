"""Issue 20 §4: the health snapshot shared between hosts through Redis (crm.health.shared).

Each host is an app of its own (create_app, with its own Redis client) on the same database and the same Redis,
with a per-process cache of its own: what one host computed cold, another takes from Redis without reading the
portfolio; after a change, no host shows the old figures; a Redis that is down, stopped or holding rubbish never
fails a page."""
import logging
import pickle
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import redis

from crm import create_app
from crm.clock import office_today
from crm.engagements.models import Pillar
from crm.extensions import db as flask_db
from crm.health import shared
from crm.health import snapshot as snapshots
from crm.partnerships.models import PartnershipStatus
from crm.process_cache import ProcessCache
from crm.settings.service import office_settings

pytest_plugins = ["tests.redis_fixtures"]  # redis_url, redis_prefix, private_redis, closed_redis_url

#: what reading the portfolio (or part of it) costs: the chain of changes, the rule's inputs, months, pillars
PORTFOLIO_READS = ("activity_changes", "GROUP BY engagements.partnership_id", "coalesce(partnerships.threshold_months")


class Host:
    """One web process on one host: an app of its own, its own per-process cache, a signed-in test client."""

    def __init__(self, app, user_id: str):
        self.app = app
        self.cache = ProcessCache(size=2)
        self.client = app.test_client()
        with self.client.session_transaction() as flask_session:
            flask_session["_user_id"] = user_id
            flask_session["_fresh"] = True

    @contextmanager
    def running(self):
        """This host's per-process cache in place, as in its own process."""
        kept, snapshots._cache = snapshots._cache, self.cache
        try:
            yield
        finally:
            snapshots._cache = kept

    def get(self, url: str):
        with self.running():
            response = self.client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def snapshot(self) -> snapshots.Snapshot:
        """What this host shows for today (as a page would take it)."""
        with self.app.app_context(), self.running():
            return snapshots.portfolio_snapshot(office_today())


@pytest.fixture
def make_host(app, _transaction, make):
    """make_host(redis_url, prefix): another app on the test's database (its transaction) and that Redis."""
    made = []
    viewer = make.user("viewer")

    def host(url: str | None, prefix: str = "crm:") -> Host:
        other = create_app({
            "TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"], "WTF_CSRF_ENABLED": False, "PUBLIC_URL": "http://localhost",
            "REDIS_URL": url, "REDIS_PREFIX": prefix})
        with other.app_context():
            engines = flask_db._app_engines[other]
            made.append((other, engines[None]))
            engines[None] = _transaction  # the same rows as the test and every other host
        return Host(other, make.session_id(viewer))

    yield host
    for other, engine in made:
        flask_db._app_engines[other][None] = engine
        engine.dispose()


@pytest.fixture
def portfolio(make, session):
    """A few partnerships with engagements of every kind the snapshot keeps."""
    home = make.home_city()
    today = date(2026, 11, 25)
    partnerships = [make.partnership(home=home) for _ in range(4)]
    make.engagement(partnerships[0], occurred_on=today - timedelta(days=10), pillar=Pillar.EDUCATION)
    make.engagement(partnerships[0], occurred_on=today - timedelta(days=500), pillar=None)
    make.engagement(partnerships[1], occurred_on=today - timedelta(days=90), substantive=False)
    make.engagement(partnerships[1], occurred_on=today + timedelta(days=30), pillar=Pillar.CULTURE)  # planned
    make.engagement(partnerships[2], occurred_on=today - timedelta(days=800), pillar=Pillar.BUSINESS)
    partnerships[3].status = PartnershipStatus.SUSPENDED
    session.commit()
    return partnerships


def portfolio_reads(statements) -> list[str]:
    return [s for s in statements if any(marker in s for marker in PORTFOLIO_READS)]


def from_scratch(host: Host) -> snapshots.Snapshot:
    with host.app.app_context():
        return snapshots.full_snapshot(office_today(), office_settings().activity_stamp)


def stored_keys(url: str, prefix: str) -> list[bytes]:
    return list(redis.Redis.from_url(url).scan_iter(match=f"{prefix}*"))


def test_a_snapshot_comes_back_from_its_encoding_as_it_was(app, portfolio):
    with app.app_context():
        today = office_today()
        original = snapshots.full_snapshot(today, "s" * 32)
        data = shared.encode(original)
        copy = shared.decode(data)
    assert copy == original
    assert copy.by_attention == original.by_attention
    activity = copy.activities[portfolio[0].id]
    assert isinstance(activity.status, PartnershipStatus) and isinstance(activity.started_on, date)
    assert None in copy.pillars[portfolio[0].id] and isinstance(next(iter(copy.pillar_totals)), (Pillar, type(None)))
    assert not data.startswith(pickle.dumps(None)[:2])  # zlib-compressed JSON, never a pickle


def test_a_second_host_takes_the_first_hosts_cold_figures_from_redis(app, portfolio, make_host, redis_url,
                                                                     redis_prefix, count_queries):
    first, second = make_host(redis_url, redis_prefix), make_host(redis_url, redis_prefix)
    with count_queries() as cold:
        first.get("/dashboard")  # reads the whole portfolio, publishes it
    assert len(portfolio_reads(cold.statements)) == 3  # the rule's inputs, the months, the pillars
    assert len(stored_keys(redis_url, redis_prefix)) == 1
    with count_queries() as counter:
        second.get("/dashboard")
    assert portfolio_reads(counter.statements) == []
    assert second.snapshot() == first.snapshot() == from_scratch(second)
    with count_queries() as warm:  # the second view on the second host: its own process cache, as before
        second.get("/dashboard")
    assert warm.count == counter.count


def test_after_a_change_every_host_shows_the_new_figures(app, portfolio, make, session, make_host, redis_url,
                                                         redis_prefix, count_queries):
    first, second = make_host(redis_url, redis_prefix), make_host(redis_url, redis_prefix)
    first.get("/dashboard")
    second.get("/dashboard")
    before = second.snapshot()

    make.engagement(portfolio[2], occurred_on=office_today_of(first) - timedelta(days=1), pillar=Pillar.GOVERNMENT)
    first.get("/dashboard")  # brings its own up to date change by change, and publishes the new stamp's
    with count_queries() as counter:
        second.get("/dashboard")
    assert portfolio_reads(counter.statements) == []  # taken from Redis: the new stamp's figures
    after = second.snapshot()
    assert after.stamp != before.stamp and after == from_scratch(second)
    assert after.activities[portfolio[2].id] != before.activities[portfolio[2].id]

    # a change the other host has not seen yet: the second host brings its own up to date, never shows the old
    make.engagement(portfolio[0], occurred_on=office_today_of(first) - timedelta(days=2))
    with count_queries() as counter:
        second.get("/dashboard")
    assert portfolio_reads(counter.statements)  # the chain and that one partnership, read here
    assert second.snapshot() == from_scratch(second)
    assert first.snapshot() == second.snapshot()  # and the first host takes it from Redis
    assert len(stored_keys(redis_url, redis_prefix)) == 3


def office_today_of(host: Host) -> date:
    with host.app.app_context():
        return office_today()


def test_pages_work_when_redis_does_not_answer(app, portfolio, make, make_host, closed_redis_url, caplog):
    nowhere = make_host(closed_redis_url)
    with caplog.at_level(logging.WARNING, logger="crm.health.shared"):
        nowhere.get("/dashboard")
        nowhere.get("/partnerships/?sort=health")
        make.engagement(portfolio[0])
        nowhere.get("/dashboard")
    assert nowhere.snapshot() == from_scratch(nowhere)
    assert caplog.text.count("Redis did not answer") == 1


def test_a_redis_stopped_and_started_again(app, portfolio, make, make_host, private_redis, monkeypatch, caplog):
    monkeypatch.setattr(shared, "PAUSE_SECONDS", 0)  # Redis asked again at every new stamp
    host = make_host(private_redis.url)
    host.get("/dashboard")
    assert len(stored_keys(private_redis.url, "crm:")) == 1
    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="crm.health.shared"):
        for _ in range(3):
            make.engagement(portfolio[1])
            host.get("/dashboard")  # the connection the pool kept is gone, then none can be made
            assert host.snapshot() == from_scratch(host)
        assert caplog.text.count("Redis did not answer") == 1
        private_redis.start()  # empty: it kept nothing on disk
        make.engagement(portfolio[1])
        host.get("/dashboard")
    assert "Redis answers again" in caplog.text
    assert len(stored_keys(private_redis.url, "crm:")) == 1  # the new stamp's, published


@pytest.mark.parametrize("rubbish", [b"not zlib", pickle.dumps(object()), shared.zlib.compress(b"[1, 2]")])
def test_rubbish_in_redis_is_never_used(app, portfolio, make_host, redis_url, redis_prefix, rubbish, caplog):
    host = make_host(redis_url, redis_prefix)
    with host.app.app_context():
        settings = office_settings()
        key = shared.snapshot_key(office_today(), settings.threshold_months, settings.activity_stamp)
    client = redis.Redis.from_url(redis_url)
    client.set(key, rubbish)
    host.get("/dashboard")
    assert host.snapshot() == from_scratch(host)
    assert "unreadable" in caplog.text
    assert shared.decode(client.get(key)) == host.snapshot()  # replaced by the figures computed here


def test_a_guest_request_neither_reads_nor_publishes(app, portfolio, make, session, make_host, redis_url,
                                                     redis_prefix, monkeypatch):
    from crm.guests.models import GuestAccess
    from crm.guests.scope import start_guest_request

    guest = make.user("guest")
    session.add(GuestAccess(user=guest, partnership=portfolio[0], contact=make.contact(portfolio[0])))
    session.commit()
    host = make_host(redis_url, redis_prefix)
    monkeypatch.setattr(shared, "fetch", lambda *args: pytest.fail("a guest's request read Redis"))
    monkeypatch.setattr(shared, "publish", lambda *args: pytest.fail("a guest's request wrote to Redis"))
    with host.app.test_request_context(), host.running():
        start_guest_request(guest.id)  # as every request of a guest begins
        seen = snapshots.portfolio_snapshot(office_today())
    assert set(seen.activities) == {portfolio[0].id}
    assert stored_keys(redis_url, redis_prefix) == []
