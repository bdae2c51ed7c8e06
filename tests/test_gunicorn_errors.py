"""gunicorn's own refusals (a request line or headers over its limits, an unreadable request) answer in
the API's JSON error shape: a real gunicorn with the project's gunicorn.conf.py, spoken to over a raw
socket (an HTTP client would refuse to send such requests). One server per database lane, ~2 s."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import jsonschema_rs  # comes with schemathesis
import pytest

from crm.api.openapi import openapi_document

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def exchange(port: int, raw: bytes) -> tuple[int, dict, bytes]:
    """Send raw bytes, read the whole answer (the server closes): status, headers, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(raw)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _sep, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split(" ")[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret",
           "CRM_PDF_WORKERS": "1"}
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "--workers", "1",
         "--threads", "2", "--bind", f"127.0.0.1:{port}", "--no-control-socket", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if exchange(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"gunicorn did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def assert_json_error(answer, status: int, code: str):
    got, headers, body = answer
    assert got == status, (got, body[:300])
    assert headers["content-type"] == "application/json" and int(headers["content-length"]) == len(body)
    error = json.loads(body)
    jsonschema_rs.validate(openapi_document()["components"]["schemas"]["Error"], error)
    assert error["error"]["status"] == status and error["error"]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/partnerships", "/partnerships/"])
def test_a_request_line_over_the_limit_is_a_json_414(server, path):
    raw = f"GET {path}?q={'a' * 5000} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    assert_json_error(exchange(server, raw), 414, "uri_too_long")


def test_headers_over_the_limit_are_a_json_431(server):
    raw = f"GET /api/v1/partnerships HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: {'a' * 9000}\r\n\r\n".encode()
    assert_json_error(exchange(server, raw), 431, "header_fields_too_large")


def test_an_unreadable_request_is_a_json_400(server):
    assert_json_error(exchange(server, b"NOT HTTP AT ALL\r\n\r\n"), 400, "bad_request")


def test_the_app_answers_as_usual_behind_this_worker(server):
    status, headers, body = exchange(
        server, b"GET /api/v1/partnerships HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"
    status, headers, body = exchange(server, b"GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert status == 200 and headers["content-type"].startswith("text/html")
