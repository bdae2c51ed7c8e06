"""Issue 20 §4: the health snapshot shared between hosts through Redis (crm.health.shared).

Each host is an app of its own (create_app, with its own Redis client) on the same database and the same Redis,
with a per-process cache of its own. What one host read cold, another takes from Redis without reading the
portfolio, and a host that starts after changes brings the published figures up to date through the chain;
after any change no host shows the old figures; a Redis that is down, stopped or holding rubbish never fails
a page."""
import logging
import pickle
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
import redis
import sqlalchemy as sa

from crm import create_app
from crm.clock import office_today
from crm.engagements.models import Engagement, Pillar
from crm.extensions import db as flask_db
from crm.health import shared
from crm.health import snapshot as snapshots
from crm.partnerships.models import PartnershipStatus
from crm.process_cache import ProcessCache
from crm.settings.models import OfficeSettings
from crm.settings.service import office_settings

pytest_plugins = ["tests.redis_fixtures"]  # redis_url, redis_prefix, private_redis, closed_redis_url

#: the statements that read the rule's inputs, the months and the pillars (of every partnership, or of some)
FIGURES = ("GROUP BY engagements.partnership_id", "coalesce(partnerships.threshold_months")
CHAIN = "activity_changes"


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


def whole_portfolio_reads(statements) -> list[str]:
    """The statements that read the figures of every partnership (not of those a change was about)."""
    return [s for s in statements if any(marker in s for marker in FIGURES) and " IN (" not in s]


def chain_reads(statements) -> list[str]:
    return [s for s in statements if CHAIN in s]


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
    empty = snapshots.Snapshot(today, "e" * 32, {}, {}, {}, snapshots._zero_months(), {}, {})
    assert shared.decode(shared.encode(empty)) == empty


def test_a_second_host_takes_the_first_hosts_cold_figures_from_redis(app, portfolio, make_host, redis_url,
                                                                     redis_prefix, count_queries):
    first, second = make_host(redis_url, redis_prefix), make_host(redis_url, redis_prefix)
    with count_queries() as cold:
        first.get("/dashboard")  # reads the whole portfolio, publishes it
    assert len(whole_portfolio_reads(cold.statements)) == 3  # the rule's inputs, the months, the pillars
    assert len(stored_keys(redis_url, redis_prefix)) == 2  # the snapshot, and which one was published last
    with count_queries() as counter:
        second.get("/dashboard")
    assert whole_portfolio_reads(counter.statements) == chain_reads(counter.statements) == []
    assert second.snapshot() == first.snapshot() == from_scratch(second)
    with count_queries() as warm:  # the second view on the second host: its own process cache, as before
        second.get("/dashboard")
    assert warm.count == counter.count


def test_after_a_change_no_host_shows_the_old_figures(app, portfolio, make, make_host, redis_url, redis_prefix,
                                                      count_queries):
    first, second = make_host(redis_url, redis_prefix), make_host(redis_url, redis_prefix)
    first.get("/dashboard")
    second.get("/dashboard")
    before = second.snapshot()
    make.engagement(portfolio[2], occurred_on=office_today_of(first) - timedelta(days=1), pillar=Pillar.GOVERNMENT)
    for host in (first, second):  # each brings its own up to date: the chain, then that partnership alone
        with count_queries() as counter:
            host.get("/dashboard")
        assert whole_portfolio_reads(counter.statements) == [] and len(chain_reads(counter.statements)) == 1
        after = host.snapshot()
        assert after.stamp != before.stamp and after == from_scratch(host)
        assert after.activities[portfolio[2].id] != before.activities[portfolio[2].id]


def test_a_host_that_starts_after_changes_brings_the_published_figures_up_to_date(
        app, portfolio, make, make_host, redis_url, redis_prefix, count_queries):
    first = make_host(redis_url, redis_prefix)
    first.get("/dashboard")  # published
    make.engagement(portfolio[0], occurred_on=office_today_of(first) - timedelta(days=2))
    make.engagement(portfolio[1], occurred_on=office_today_of(first) - timedelta(days=3), substantive=False)
    first.get("/dashboard")  # up to date in its own process; not published again
    late = make_host(redis_url, redis_prefix)
    with count_queries() as counter:
        late.get("/dashboard")
    assert whole_portfolio_reads(counter.statements) == [] and len(chain_reads(counter.statements)) == 1
    assert late.snapshot() == first.snapshot() == from_scratch(late)
    assert len(stored_keys(redis_url, redis_prefix)) == 2


def test_after_an_import_one_host_reads_everything_and_the_others_take_it(
        app, portfolio, make_host, session, redis_url, redis_prefix, count_queries):
    first, second = make_host(redis_url, redis_prefix), make_host(redis_url, redis_prefix)
    first.get("/dashboard")
    second.get("/dashboard")
    # as an import does: rows written and the stamp moved, without a row in the chain of changes
    session.execute(sa.insert(Engagement.__table__).values(
        partnership_id=portfolio[2].id, record_type="engagement", kind="meeting", occurred_on=date(2026, 11, 1),
        title="Imported", substantive=True, visibility="shared", initiated_by="home", logged_by_side="home",
        version=1, created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
    session.execute(sa.update(OfficeSettings).values(activity_stamp=uuid.uuid4().hex))
    session.commit()
    with count_queries() as counter:
        first.get("/dashboard")
    assert len(whole_portfolio_reads(counter.statements)) == 3  # the chain could not tell: everything, published
    with count_queries() as counter:
        second.get("/dashboard")
    assert whole_portfolio_reads(counter.statements) == []  # the first host's, from Redis
    assert second.snapshot() == first.snapshot() == from_scratch(second)
    assert second.snapshot().activities[portfolio[2].id].substantive_12m == 1


def office_today_of(host: Host) -> date:
    with host.app.app_context():
        return office_today()


def test_pages_work_when_redis_does_not_answer(app, portfolio, make, make_host, closed_redis_url, caplog):
    nowhere = make_host(closed_redis_url)
    with caplog.at_level(logging.WARNING, logger="crm.health.shared"):
        for _ in range(2):
            nowhere.cache = ProcessCache(size=2)  # as a new process: asks Redis, then reads everything itself
            nowhere.get("/dashboard")
            nowhere.get("/partnerships/?sort=health")
            make.engagement(portfolio[0])
            nowhere.get("/dashboard")
            assert nowhere.snapshot() == from_scratch(nowhere)
    assert caplog.text.count("Redis did not answer") == 1


def test_a_redis_stopped_and_started_again(app, portfolio, make, make_host, private_redis, monkeypatch, caplog):
    monkeypatch.setattr(shared, "PAUSE_SECONDS", 0)  # Redis asked again at once
    host = make_host(private_redis.url)
    host.get("/dashboard")
    assert len(stored_keys(private_redis.url, "crm:")) == 2
    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="crm.health.shared"):
        for _ in range(3):
            make.engagement(portfolio[1])
            host.cache = ProcessCache(size=2)  # as a new process
            host.get("/dashboard")  # the connection the pool kept is gone, then none can be made
            assert host.snapshot() == from_scratch(host)
        assert caplog.text.count("Redis did not answer") == 1
        private_redis.start()  # empty: it kept nothing on disk
        host.cache = ProcessCache(size=2)
        host.get("/dashboard")
    assert "Redis answers again" in caplog.text
    assert len(stored_keys(private_redis.url, "crm:")) == 2  # published again


class Exploit:
    """Would run a command if anything unpickled it."""

    def __reduce__(self):
        return (print, ("unpickled: code from Redis ran",))


RUBBISH = {
    "not zlib": lambda today: b"not zlib",
    "a pickle": lambda today: pickle.dumps(Exploit()),
    "other JSON": lambda today: shared.zlib.compress(b"[1, 2]"),
    "cut short": lambda today: shared.encode(snapshots.full_snapshot(today, "x"))[:-20],
    "another stamp's figures": lambda today: shared.encode(snapshots.full_snapshot(today, "f" * 32)),
}


@pytest.mark.parametrize("rubbish", RUBBISH)
def test_rubbish_in_redis_is_never_used(app, portfolio, make_host, redis_url, redis_prefix, rubbish, caplog,
                                        capsys):
    host = make_host(redis_url, redis_prefix)
    with host.app.app_context():
        settings, today = office_settings(), office_today()
        key = shared.snapshot_key(today, settings.threshold_months, settings.activity_stamp)
        data = RUBBISH[rubbish](today)
    client = redis.Redis.from_url(redis_url)
    client.set(key, data)
    host.get("/dashboard")
    assert host.snapshot() == from_scratch(host)
    assert "unreadable" in caplog.text and "code from Redis ran" not in capsys.readouterr().out
    assert shared.decode(client.get(key)) == host.snapshot()  # replaced by the figures computed here


@pytest.mark.parametrize("latest", [b"\xff\xfe rubbish", b"0" * 32])
def test_a_last_published_name_that_leads_nowhere_is_ignored(app, portfolio, make_host, redis_url, redis_prefix,
                                                             latest):
    host = make_host(redis_url, redis_prefix)
    with host.app.app_context():
        key = shared.latest_key(office_today(), office_settings().threshold_months)
    redis.Redis.from_url(redis_url).set(key, latest)
    host.get("/dashboard")
    assert host.snapshot() == from_scratch(host)


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
