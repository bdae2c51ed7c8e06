"""PDF rendering with WeasyPrint: only the app's own files are ever fetched,
and each render runs in a separate worker process with bounded time and memory.

User text goes into Jinja templates and is escaped, so it cannot add markup;
the URL fetcher is the second wall: it serves the application's static files
(under the pseudo-URL app://static/…) and the cities' emblems (app://emblems/<name>,
from one folder, plain file names, PNG or JPEG only), and refuses everything else —
file://, http(s):// to any host, data: — without touching the network.

Every PDF is tagged for screen readers (a structure tree, /MarkInfo, /Lang on the
catalog and on each element whose HTML has a lang attribute: tag_languages). The
archive variant is PDF/A-3b, and may carry files (the signed scan) as associated
files; the worker reads them from their paths, so they never travel through the pipe.
"""
import atexit
import mimetypes
import multiprocessing
import os
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from crm.pdf_workers import on_launcher_thread, start_worker, watch_pool

STATIC_ROOT = Path(__file__).resolve().parent / "static"
BASE_URL = "app://static/"
EMBLEMS_URL = "app://emblems/"
#: an emblem's file name: letters, digits, "_", "-" and dots, never a path (no slash, no "..", no leading dot)
EMBLEM_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}")
#: an emblem is served only if its first bytes say PNG or JPEG, whatever its name
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
#: the city archive's format: PDF/A-3b (ISO 19005-3), which may embed other files
ARCHIVE_VARIANT = "pdf/a-3b"
VARIANTS = (None, ARCHIVE_VARIANT)


class RenderError(RuntimeError):
    """The document could not be rendered in time or within memory."""


@dataclass(frozen=True)
class EmbeddedFile:
    """A file a PDF/A-3 carries as an associated file (/AF, /EmbeddedFiles), read by the worker from `path`."""
    path: str
    name: str  #: the name a PDF reader shows and saves it under
    description: str = ""
    relationship: str = "Source"  #: ISO 32000-2 7.11.3: Source, Data, Alternative, Supplement, Unspecified
    modified: datetime | None = None


def emblem_response(emblems_root: Path, url: str):
    """(bytes, content type) of app://emblems/<name>: a plain name of a PNG or JPEG file right in
    emblems_root (a symbolic link out of it is refused too); None for anything else."""
    name = unquote(url[len(EMBLEMS_URL):])
    if not EMBLEM_NAME.fullmatch(name) or ".." in name:
        return None
    root = emblems_root.resolve()
    path = (root / name).resolve()
    if path.parent != root or not path.is_file():
        return None
    body = path.read_bytes()
    for signature, content_type in IMAGE_SIGNATURES.items():
        if body.startswith(signature):
            return body, content_type
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class AppOnlyURLFetcher(URLFetcher):
        """Serves app://static/<path> from the static folder and app://emblems/<name> from the emblems
        folder (when given); refuses every other URL."""

        def __init__(self, static_root: Path = STATIC_ROOT, emblems_root: Path | None = None):
            super().__init__(timeout=1, allowed_protocols=["app"], allow_redirects=False)
            self.static_root = static_root.resolve()
            self.emblems_root = emblems_root
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith(BASE_URL):
                relative = unquote(url[len(BASE_URL):].split("?", 1)[0].split("#", 1)[0])
                path = (self.static_root / relative).resolve()
                if self.static_root in path.parents and path.is_file():
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})
            elif url.startswith(EMBLEMS_URL) and self.emblems_root is not None:
                found = emblem_response(self.emblems_root, url)
                if found is not None:
                    return URLFetcherResponse(url, body=found[0], headers={"Content-Type": found[1]})
            self.refused.append(url)
            raise URLFetchingError(f"refused to fetch {url[:200]}")

    return AppOnlyURLFetcher


_font_config = None


def render_in_process(html: str, static_root: str | None = None, *, emblems_root: str | None = None,
                      variant: str | None = None, attachments: tuple[EmbeddedFile, ...] = ()
                      ) -> tuple[bytes, list[str]]:
    """Render HTML to a tagged PDF here; returns the PDF and the URLs the fetcher refused.

    variant: None, or ARCHIVE_VARIANT (PDF/A-3b); attachments: files embedded as associated files.
    The font configuration is built once per process and reused: building it scans every installed font."""
    global _font_config
    from weasyprint import HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    if variant not in VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r}")
    tag_languages()
    if _font_config is None:
        _font_config = FontConfiguration()
    fetcher = _fetcher_class()(Path(static_root) if static_root else STATIC_ROOT,
                               Path(emblems_root) if emblems_root else None)
    files = [Attachment(filename=f.path, name=f.name, description=f.description, relationship=f.relationship,
                        created=f.modified, modified=f.modified) for f in attachments]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    pdf = document.write_pdf(font_config=_font_config, uncompressed_pdf=False, finisher=finish, pdf_tags=True,
                             pdf_variant=variant, attachments=files or None)
    return pdf, fetcher.refused


def finish(_document, pdf) -> None:
    """WeasyPrint finisher: PDF viewers show the document's title in their title bar, not the file name
    (ISO 32000 12.2, /ViewerPreferences /DisplayDocTitle); WeasyPrint has no option for it. Embedded files
    are named right (_name_embedded_files), and each associated file is listed once in the catalog's /AF
    (WeasyPrint 70 lists each twice)."""
    import pydyf

    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": b"true"})
    _name_embedded_files(pdf)
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


def _name_embedded_files(pdf) -> None:
    """WeasyPrint writes a file's name as UTF-8 bytes into /F and the name tree's keys, which readers take
    for PDFDocEncoding ("ç½²å..." for 署名...). The keys become the Unicode name (/UF), sorted as a name
    tree must be, and /F an ASCII spelling of it (ISO 32000-1 7.11.3)."""
    import pydyf
    from anyascii import anyascii

    tree_reference = (pdf.catalog.get("Names") or {}).get("EmbeddedFiles")
    if tree_reference is None:
        return
    tree = pdf.objects[int(tree_reference.split()[0])]
    entries, named = list(tree["Names"]), []
    for spec_reference in entries[1::2]:
        spec = pdf.objects[int(spec_reference.split()[0])]
        name = spec["UF"].string
        plain = "".join(c if c.isascii() and (c.isalnum() or c in " ._-") else "-" for c in anyascii(name))
        spec["F"] = pydyf.String(plain.strip("-") or "attachment")
        named.append((name, spec_reference))
    tree["Names"] = pydyf.Array([item for name, reference in sorted(named) for item in (pydyf.String(name),
                                                                                        reference)])


_languages_tagged = False


def tag_languages() -> None:
    """Give each structure element whose HTML element has a lang attribute its own /Lang (ISO 32000-1 14.9.2),
    so a screen reader reads the Japanese column of an agreement in Japanese; its children inherit it.
    WeasyPrint sets /Lang on the catalog only (from <html lang>). Done once per process, by wrapping
    WeasyPrint's builder of the structure tree; with a WeasyPrint that has no such builder the PDF is
    still tagged, with the catalog's /Lang alone (tests/test_pdf_archive.py notices)."""
    global _languages_tagged
    if _languages_tagged:
        return
    import pydyf
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None:
        return

    def build_with_languages(box, parent, *args, **kwargs):
        lang = _explicit_lang(box)
        for element in build(box, parent, *args, **kwargs):  # its children's calls come here too
            if lang and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
            yield element

    tags._build_box_tree = build_with_languages
    _languages_tagged = True


def _explicit_lang(box) -> str | None:
    """The lang attribute of the box's own element; the root's is the catalog's /Lang already."""
    box = getattr(box, "_box", box)  # an absolutely placed box's placeholder
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) == "html":
        return None
    return (element.get("lang") or "").strip() or None


WORKER_START_SECONDS = 60  #: a new worker process must be up within this, whatever the render time limit


class Renderer:
    """One worker process, reused between renders (it keeps the font configuration)."""

    def __init__(self, timeout: float = 60, memory_mb: int = 2048):
        self.timeout, self.memory_mb = timeout, memory_mb
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """Its worker process has been started (and not stopped since)."""
        return self._pool is not None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = on_launcher_thread(self._start_pool)
            watch_pool(self._pool)
        return self._pool

    def _start_pool(self) -> ProcessPoolExecutor:
        # spawn: the worker starts clean, without the web process's database connections; it ends with
        # this process (crm.pdf_workers), and is started here, on the launcher thread, by a first small task
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=start_worker, initargs=(self.memory_mb, os.getpid()))
        try:
            pool.submit(os.getpid).result(timeout=max(self.timeout, WORKER_START_SECONDS))
        except BaseException:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        return pool

    def render(self, html: str, **options) -> tuple[bytes, list[str]]:
        """The PDF and the refused URLs; options as render_in_process's (emblems_root, variant, attachments)."""
        with self._lock:  # one render at a time per worker
            try:
                future = self._executor().submit(render_in_process, html, **options)
                return future.result(timeout=self.timeout)
            except (FutureTimeout, BrokenProcessPool, MemoryError) as error:
                self.shutdown(kill=True)
                raise RenderError(str(error) or type(error).__name__) from error

    def shutdown(self, kill: bool = False) -> None:
        if self._pool is not None:
            if kill:
                for process in list(getattr(self._pool, "_processes", {}).values()):
                    process.kill()
            self._pool.shutdown(wait=not kill, cancel_futures=True)
            self._pool = None


_renderer = None
_renderer_lock = threading.Lock()


def renderer(app):
    """This web process's crm.pdf_pool.RenderPool: a few workers, a bounded number of renders per user."""
    global _renderer
    with _renderer_lock:  # the warming thread and a first request may ask at once
        if _renderer is None:
            from crm.pdf_pool import RenderPool

            _renderer = RenderPool(timeout=app.config["PDF_TIMEOUT_SECONDS"], memory_mb=app.config["PDF_MEMORY_MB"],
                                   workers=app.config["PDF_WORKERS"], per_user=app.config["PDF_RENDERS_PER_USER"])
            atexit.register(_renderer.shutdown)
    return _renderer


#: a few words in every script the documents print, set with the documents' stylesheet, upright and bold: a
#: worker that has rendered it has WeasyPrint imported, its font configuration built and those fonts loaded
WARM_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>-</title>
<link rel="stylesheet" href="app://static/css/print.css"></head><body><h1>Agreement</h1>
<p>Sister cities <b>Città gemellate</b> Ελληνικά <span lang="ru">Города-побратимы</span></p>
<p lang="ja">姉妹都市 <b>京都市</b></p><p lang="zh-Hans">友好城市 成都</p><p lang="zh-Hant">姊妹市</p>
<p lang="ko">자매도시</p><p lang="ar" dir="rtl">مدينة توأم <b>القاهرة</b></p><p lang="he" dir="rtl">ערים תאומות</p>
<p lang="hi">सहोदर शहर</p><p lang="bn">কলকাতা</p><p lang="ta">சென்னை</p><p lang="th">เมืองพี่เมืองน้อง</p>
<p lang="ka">დაძმობილებული ქალაქები</p><p lang="hy">Երևան</p><table><tr><th>1</th><td>2</td></tr></table>
</body></html>"""


def warm_workers(app) -> None:
    """Start this web process's PDF workers for the office (guests' start when a guest first asks) and let
    each render WARM_HTML, one after the other; a request meanwhile takes a worker already warm."""
    renderer(app).warm(WARM_HTML)
