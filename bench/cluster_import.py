"""The large import in bench/cluster.py, as a user does it through the pages: upload the spreadsheet (an
association's file: every row's first city a member city), keep the guessed columns and wait for the matching
job (`prepare`, before the load: matching 25,917 rows takes longer than the run); then, during the load, confirm
at a given moment and watch the writing job until it is done (or the bench stops waiting)."""
import re
import threading
import time
from pathlib import Path

from bench.cluster_http import Client, forms

POLL_SECONDS = 1.0


class Importer(threading.Thread):
    def __init__(self, base: str, email: str, password: str, address: str, csv: Path, record):
        super().__init__(daemon=True, name="cluster-import")
        self.client = Client(base, address)
        self.email, self.password, self.csv, self.record = email, password, csv, record
        self.events: dict[str, float] = {}  #: what happened when (wall clock)
        self.status, self.error, self.token = "not started", None, None
        self.give_up_at = float("inf")  #: wall clock; the bench sets it once the load is over
        self.confirm_at = 0.0  #: wall clock

    def mark(self, event: str) -> None:
        self.events[event] = time.time()

    def run(self) -> None:
        try:
            self.write()
        except Exception as error:  # noqa: BLE001  (reported, not raised: the bench goes on)
            self.error = f"{type(error).__name__}: {error}"

    def step(self, what: str, path: str, data: dict | None = None, files: dict | None = None, expect=(200,)):
        answer = self.client.request(path, data, files, timeout=180)
        self.record("import", answer)
        if answer.status not in expect:
            raise RuntimeError(f"{what}: {path} answered {answer.status}")
        return answer

    def wait_for(self, wanted: tuple[str, ...]) -> str:
        while time.time() < self.give_up_at:
            answer = self.client.request(f"/import/{self.token}/status")
            self.record("import", answer)
            if answer.status == 200:
                status = re.search(rb'"status":\s*"(\w+)"', answer.body)
                self.status = status.group(1).decode() if status else "?"
                if self.status in wanted or self.status == "failed":
                    return self.status
            time.sleep(POLL_SECONDS)
        return self.status

    def prepare(self) -> None:
        """Upload the file, keep the guessed columns, wait until its cities are matched (a job)."""
        self.client.sign_in(self.email, self.password)
        page = self.step("the upload form", "/import/")
        found = forms(page.body)
        fields = found.get("") or found.get("/import/") or {}
        fields.update(kind="partnerships", mode="association")
        fields.pop("partnership_id", None)
        answer = self.step("the upload", "/import/", fields, {"file": (self.csv.name, self.csv.read_bytes(), "text/csv")},
                           expect=(302,))
        self.token = re.search(r"/import/([^/?]+)/columns", answer.location).group(1)
        self.mark("uploaded")
        columns = f"/import/{self.token}/columns"
        page = self.step("the columns", columns)
        found = forms(page.body)
        self.step("the columns", columns, found.get(columns) or found.get("") or {}, expect=(302,))
        self.mark("matching")
        if self.wait_for(("ready",)) != "ready":
            raise RuntimeError(f"the import's matching ended {self.status}")
        self.mark("matched")

    def write(self) -> None:
        """At confirm_at, confirm the import (it is written by a job); watch it until it is done."""
        time.sleep(max(0.0, self.confirm_at - time.time()))
        page = self.step("the preview", f"/import/{self.token}")
        confirm = f"/import/{self.token}/confirm"
        fields = forms(page.body).get(confirm)
        if fields is None:
            raise RuntimeError("the preview has no confirm form")
        self.step("the confirmation", confirm, fields, expect=(302,))
        self.mark("confirmed")
        if self.wait_for(("done",)) == "done":
            self.mark("written")
