"""Import a spreadsheet: upload → map columns → preview and resolve → confirm → progress → done."""
import secrets
from collections import Counter

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.access import EDITORS, allow
from crm.clock import utcnow
from crm.extensions import db
from crm.forms import ConfirmForm, options
from crm.imports import liveness, staging
from crm.imports.choices import save_choices
from crm.imports.columns import ASSOCIATION, CONTACTS, PARTNERS, fields_for, guess_mapping
from crm.imports.forms import UploadForm, column_form
from crm.imports.matching import index_ready, warm_up
from crm.imports.models import APPLYING, DONE, FAILED, MATCHING, READY, UPLOADED, ImportJob
from crm.imports.progress import LOADING, PREPARING, PROGRESS, WAITING, WRITING, phase_of
from crm.imports.queries import contact_targets, job_home_city, job_partnership, recent_jobs, users_job
from crm.imports.reading import UnreadableFile, read_table
from crm.imports.running import run_apply
from crm.jobs.queue import enqueue
from crm.pagination import paginate_list
from crm.partnerships.choices import partnership_choices
from crm.partnerships.queries import get_partnership_or_404
from crm.settings.service import home_city_names, office_settings

bp = Blueprint("imports", __name__, url_prefix="/import")
MATCH_TASK, APPLY_TASK = "crm.imports.tasks:match", "crm.imports.tasks:apply"

REASONS = {
    staging.SKIP_UNRESOLVED: _l("A city still needs your decision"),
    staging.SKIP_CHOSEN: _l("You chose to skip its city"),
    staging.SKIP_SAME_CITY: _l("The same city on both sides"),
    staging.SKIP_DUPLICATE: _l("Already earlier in the file"),
    staging.SKIP_EXISTING: _l("Already recorded"),
    staging.SKIP_OTHER_HOME: _l("Another home city's row"),
    staging.SKIP_EMPTY: _l("A required cell is empty"),
}


def phase_heading(job: ImportJob) -> str:
    """What a running import is doing, in the words of its progress page."""
    contacts = job.kind == CONTACTS
    phase = phase_of(job)
    if phase == WAITING:
        return _("Waiting for another import to finish saving…")
    if phase == LOADING:
        return _("Loading the list of the world’s cities (the first import since a restart takes longer)…")
    if phase == PREPARING:
        return _("Preparing the contacts…") if contacts else _("Preparing the cities…")
    if phase == WRITING:
        return _("Saving the contacts…") if contacts else _("Saving the partnerships…")
    return _("Matching the cities…")


def _job(token: str) -> ImportJob:
    return users_job(token, current_user.id) or abort(404)


def _inline_limit() -> int:
    return current_app.config.get("IMPORT_INLINE_ROWS", 2000)


@bp.route("/", methods=["GET", "POST"])
@allow(EDITORS)
def upload():
    form = UploadForm()
    form.home_city_id.choices = options(home_city_names())
    form.partnership_id.choices = partnership_choices(_l("Each row's partner city (mapped on the next page)"))
    if request.method == "GET":
        form.home_city_id.data = office_settings().default_home_city_id
    if form.validate_on_submit():
        association = form.kind.data != CONTACTS and form.mode.data == ASSOCIATION
        if form.kind.data != CONTACTS and not association and not form.home_city_id.data:
            form.home_city_id.errors.append(_("Choose the home city, or add one in the settings first."))
        else:
            try:
                headers, rows = read_table(form.file.data.filename or "", form.file.data.read())
            except UnreadableFile as error:
                form.file.errors.append(str(error))
            else:
                if form.kind.data == CONTACTS and form.partnership_id.data:
                    get_partnership_or_404(form.partnership_id.data)
                job = ImportJob(
                    token=secrets.token_urlsafe(24), user_id=current_user.id, kind=form.kind.data,
                    mode=ASSOCIATION if association else PARTNERS,
                    home_city_id=None if association or form.kind.data == CONTACTS else form.home_city_id.data,
                    partnership_id=(form.partnership_id.data or None) if form.kind.data == CONTACTS else None,
                    filename=(form.file.data.filename or "upload")[:255], status=UPLOADED,
                    total=len(rows), data={"headers": headers, "rows": rows})
                db.session.add(job)
                db.session.commit()
                return redirect(url_for(".columns", token=job.token))
    recent = recent_jobs(current_user.id)
    now = utcnow()
    interrupted = {r.id for r in recent if liveness.is_interrupted(r, now)}
    return render_template("imports/upload.html", form=form, recent=recent, interrupted=interrupted), \
        422 if form.errors else 200


@bp.route("/<token>/columns", methods=["GET", "POST"])
@allow(EDITORS)
def columns(token: str):
    job = _job(token)
    if job.status not in (UPLOADED, READY):
        return redirect(url_for(".job", token=token))
    if job.kind != CONTACTS:
        warm_up()  # the gazetteer loads while the user maps the columns
    headers, rows = job.data["headers"], job.data["rows"]
    fields = fields_for(job.kind, job.mode)
    form = column_form(fields, headers, rows[:3], job.data.get("mapping") or guess_mapping(headers, fields))
    if form.validate_on_submit():
        mapping = {name: (form[name].data if form[name].data >= 0 else None) for name in fields}
        missing = [name for name, (_label, _s, required) in fields.items() if required and mapping[name] is None]
        if job.kind == CONTACTS and not job.partnership_id and mapping.get("partner_city") is None:
            missing.append("partner_city")
        for name in missing:
            form[name].errors.append(_("Choose the column that holds this."))
        if not missing:
            job.data = {**job.data, "mapping": mapping}
            if job.kind == CONTACTS:
                staging.stage_contacts(job, contact_targets())
                job.status = READY
            elif len(rows) <= _inline_limit() and index_ready():  # else the progress page, at once
                staging.stage_partnerships(job)
                job.status = READY
            else:
                worker = liveness.claim_job(job.id, job.status, MATCHING, queued=True)
                if worker is None:  # the same form sent twice: the first one is matching already
                    db.session.rollback()
                    return redirect(url_for(".job", token=token))
                enqueue(MATCH_TASK, {"import_id": job.id})
                db.session.commit()
                return redirect(url_for(".job", token=token))
            db.session.commit()
            return redirect(url_for(".job", token=token))
    return render_template("imports/columns.html", job=job, form=form, headers=headers, samples=rows[:5],
                           fields=fields), 422 if form.errors else 200


@bp.get("/<token>")
@allow(EDITORS)
def job(token: str):
    job = _job(token)
    if job.status in (MATCHING, APPLYING, FAILED, DONE):
        done, total = PROGRESS.get(job.token, (job.processed, job.total))
        return render_template("imports/progress.html", job=job, done=done, total=total,
                               heading=phase_heading(job), form=ConfirmForm(), reasons=REASONS,
                               interrupted=liveness.is_interrupted(job, utcnow()),
                               stall_minutes=max(1, liveness.stall_seconds() // 60))
    if job.status == UPLOADED:
        return redirect(url_for(".columns", token=token))
    planned = staging.plan_contacts(job) if job.kind == CONTACTS else staging.plan(job)
    figures = staging.counts(job, planned)
    cities = job.data.get("cities", [])
    rows_per_city = Counter(ref for _n, home, partner, _r in job.data.get("pairs", [])
                            for ref in (home, partner) if ref is not None)
    show = request.args.get("show")
    if show not in ("review", "matched", "created", "skipped"):
        show = ("review" if figures["undecided"] or figures["ambiguous"]
                else "skipped" if not figures["write"] else "matched")  # nothing to add: say why
    if show == "skipped":
        page = paginate_list([p for p in planned if p[-1]])
    else:
        wanted = {
            "review": lambda c: c["match"]["status"] != "matched",
            "matched": lambda c: c["match"]["status"] == "matched",
            "created": lambda c: c.get("choice") == "create",
        }[show]
        page = paginate_list([n for n, c in enumerate(cities) if wanted(c)])
    return render_template("imports/preview.html", job=job, figures=figures, cities=cities, page=page, show=show,
                           rows_per_city=rows_per_city, reasons=REASONS, form=ConfirmForm(),
                           home_city=job_home_city(job), partnership=job_partnership(job),
                           rows=job.data.get("rows", []), mapping=job.data["mapping"])


@bp.get("/<token>/status")
@allow(EDITORS)
def status(token: str):
    job = _job(token)
    done, total = PROGRESS.get(job.token, (job.processed, job.total))
    interrupted = liveness.is_interrupted(job, utcnow())
    return jsonify(status=job.status, phase=phase_of(job), heading=phase_heading(job), done=done,
                   total=total, interrupted=interrupted,
                   percent=round(100 * done / total) if total else 0,
                   finished=interrupted or job.status in (READY, DONE, FAILED), url=url_for(".job", token=token))


@bp.post("/<token>/resolve")
@allow(EDITORS)
def resolve(token: str):
    """The user's choice for the cities on the page: a candidate, a new city from the file, or skip."""
    job = _job(token)
    form = ConfirmForm()
    if job.status != READY or not form.validate():
        abort(409) if job.status != READY else abort(400)
    save_choices(job, request.form.items())
    db.session.commit()
    flash(_("Your choices were saved."), "success")
    return redirect(url_for(".job", token=token, show=request.form.get("show") or None,
                            page=request.form.get("page") or None))


@bp.post("/<token>/confirm")
@allow(EDITORS)
def confirm(token: str):
    job = _job(token)
    if not ConfirmForm().validate():
        return redirect(url_for(".job", token=token))
    if job.status == READY and save_choices(job, request.form.items()):  # "Import now" sends the decisions too
        db.session.commit()
    # A double-click or a second tab: only the request whose UPDATE still finds the job ready writes it.
    job_id, ready = job.id, job.status == READY
    inline = len(job.data.get("pairs", [])) <= _inline_limit()
    db.session.commit()  # only read so far; on SQLite a write must start from a fresh snapshot
    worker = liveness.claim_job(job_id, READY, APPLYING, queued=not inline) if ready else None
    if worker is None:
        db.session.rollback()
        if job.status != UPLOADED:
            flash(_("This import was already confirmed; it is written only once."), "info")
        return redirect(url_for(".job", token=token))
    _start_writing(job, worker, inline)
    return redirect(url_for(".job", token=token))


def _start_writing(job: ImportJob, worker: str, inline: bool) -> None:
    """Write a claimed job: small files in this request, large ones by the job queue (crm.jobs)."""
    if inline:
        db.session.commit()
        try:
            run_apply(job.id, current_user.id, worker=worker)
        except Exception:  # noqa: BLE001  (recorded on the job and shown on its page)
            current_app.logger.exception("import %s failed", job.id)
        return
    enqueue(APPLY_TASK, {"import_id": job.id, "user_id": current_user.id})
    db.session.commit()


@bp.post("/<token>/retry")
@allow(EDITORS)
def retry(token: str):
    """Start an interrupted job again. It wrote nothing (one transaction), so nothing is written twice."""
    job = _job(token)
    if not ConfirmForm().validate() or not liveness.is_interrupted(job, utcnow()):
        return redirect(url_for(".job", token=token))
    status = job.status
    inline = status != MATCHING and len(job.data.get("pairs", [])) <= _inline_limit()
    worker = liveness.claim_job(job.id, status, status, seen_worker=job.worker, retry=True, queued=not inline)
    if worker is None:
        db.session.rollback()
        flash(_("Someone has already restarted this import."), "info")
        return redirect(url_for(".job", token=token))
    if status == MATCHING:
        enqueue(MATCH_TASK, {"import_id": job.id})
        db.session.commit()
    else:
        _start_writing(job, worker, inline)
    flash(_("The import was started again."), "success")
    return redirect(url_for(".job", token=token))


@bp.route("/<token>/discard", methods=["GET", "POST"])
@allow(EDITORS)
def discard(token: str):
    job = _job(token)
    interrupted = liveness.is_interrupted(job, utcnow())
    if job.status in (MATCHING, APPLYING) and not interrupted:
        flash(_("The import is running; it can be discarded once it has finished or if it is interrupted."), "error")
        return redirect(url_for(".job", token=token))
    form = ConfirmForm()
    if request.method == "GET" or not form.validate():
        return render_template("confirm.html", form=form, title=_("Discard the import of %(file)s?", file=job.filename),
                               message=_("The file and your choices will be deleted. Nothing from it has been saved."),
                               cancel_url=url_for(".job", token=token), button=_("Discard"))
    # Only the state judged here is discarded: if a retry took the job meanwhile, it goes on.
    gone = liveness.discard_job(job)
    db.session.commit()
    if not gone:
        flash(_("The import changed meanwhile and was not discarded."), "error")
        return redirect(url_for(".job", token=token))
    flash(_("The import was discarded; nothing was written."), "success")
    return redirect(url_for(".upload"))
