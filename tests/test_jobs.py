"""The job queue in one process: asked for with the transaction, performed once, retried with backoff, taken
up again when its process died; and the app's own timetable (digests, the purge), each run one job.

The runners in separate processes (RQ workers killed mid-import and mid-digest) are in tests/test_jobs_processes.py.
"""
import email
import socket
import subprocess
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from crm.jobs.perform import backoff, perform
from crm.jobs.queue import enqueue
from crm.jobs.runners import EagerRunner, ThreadRunner
from crm.jobs.sweep import take_due
from crm.mail import stable_message_id
from crm.processes import HOST, Worker
from crm.schedule.timetable import due_work, keep_schedule

CALLS: list[dict] = []


def record(payload: dict) -> dict:
    """A task for these tests: notes its payload."""
    CALLS.append(payload)
    return {"seen": payload.get("n")}


def fail_always(payload: dict) -> dict:
    raise RuntimeError("no luck")


RECORD, FAIL = "tests.test_jobs:record", "tests.test_jobs:fail_always"


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def jobs(session) -> list[Job]:
    session.expire_all()
    return list(session.scalars(select(Job).order_by(Job.id)))


def test_a_job_runs_once_its_transaction_commits_and_never_when_it_rolls_back(app_ctx, session):
    enqueue(RECORD, {"n": 1})
    db.session.rollback()
    assert CALLS == [] and jobs(session) == []
    job_id = enqueue(RECORD, {"n": 2})
    assert CALLS == []  # not before the commit
    db.session.commit()
    assert CALLS == [{"n": 2}]
    job = session.get(Job, job_id)
    assert job.status == DONE and job.attempts == 1 and job.result == {"seen": 2} and job.lease is None


def test_a_job_delivered_twice_is_performed_once(app_ctx, session, monkeypatch):
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: None)  # held back
    job_id = enqueue(RECORD, {"n": 3})
    db.session.commit()
    assert perform(job_id) == DONE
    assert perform(job_id) is None  # the second delivery finds it done
    assert CALLS == [{"n": 3}]


def test_work_asked_for_twice_under_one_key_is_one_job(app_ctx, session):
    first = enqueue(RECORD, {"n": 4}, key="report:2026-11-25")
    second = enqueue(RECORD, {"n": 5}, key="report:2026-11-25")
    db.session.commit()
    assert first is not None and second is None
    assert CALLS == [{"n": 4}] and len(jobs(session)) == 1


def test_a_failing_job_is_retried_with_growing_waits_then_given_up(app_ctx, session, clock):
    job_id = enqueue(FAIL, max_attempts=3)
    db.session.commit()  # the first attempt, at once
    job = jobs(session)[0]
    assert job.status == QUEUED and job.attempts == 1 and "no luck" in job.error
    assert job.run_after == pytest.approx(datetime.now(UTC) + backoff(1), abs=timedelta(seconds=2))
    assert take_due() == []  # not before its time
    clock.shift(backoff(1) + timedelta(seconds=1))
    assert take_due() == [job_id] and perform(job_id) == QUEUED
    assert backoff(2) == 2 * backoff(1)
    clock.shift(backoff(2) + timedelta(seconds=1))
    assert take_due() == [job_id] and perform(job_id) == FAILED
    job = jobs(session)[0]
    assert job.status == FAILED and job.attempts == 3 and job.finished_at is not None


def vanished() -> str:
    process = subprocess.Popen(["true"])
    process.wait()
    return str(Worker(HOST, process.pid, "", "killed"))


def test_a_job_whose_process_died_is_taken_up_again_and_only_then(app_ctx, session, monkeypatch):
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: None)
    job_id = enqueue(RECORD, {"n": 6})
    db.session.commit()
    alive = str(Worker(HOST, __import__("os").getppid(), "", "busy"))  # the process running these tests' parent
    session.execute(Job.__table__.update().where(Job.id == job_id)
                    .values(status=RUNNING, lease=alive, attempts=1, heartbeat_at=datetime.now(UTC),
                            delivered_at=datetime.now(UTC) - timedelta(seconds=20),  # handed, then taken
                            started_at=datetime.now(UTC) - timedelta(seconds=10)))
    session.commit()
    assert take_due() == [] and perform(job_id) is None  # its process is at it
    session.execute(Job.__table__.update().where(Job.id == job_id).values(lease=vanished()))
    session.commit()
    assert take_due() == [job_id]  # at once: not two minutes after it was first handed
    assert take_due() == []  # handed once, not on every round
    assert perform(job_id) == DONE and CALLS == [{"n": 6}]
    assert jobs(session)[0].attempts == 2


def test_a_sweep_hands_again_a_queued_job_no_runner_took(app_ctx, session, clock, monkeypatch):
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: None)  # Redis lost it, say
    job_id = enqueue(RECORD, {"n": 7})
    db.session.commit()
    assert take_due() == []  # just handed to a runner: give it time
    clock.shift(timedelta(minutes=3))
    assert take_due() == [job_id]


def test_the_thread_runner_performs_jobs_in_the_background(app, app_ctx, session, monkeypatch):
    thread_runner = ThreadRunner(app)
    monkeypatch.setitem(app.extensions, "crm.jobs.round", lambda perform_here: [])  # its rounds: another test's
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: thread_runner.deliver(ids))
    job_id = enqueue(RECORD, {"n": 8})
    db.session.commit()
    try:
        deadline = time.monotonic() + 10
        while not CALLS:  # not the database: the thread shares this test's connection
            assert time.monotonic() < deadline, "the thread runner did not perform the job"
            time.sleep(0.05)
        assert thread_runner.thread.name == "crm-jobs" and thread_runner.thread.daemon
    finally:
        thread_runner.stop()  # after the job in hand: then the connection is the test's alone again
    assert not thread_runner.thread.is_alive()
    assert CALLS == [{"n": 8}] and session.get(Job, job_id, populate_existing=True).status == DONE


# The timetable ----------------------------------------------------------------------------------------------------


def at(day: str, hour: int, zone: str = "UTC") -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def liaisons(make, session):
    partner = make.partnership()
    tokyo = make.user("coordinator", name="Aiko", timezone="Asia/Tokyo", language="ja")
    lima = make.user("coordinator", name="Rosa", timezone="America/Lima", language="es",
                     partner_news_mail="daily")
    partner.liaison = tokyo
    make.partnership(liaison=lima)
    session.commit()
    return tokyo, lima


def test_each_liaison_is_due_at_their_own_morning_and_the_purge_at_the_offices_night(app_ctx, liaisons):
    tokyo, lima = liaisons
    keys = lambda moment: sorted(key for key, _task, _payload in due_work(moment))  # noqa: E731
    # Wednesday 2 December 2026, 23:00 UTC: 08:00 Thursday in Tokyo, 18:00 Wednesday in Lima
    assert keys(at("2026-12-02", 23)) == sorted([f"digest:2026-12-03:{tokyo.id}", f"digest:2026-12-02:{lima.id}",
                                                 f"partner-digest:2026-12-02:{lima.id}", "purge:2026-12-02",
                                                 "old-exports:2026-12-02", "old-jobs:2026-12-02",
                                                 "reminders:2026-12-02"])
    # 21:00 UTC: 06:00 in Tokyo, before the morning
    assert f"digest:2026-12-03:{tokyo.id}" not in keys(at("2026-12-02", 21))
    # Saturday 5 December: no attention digest at the weekend; partners' news every day
    saturday = keys(at("2026-12-05", 18))
    assert not any(key.startswith("digest:") for key in saturday)
    assert f"partner-digest:2026-12-05:{lima.id}" in saturday


def test_each_run_is_one_job_however_often_it_is_asked_for_and_missed_days_run_once(app_ctx, session, liaisons,
                                                                                       monkeypatch):
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: None)
    thursday = at("2026-12-03", 23)
    first = keep_schedule(thursday)
    assert keep_schedule(thursday) == [] and keep_schedule(thursday + timedelta(hours=1)) == []
    assert len(first) == 7
    # every host down from Friday to Monday evening: Monday's runs, once; not Friday's, Saturday's or Sunday's
    monday = keep_schedule(at("2026-12-07", 23))
    keys = set(session.scalars(select(Job.key).where(Job.id.in_(monday))))
    assert all("2026-12-07" in key or "2026-12-08" in key for key in keys) and len(keys) == 7
    assert session.scalar(select(func.count()).select_from(Job)) == 14


def test_two_schedulers_at_once_make_one_job_per_run(app, app_ctx, monkeypatch):
    """Two hosts' rounds racing, on two real PostgreSQL connections: the unique key lets one insert win; the
    other waits for its commit and adds nothing."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("a race needs a database server with real concurrent connections")
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: None)
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    key = f"race:{time.monotonic_ns()}"
    results = {}
    try:
        with Session(engine) as first, Session(engine) as second:
            results["first"] = enqueue(RECORD, {"n": 1}, key=key, session=first)
            racer = threading.Thread(target=lambda: results.setdefault(
                "second", enqueue(RECORD, {"n": 2}, key=key, session=second)))
            racer.start()
            racer.join(0.5)
            assert racer.is_alive()  # waiting on the first one's uncommitted row
            first.commit()
            racer.join(10)
            second.commit()
        assert results["first"] is not None and results["second"] is None
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM jobs WHERE key = :key"), {"key": key}).scalar() == 1
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM jobs WHERE key = :key"), {"key": key})
        engine.dispose()


# The scheduled work -----------------------------------------------------------------------------------------------


@pytest.fixture
def flagged(make, session):
    """A liaison with a partnership gone quiet (it needs attention)."""
    liaison = make.user("coordinator", name="Lucía", language="es", email="lucia@example.org")
    make.partnership(liaison=liaison, established_on=date(1996, 1, 1))  # nothing since: gone ceremonial
    session.commit()
    return liaison


def mail_from(folder) -> list:
    return [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(folder.glob("*.eml"))]


def test_a_scheduled_digest_is_sent_once_in_the_liaisons_language(app, app_ctx, session, flagged, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    keep_schedule(at("2026-11-25", 10, "America/Los_Angeles"))  # the office's (and so Lucía's) morning
    keep_schedule(at("2026-11-25", 11, "America/Los_Angeles"))
    sent = mail_from(tmp_path)
    assert len(sent) == 1 and sent[0]["To"].addresses[0].addr_spec == "lucia@example.org"
    assert sent[0]["Content-Language"] == "es" and sent[0]["Auto-Submitted"] == "auto-generated"
    assert sent[0]["Date"] and sent[0]["Message-ID"]


def test_a_digest_the_mail_server_refused_goes_later_with_the_same_message_id(app, app_ctx, session, flagged,
                                                                             tmp_path, clock, monkeypatch):
    with socket.socket() as probe:  # a port where nothing listens: refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                       "MAIL_OUTBOX": str(tmp_path)}.items():
        monkeypatch.setitem(app.config, key, value)
    keep_schedule(at("2026-11-25", 10, "America/Los_Angeles"))
    job = next(job for job in jobs(session) if job.key.startswith("digest:"))
    assert job.status == QUEUED and job.attempts == 1 and "MailNotSent" in job.error
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)  # the mail server is back (the outbox stands in for it)
    clock.shift(backoff(1) + timedelta(seconds=1))
    assert take_due() == [job.id] and perform(job.id) == DONE
    sent = mail_from(tmp_path)
    assert len(sent) == 1
    done = jobs(session)[[j.id for j in jobs(session)].index(job.id)]
    expected = stable_message_id(f"digest:{job.payload['as_of']}:{flagged.id}")
    assert sent[0]["Message-ID"] == done.result["message_id"] == expected  # every attempt's message is the same


def test_the_purge_runs_as_a_scheduled_job(app, app_ctx, session, make, clock):
    from crm.engagements.models import Engagement

    engagement = make.engagement(make.partnership())
    engagement.deleted_at = datetime.now(UTC) - timedelta(days=31)
    session.commit()
    engagement_id = engagement.id
    keep_schedule(at("2026-11-25", 4))
    purge = next(job for job in jobs(session) if job.key.startswith("purge:"))
    assert purge.status == DONE and purge.result == {"engagements": 1, "documents": 0, "participants": 0, "sensitive_values": 0}
    session.expire_all()
    assert session.get(Engagement, engagement_id) is None


def test_a_mail_server_that_never_answers_holds_no_request(app, client, make, login, session, monkeypatch):
    """The invitation's message is a job: the page answers at once, whatever the mail server does."""
    silent = socket.socket()  # takes the connection, never says a word
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": silent.getsockname()[1],
                       "MAIL_USE_TLS": False}.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: None)  # a worker elsewhere takes it
    try:
        login("admin")
        began = time.monotonic()
        response = client.post("/admin/users/invite", data={"email": "someone@city.example", "role": "viewer"})
        assert response.status_code in (302, 303) and time.monotonic() - began < 5
    finally:
        silent.close()
    [job] = jobs(session)
    assert job.task == "crm.jobs.mail:deliver_job" and job.status == QUEUED and job.key.startswith("mail:<")


def test_the_runner_follows_redis_url_unless_told(monkeypatch, tmp_path):
    from crm.config import ConfigError, load_config

    monkeypatch.delenv("CRM_JOBS_RUNNER", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert load_config(tmp_path)["JOBS_RUNNER"] == "thread"  # make run: no other service
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert load_config(tmp_path)["JOBS_RUNNER"] == "rq"
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.setenv("CRM_JOBS_RUNNER", "rq")
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config(tmp_path)


def test_the_queue_health_check_says_what_is_wrong(app, app_ctx, session, clock, monkeypatch):
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: None)
    runner_cli = app.test_cli_runner()
    result = runner_cli.invoke(args=["crm", "jobs"])
    postgres = app.config["DB_LANE"] == "postgresql"
    assert "jobs: none" in result.output
    assert result.exit_code == (1 if postgres else 0)  # no scheduler holds its lock in the tests
    assert ("no scheduler leads" in result.output) == postgres
    enqueue(RECORD, {"n": 9})
    db.session.commit()
    clock.shift(timedelta(minutes=11))
    result = runner_cli.invoke(args=["crm", "jobs"])
    assert result.exit_code == 1 and "queued 1" in result.output and "waited 11 minutes past its time" in result.output


def test_finished_jobs_are_kept_a_month(app_ctx, session, clock):
    from crm.jobs.queue import prune_finished

    enqueue(RECORD, {"n": 10})
    db.session.commit()
    enqueue(FAIL, max_attempts=1)
    db.session.commit()
    assert prune_finished() == {"removed": 0}
    clock.shift(timedelta(days=31))
    assert prune_finished() == {"removed": 2} and jobs(session) == []


def test_a_job_whose_worker_dies_every_time_is_given_up(app_ctx, session, monkeypatch):
    monkeypatch.setattr(EagerRunner, "deliver", lambda runner, ids: None)
    job_id = enqueue(RECORD, {"n": 11}, max_attempts=2)
    db.session.commit()
    session.execute(Job.__table__.update().where(Job.id == job_id)
                    .values(status=RUNNING, lease=vanished(), attempts=2, heartbeat_at=datetime.now(UTC)))
    session.commit()
    assert perform(job_id) is None and CALLS == []
    job = jobs(session)[0]
    assert job.status == FAILED and "stopped during each of its 2 attempts" in job.error
