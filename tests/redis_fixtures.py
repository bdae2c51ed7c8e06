"""Redis for the tests of what hosts share: the server at TEST_REDIS_URL (else 127.0.0.1:6379), a key prefix of
each test's own (its keys removed after), and a private redis-server a test may stop and start again.

Without a Redis that answers, these tests are skipped, loudly, unless REQUIRE_REDIS=1, where that is an error.
"""
import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
    pytest.skip(f"{reason} (set REQUIRE_REDIS=1 to make this an error)")


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_URL)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        _unavailable(f"Redis at {url} did not answer: {error}")
    return url


@pytest.fixture
def redis_prefix(redis_url):
    """A key prefix no other test uses; every key under it is removed when the test ends."""
    prefix = f"crm-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def free_port() -> int:
    """A TCP port nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def closed_redis_url() -> str:
    """The address of a Redis that is not there: a port nothing listens on."""
    return f"redis://127.0.0.1:{free_port()}/0"


class PrivateRedis:
    """A redis-server of the test's own, on a port of its own, that the test may stop and start again."""

    def __init__(self, folder):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        _unavailable("no redis-server program to start a private Redis")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()
