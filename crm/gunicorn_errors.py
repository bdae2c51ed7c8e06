"""gunicorn's own refusals as JSON in the API's documented error shape.

gunicorn answers some requests itself, before the app sees them: a request line over
limit_request_line (414), headers over their limits (431), a request it cannot parse (400), an
exception that escaped the app (500). It writes those as a small HTML page. API clients are promised
JSON, and for most of these gunicorn has not read the address yet, so it cannot tell an API request
from a page: this worker answers JSON to all of them, except an escaped exception on a web page
(there the address is known), which keeps gunicorn's page.

gunicorn.conf.py (read by gunicorn from the working directory) names the worker. gunicorn still
decides the status, logs the refusal and writes the access log line; only the body it writes is replaced.
"""
from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from crm.api_errors import UNEXPECTED, error_bytes

MESSAGES = {
    400: "The request could not be read.",
    403: "The request is not accepted.",
    414: "The request line (method, address and query string) is longer than this server accepts.",
    417: "The Expect header is not supported.",
    431: "The request's headers are larger than this server accepts.",
    500: UNEXPECTED,
    501: "The request's transfer coding is not supported.",
}


class _Kept:
    """Stands in for the client's socket while gunicorn writes its error page, keeping what it writes."""

    def __init__(self, sock):
        self._sock = sock
        self.written = b""

    def gettimeout(self):
        return 0.0  # gunicorn switches a blocking socket to non-blocking for the write; nothing to switch here

    def sendall(self, data: bytes) -> None:
        self.written += data

    def __getattr__(self, name):  # the address, for the access log
        return getattr(self._sock, name)


def json_error_response(status: int, reason: str) -> bytes:
    body = error_bytes(status, MESSAGES.get(status, reason))
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Cache-Control: no-store\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class JsonErrorsWorker(ThreadWorker):
    """The threaded worker (gunicorn --threads N; N=1 is a plain one), with its own refusals in JSON."""

    def handle_error(self, req, client, addr, exc):
        kept = _Kept(client)
        super().handle_error(req, kept, addr, exc)
        if not kept.written:
            return
        status_line = kept.written.split(b"\r\n", 1)[0].decode("latin-1")  # "HTTP/1.1 414 URI Too Long"
        _version, status, reason = (status_line.split(" ", 2) + ["", ""])[:3]
        page = req is not None and not (getattr(req, "path", "") or "").startswith("/api/")
        answer = kept.written if page or not status.isdigit() else json_error_response(int(status), reason)
        try:
            util.write_nonblock(client, answer)
        except Exception:  # noqa: BLE001  (the client went away: as gunicorn does, nothing more to do)
            self.log.debug("Failed to send error message.")
