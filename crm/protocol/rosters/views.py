"""The pages of rosters: staff add, edit and remove participants from an engagement's "People and protocol" page,
upload a list, export the roster and its counts, print each town's certified list; the admins' settings; and the
partner's half in the portal, where a guest keeps their own town's list (by hand or from a spreadsheet)."""
from anyascii import anyascii
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext
from flask_babel import ngettext
from flask_login import current_user

from crm.access import ADMINS, EDITORS, GUESTS, STAFF, allow
from crm.bidi import without_bidi_controls
from crm.cities.emblems import folder_for
from crm.confirm import confirm_then
from crm.contacts import names
from crm.downloads import content_disposition
from crm.engagements.queries import get_engagement_or_404
from crm.enums import Side
from crm.errors import render_error
from crm.exports.writers import Column, export_response
from crm.extensions import db
from crm.i18n import country_name
from crm.imports.columns import guess_mapping
from crm.imports.reading import UnreadableFile
from crm.pdf import RenderError, renderer
from crm.pdf_pool import RenderBusy
from crm.protocol.rosters import operations, upload
from crm.protocol.rosters.counts import counts, roster_sizes
from crm.protocol.rosters.forms import ParticipantForm, RosterSettingsForm, UploadForm, make_form
from crm.protocol.rosters.pdf import certified_html, list_language
from crm.protocol.rosters.queries import get_entry_or_404, people_to_pick, roster
from crm.protocol.rosters.section import collects_sex_and_minor
from crm.records import back_to, edit_record
from crm.settings.service import office_settings
from crm.write_limits import write_limit

bp = Blueprint("rosters", __name__)

#: what the conflict page compares when an entry changed since its form was opened
COMPARE = ["role", "town", "country", "arrives_on", "leaves_on"]


@bp.app_template_global()
def roster_size(engagement_id: int) -> int:
    """For an exchange's page: its named participants, which stand for its participants when there are any."""
    return roster_sizes([engagement_id]).get(engagement_id, 0)


@bp.app_template_filter("sex_label")
def sex_label(code: str | None) -> str | None:
    """A person's recorded sex (crm.enums.Sex's code) as its label in the reader's language."""
    return upload.sex_label(code)


def _hub(engagement_id: int) -> str:
    return url_for("protocol.engagement", engagement_id=engagement_id, _anchor="participants")


def _portal_page(engagement_id: int) -> str:
    return url_for(".portal", engagement_id=engagement_id)


def _side_arg(default: Side = Side.PARTNER) -> Side:
    value = request.values.get("side")
    return Side(value) if value in (Side.HOME.value, Side.PARTNER.value) else default


def _side_name(engagement, side: Side) -> str:
    partnership = engagement.partnership
    return (partnership.home_city if side == Side.HOME else partnership.partner_city).name


# -- Staff: the participants ---------------------------------------------------------------------------------------

def _form_page(form, engagement, entry, *, portal: bool):
    return render_template("rosters/form.html", form=form, engagement=engagement, entry=entry, portal=portal,
                           cancel=_portal_page(engagement.id) if portal else _hub(engagement.id),
                           partnership=engagement.partnership), 422 if form.errors else 200


def _add(engagement, form: ParticipantForm, side: Side, people: list, *, portal: bool, done: str):
    if form.validate_on_submit():
        chosen = form.person.data if "person" in form else None
        person = next((p for p in people if p.id == chosen), None) if chosen else None
        values = operations.form_values(form)
        try:
            entry = operations.add_participant(engagement, side, values, person=person,
                                               added_by=Side.PARTNER if portal else Side.HOME)
        except operations.AlreadyListed as listed:
            form.name.errors = [*form.name.errors, _("%(name)s is on this list already.", name=str(listed))]
        else:
            name = names.both(entry.contact)
            db.session.commit()
            flash(_("%(name)s was added to the list.", name=name), "success")
            return redirect(back_to(done))
    return _form_page(form, engagement, None, portal=portal)


@bp.route("/engagements/<int:engagement_id>/participants/new", methods=["GET", "POST"])
@allow(EDITORS)
def new(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    people = people_to_pick(engagement.partnership_id, engagement.id)
    form = make_form(engagement, people=people, collect=collects_sex_and_minor())
    side = Side(form.side.data) if form.side.data in (Side.HOME.value, Side.PARTNER.value) else Side.PARTNER
    return _add(engagement, form, side, people, portal=False, done=_hub(engagement.id))


def _apply(form):
    side = Side(form.side.data) if "side" in form else None
    return lambda entry, form: operations.apply_form(entry, operations.form_values(form), side)


@bp.route("/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(participant_id: int):
    entry = get_entry_or_404(participant_id)
    engagement = entry.engagement
    form = make_form(engagement, entry, collect=collects_sex_and_minor())
    return edit_record(entry, form, _apply(form), compare=COMPARE, done=_hub(engagement.id),
                       page=lambda form, conflict: render_template(
                           "rosters/form.html", form=form, conflict=conflict, engagement=engagement, entry=entry,
                           portal=False, cancel=_hub(engagement.id), partnership=engagement.partnership))


@bp.route("/participants/<int:participant_id>/remove", methods=["GET", "POST"])
@allow(EDITORS)
def remove(participant_id: int):
    entry = get_entry_or_404(participant_id)
    back = _hub(entry.engagement_id)
    return _remove(entry, back)


def _remove(entry, back: str):
    return confirm_then(
        lambda: operations.remove(entry),
        title=_("Take %(name)s off the list of “%(title)s”?", name=names.both(entry.contact),
                title=entry.engagement.title),
        message=_("The person stays in the contacts; only their place on this list goes, with any host placement."),
        button=_("Take off the list"), cancel_url=back, done_url=back,
        done_message=_("%(name)s was taken off the list.", name=names.both(entry.contact)))


# -- Uploads (staff and partner) -----------------------------------------------------------------------------------

def _upload_page(engagement, side: Side, *, portal: bool, form=None, preview=None, mapping_form=None,
                 filename: str = "", error: str | None = None):
    status = 422 if (form is not None and form.errors) or error else 200
    return render_template(
        "rosters/upload.html", engagement=engagement, partnership=engagement.partnership, side=side,
        side_name=_side_name(engagement, side), portal=portal, form=form or UploadForm(formdata=None),
        preview=preview, mapping_form=mapping_form, filename=filename, error=error,
        collect=collects_sex_and_minor(),
        back=_portal_page(engagement.id) if portal else _hub(engagement.id),
        apply_url=url_for(".portal_apply" if portal else ".apply_upload", engagement_id=engagement.id,
                          **({} if portal else {"side": side.value}))), status


def _read_upload(engagement, side: Side, *, portal: bool):
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(engagement, side, portal=portal, form=form)
    file = form.file.data
    filename = (file.filename or "")[:200]
    try:
        headers, rows = upload.read(filename, file.read())
    except UnreadableFile as error:
        form.file.errors = [*form.file.errors, str(error)]
        return _upload_page(engagement, side, portal=portal, form=form)
    fields = upload.fields_for(collects_sex_and_minor())
    mapping = guess_mapping(headers, fields)
    token = upload.sign(headers, rows, engagement_id=engagement.id, user_id=current_user.id, filename=filename)
    mapping_form = upload.mapping_form(fields, headers, rows, mapping, token, fresh=True)
    return _upload_page(engagement, side, portal=portal, preview=upload.parse_rows(rows, mapping),
                        mapping_form=mapping_form, filename=filename)


def _apply_upload(engagement, side: Side, *, portal: bool):
    signed = upload.unsign(request.form.get("table", ""), engagement_id=engagement.id, user_id=current_user.id)
    if signed is None:
        flash(_("The file was not found any more. Please upload it again."), "error")
        return redirect(url_for(".portal_upload" if portal else ".upload_list", engagement_id=engagement.id,
                                **({} if portal else {"side": side.value})))
    headers, rows, filename = signed
    fields = upload.fields_for(collects_sex_and_minor())
    form = upload.mapping_form(fields, headers, rows, guess_mapping(headers, fields), request.form["table"])
    valid = form.validate_on_submit()
    mapping = upload.chosen_mapping(form, fields, len(headers)) if valid else guess_mapping(headers, fields)
    preview = upload.parse_rows(rows, mapping)
    error = None
    if not any(mapping.get(name) is not None for name in upload.NAME_FIELDS):
        error = _("Choose the column that holds the participants' names.")
    elif valid and request.form.get("action") == "apply":
        kept = [row.values for row in preview if not row.skipped]
        added, updated = operations.apply_rows(engagement, side, kept, Side.PARTNER if portal else Side.HOME)
        db.session.commit()
        flash(" ".join([ngettext("%(num)d participant added.", "%(num)d participants added.", added),
                        ngettext("%(num)d already on the list, updated.", "%(num)d already on the list, updated.",
                                 updated)]), "success")
        return redirect(_portal_page(engagement.id) if portal else _hub(engagement.id))
    return _upload_page(engagement, side, portal=portal, preview=preview, mapping_form=form, filename=filename,
                        error=error)


@bp.route("/engagements/<int:engagement_id>/participants/upload", methods=["GET", "POST"])
@allow(EDITORS)
def upload_list(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    if request.method == "POST":
        return _read_upload(engagement, _side_arg(), portal=False)
    return _upload_page(engagement, _side_arg(), portal=False)


@bp.post("/engagements/<int:engagement_id>/participants/upload/apply")
@allow(EDITORS)
def apply_upload(engagement_id: int):
    return _apply_upload(get_engagement_or_404(engagement_id), _side_arg(), portal=False)


# -- Exports and the certified list --------------------------------------------------------------------------------

def _export_format() -> str:
    fmt = request.args.get("fmt", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return fmt


def roster_columns(engagement, collect: bool) -> list[Column]:
    """The roster as a spreadsheet, with the upload's headers, so a list exported comes back mapped."""
    columns = [
        Column(_l("Name in its own script"), lambda e: names.own_script(e.contact), 24),
        Column(_l("Name in Latin letters"), lambda e: names.romanized(e.contact), 24),
        Column(_l("On the list of"), lambda e: _side_name(engagement, e.side)),
        Column(_l("Town"), lambda e: e.town or e.contact.town),
        Column(_l("Country"), lambda e: country_name(e.country or e.contact.country)),
        Column(pgettext("participant", "Role"), lambda e: e.role),
        Column(_l("Arrives on"), lambda e: e.arrives_on, 12),
        Column(_l("Leaves on"), lambda e: e.leaves_on, 12),
    ]
    if collect:
        columns += [Column(_l("Sex"), lambda e: upload.sex_label(e.contact.sex), 12),
                    Column(_l("Under 18"), lambda e: e.minor, 10)]
    return columns + [Column(_l("Funded by"), lambda e: e.funded_by), Column(_l("Grant or sponsor"),
                                                                              lambda e: e.funder_name),
                      Column(_l("Added by"), lambda e: _side_name(engagement, e.added_by_side))]


@bp.get("/engagements/<int:engagement_id>/participants/export")
@allow(STAFF)
def export(engagement_id: int):
    """?fmt=csv (the default) or xlsx: every participant, with what the office collects."""
    fmt = _export_format()
    engagement = get_engagement_or_404(engagement_id)
    return export_response(fmt, roster_columns(engagement, collects_sex_and_minor()), roster(engagement.id),
                           title=_("Participants of %(title)s", title=engagement.title), slug="participants")


def count_rows(engagement, figures, collect: bool) -> list[tuple[str, int]]:
    rows = [(_("Participants in all"), figures.total),
            (_("On the list of %(town)s", town=_side_name(engagement, Side.HOME)), figures.home),
            (_("On the list of %(town)s", town=_side_name(engagement, Side.PARTNER)), figures.partner),
            (_("Invited from abroad"), figures.from_abroad)]
    rows += [(_("From %(country)s", country=country_name(code) if code else _("country not stated")), number)
             for code, number in figures.by_country]
    if collect:
        rows += [(str(sex.label) if sex else _("Sex not stated"), number) for sex, number in figures.by_sex.items()]
        rows.append((_("Under 18"), figures.minors))
    return rows


@bp.get("/engagements/<int:engagement_id>/participants/counts")
@allow(STAFF)
def export_counts(engagement_id: int):
    """?fmt=csv (the default) or xlsx: the roster's counts, as a grant's report asks for them."""
    fmt = _export_format()
    engagement = get_engagement_or_404(engagement_id)
    rows = count_rows(engagement, counts(engagement), collects_sex_and_minor())
    columns = [Column(_l("Figure"), lambda row: row[0], 40), Column(_l("Participants"), lambda row: row[1], 14)]
    return export_response(fmt, columns, rows, title=_("Participant counts of %(title)s", title=engagement.title),
                           slug="participant-counts")


@bp.get("/engagements/<int:engagement_id>/participants/certified.pdf")
@allow(STAFF, GUESTS)
def certified(engagement_id: int):
    """?side=home or partner (the default): whose town's list; ?lang= another of the interface's languages."""
    engagement = get_engagement_or_404(engagement_id)  # a guest's scope: a shared engagement of their partnership
    side = _side_arg()
    language = list_language(engagement, side, request.args.get("lang"))
    html = certified_html(engagement, side, roster(engagement.id), language)
    try:
        pdf, _refused = renderer(current_app).render(html, owner=current_user.id, guest=not current_user.is_staff,
                                                     emblems_root=folder_for(html))
    except RenderBusy:
        return render_error(429)
    except RenderError:
        current_app.logger.exception("certified participant list render failed")
        return render_error(503)
    town = _side_name(engagement, side)
    plain = "".join(ch if ch.isalnum() or ch in "-_." else "-"
                    for ch in anyascii(without_bidi_controls(town))).strip("-") or "list"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(
        f"Participants-{town}-{language}.pdf", fallback=f"Participants-{plain}-{language}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


# -- Settings ------------------------------------------------------------------------------------------------------

@bp.route("/rosters/settings", methods=["GET", "POST"])
@allow(ADMINS)
def settings():
    record = office_settings()
    return edit_record(record, RosterSettingsForm(obj=record), operations.apply_settings,
                       compare=["collect_sex_and_minor", "roster_retention_years"], template="rosters/settings.html",
                       done=url_for(".settings"), saved=_("The participant list settings were saved."))


# -- The partner's half, in the portal -----------------------------------------------------------------------------

def _own_entry_or_403(participant_id: int):
    entry = get_entry_or_404(participant_id)  # the guest's scope: a shared engagement of their partnership
    if entry.side != Side.PARTNER:
        abort(403)  # our side's list is ours to keep
    return entry


@bp.get("/portal/engagements/<int:engagement_id>/participants")
@allow(GUESTS)
def portal(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    entries = roster(engagement.id)
    return render_template("rosters/portal.html", engagement=engagement, partnership=engagement.partnership,
                           ours=[e for e in entries if e.side == Side.HOME],
                           yours=[e for e in entries if e.side == Side.PARTNER], figures=counts(engagement),
                           collect=collects_sex_and_minor(), language=list_language(engagement, Side.PARTNER))


@bp.route("/portal/engagements/<int:engagement_id>/participants/new", methods=["GET", "POST"])
@allow(GUESTS)
@write_limit("GUEST_COMMENT_LIMIT")
def portal_new(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    form = make_form(engagement, collect=collects_sex_and_minor(), guest=True)
    return _add(engagement, form, Side.PARTNER, [], portal=True, done=_portal_page(engagement.id))


@bp.route("/portal/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@allow(GUESTS)
@write_limit("GUEST_COMMENT_LIMIT")
def portal_edit(participant_id: int):
    entry = _own_entry_or_403(participant_id)
    engagement = entry.engagement
    form = make_form(engagement, entry, collect=collects_sex_and_minor(), guest=True)
    back = _portal_page(engagement.id)
    return edit_record(entry, form, _apply(form), compare=COMPARE, done=back,
                       page=lambda form, conflict: render_template(
                           "rosters/form.html", form=form, conflict=conflict, engagement=engagement, entry=entry,
                           portal=True, cancel=back, partnership=engagement.partnership))


@bp.route("/portal/participants/<int:participant_id>/remove", methods=["GET", "POST"])
@allow(GUESTS)
@write_limit("GUEST_COMMENT_LIMIT")
def portal_remove(participant_id: int):
    entry = _own_entry_or_403(participant_id)
    return _remove(entry, _portal_page(entry.engagement_id))


@bp.route("/portal/engagements/<int:engagement_id>/participants/upload", methods=["GET", "POST"])
@allow(GUESTS)
@write_limit("GUEST_UPLOAD_LIMIT")
def portal_upload(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    if request.method == "POST":
        return _read_upload(engagement, Side.PARTNER, portal=True)
    return _upload_page(engagement, Side.PARTNER, portal=True)


@bp.post("/portal/engagements/<int:engagement_id>/participants/upload/apply")
@allow(GUESTS)
@write_limit("GUEST_UPLOAD_LIMIT")
def portal_apply(engagement_id: int):
    return _apply_upload(get_engagement_or_404(engagement_id), Side.PARTNER, portal=True)
