"""The pages of reports: the annual report to the council (its page, PDF, XLSX and narratives), the post-mission
report and the award-entry draft."""
import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from crm.access import EDITORS, STAFF, allow
from crm.clock import office_today
from crm.errors import render_error
from crm.forms import options
from crm.governance.reports import annual, award, mission_report, narratives
from crm.governance.reports.annual_files import annual_html, annual_xlsx, cost_lines, report_title
from crm.governance.reports.forms import FIRST_YEAR, AnnualReportForm, AwardForm, NarrativeForm, PhotosForm
from crm.governance.reports.rendering import XLSX_MIMETYPE, Busy, download, render_pdf, safe_ascii
from crm.i18n import LANGUAGES
from crm.partnerships.queries import get_partnership_or_404
from crm.programs.missions.queries import get_mission_or_404
from crm.records import edit_record

bp = Blueprint("reports", __name__)
STILL_PREPARING = _l("A document of yours is still being prepared. Please wait until it is ready, then try again.")


@bp.errorhandler(Busy)
def busy(_error):
    return render_error(429, STILL_PREPARING)


def _default_language() -> str:
    return current_user.language if current_user.language in LANGUAGES else current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def _chosen(form: AnnualReportForm) -> tuple[int, int | None, str]:
    year = form.chosen_year
    if year is None:
        abort(404)
    return year, form.chosen_home_city_id, form.chosen_language or _default_language()


def _file_name(report, extension: str) -> tuple[str, str]:
    scope = report.home_city.name if report.home_city is not None else ""
    name = "-".join(part for part in (_("Annual report"), scope, str(report.year)) if part)
    return f"{name}.{extension}", f"{safe_ascii(name)}.{extension}"


@bp.get("/reports/annual")
@allow(STAFF)
def annual_page():
    today = office_today()
    form = AnnualReportForm(today, _default_language())
    year = form.chosen_year or annual.default_year(today)
    report = annual.gather(year, form.chosen_home_city_id, today)
    args = {"year": year, "scope": form.chosen_home_city_id or "", "lang": form.chosen_language or _default_language()}
    return render_template("reports/annual.html", form=form, report=report, title=report_title(report),
                           cost_lines=cost_lines, args=args)


@bp.get("/reports/annual.pdf")
@allow(STAFF)
def annual_pdf():
    year, home_city_id, language = _chosen(AnnualReportForm(office_today(), _default_language()))
    report = annual.gather(year, home_city_id, office_today())
    pdf = render_pdf(annual_html(report, language))
    if pdf is None:
        return render_error(503)
    name, ascii_name = _file_name(report, "pdf")
    return download(pdf, "application/pdf", name, ascii_name)


@bp.get("/reports/annual.xlsx")
@allow(STAFF)
def annual_spreadsheet():
    year, home_city_id, language = _chosen(AnnualReportForm(office_today(), _default_language()))
    report = annual.gather(year, home_city_id, office_today())
    name, ascii_name = _file_name(report, "xlsx")
    return download(annual_xlsx(report, language), XLSX_MIMETYPE, name, ascii_name)


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= office_today().year:
        abort(404)


def _narratives_page(year: int, forms: dict | None = None, conflict=None, conflict_id: int | None = None):
    partnerships = annual.partnerships_in_scope(year, None)
    stored = narratives.narratives_of([p.id for p in partnerships], year)
    rows = []
    for partnership in partnerships:
        form = (forms or {}).get(partnership.id)
        if form is None:
            form = NarrativeForm(formdata=None, prefix=narratives.form_prefix(partnership.id),
                                 obj=stored.get(partnership.id))
        rows.append((partnership, form, stored.get(partnership.id)))
    return render_template("reports/narratives.html", year=year, rows=rows, conflict=conflict,
                           conflict_id=conflict_id)


@bp.get("/reports/annual/<int:year>/narratives")
@allow(STAFF)
def narratives_page(year: int):
    _check_year(year)
    return _narratives_page(year)


@bp.post("/reports/annual/<int:year>/narratives/<int:partnership_id>")
@allow(EDITORS)
def save_narrative(year: int, partnership_id: int):
    _check_year(year)
    partnership = get_partnership_or_404(partnership_id)
    form = NarrativeForm(prefix=narratives.form_prefix(partnership.id))
    narrative = narratives.narrative_for_saving(partnership.id, year, form)
    return edit_record(
        narrative, form, lambda record, f: narratives.apply_narrative(record, f, current_user), compare=["body"],
        done=url_for("reports.narratives_page", year=year, _anchor=f"p{partnership.id}"),
        saved=_("The narrative for %(city)s was saved.", city=partnership.partner_city.name),
        page=lambda form, conflict: _narratives_page(year, {partnership.id: form}, conflict, partnership.id))



def _photos_form(mission) -> tuple[PhotosForm, list]:
    photos = mission_report.mission_photos(mission)
    form = PhotosForm(request.args)
    form.photo.choices = options((photo.id, photo.filename) for photo in photos)
    if not form.lang.data:
        form.lang.data = _default_language()
    return form, photos


@bp.get("/missions/<int:mission_id>/report")
@allow(STAFF)
def mission_report_page(mission_id: int):
    mission = get_mission_or_404(mission_id)
    form, photos = _photos_form(mission)
    made, follow_ups = mission_report.mission_commitments(mission)
    return render_template("reports/mission.html", mission=mission, partnership=mission.partnership, form=form,
                           photos=photos, commitments=made, follow_ups=follow_ups)


@bp.get("/missions/<int:mission_id>/report.pdf")
@allow(STAFF)
def mission_report_pdf(mission_id: int):
    mission = get_mission_or_404(mission_id)
    form, _photos = _photos_form(mission)
    # ids of anything but the mission's photos are ignored (chosen_photos), not an error for the rest
    chosen = mission_report.chosen_photos(mission, [n for n in form.photo.data or () if isinstance(n, int)])
    language = form.lang.data if form.lang.data in LANGUAGES else _default_language()
    with tempfile.TemporaryDirectory(prefix="crm-photos-") as folder:
        copied = mission_report.copy_photos(chosen, Path(folder))
        pdf = render_pdf(mission_report.mission_report_html(mission, copied, language), images=Path(folder))
    if pdf is None:
        return render_error(503)
    city = mission.partnership.partner_city
    stamp = mission.starts_on.isoformat()
    name = _("Mission report")
    return download(pdf, "application/pdf", f"{name}-{city.native_name or city.name}-{stamp}.pdf",
                    f"Mission-report-{safe_ascii(city.name)}-{stamp}.pdf")


def _award_form(today: date) -> AwardForm:
    """The period asked for; without one, the last three calendar years and this one so far."""
    if request.args:
        return AwardForm(request.args)
    return AwardForm(MultiDict({"date_from": date(today.year - 3, 1, 1).isoformat(), "date_until": today.isoformat()}))


def _award_facts(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = _award_form(office_today())
    facts = award.gather(partnership, form.date_from.data, form.date_until.data) if form.validate() else None
    return partnership, form, facts


@bp.get("/partnerships/<int:partnership_id>/award-entry")
@allow(STAFF)
def award_page(partnership_id: int):
    partnership, form, facts = _award_facts(partnership_id)
    return render_template("reports/award.html", partnership=partnership, form=form, facts=facts,
                           text=award.award_text(facts) if facts else "",
                           kinds=award.kind_rows(facts) if facts else []), 200 if facts else 422


@bp.get("/partnerships/<int:partnership_id>/award-entry.pdf")
@allow(STAFF)
def award_pdf(partnership_id: int):
    partnership, _form, facts = _award_facts(partnership_id)
    if facts is None:
        abort(404)
    pdf = render_pdf(award.award_html(facts, _default_language()))
    if pdf is None:
        return render_error(503)
    city = partnership.partner_city
    name = _("Award entry")
    return download(pdf, "application/pdf", f"{name}-{city.native_name or city.name}.pdf",
                    f"Award-entry-{safe_ascii(city.name)}.pdf")
