"""Which process holds a piece of work, and whether it is still there.

A claim names its process (host, pid, when the process started, so a new process that got the same pid is not
mistaken for it) and a random part. Imports (crm.imports.liveness) and background jobs (crm.jobs.lease) judge
their claims with it."""
import os
import secrets
import socket
from dataclasses import dataclass

HOST = socket.gethostname()[:120]


def process_started(pid: int) -> str:
    """When the process started (clock ticks since boot, from /proc), or "" where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def process_alive(pid: int, started: str) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    return not started or process_started(pid) in ("", started)


@dataclass(frozen=True)
class Worker:
    host: str
    pid: int
    started: str
    nonce: str

    @classmethod
    def new(cls) -> "Worker":
        pid = os.getpid()
        return cls(HOST, pid, process_started(pid), secrets.token_hex(8))

    @classmethod
    def parse(cls, text: str | None) -> "Worker | None":
        try:
            host, pid, started, nonce = (text or "").rsplit("|", 3)
            return cls(host, int(pid), started, nonce)
        except ValueError:
            return None

    def __str__(self) -> str:
        return f"{self.host}|{self.pid}|{self.started}|{self.nonce}"
