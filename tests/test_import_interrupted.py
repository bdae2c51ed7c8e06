"""Nothing stranded: an import whose process died is shown as interrupted, and can be retried or discarded.

Time comes from a frozen clock (time-machine), never from waiting."""
import os
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from crm.imports import liveness, running
from crm.imports.liveness import HOST, WORKING, Worker, is_interrupted
from crm.imports.models import APPLYING, DONE, MATCHING, READY, ImportJob
from crm.partnerships.models import Partnership
from tests.test_once import flashes, ready_job

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def vanished_worker() -> str:
    """The claim of a process on this host that has ended (a worker restart, a deploy, a crash)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return str(Worker(HOST, process.pid, "", "vanished"))


def job_at(status, worker, heartbeat_at=T0) -> ImportJob:
    return ImportJob(status=status, worker=worker, heartbeat_at=heartbeat_at, created_at=T0, updated_at=T0)


def partnerships_of(session, home) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Partnership).where(Partnership.home_city_id == home.id))


# The rule ---------------------------------------------------------------------------------------------------------


def test_a_job_whose_process_is_gone_is_interrupted_at_once():
    assert is_interrupted(job_at(APPLYING, vanished_worker()), T0, stall=300, heartbeats=True)
    assert is_interrupted(job_at(MATCHING, vanished_worker()), T0, stall=300, heartbeats=False)


def test_a_new_process_that_got_the_same_pid_is_not_taken_for_the_old_one():
    me = Worker.new()
    assert me.started  # read from /proc
    reused = Worker(HOST, me.pid, str(int(me.started) - 1), "before-the-restart")
    assert is_interrupted(job_at(APPLYING, str(reused)), T0, stall=300, heartbeats=False)


def test_a_job_of_this_process_is_running_while_one_of_its_threads_holds_the_claim():
    claim = str(Worker.new())
    assert is_interrupted(job_at(APPLYING, claim), T0, stall=300, heartbeats=True)  # no thread has it
    WORKING.add(claim)
    try:
        assert not is_interrupted(job_at(APPLYING, claim, T0 - timedelta(hours=1)), T0, stall=300, heartbeats=True)
    finally:
        WORKING.discard(claim)


def test_no_progress_for_the_set_time_is_an_interruption():
    elsewhere = str(Worker("another-host", 4242, "1", "x"))  # its process cannot be checked from here
    job = job_at(APPLYING, elsewhere)
    assert not is_interrupted(job, T0 + timedelta(seconds=300), stall=300, heartbeats=False)
    assert is_interrupted(job, T0 + timedelta(seconds=301), stall=300, heartbeats=False)


def test_a_live_process_here_is_judged_by_its_heartbeat_where_one_can_be_written():
    parent = Worker(HOST, os.getppid(), "", "alive")  # alive: it runs these tests
    job = job_at(APPLYING, str(parent))
    late = T0 + timedelta(minutes=10)
    assert is_interrupted(job, late, stall=300, heartbeats=True)
    # On SQLite the import's own transaction holds the only write lock: no heartbeat can be written,
    # so a live process on this host is not called interrupted for being quiet.
    assert not is_interrupted(job, late, stall=300, heartbeats=False)


def test_finished_and_waiting_jobs_are_never_interrupted():
    for status in (READY, DONE):
        assert not is_interrupted(job_at(status, vanished_worker()), T0, stall=300, heartbeats=True)


# Pages ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def stranded(login, make, session):
    """A confirmed import whose process died while it was writing."""
    home = make.home_city(name="Kobe", country_code="JP")
    user = login("coordinator")
    job = ready_job(session, user, home, names=("Växjö", "Lund"))
    job.status, job.worker, job.heartbeat_at = APPLYING, vanished_worker(), T0
    session.commit()
    return job, home


def test_a_job_whose_worker_vanished_is_shown_interrupted_with_retry_and_discard(client, stranded):
    job, _home = stranded
    page = client.get(f"/import/{job.token}").text
    assert "This import was interrupted; nothing was saved." in page
    assert f'action="/import/{job.token}/retry"' in page and f'href="/import/{job.token}/discard"' in page
    assert client.get(f"/import/{job.token}/status").json["interrupted"] is True
    listing = client.get("/import/").text
    assert "Interrupted" in listing and f'action="/import/{job.token}/retry"' in listing


def test_an_interrupted_job_can_be_discarded_after_confirming(client, session, stranded):
    job, _home = stranded
    job_id = job.id
    confirm = client.get(f"/import/{job.token}/discard")
    assert confirm.status_code == 200 and "Discard the import of partners.csv?" in confirm.text
    assert session.get(ImportJob, job.id) is not None  # asking changes nothing
    response = client.post(f"/import/{job.token}/discard")
    assert response.status_code == 302 and response.headers["Location"].endswith("/import/")
    session.expire_all()
    assert session.get(ImportJob, job_id) is None


def test_a_running_job_cannot_be_discarded(client, session, stranded):
    job, _home = stranded
    claim = str(Worker.new())
    job.worker = claim
    session.commit()
    WORKING.add(claim)
    try:
        assert "This import was interrupted" not in client.get(f"/import/{job.token}").text
        client.post(f"/import/{job.token}/discard")
        assert client.post(f"/import/{job.token}/retry").status_code == 302
    finally:
        WORKING.discard(claim)
    session.expire_all()
    assert session.get(ImportJob, job.id).worker == claim  # neither discarded nor taken over


def test_an_interrupted_job_retried_writes_each_row_once(client, session, stranded):
    job, home = stranded
    response = client.post(f"/import/{job.token}/retry")
    assert response.status_code == 302 and "The import was started again." in flashes(client)
    assert partnerships_of(session, home) == 2
    assert session.get(ImportJob, job.id).status == DONE
    client.post(f"/import/{job.token}/retry")  # again: it is done, not interrupted
    assert partnerships_of(session, home) == 2


def test_a_process_taken_for_dead_that_wakes_up_after_the_retry_writes_nothing(app, client, session, stranded):
    job, home = stranded
    stale = job.worker
    client.post(f"/import/{job.token}/retry")
    assert partnerships_of(session, home) == 2
    with app.app_context():
        running.run_apply(job.id, None, worker=stale)  # the old process goes on where it stopped
    assert partnerships_of(session, home) == 2
    assert session.get(ImportJob, job.id).status == DONE


def test_a_process_whose_job_is_taken_over_while_it_writes_rolls_back(app, session, stranded):
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from crm.extensions import db

    job, home = stranded
    stale = job.worker
    retry = str(Worker("another-host", 1, "1", "the retry"))

    def taken_over_meanwhile(job):
        def progress(done, total):  # a retry's claim commits while this process is writing
            with Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint") as other:
                other.execute(update(ImportJob).where(ImportJob.id == job.id).values(worker=retry))
                other.commit()
        return progress

    with app.app_context():
        running.run_apply(job.id, None, taken_over_meanwhile, worker=stale)
    assert partnerships_of(session, home) == 0
    assert session.get(ImportJob, job.id).status == APPLYING  # neither done nor failed: the retry's to finish


def test_a_retry_claims_only_the_stale_state_it_saw(app, session, stranded):
    job, _home = stranded
    with app.app_context():
        assert liveness.claim_job(job.id, APPLYING, APPLYING, seen_worker="someone else", retry=True) is None
        assert liveness.claim_job(job.id, APPLYING, APPLYING, seen_worker=job.worker, retry=True) is not None


def test_a_quiet_job_on_another_host_is_interrupted_after_the_set_time(client, session, stranded):
    job, _home = stranded
    job.worker = str(Worker("another-host", 4242, "1", "x"))
    session.commit()
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        assert "This import was interrupted" not in client.get(f"/import/{job.token}").text
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        assert "This import was interrupted" in client.get(f"/import/{job.token}").text
