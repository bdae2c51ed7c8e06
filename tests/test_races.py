"""Races on PostgreSQL: each happens-once action sent twice at the same moment, through the web pages.

Two test clients in two threads, each on a real connection of its own (not the test transaction).
Both requests load the record first, then wait for each other just before they act, so both act
on what they loaded: a double-click, or two tabs. Exactly one does it; the other is told so."""
import secrets
import threading
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.extensions import db
from tests.test_concurrency import committed  # noqa: F401  (the fixture: real commits, cleaned up after)


def race(app, engine, monkeypatch, user, module, name: str, requests: list[tuple[str, dict]]):
    """POST the requests at once; each waits for the others where it calls `module.name`.

    Returns (status code, flashed messages) per request, or ("error", repr) when one raised."""
    barrier = threading.Barrier(len(requests), timeout=30)
    original = getattr(module, name)
    if isinstance(original, type):  # a form: wait when it is validated, after the record was loaded
        class AtOnce(original):
            def validate(self, *args, **kwargs):
                barrier.wait()
                return super().validate(*args, **kwargs)

        monkeypatch.setattr(module, name, AtOnce)
    else:
        def at_once(*args, **kwargs):
            barrier.wait()
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, at_once)
    results: list = [None] * len(requests)

    def send(n: int, url: str, data: dict):
        client = app.test_client()
        with client.session_transaction() as flask_session:
            flask_session["_user_id"], flask_session["_fresh"] = user, True
        try:
            response = client.post(url, data=data)
            with client.session_transaction() as flask_session:
                results[n] = (response.status_code, [m for _c, m in flask_session.get("_flashes", [])])
        except Exception as error:  # noqa: BLE001  (a 500, in testing)
            results[n] = ("error", repr(error))

    engines = db._app_engines[app]
    shared, engines[None] = engines[None], engine  # the requests' sessions use real connections
    try:
        threads = [threading.Thread(target=send, args=(n, url, data)) for n, (url, data) in enumerate(requests)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        engines[None] = shared
    return results


def setup(engine, created, *records):
    """Commit the records for real and remember them for the cleanup (deleted in reverse order)."""
    with Session(engine, expire_on_commit=False) as session:
        session.add_all(records)
        session.commit()
        for record in records:
            created.append((record.__tablename__, record.id))
    return records


def staff(engine, created, role="coordinator") -> tuple:
    from crm.auth.models import User

    user = User(email=f"race-{secrets.token_hex(4)}@example.org", name="Race", role=role)
    user.set_password("a long race password")
    setup(engine, created, user)
    from crm.auth import sessions

    record, secret = sessions.new_record(user)
    setup(engine, created, record)
    return user, sessions.attach(user, record, secret).get_id()


def scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def test_an_import_confirmed_twice_at_once_is_written_once(app, committed, monkeypatch):  # noqa: F811
    from crm.cities.models import City
    from crm.imports import views
    from tests.test_once import ready_job

    engine, created = committed
    user, login = staff(engine, created)
    (home,) = setup(engine, created, City(name="Race Kobe", country_code="JP"))
    with Session(engine, expire_on_commit=False) as session:
        job = ready_job(session, user, home, names=("Racetown",))
    created.append(("import_jobs", job.id))
    try:
        results = race(app, engine, monkeypatch, login, views, "ConfirmForm",
                       [(f"/import/{job.token}/confirm", {})] * 2)
    finally:
        with engine.begin() as conn:  # what the import wrote
            conn.execute(sa.text("DELETE FROM partnerships WHERE home_city_id = :h"), {"h": home.id})
            conn.execute(sa.text("DELETE FROM cities WHERE name = 'Racetown'"))
    assert [code for code, _f in results] == [302, 302], results
    assert sum("This import was already confirmed; it is written only once." in f for _c, f in results) == 1
    assert scalar(engine, "SELECT status FROM import_jobs WHERE id = :j", j=job.id) == "done"
    assert scalar(engine, "SELECT count(*) FROM audit_events WHERE record_type = 'import_jobs' AND record_id = :j",
                  j=job.id) == 1


def test_two_partnerships_of_the_same_pair_at_once_make_one(app, committed, monkeypatch):  # noqa: F811
    from crm.cities.models import City
    from crm.partnerships import operations
    from tests.test_once import partnership_form

    engine, created = committed
    _user, login = staff(engine, created)
    from crm.settings.models import HomeCity

    home, partner = setup(engine, created, City(name="Race Home", country_code="US"),
                          City(name="Race Partner", country_code="JP"))
    with Session(engine) as session:
        session.add(HomeCity(city_id=home.id))  # the form offers only home cities
        session.commit()
    try:
        # Both have looked for a current partnership of the pair and found none; both insert.
        results = race(app, engine, monkeypatch, login, operations, "apply_form",
                       [("/partnerships/new", partnership_form(home, partner))] * 2)
    finally:
        made = scalar(engine, "SELECT count(*) FROM partnerships WHERE home_city_id = :h", h=home.id)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM partnerships WHERE home_city_id = :h"), {"h": home.id})
            conn.execute(sa.text("DELETE FROM home_cities WHERE city_id = :h"), {"h": home.id})
    assert sorted(code for code, _f in results) == [302, 409], results
    assert made == 1


def test_an_agreement_signed_twice_at_once_is_signed_once(app, committed, monkeypatch):  # noqa: F811
    from crm.agreements import views
    from crm.agreements.models import Agreement
    from crm.cities.models import City
    from crm.partnerships.models import Partnership

    engine, created = committed
    _user, login = staff(engine, created)
    partnership = Partnership(home_city=City(name="H", country_code="US"), partner_city=City(name="P", country_code="JP"),
                              kind="sister_city", status="active")
    setup(engine, created, partnership.home_city, partnership.partner_city, partnership)
    (agreement,) = setup(engine, created, Agreement(partnership_id=partnership.id, kind="sister_city",
                                                    title="Race agreement", status="in_negotiation"))
    try:
        results = race(app, engine, monkeypatch, login, views, "MoveForm",
                       [(f"/agreements/{agreement.id}/move", {"target": "signed", "signed_on": "2026-05-12"})] * 2)
    finally:
        entries = scalar(engine, "SELECT count(*) FROM engagements WHERE partnership_id = :p", p=partnership.id)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE agreements SET signing_engagement_id = NULL WHERE id = :a"),
                         {"a": agreement.id})
            conn.execute(sa.text("DELETE FROM engagements WHERE partnership_id = :p"), {"p": partnership.id})
    assert [code for code, _f in results] == [302, 302], results
    assert entries == 1  # one signing on the timeline
    assert sum(any(m.startswith("Someone else changed this agreement") for m in f) for _c, f in results) == 1


def test_a_renewal_started_twice_at_once_is_started_once(app, committed, monkeypatch):  # noqa: F811
    from crm.agreements import views
    from crm.agreements.models import Agreement
    from crm.cities.models import City
    from crm.partnerships.models import Partnership

    engine, created = committed
    _user, login = staff(engine, created)
    partnership = Partnership(home_city=City(name="H", country_code="US"), partner_city=City(name="P", country_code="JP"),
                              kind="sister_city", status="active")
    setup(engine, created, partnership.home_city, partnership.partner_city, partnership)
    (agreement,) = setup(engine, created, Agreement(partnership_id=partnership.id, kind="sister_city",
                                                    title="Race agreement", status="signed"))
    try:
        results = race(app, engine, monkeypatch, login, views, "ConfirmForm",
                       [(f"/agreements/{agreement.id}/renew", {"version": agreement.version})] * 2)
    finally:
        renewals = scalar(engine, "SELECT count(*) FROM agreements WHERE renews_id = :a", a=agreement.id)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM agreements WHERE renews_id = :a"), {"a": agreement.id})
    assert [code for code, _f in results] == [302, 302], results
    assert renewals == 1
    assert sum("A renewal of this agreement was already started; here it is." in f for _c, f in results) == 1


def test_a_deleted_engagement_restored_twice_at_once_is_restored_once(app, committed, monkeypatch):  # noqa: F811
    from crm.cities.models import City
    from crm.engagements.models import Engagement
    from crm.partnerships.models import Partnership
    from crm.trash import operations

    engine, created = committed
    _user, login = staff(engine, created, role="admin")
    partnership = Partnership(home_city=City(name="H", country_code="US"), partner_city=City(name="P", country_code="JP"),
                              kind="sister_city", status="active")
    setup(engine, created, partnership.home_city, partnership.partner_city, partnership)
    (engagement,) = setup(engine, created, Engagement(partnership_id=partnership.id, kind="meeting", title="Race visit",
                                                      occurred_on=datetime(2025, 1, 1).date(),
                                                      deleted_at=datetime.now(UTC)))
    results = race(app, engine, monkeypatch, login, operations, "restore",
                   [(f"/admin/deleted/engagements/{engagement.id}/restore", {})] * 2)
    assert [code for code, _f in results] == [302, 302], results
    assert sorted(f[0] for _c, f in results) == ["“Race visit” was already restored.", "“Race visit” was restored."]
    assert scalar(engine, "SELECT count(*) FROM audit_events WHERE record_type = 'engagement' AND record_id = :e "
                          "AND action = 'restore'", e=engagement.id) == 1
    assert scalar(engine, "SELECT deleted_at FROM engagements WHERE id = :e", e=engagement.id) is None


def test_an_interrupted_import_retried_twice_at_once_is_written_once(app, committed, monkeypatch):  # noqa: F811
    from crm.cities.models import City
    from crm.imports import views
    from tests.test_import_interrupted import vanished_worker
    from tests.test_once import ready_job

    engine, created = committed
    user, login = staff(engine, created)
    (home,) = setup(engine, created, City(name="Race Kobe", country_code="JP"))
    with Session(engine, expire_on_commit=False) as session:
        job = ready_job(session, user, home, names=("Retrytown",))
        job.status, job.worker = "applying", vanished_worker()
        session.commit()
    created.append(("import_jobs", job.id))
    try:
        results = race(app, engine, monkeypatch, login, views, "ConfirmForm",
                       [(f"/import/{job.token}/retry", {})] * 2)
    finally:
        made = scalar(engine, "SELECT count(*) FROM partnerships WHERE home_city_id = :h", h=home.id)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM partnerships WHERE home_city_id = :h"), {"h": home.id})
            conn.execute(sa.text("DELETE FROM cities WHERE name = 'Retrytown'"))
    assert [code for code, _f in results] == [302, 302], results
    assert made == 1
    assert sum("Someone has already restarted this import." in f for _c, f in results) == 1
    assert scalar(engine, "SELECT status FROM import_jobs WHERE id = :j", j=job.id) == "done"


def test_two_renewals_of_one_agreement_signed_at_once_both_sign(app, committed, monkeypatch):  # noqa: F811
    """Each signing marks the old agreement renewed; the second finds it done, not a version error (a 500)."""
    from crm.agreements import views
    from crm.agreements.models import Agreement
    from crm.cities.models import City
    from crm.partnerships.models import Partnership

    engine, created = committed
    _user, login = staff(engine, created)
    partnership = Partnership(home_city=City(name="H", country_code="US"), partner_city=City(name="P", country_code="JP"),
                              kind="sister_city", status="active")
    setup(engine, created, partnership.home_city, partnership.partner_city, partnership)
    (old,) = setup(engine, created, Agreement(partnership_id=partnership.id, kind="sister_city",
                                              title="Old agreement", status="signed"))
    first, second = setup(engine, created, *[
        Agreement(partnership_id=partnership.id, kind="renewal", title=f"Renewal {n}", status="in_negotiation",
                  renews_id=old.id) for n in (1, 2)])
    try:
        results = race(app, engine, monkeypatch, login, views, "MoveForm",
                       [(f"/agreements/{renewal.id}/move", {"target": "signed", "signed_on": "2026-05-12"})
                        for renewal in (first, second)])
        status = scalar(engine, "SELECT status FROM agreements WHERE id = :a", a=old.id)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE agreements SET signing_engagement_id = NULL WHERE partnership_id = :p"),
                         {"p": partnership.id})
            conn.execute(sa.text("DELETE FROM engagements WHERE partnership_id = :p"), {"p": partnership.id})
    assert [code for code, _f in results] == [302, 302], results
    assert status == "renewed"
