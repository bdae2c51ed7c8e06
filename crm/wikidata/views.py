"""The Wikidata comparison's pages (issue 23 §3): upload an export, read the report, hand the twinnings the
office lacks to the import preview."""
import secrets
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import EDITORS, allow
from crm.enums import PartnershipStatus
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.imports.columns import ASSOCIATION, PARTNERSHIPS, fields_for, guess_mapping
from crm.imports.models import UPLOADED, ImportJob
from crm.jobs.queue import enqueue
from crm.pagination import paginate, paginate_list
from crm.wikidata import handoff
from crm.wikidata.forms import ExportForm
from crm.wikidata.models import DONE, RUNNING, WikidataComparison
from crm.wikidata.queries import comparison_or_404, comparisons
from crm.wikidata.query import QUERY_SERVICE, home_geonames_ids, sparql
from crm.wikidata.reading import UnreadableFile, is_twinning, read_export
from crm.wikidata.report import DIFFERENCES, LISTS, MISSING_HERE
from crm.wikidata.running import TASK, inline_limit, run

bp = Blueprint("wikidata", __name__, url_prefix="/wikidata")


@bp.route("/", methods=["GET", "POST"])
@allow(EDITORS)
def upload():
    form = ExportForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            statements, rows = read_export(upload_file.filename or "", upload_file.read())
        except UnreadableFile as error:
            form.file.errors.append(str(error))
        else:
            comparison = WikidataComparison(user_id=current_user.id, filename=(upload_file.filename or "upload")[:255],
                                            status=RUNNING, rows_read=sum(map(is_twinning, statements)), report={})
            db.session.add(comparison)
            if len(statements) <= inline_limit():
                run(comparison, statements)
                db.session.commit()
            else:
                comparison.report = {"pending": [list(s) for s in statements]}
                db.session.flush()
                enqueue(TASK, {"comparison_id": comparison.id})
                db.session.commit()
            return redirect(url_for(".report", comparison_id=comparison.id))
    ids = home_geonames_ids()
    return render_template("wikidata/upload.html", form=form, query=sparql(ids), home_cities=len(ids),
                           service=QUERY_SERVICE, page=paginate(comparisons())), 422 if form.errors else 200


@bp.get("/<int:comparison_id>")
@allow(EDITORS)
def report(comparison_id: int):
    comparison = comparison_or_404(comparison_id)
    if comparison.status != DONE:
        return render_template("wikidata/progress.html", comparison=comparison)
    data = comparison.report or {}
    counts = data.get("counts", {})
    show = request.args.get("show")
    if show not in LISTS:
        show = next((name for name in (MISSING_HERE, DIFFERENCES, "missing_there") if counts.get(name)),
                    MISSING_HERE)
    return render_template("wikidata/report.html", comparison=comparison, counts=counts, show=show,
                           lists=LISTS, cities=data.get("cities", {}), page=paginate_list(data.get(show, [])),
                           when=when, statuses={s.value: s.label for s in PartnershipStatus})


def when(text: str) -> str:
    """A date of the report in the reader's language: "1959" stays a year, "2003-05-12" is a date. 1 January is
    how Wikidata (and a file's bare year) writes a date known to the year: shown as the year."""
    if not text:
        return "—"
    if len(text) == 4 or text.endswith("-01-01"):
        return text[:4]
    try:
        return format_date(date.fromisoformat(text), "medium")
    except ValueError:
        return text


@bp.post("/<int:comparison_id>/import")
@allow(EDITORS)
def start_import(comparison_id: int):
    """The twinnings Wikidata has and the office lacks, as a new import waiting at its preview."""
    comparison = comparison_or_404(comparison_id)
    if not ConfirmForm().validate():
        abort(400)
    if comparison.status != DONE:
        return redirect(url_for(".report", comparison_id=comparison.id))
    headers, rows = handoff.import_table(comparison.report or {})
    if not rows:
        flash(_("Wikidata lists no twinning that the office does not record: there is nothing to import."), "info")
        return redirect(url_for(".report", comparison_id=comparison.id))
    job = ImportJob(token=secrets.token_urlsafe(24), user_id=current_user.id, kind=PARTNERSHIPS, mode=ASSOCIATION,
                    filename=f"wikidata-{comparison.id}.csv", status=UPLOADED, total=len(rows),
                    data={"headers": headers, "rows": rows,
                          "mapping": guess_mapping(headers, fields_for(PARTNERSHIPS, ASSOCIATION))})
    db.session.add(job)
    db.session.commit()
    return redirect(url_for("imports.columns", token=job.token))
