"""The clients of bench/cluster.py: threads in a few processes, each a signed-in user from an address of its own,
mixing reads, engagement writes, uploads, downloads of what it uploaded, and PDFs. Standard library only (these
processes are spawned; they import nothing of the app).

A write is acknowledged when the app answers 302 (the engagement is saved); an upload when the page the 302 leads
to says “<name>” was uploaded. Every answer is recorded with its status, time and retries."""
import hashlib
import os
import random
import re
import threading
import time
from datetime import date

from bench.cluster_http import Client, forms

READS = ["/dashboard", "/partnerships/", "/partnerships/{pid}", "/partnerships/?sort=health", "/engagements/",
         "/partnerships/{pid}?section=contacts"]
#: (share of actions, action)
MIX = [(0.55, "read"), (0.20, "write"), (0.10, "upload"), (0.10, "download"), (0.05, "pdf")]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def pick(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for share, action in MIX:
        total += share
        if roll < total:
            return action
    return MIX[-1][1]


class User:
    def __init__(self, spec: dict, email: str, address: str, number: int, out: dict, lock: threading.Lock):
        self.spec, self.number, self.out, self.lock = spec, number, out, lock
        self.client = Client(spec["base"], address)
        self.email = email
        self.rng = random.Random(spec["seed"] * 1000 + number)
        self.uploaded: list[tuple[int, str]] = []  #: (attachment id, sha256) of this user's acknowledged files
        self.count = 0
        self.tokens: dict[int, str] = {}

    def record(self, kind: str, answer) -> None:
        with self.lock:
            self.out["requests"].append((round(time.time() - self.spec["start_at"], 3), kind, answer.status,
                                         round(answer.seconds, 4), answer.retries))

    def token(self, pid: int) -> str:
        """The CSRF token, read from the partnership's engagement form once (it holds for the session)."""
        if pid not in self.tokens:
            page = self.client.request(f"/partnerships/{pid}")
            self.record("read", page)
            fields = forms(page.body).get(f"/partnerships/{pid}/engagements", {})
            self.tokens[pid] = fields.get("csrf_token", "")
        return self.tokens[pid]

    def read(self, pid: int) -> None:
        path = self.rng.choice(READS).format(pid=pid)
        self.record("read", self.client.request(path))

    def write(self, pid: int) -> None:
        self.count += 1
        before = dict(self.client.retries)
        title = f"cluster {self.spec['seed']}-{self.number}-{self.count}"
        answer = self.client.request(f"/partnerships/{pid}/engagements", {
            "csrf_token": self.token(pid), "kind": "call", "occurred_on": date.today().isoformat(), "title": title,
            "substantive": "yes", "visibility": "shared", "initiated_by": "home"})
        self.record("write", answer)
        why = ", ".join(f"{reason} × {n - before.get(reason, 0)}" for reason, n in self.client.retries.items()
                        if n != before.get(reason, 0))
        with self.lock:
            self.out["writes"].append((title, answer.status, why))

    def upload(self, pid: int) -> None:
        self.count += 1
        name = f"cluster-{self.spec['seed']}-{self.number}-{self.count}.png"
        content = PNG + os.urandom(self.rng.randint(2_000, 300_000))
        digest = hashlib.sha256(content).hexdigest()
        here = f"/partnerships/{pid}?section=contacts"
        answer = self.client.request(f"/partnerships/{pid}/attachments", {
            "csrf_token": self.token(pid), "visibility": "staff_only", "next": here},
            files={"file": (name, content, "image/png")})
        self.record("upload", answer)
        outcome = "unanswered"
        if answer.status == 302:
            page = self.client.follow(answer)
            self.record("read", page)
            text = page.body.decode("utf-8", "replace")
            if f"“{name}” was uploaded" in text:
                outcome = "acknowledged"
                found = re.search(rf'href="/attachments/(\d+)"><bdi>{re.escape(name)}</bdi>', text)
                if found:
                    self.uploaded.append((int(found.group(1)), digest))
            elif page.status == 200:
                outcome = "refused"  # the app said why (a flash message): nothing stored, nothing owed
        with self.lock:
            self.out["uploads"].append((name, digest, pid, answer.status, outcome, answer.retries))

    def download(self, pid: int) -> None:
        if not self.uploaded:
            return self.read(pid)
        attachment_id, digest = self.rng.choice(self.uploaded)
        answer = self.client.request(f"/attachments/{attachment_id}")
        self.record("download", answer)
        if answer.status == 200:
            same = hashlib.sha256(answer.body).hexdigest() == digest
            with self.lock:
                self.out["downloads"]["same" if same else "different"] += 1
        return None

    def pdf(self, _pid: int) -> None:
        ids = self.spec["ids"]
        if ids["missions"] and (not ids["agreements"] or self.rng.random() < 0.5):
            path = f"/missions/{self.rng.choice(ids['missions'])}/briefing.pdf"
        else:
            path = f"/agreements/{self.rng.choice(ids['agreements'])}.pdf"
        answer = self.client.request(path, timeout=120)
        self.record("pdf", answer)
        if answer.status == 200 and not answer.body.startswith(b"%PDF"):
            with self.lock:
                self.out["pdf_not_pdf"] += 1

    def run(self) -> None:
        stop_at = self.spec["start_at"] + self.spec["seconds"]
        think = self.spec["think"]
        while time.time() < stop_at:
            pid = self.rng.choice(self.spec["ids"]["partnerships"])
            getattr(self, pick(self.rng))(pid)
            if think:
                time.sleep(self.rng.uniform(0, 2 * think))


def signed_in(spec: dict) -> tuple[list[User], dict]:
    """A client process's users (spec["accounts"]: (number, (email, address))), each signed in; and what they
    will report."""
    out = {"requests": [], "writes": [], "uploads": [], "downloads": {"same": 0, "different": 0}, "pdf_not_pdf": 0,
           "retries": {}, "sign_in_failures": []}
    lock = threading.Lock()
    users = []
    for number, (email, address) in spec["accounts"]:
        user = User(spec, email, address, number, out, lock)
        try:
            user.client.sign_in(email, spec["password"])
        except RuntimeError as error:
            out["sign_in_failures"].append(str(error))
            continue
        user.client.retries.clear()  # retries count from the start of the load
        users.append(user)
    return users, out


def run_clients(users: list[User], out: dict, spec: dict) -> dict:
    """A thread per user from spec["start_at"] (wall clock, shared by the processes) for spec["seconds"]."""
    for user in users:
        user.spec = spec
    time.sleep(max(0.0, spec["start_at"] - time.time()))
    threads = [threading.Thread(target=user.run, daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for user in users:
        for reason, count in user.client.retries.items():
            out["retries"][reason] = out["retries"].get(reason, 0) + count
    out["cpu_seconds"] = time.process_time()  #: this client process's own CPU, signing in included
    return out
