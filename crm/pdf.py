"""PDF rendering with WeasyPrint: only the app's own files are ever fetched,
and each render runs in a separate worker process with bounded time and memory.

User text goes into Jinja templates and is escaped, so it cannot add markup;
the URL fetcher is the second wall: it serves the application's static files
(under the pseudo-URL app://static/…) and refuses everything else — file://,
http(s):// to any host, data: — without touching the network or the disk.
"""
import atexit
import mimetypes
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from urllib.parse import unquote

from crm.pdf_workers import on_launcher_thread, start_worker, watch_pool

STATIC_ROOT = Path(__file__).resolve().parent / "static"
BASE_URL = "app://static/"


class RenderError(RuntimeError):
    """The document could not be rendered in time or within memory."""


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class AppOnlyURLFetcher(URLFetcher):
        """Serves app://static/<path> from the static folder; refuses every other URL."""

        def __init__(self, static_root: Path = STATIC_ROOT):
            super().__init__(timeout=1, allowed_protocols=["app"], allow_redirects=False)
            self.static_root = static_root.resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith(BASE_URL):
                relative = unquote(url[len(BASE_URL):].split("?", 1)[0].split("#", 1)[0])
                path = (self.static_root / relative).resolve()
                if self.static_root in path.parents and path.is_file():
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})
            self.refused.append(url)
            raise URLFetchingError(f"refused to fetch {url[:200]}")

    return AppOnlyURLFetcher


_font_config = None


def render_in_process(html: str, static_root: str | None = None) -> tuple[bytes, list[str]]:
    """Render HTML to PDF here; returns the PDF and the URLs the fetcher refused.

    The font configuration is built once per process and reused: building it
    scans every installed font."""
    global _font_config
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if _font_config is None:
        _font_config = FontConfiguration()
    fetcher = _fetcher_class()(Path(static_root) if static_root else STATIC_ROOT)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    pdf = document.write_pdf(font_config=_font_config, uncompressed_pdf=False, finisher=show_title)
    return pdf, fetcher.refused


def show_title(_document, pdf) -> None:
    """WeasyPrint finisher: PDF viewers show the document's title in their title bar, not the file name
    (ISO 32000 12.2, /ViewerPreferences /DisplayDocTitle); WeasyPrint has no option for it."""
    import pydyf

    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": b"true"})


WORKER_START_SECONDS = 60  #: a new worker process must be up within this, whatever the render time limit


class Renderer:
    """One worker process, reused between renders (it keeps the font configuration)."""

    def __init__(self, timeout: float = 60, memory_mb: int = 2048):
        self.timeout, self.memory_mb = timeout, memory_mb
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

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

    def render(self, html: str) -> tuple[bytes, list[str]]:
        with self._lock:  # one render at a time per web process
            try:
                future = self._executor().submit(render_in_process, html)
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


def renderer(app):
    """This web process's crm.pdf_pool.RenderPool: a few workers, a bounded number of renders per user."""
    global _renderer
    if _renderer is None:
        from crm.pdf_pool import RenderPool

        _renderer = RenderPool(timeout=app.config["PDF_TIMEOUT_SECONDS"], memory_mb=app.config["PDF_MEMORY_MB"],
                               workers=app.config["PDF_WORKERS"], per_user=app.config["PDF_RENDERS_PER_USER"])
        atexit.register(_renderer.shutdown)
    return _renderer
