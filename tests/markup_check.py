"""Every HTML page the suite renders is checked once, at the end, by the Nu HTML Checker (vnu.jar).

Each HTML response of any Flask app in the test process (test client or the browser tests' live server)
is kept, up to PAGES_PER_KIND per endpoint, method, status and role, and only when it differs from every
page kept so far (compared without ids, numbers and tokens). When the session ends, one Java run checks
them all; any error fails the run and is listed with the page's URL and role. A page that prints Python's
None as an attribute value or as text fails the same way.

vnu.jar comes from the `vnu-jar` npm package: `make test` installs it into .ci/node (or set VNU_JAR).
Without Java or vnu.jar the check is skipped with a warning, unless REQUIRE_VNU=1 (CI), where that is an
error.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import flask
from flask_login import AnonymousUserMixin

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JAR = ROOT / ".ci" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES_PER_KIND = 2
SHOWN_ERRORS = 60
ERRORS_FILE = Path(tempfile.gettempdir()) / "crm-markup-errors.txt"
FRAGMENT_PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>fragment</title></head>'
                 "<body>{}</body></html>")
# What differs between two renders of one page without making it another page.
_VOLATILE = re.compile(r'value="[^"]{20,}"|\d+|nonce="[^"]*"')
_PRINTED_NONE = re.compile(r'="None"|>\s*None\s*<')


class Pages:
    def __init__(self):
        self.lock = threading.Lock()
        self.kept: list[dict] = []
        self.per_kind: Counter = Counter()
        self.seen: set[str] = set()
        self.printed_none: list[str] = []

    def keep(self, sender, response, **_):
        if response.mimetype != "text/html" or response.is_streamed or response.direct_passthrough:
            return
        try:
            body = response.get_data(as_text=True)
        except Exception:  # a body that cannot be read is not a page
            return
        request = flask.request
        kind = (request.endpoint, request.method, response.status_code, _role())
        digest = hashlib.sha256(_VOLATILE.sub("", body).encode()).hexdigest()
        where = f"{request.method} {request.full_path.rstrip('?')} → {response.status_code} as {kind[3]}"
        with self.lock:
            match = _PRINTED_NONE.search(body)
            if match and not any("None" in value for value in request.values.values()):  # not only echoing input
                self.printed_none.append(f"{where}: prints None: "
                                         f"…{' '.join(body[max(0, match.start() - 80):match.end()].split())}")
            if digest in self.seen or self.per_kind[kind] >= PAGES_PER_KIND:
                return
            self.seen.add(digest)
            self.per_kind[kind] += 1
            if not body.lstrip()[:15].lower().startswith("<!doctype html"):
                body = FRAGMENT_PAGE.format(body)
            self.kept.append({"where": where, "body": body})


def _role() -> str:
    """The role of the user the request signed in, as Flask-Login already loaded it (never a query of its own)."""
    user = getattr(flask.g, "_login_user", None)
    if user is None or isinstance(user, AnonymousUserMixin):
        return "anonymous"
    role = vars(user).get("role", "signed in")  # only if loaded: an expired attribute would be a query
    return str(getattr(role, "value", role))


def find_java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def find_jar() -> Path | None:
    jar = Path(os.environ.get("VNU_JAR") or DEFAULT_JAR)
    return jar if jar.is_file() else None


def run_vnu(java: str, jar: Path, pages: list[dict]) -> tuple[list[str], Counter]:
    """One checker run over every page: the errors (with the page they are on) and a count by message."""
    errors, by_message = [], Counter()
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        files = []
        for number, page in enumerate(pages):
            path = Path(folder) / f"page{number:05d}.html"
            path.write_text(page["body"], encoding="utf-8")
            files.append(path)
        where = {path.as_uri(): page["where"] for path, page in zip(files, pages)}
        where.update({f"file:{path}": page["where"] for path, page in zip(files, pages)})
        result = subprocess.run([java, "-Xss4m", "-jar", str(jar), "--errors-only", "--format", "json",
                                 *map(str, files)], capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(result.stderr or result.stdout or "{}").get("messages", [])
    except json.JSONDecodeError:
        return [f"the checker did not answer in JSON (exit {result.returncode}): {result.stderr[-2000:]}"], by_message
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        text = message.get("message", "")
        by_message[_shorten(re.sub(r"\d+", "N", text))] += 1
        page = where.get(message.get("url", ""), message.get("url", ""))
        extract = " ".join(message.get("extract", "").split())
        errors.append(f"{page}, line {message.get('lastLine', '?')}: {_shorten(text)}  [{extract}]")
    if result.returncode not in (0, 1):
        errors.append(f"the checker stopped with exit {result.returncode}: {result.stderr[-2000:]}")
    return errors, by_message


def _shorten(text: str, length: int = 150) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


_pages = Pages()
_outcome: dict = {}


def pytest_configure(config):
    flask.request_finished.connect(_pages.keep)


def pytest_sessionfinish(session, exitstatus):
    if exitstatus in (2, 3, 4) or session.config.option.collectonly or not (_pages.kept or _pages.printed_none):
        return  # interrupted, an internal or usage error, or no page rendered
    required = os.environ.get("REQUIRE_VNU") == "1"
    java, jar = find_java(), find_jar()
    errors, by_message = list(_pages.printed_none), Counter({"prints None": len(_pages.printed_none)})
    if java is None or jar is None:
        missing = "Java" if java is None else f"vnu.jar (looked for {os.environ.get('VNU_JAR') or DEFAULT_JAR})"
        _outcome["skipped"] = f"{missing} not found; run `make test` or set VNU_JAR"
        if required:
            errors.append(f"REQUIRE_VNU=1 but {_outcome['skipped']}")
    else:
        started = time.monotonic()
        found, counted = run_vnu(java, jar, _pages.kept)
        errors += found
        by_message += counted
        _outcome["seconds"] = time.monotonic() - started
    _outcome.update(errors=errors, by_message=by_message, pages=len(_pages.kept))
    if errors and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _outcome:
        return
    write = terminalreporter.write_line
    if "skipped" in _outcome:
        write(f"!!! Markup check SKIPPED: {_outcome['skipped']}", red=True, bold=True)
    else:
        write(f"markup check: {_outcome['pages']} pages, {len(_outcome['errors'])} errors "
              f"(Nu HTML Checker, {_outcome['seconds']:.1f} s)")
    if _outcome["errors"]:
        terminalreporter.section("markup errors", red=True)
        for message, count in _outcome["by_message"].most_common():
            if count:
                write(f"{count:5d}  {message}")
        write("")
        for error in _outcome["errors"][:SHOWN_ERRORS]:
            write(error)
        if len(_outcome["errors"]) > SHOWN_ERRORS:
            write(f"... and {len(_outcome['errors']) - SHOWN_ERRORS} more: all of them are in {ERRORS_FILE}")
        ERRORS_FILE.write_text("\n".join(_outcome["errors"]) + "\n", encoding="utf-8")
