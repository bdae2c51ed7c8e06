"""A browser-like client for bench/cluster.py: real HTTP through haproxy from an address of its own
(127.0.0.x: every client is a different address to the rate limits, as people are), a cookie jar, forms read
from the pages (CSRF tokens included), multipart uploads, and retries on what a restart looks like from
outside (no connection, 502, 503, 504), each counted. Standard library only: it runs in client processes."""
import functools
import http.client
import http.cookiejar
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

RETRIED = (0, 502, 503, 504)  #: no answer, or a proxy or app saying "not now"
RETRY_SECONDS = 90.0  #: how long one request keeps trying before it gives up with its last answer


@dataclass
class Answer:
    status: int
    body: bytes
    location: str
    seconds: float  #: from the first try to the last answer, waits between retries included
    retries: int


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _FromAddress(urllib.request.HTTPHandler):
    def __init__(self, address: str):
        super().__init__()
        self.address = address

    def http_open(self, request):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.address, 0)), request)


@dataclass
class Client:
    base: str
    address: str = "127.0.0.1"
    retry_seconds: float = RETRY_SECONDS
    retries: dict = field(default_factory=dict)  #: why a try was repeated → how often

    def __post_init__(self):
        self.opener = urllib.request.build_opener(_FromAddress(self.address), _NoRedirect(),
                                                  urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def _once(self, path: str, body: bytes | None, headers: dict, timeout: float) -> tuple[int, bytes, str]:
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read(), ""
        except urllib.error.HTTPError as error:
            try:
                body = error.read()
            except OSError:
                body = b""
            return error.code, body, error.headers.get("Location", "")
        except (OSError, http.client.HTTPException):
            return 0, b"", ""  # refused, reset, timed out: no answer

    def request(self, path: str, data: dict | None = None, files: dict | None = None, timeout: float = 60) -> Answer:
        """GET (no data) or POST (a form; with files, multipart); redirects are not followed."""
        body, headers = None, {}
        if files:
            body, content_type = multipart(data or {}, files)
            headers["Content-Type"] = content_type
        elif data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
        started, tries, wait = time.monotonic(), 0, 0.25
        while True:
            status, text, location = self._once(path, body, headers, timeout)
            if status not in RETRIED or time.monotonic() - started + wait > self.retry_seconds:
                return Answer(status, text, location, time.monotonic() - started, tries)
            reason = "no connection" if status == 0 else str(status)
            self.retries[reason] = self.retries.get(reason, 0) + 1
            tries += 1
            time.sleep(wait)
            wait = min(wait * 2, 2.0)

    def follow(self, answer: Answer) -> Answer:
        """The page a redirect leads to (a browser follows it); the answer itself if it is not one."""
        if answer.status not in (301, 302, 303) or not answer.location:
            return answer
        location = urllib.parse.urlsplit(answer.location)
        return self.request(location.path + (f"?{location.query}" if location.query else ""))

    def sign_in(self, email: str, password: str) -> None:
        page = self.request("/sign-in")
        form = forms(page.body).get("/sign-in") or next(iter(forms(page.body).values()), {})
        answer = self.request("/sign-in", {**form, "email": email, "password": password})
        if answer.status != 302:
            raise RuntimeError(f"signing in as {email} from {self.address} answered {answer.status}")


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """files: name → (file name, bytes, content type)."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _Forms(HTMLParser):
    """Each form's fields as a browser would send them untouched: hidden and text inputs, checked radios and
    boxes, each select's selected option (else its first), textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: dict[str, dict] = {}
        self.form: dict | None = None
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = (a.get("action") or "").split("#")[0]
            self.form = {}
            self.found.setdefault(action, self.form)  # the first form of each action
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.form[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.form[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self.select, self.first_option = a["name"], None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
                self.form.setdefault(self.select, value)
            if "selected" in a:
                self.form[self.select] = value
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.form[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            self.form[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms(html: bytes) -> dict[str, dict]:
    """The page's forms: action (without its #fragment; "" for the page's own address) → fields."""
    parser = _Forms()
    parser.feed(html.decode("utf-8", "replace"))
    return parser.found
