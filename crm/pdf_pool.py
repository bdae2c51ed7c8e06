"""PDF renders bounded per user, on a small pool of workers, so one user's renders never queue everyone else's.

Each worker is a crm.pdf.Renderer: one process of its own, with the same time and memory limits, stopped
and replaced alone when its render runs too long. A render takes a free worker; one user may have at most
PDF_RENDERS_PER_USER renders in flight in this web process, so with two or more workers a user who asks
again and again (a guest with thousands of engagements) holds one worker at most, and the others stay
free for everyone else. Guests' renders run on workers of their own at a lower CPU priority (nice +10):
they never hold a worker the office needs, and on a busy machine the office's documents come first.
"""
import logging
import os
import queue
import threading
from collections import Counter
from contextlib import contextmanager

from crm.pdf import Renderer, RenderError

GUEST_NICENESS = 10
log = logging.getLogger(__name__)


class RenderBusy(RenderError):
    """The user already has as many renders in flight as allowed; nothing was started."""


class LowPriorityRenderer(Renderer):
    """A worker whose process yields the CPU to the office's own renders."""

    def _start_pool(self):
        pool = super()._start_pool()
        pool.submit(os.nice, GUEST_NICENESS).result(timeout=self.timeout)  # its only process, for good
        return pool


def _lane(renderers: list[Renderer]) -> "queue.Queue[Renderer]":
    free: queue.Queue[Renderer] = queue.Queue()
    for worker in renderers:
        free.put(worker)
    return free


class RenderPool:
    def __init__(self, timeout: float = 60, memory_mb: int = 2048, workers: int = 2, per_user: int = 1):
        self.timeout, self.per_user = timeout, per_user
        self.workers = [Renderer(timeout=timeout, memory_mb=memory_mb) for _ in range(max(1, workers))]
        # started only when a guest first asks for a document
        self.guest_workers = [LowPriorityRenderer(timeout=timeout, memory_mb=memory_mb)
                              for _ in range(max(1, workers))]
        self._free, self._guests_free = _lane(self.workers), _lane(self.guest_workers)
        self._in_flight: Counter = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def in_flight(self, owner):
        """Count a render of `owner` (a user id; None is not counted) while the block runs; RenderBusy when
        the owner already has their share in flight."""
        if owner is None:
            yield
            return
        with self._lock:
            if self._in_flight[owner] >= self.per_user:
                raise RenderBusy(f"{owner} already has {self._in_flight[owner]} render(s) in flight")
            self._in_flight[owner] += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_flight[owner] -= 1
                if not self._in_flight[owner]:
                    del self._in_flight[owner]

    def render(self, html: str, owner=None, guest: bool = False, **options) -> tuple[bytes, list[str]]:
        """The PDF and the refused URLs; RenderBusy when the owner already has their share in flight.
        options: as crm.pdf.render_in_process's (emblems_root, variant, attachments)."""
        free = self._guests_free if guest else self._free
        with self.in_flight(owner):
            try:  # waiting for a free worker counts against the same time limit as the render
                worker = free.get(timeout=self.timeout)
            except queue.Empty as error:
                raise RenderError("no PDF worker became free in time") from error
            try:
                return worker.render(html, **options)
            finally:
                free.put(worker)

    def warm(self, html: str) -> int:
        """Start the office's workers and let each render `html` (a few words in every script: fonts loaded),
        one worker at a time, each taken like a request takes one; how many were warmed. Guests' workers
        keep starting when a guest first asks. A worker that fails here is left to start on demand."""
        warmed = 0
        for _ in self.workers:
            try:
                worker = self._free.get(timeout=self.timeout)
            except queue.Empty:
                break  # all busy with real renders: they are warm by now
            try:
                if worker.started:  # a request got here first and started it
                    continue
                worker.render(html)
                warmed += 1
            except RenderError:
                log.warning("a PDF worker could not be warmed; it starts with the first document instead",
                            exc_info=True)
            finally:
                self._free.put(worker)
        return warmed

    def shutdown(self, kill: bool = False) -> None:
        for worker in self.workers + self.guest_workers:
            worker.shutdown(kill=kill)
