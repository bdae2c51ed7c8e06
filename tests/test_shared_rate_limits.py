"""Issue 20 §4: the sign-in rate limits hold across hosts when they share REDIS_URL.

Each host is a process of its own (the limiter is one object per process: two apps in this process would share
its counters whatever their storage), on the same database, signing in through the real view. Attempts made
on one host and on the other add up to the one limit; without Redis, each host would count only its own."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crm.auth.addresses import PASSWORD_GUESSES

pytest_plugins = ["tests.redis_fixtures"]  # redis_url, redis_prefix

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "coordinator@city.example"
PER_ACCOUNT = int(PASSWORD_GUESSES.split()[0])  #: password guesses at one account per minute (10)
PER_ADDRESS = 30  #: sign-in attempts from one address per minute (crm.auth.views.sign_in)

HOST = """
import json, sys
from argon2 import PasswordHasher
import crm.auth.passwords
from crm import create_app

crm.auth.passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # as the tests' own
client = create_app(json.loads(sys.argv[1])).test_client()
print("ready", flush=True)
for line in sys.stdin:
    attempt = json.loads(line)
    response = client.post("/sign-in", data={"email": attempt["email"], "password": "not the password"},
                           environ_base={"REMOTE_ADDR": attempt["address"]})
    print(response.status_code, flush=True)
"""


class Host:
    """A web process of its own, signing in whoever it is told to through the app's sign-in page."""

    def __init__(self, app, redis_url: str | None, prefix: str):
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env["CRM_RATELIMIT_ENABLED"] = "true"
        if redis_url:
            env["REDIS_URL"] = redis_url  # the rate limits' storage comes from it, as in production
        config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                  "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "PUBLIC_URL": "http://localhost",
                  "RATELIMIT_KEY_PREFIX": prefix}
        self.process = subprocess.Popen([sys.executable, "-c", HOST, json.dumps(config)], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)

    def _line(self) -> str:
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the host process ended: {self.process.stderr.read()[-3000:]}")
        return line.strip()

    def wait_ready(self) -> None:
        assert self._line() == "ready"

    def sign_in(self, email: str, address: str) -> int:
        self.process.stdin.write(json.dumps({"email": email, "address": address}) + "\n")
        self.process.stdin.flush()
        return int(self._line())

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def two_hosts(app):
    """two_hosts(redis_url or None, key prefix): hosts A and B, started together."""
    started = []

    def start(redis_url, prefix):
        hosts = Host(app, redis_url, prefix), Host(app, redis_url, prefix)
        started.extend(hosts)
        for host in hosts:
            host.wait_ready()
        return hosts

    yield start
    for host in started:
        host.close()


def test_password_guesses_at_one_account_on_two_hosts_add_up_to_one_limit(two_hosts, redis_url, redis_prefix):
    a, b = two_hosts(redis_url, redis_prefix)
    for n in range(PER_ACCOUNT):  # from ten addresses, so only the account's limit can be reached
        assert (a, b)[n % 2].sign_in(ACCOUNT, f"10.0.0.{n}") == 200
    assert a.sign_in(ACCOUNT, "10.0.1.1") == 429
    assert b.sign_in(ACCOUNT.upper(), "10.0.1.2") == 429  # the same account, however it is typed
    assert b.sign_in("liaison@city.example", "10.0.1.3") == 200  # another account has its own


def test_attempts_from_one_address_on_two_hosts_add_up_to_one_limit(two_hosts, redis_url, redis_prefix):
    a, b = two_hosts(redis_url, redis_prefix)
    for n in range(PER_ADDRESS):  # at thirty accounts, so only the address's limit can be reached
        assert (a, b)[n % 2].sign_in(f"person{n}@city.example", "192.0.2.7") == 200
    assert a.sign_in("someone@city.example", "192.0.2.7") == 429
    assert b.sign_in("someone.else@city.example", "192.0.2.7") == 429
    assert a.sign_in("someone@city.example", "192.0.2.8") == 200  # another address has its own


def test_without_redis_each_host_counts_only_its_own(two_hosts, redis_prefix):
    """What the tests above would see if the hosts did not share their counts: the proof that they can tell."""
    a, b = two_hosts(None, redis_prefix)
    for n in range(PER_ACCOUNT):
        assert (a, b)[n % 2].sign_in(ACCOUNT, f"10.0.0.{n}") == 200
    assert a.sign_in(ACCOUNT, "10.0.1.1") == 200  # five on each: neither host has reached ten
