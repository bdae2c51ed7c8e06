import tempfile
from pathlib import Path

from anyascii import anyascii
from flask import Blueprint, Response, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from crm.access import GUESTS, STAFF, allow
from crm.agreements.queries import get_agreement_or_404
from crm.bidi import without_bidi_controls
from crm.cities.emblems import folder_for
from crm.documents.agreement import agreement_html
from crm.documents.archive import signed_scans
from crm.documents.briefing import briefing_html
from crm.documents.profile import profile_html
from crm.downloads import pdf_response
from crm.errors import render_error
from crm.i18n import LANGUAGES
from crm.partnerships.queries import get_partnership_or_404
from crm.pdf import ARCHIVE_VARIANT, RenderError, renderer
from crm.pdf_pool import RenderBusy
from crm.programs.missions.queries import get_mission_or_404

bp = Blueprint("documents", __name__)
STILL_PREPARING = _l("A document of yours is still being prepared. Please wait until it is ready, then try again.")


class StillPreparing(HTTPException):
    """The user asked for a document while one of theirs is still rendering: 429, nothing started."""
    code = 429


@bp.errorhandler(StillPreparing)
def still_preparing(_error):
    return render_error(429, STILL_PREPARING)


def _render(html: str, **options):
    """The PDF (tagged; emblems from their folder, crm.cities.emblems.folder_for), or None when it could not be
    rendered; options as crm.pdf.render_in_process's (variant, attachments)."""
    try:
        pdf, _refused = renderer(current_app).render(html, owner=current_user.id, guest=not current_user.is_staff,
                                                     emblems_root=folder_for(html), **options)
    except RenderBusy:
        raise StillPreparing() from None
    except RenderError:
        current_app.logger.exception("PDF render failed")
        return None
    return pdf


def _safe_ascii(text: str) -> str:
    plain = anyascii(without_bidi_controls(text))  # القاهرة → lqhrh, not an empty name
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in plain).strip("-") or "document"


def _language(default: str | None = None) -> str:
    wanted = request.args.get("lang") or default or ""
    return wanted if wanted in LANGUAGES else (current_user.language if current_user.language in LANGUAGES
                                                else current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.get("/agreements/<int:agreement_id>.pdf")
@allow(STAFF, GUESTS)
def agreement(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    pdf = _render(agreement_html(agreement, _layout()))
    if pdf is None:
        return render_error(503)
    return _agreement_response(agreement, pdf)


@bp.get("/agreements/<int:agreement_id>/archive.pdf")
@allow(STAFF)  # guests' agreement PDFs keep their own rules (documents.agreement); this one carries staff files
def agreement_archive(agreement_id: int):
    """The agreement as PDF/A-3b for the city archive, with the PDF files attached to the agreement (the
    signed scan) embedded as its associated files."""
    agreement = get_agreement_or_404(agreement_id)
    with tempfile.TemporaryDirectory(prefix="crm-scans-") as copies:  # an object store's files, for the worker
        pdf = _render(agreement_html(agreement, _layout()), variant=ARCHIVE_VARIANT,
                      attachments=signed_scans(agreement, Path(copies)))
    if pdf is None:
        return render_error(503)
    return _agreement_response(agreement, pdf, "-PDF-A")


def _layout() -> str:
    return "sequential" if request.args.get("layout") == "sequential" else "side"


def _agreement_response(agreement, pdf: bytes, kind: str = "") -> Response:
    """The agreement's download, named for the partner city and the day; kind says which: "-PDF-A"."""
    city = agreement.partnership.partner_city
    day = (agreement.signed_on or agreement.effective_from)
    suffix = f"-{day.isoformat()}" if day else ""
    return pdf_response(pdf, f"Agreement-{city.native_name or city.name}{suffix}{kind}.pdf",
                        f"Agreement-{_safe_ascii(city.name)}{suffix}{kind}.pdf")


@bp.get("/missions/<int:mission_id>/briefing.pdf")
@allow(STAFF, GUESTS)
def briefing(mission_id: int):
    mission = get_mission_or_404(mission_id)
    pdf = _render(briefing_html(mission, _language(), for_guest=not current_user.is_staff))
    if pdf is None:
        return render_error(503)
    city = mission.partnership.partner_city
    stamp = mission.starts_on.isoformat()
    return pdf_response(pdf, f"Briefing-{city.native_name or city.name}-{stamp}.pdf",
                        f"Briefing-{_safe_ascii(city.name)}-{stamp}.pdf")


@bp.get("/partnerships/<int:partnership_id>/profile.pdf")
@allow(STAFF)
def profile(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    pdf = _render(profile_html(partnership, _language()))
    if pdf is None:
        return render_error(503)
    city = partnership.partner_city
    return pdf_response(pdf, f"Partnership-{city.native_name or city.name}.pdf",
                        f"Partnership-{_safe_ascii(city.name)}.pdf")
