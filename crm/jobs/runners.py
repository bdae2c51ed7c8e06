"""Carrying job ids to a process that performs them.

- "rq": RQ workers on Redis (`flask --app wsgi crm worker`); the scheduler delivers again what Redis lost.
- "thread": one thread in each web process performs the jobs and keeps the schedule (`make run`: no other
  service). Several processes may run one each: the claim in crm.jobs.perform lets one perform each job.
- "eager": each job is performed as the transaction that asked for it commits, in a context of its own (tests).
"""
import logging
import os
import queue
import threading

from flask import Flask

log = logging.getLogger("crm.jobs")
POLL_SECONDS = 5.0  #: how often a thread runner looks for jobs due (retries, jobs other processes left)


def perform_in_context(app: Flask, job_id: int):
    from crm.extensions import db
    from crm.jobs.perform import perform

    with app.app_context():
        try:
            return perform(job_id)
        finally:
            db.session.remove()


def perform_delivered(job_id: int):
    """What an RQ worker runs: perform the job in the worker's app context (`crm worker` holds one)."""
    from crm.extensions import db
    from crm.jobs.perform import perform

    try:
        return perform(job_id)
    finally:
        db.session.remove()


class EagerRunner:
    def __init__(self, app: Flask):
        self.app = app

    def deliver(self, ids: list[int]) -> None:
        for job_id in ids:
            perform_in_context(self.app, job_id)


class ThreadRunner:
    """A daemon thread per process: performs delivered jobs at once, and every POLL_SECONDS the schedule's
    due work and any job left queued or stranded (crm.jobs.sweep)."""

    def __init__(self, app: Flask):
        self.app = app
        self.inbox: queue.Queue[int] = queue.Queue()
        self.pid = None
        self.lock = threading.Lock()
        self.thread = None
        self.stopping = threading.Event()

    def start(self) -> None:
        if self.pid == os.getpid() and self.thread is not None and self.thread.is_alive():
            return  # the common case, on every request: no lock
        with self.lock:
            if self.pid == os.getpid() and self.thread is not None and self.thread.is_alive():
                return
            self.pid = os.getpid()  # after a fork (gunicorn), each process has its own thread
            self.inbox = queue.Queue()
            self.thread = threading.Thread(target=self.loop, daemon=True, name="crm-jobs")
            self.thread.start()

    def deliver(self, ids: list[int]) -> None:
        self.start()
        for job_id in ids:
            self.inbox.put(job_id)

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after the job in hand (tests; a process ending takes its daemon thread anyway)."""
        self.stopping.set()
        if self.thread is not None:
            self.inbox.put(0)  # wake it
            self.thread.join(timeout)

    def loop(self) -> None:
        tick = self.app.extensions["crm.jobs.round"]  # crm.schedule.rounds.tick, given by the app factory
        while not self.stopping.is_set():
            try:
                job_id = self.inbox.get(timeout=POLL_SECONDS)
            except queue.Empty:
                try:
                    with self.app.app_context():
                        tick(perform_here=True)
                except Exception:  # noqa: BLE001  (the database away for a moment: the next poll tries again)
                    log.warning("job runner: the schedule could not be kept this time", exc_info=True)
                continue
            if self.stopping.is_set():
                break
            try:
                perform_in_context(self.app, job_id)
            except Exception:  # noqa: BLE001
                log.exception("job %s could not be performed", job_id)


class RqRunner:
    def __init__(self, app: Flask):
        self.app = app

    def queue(self):
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(self.app.config["REDIS_URL"], socket_timeout=5, socket_connect_timeout=5)
        return Queue(self.app.config["JOBS_QUEUE"], connection=connection)

    def deliver(self, ids: list[int]) -> None:
        try:
            rq_queue = self.queue()
            for job_id in ids:
                rq_queue.enqueue("crm.jobs.runners.perform_delivered", job_id, result_ttl=0, failure_ttl=86400,
                                 job_timeout=-1, description=f"crm job {job_id}")
        except Exception:  # noqa: BLE001  (Redis away: the row is saved, and the scheduler delivers it again)
            log.warning("jobs %s not handed to Redis; the scheduler will deliver them", ids, exc_info=True)


_RUNNERS = {"eager": EagerRunner, "thread": ThreadRunner, "rq": RqRunner}


def configure_jobs(app: Flask, round_function) -> None:
    """`round_function(perform_here)` is the periodic round (crm.schedule.rounds.tick). Without Redis, each web
    process runs its job thread, which keeps the timetable too, from its first request on (after gunicorn's fork)."""
    app.extensions["crm.jobs.round"] = round_function
    if app.config["JOBS_RUNNER"] == "thread" and not app.testing:  # a test starts its runner itself
        app.before_request(lambda: runner(app).start())


def runner(app: Flask):
    found = app.extensions.get("crm.jobs.runner")
    if found is None:
        found = app.extensions["crm.jobs.runner"] = _RUNNERS[app.config["JOBS_RUNNER"]](app)
    return found
