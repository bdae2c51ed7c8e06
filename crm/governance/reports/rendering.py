"""Turning a report's HTML into a PDF download, through the app's rendering pool (crm.pdf: only the app's own
files are fetched; images of a post-mission report come from a folder of copies made for that render)."""
from pathlib import Path

from anyascii import anyascii
from flask import Response, current_app
from flask_login import current_user

from crm.bidi import without_bidi_controls
from crm.downloads import content_disposition
from crm.pdf import RenderError, renderer
from crm.pdf_pool import RenderBusy

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Busy(Exception):
    """A document of the user's is still rendering."""


def render_pdf(html: str, images: Path | None = None) -> bytes | None:
    """The PDF, or None when it could not be rendered; raises Busy when the user's renders are all taken.
    images: a folder whose PNG and JPEG files the HTML names as app://emblems/<name>."""
    try:
        pdf, _refused = renderer(current_app).render(html, owner=current_user.id, guest=not current_user.is_staff,
                                                     emblems_root=str(images) if images else None)
    except RenderBusy:
        raise Busy() from None
    except RenderError:
        current_app.logger.exception("PDF render failed")
        return None
    return pdf


def safe_ascii(text: str) -> str:
    plain = anyascii(without_bidi_controls(text))
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in plain).strip("-") or "report"


def download(body: bytes, mimetype: str, name: str, ascii_name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(name, fallback=ascii_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
