"""The cached portfolio figures, brought up to date change by change (crm.health.snapshot), always equal the
figures read from scratch: after every kind of change, alone and several at once, and when two writers race."""
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.clock import office_today
from crm.engagements.models import Engagement, Pillar
from crm.extensions import db
from crm.health import snapshot as snapshots
from crm.health.charts import by_quarter
from crm.health.pillars import pillar_counts
from crm.health.queries import monthly_counts
from crm.settings.models import ActivityChange, HomeCity, OfficeSettings
from crm.settings.service import office_settings

FROM_SCRATCH = snapshots.full_snapshot  #: the reference, never counted


@pytest.fixture
def full_reads(monkeypatch):
    """How many times the whole portfolio was read again."""
    calls = []
    original = snapshots.full_snapshot

    def counted(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(snapshots, "full_snapshot", counted)
    return calls


def check(app) -> snapshots.Snapshot:
    """In a new request's session: the cached snapshot equals one read from scratch, and the old one-query
    totals of the charts."""
    with app.app_context():
        today = office_today()
        cached = snapshots.portfolio_snapshot(today)
        fresh = FROM_SCRATCH(today, office_settings().activity_stamp)
        assert cached.activities == fresh.activities
        assert cached.months == fresh.months
        assert cached.flags == fresh.flags
        assert cached.by_attention == fresh.by_attention
        assert cached.pillars == fresh.pillars
        assert cached.month_totals == fresh.month_totals
        assert cached.pillar_totals == fresh.pillar_totals == pillar_counts(today)
        assert cached.quarters == by_quarter(monthly_counts(today), today)
        return cached


def test_every_kind_of_change_is_brought_in_without_reading_everything(app, make, session, full_reads):
    home = make.home_city()
    first, second, third = (make.partnership(home=home) for _ in range(3))
    today = date(2026, 6, 1)
    recent = [make.engagement(first, occurred_on=today - timedelta(days=d), pillar=Pillar.EDUCATION)
              for d in (10, 40, 400)]
    make.engagement(second, occurred_on=today - timedelta(days=90), substantive=False)
    make.engagement(third, occurred_on=today - timedelta(days=800), pillar=Pillar.BUSINESS)
    check(app)
    reads = len(full_reads)
    assert reads >= 1

    changes = [
        lambda: make.engagement(second, occurred_on=today - timedelta(days=5), pillar=Pillar.CULTURE),
        lambda: setattr(recent[0], "occurred_on", today - timedelta(days=700)),  # out of the 12 months
        lambda: setattr(recent[1], "substantive", False),
        lambda: setattr(recent[2], "pillar", Pillar.GOVERNMENT),
        lambda: setattr(recent[0], "deleted_at", datetime.now(UTC)),  # to the trash
        lambda: setattr(second, "archived_at", datetime.now(UTC)),  # leaves the rule's figures
        lambda: setattr(second, "archived_at", None),  # and comes back
        lambda: setattr(third, "threshold_months", 3),
        lambda: make.partnership(home=home),  # a new partnership, with no engagement yet
        lambda: session.delete(recent[1]),  # deleted for good
        lambda: setattr(recent[2], "partnership", third),  # moved: both partnerships change
    ]
    for change in changes:
        change()
        session.commit()
        check(app)
    assert len(full_reads) == reads  # each brought in by the chain alone

    # several changes between two views
    make.engagement(first, occurred_on=today - timedelta(days=1))
    make.engagement(third, occurred_on=today + timedelta(days=20))  # planned
    make.engagement(make.partnership(home=home), occurred_on=today - timedelta(days=3))
    check(app)
    assert len(full_reads) == reads


def test_a_change_that_may_touch_everything_reads_everything(app, make, session, full_reads):
    home = make.home_city()
    partnership = make.partnership(home=home)
    make.engagement(partnership, occurred_on=date(2026, 1, 1))
    check(app)
    reads = len(full_reads)
    session.get(HomeCity, home.id).threshold_months = 2  # every partnership of that home city
    session.commit()
    check(app)
    assert len(full_reads) == reads + 1


def test_a_stamp_moved_outside_the_chain_reads_everything(app, make, session, full_reads):
    partnership = make.partnership()
    make.engagement(partnership, occurred_on=date(2026, 1, 1))
    check(app)
    reads = len(full_reads)
    # as an import does: rows written and the stamp moved, without a row in the chain
    session.execute(sa.insert(Engagement.__table__).values(
        partnership_id=partnership.id, record_type="engagement", kind="meeting", occurred_on=date(2026, 2, 1),
        title="Imported", substantive=True, visibility="shared", initiated_by="home", logged_by_side="home",
        version=1, created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
    session.execute(sa.update(OfficeSettings).values(activity_stamp="0" * 32))
    session.commit()
    cached = check(app)
    assert len(full_reads) == reads + 1
    assert cached.activities[partnership.id].substantive_12m >= 1


def test_the_chain_names_the_partnerships_of_each_change(app, make, session):
    partnership = make.partnership()
    with app.app_context():
        before = office_settings().activity_stamp
    engagement = make.engagement(partnership)
    with app.app_context():
        after = office_settings().activity_stamp
        link = db.session.scalars(sa.select(ActivityChange).where(ActivityChange.stamp == after)).one()
        assert (link.previous, link.partnership_ids) == (before, [partnership.id])
        assert snapshots.changed_since(before, after) == {partnership.id}
        assert snapshots.changed_since("f" * 32, after) is None  # not reached: cannot tell
    assert engagement.id


@pytest.fixture
def committed(app):
    """Real commits on separate connections (PostgreSQL only); the rows made are removed after."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("a race needs a database server with real concurrent connections")
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        last = {table: conn.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar()
                for table in ("audit_events", "activity_changes", "engagements", "partnerships", "cities")}
        had_settings = conn.execute(sa.text("SELECT count(*) FROM office_settings")).scalar()
        if not had_settings:
            conn.execute(sa.text("INSERT INTO office_settings (id, office_name, threshold_months, activity_stamp, "
                                 "require_two_factor, version, created_at, updated_at) VALUES (1, 'Office', 12, "
                                 "'race-start', false, 1, now(), now())"))
    yield engine
    with engine.begin() as conn:
        for table in ("audit_events", "activity_changes", "engagements", "partnerships", "cities"):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE id > :last"), {"last": last[table]})
        if not had_settings:
            conn.execute(sa.text("DELETE FROM office_settings"))
    engine.dispose()


def test_two_writers_at_once_are_chained_in_commit_order(app, committed):
    """The second writer waits for the first one's lock on the settings row: its change names the first's
    stamp as the one it replaced, so a reader following the chain misses neither."""
    from crm.cities.models import City
    from crm.partnerships.models import Partnership

    engine = committed
    with Session(engine, expire_on_commit=False) as setup:
        home = City(name="Chain Home", country_code="US")
        partnerships = [Partnership(home_city=home, partner_city=City(name=f"Chain {n}", country_code="JP"),
                                    kind="sister_city", status="active") for n in range(2)]
        setup.add_all(partnerships)
        setup.commit()
        start = setup.scalar(sa.select(OfficeSettings.activity_stamp))
    first_flushed, release_first = threading.Event(), threading.Event()
    stamps = {}

    def first():
        with Session(engine) as session:
            session.add(Engagement(partnership_id=partnerships[0].id, kind="meeting", title="First",
                                   occurred_on=date(2026, 1, 1)))
            session.flush()  # holds the settings row
            first_flushed.set()
            release_first.wait(timeout=30)
            # Its own stamp, read inside its transaction: read after the commit, it could already be the second
            # writer's, which commits the moment the lock is released (seen on a loaded machine).
            stamps["first"] = session.scalar(sa.select(OfficeSettings.activity_stamp))
            session.commit()

    def second():
        first_flushed.wait(timeout=30)
        with Session(engine) as session:
            session.add(Engagement(partnership_id=partnerships[1].id, kind="meeting", title="Second",
                                   occurred_on=date(2026, 1, 2)))
            session.flush()  # waits for the first
            stamps["second"] = session.scalar(sa.select(OfficeSettings.activity_stamp))
            session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_flushed.wait(timeout=30)
    threading.Event().wait(0.3)  # the second writer is now waiting on the lock
    assert "second" not in stamps
    release_first.set()
    for thread in threads:
        thread.join(timeout=60)
    with Session(engine) as check_session:
        chain = {row.stamp: (row.previous, row.partnership_ids) for row in check_session.scalars(
            sa.select(ActivityChange).where(ActivityChange.stamp.in_([stamps["first"], stamps["second"]])))}
    assert chain[stamps["first"]] == (start, [partnerships[0].id])
    assert chain[stamps["second"]] == (stamps["first"], [partnerships[1].id])
