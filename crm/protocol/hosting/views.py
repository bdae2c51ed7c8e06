"""Host families and volunteers (issue 22 §6): the registry (/hosts/), an engagement's placement board with its
suggestion, the coordinator's confirmations and changes, the placement letters and the chaperones' emergency
sheet."""
from datetime import date

from anyascii import anyascii
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from crm.access import EDITORS, STAFF, allow
from crm.bidi import without_bidi_controls
from crm.cities.emblems import folder_for
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.downloads import content_disposition
from crm.engagements.pages import program_url
from crm.engagements.queries import get_engagement_or_404
from crm.errors import render_error
from crm.extensions import db
from crm.forms import ConfirmForm, options
from crm.i18n import LANGUAGES
from crm.languages import format_list, language_label
from crm.pagination import paginate
from crm.pdf import RenderError, renderer
from crm.pdf_pool import RenderBusy
from crm.protocol.hosting import letters, operations, queries
from crm.protocol.hosting.board import board as read_board
from crm.protocol.hosting.forms import (
    HELPER_FIELDS,
    HelperFilterForm,
    MoveForm,
    PlaceForm,
    household_choices,
    make_helper_form,
)
from crm.protocol.hosting.operations import DuplicatePlacement
from crm.protocol.hosting.suggest import language_codes
from crm.records import back_to, create_record, edit_record

bp = Blueprint("hosting", __name__)

ALREADY_THERE = _l("This guest already stays with that household (someone may have placed them a moment ago). "
                   "The board shows the placements as they are now.")


@bp.app_template_filter("hosting_languages")
def spoken_languages(codes) -> str:
    """"ja, en" (or a tuple of codes) → "Japanese, English" in the reader's language; "" for none."""
    codes = language_codes(codes) if codes is None or isinstance(codes, str) else codes
    return format_list([language_label(code) for code in codes])


# --- the registry ----------------------------------------------------------------------------------------------

@bp.get("/hosts/")
@allow(STAFF)
def index():
    form = HelperFilterForm()
    today = office_today()
    query = queries.helper_list(q=form.value("q"), kind=form.value("kind"), language=form.value("language"),
                                vetting=form.value("vetting"), active=form.value("active"), today=today)
    return render_template("hosting/index.html", form=form, page=paginate(query), today=today,
                           expiring_days=queries.EXPIRING_DAYS)


@bp.route("/hosts/new", methods=["GET", "POST"])
@allow(EDITORS)
def new():
    form = make_helper_form()
    return create_record(form, operations.new_helper, template="hosting/form.html",
                         done=lambda helper: url_for(".detail", helper_id=helper.id),
                         saved=_("The host was added to the registry."), helper=None)


@bp.get("/hosts/<int:helper_id>")
@allow(STAFF)
def detail(helper_id: int):
    helper = queries.get_helper_or_404(helper_id)
    return render_template("hosting/detail.html", helper=helper, placements=queries.past_guests(helper.id),
                           today=office_today(), expiring_days=queries.EXPIRING_DAYS)


@bp.route("/hosts/<int:helper_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(helper_id: int):
    helper = queries.get_helper_or_404(helper_id)
    return edit_record(helper, make_helper_form(helper), operations.apply_form, compare=HELPER_FIELDS,
                       template="hosting/form.html", done=url_for(".detail", helper_id=helper.id), helper=helper)


@bp.route("/hosts/<int:helper_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(helper_id: int):
    helper = queries.get_helper_or_404(helper_id)
    name = helper.household_name or helper.contact.name
    return confirm_then(
        lambda: operations.delete_helper(helper),
        title=_("Delete “%(name)s” from the registry?", name=name),
        message=_("Their placements, past and planned, are deleted with them. To keep their history, mark them no "
                  "longer available instead."),
        cancel_url=url_for(".detail", helper_id=helper.id), done_url=url_for(".index"),
        done_message=_("“%(name)s” was deleted from the registry.", name=name))


# --- the placement board ---------------------------------------------------------------------------------------

def _board_url(engagement_id: int) -> str:
    return url_for(".board", engagement_id=engagement_id)


def _place_form(board_data, form=None) -> PlaceForm:
    form = form or PlaceForm(formdata=None)
    form.roster_entry_id.choices = options([(e.id, e.contact.name) for e in board_data.guests])
    form.helper_id.choices = household_choices([row.helper for row in board_data.households])
    return form


def _board_page(engagement, place_form=None):
    data = read_board(engagement)
    return render_template("hosting/board.html", engagement=engagement, partnership=engagement.partnership,
                           board=data, place_form=_place_form(data, place_form), step_form=ConfirmForm(formdata=None),
                           record_url=program_url(engagement.record_type, engagement.id), today=office_today())


@bp.get("/engagements/<int:engagement_id>/placements")
@allow(STAFF)
def board(engagement_id: int):
    return _board_page(get_engagement_or_404(engagement_id))


@bp.post("/engagements/<int:engagement_id>/placements/suggest")
@allow(EDITORS)
def suggest(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The page had expired. Please try again."), "error")
        return redirect(back_to(_board_url(engagement.id)))
    try:
        result = operations.suggest_placements(engagement)
    except DuplicatePlacement:
        db.session.rollback()
        flash(_("Someone else was placing these guests at the same moment. The board shows their placements; "
                "suggest again for anyone still without a host."), "error")
        return redirect(back_to(_board_url(engagement.id)))
    db.session.commit()
    if result.placed:
        flash(ngettext("%(num)d guest has a suggested host. Check it, then confirm.",
                       "%(num)d guests have a suggested host. Check each one, then confirm.", len(result.placed)),
              "success")
    if result.unplaced:
        flash(ngettext("No household fits %(num)d guest: see why under “Not placed”.",
                       "No household fits %(num)d guests: see why under “Not placed”.", len(result.unplaced)), "error")
    if not result.placed and not result.unplaced:
        flash(_("Every guest already has a host."), "success")
    return redirect(back_to(_board_url(engagement.id)))


@bp.post("/engagements/<int:engagement_id>/placements/new")
@allow(EDITORS)
def place(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    data = read_board(engagement)
    form = _place_form(data, PlaceForm())
    if not form.validate_on_submit():
        flash(_("The guest was not placed: please correct the marked fields."), "error")
        return _board_page(engagement, form), 422
    entry = next(e for e in data.guests if e.id == form.roster_entry_id.data)
    helper = next(row.helper for row in data.households if row.helper.id == form.helper_id.data)
    try:
        operations.place(engagement, entry, helper, form.from_on.data, form.until_on.data)
    except DuplicatePlacement:
        db.session.rollback()
        flash(ALREADY_THERE, "error")
        return redirect(_board_url(engagement.id))
    db.session.commit()
    flash(_("The guest was placed."), "success")
    return redirect(_board_url(engagement.id) + "#placements")


@bp.post("/engagements/<int:engagement_id>/placements/confirm")
@allow(EDITORS)
def confirm_all(engagement_id: int):
    engagement = get_engagement_or_404(engagement_id)
    if ConfirmForm().validate_on_submit():
        count = operations.confirm_all(queries.engagement_placements(engagement.id))
        db.session.commit()
        flash(ngettext("%(num)d suggested placement was confirmed.", "%(num)d suggested placements were confirmed.",
                       count), "success")
    else:
        flash(_("The page had expired. Please try again."), "error")
    return redirect(back_to(_board_url(engagement.id)))


@bp.post("/placements/<int:placement_id>/confirm")
@allow(EDITORS)
def confirm(placement_id: int):
    placement = queries.get_placement_or_404(placement_id)
    if ConfirmForm().validate_on_submit():
        operations.confirm(placement)
        db.session.commit()
        flash(_("The placement was confirmed."), "success")
    else:
        flash(_("The page had expired. Please try again."), "error")
    return redirect(back_to(_board_url(placement.engagement_id)))


@bp.post("/placements/<int:placement_id>/move")
@allow(EDITORS)
def move(placement_id: int):
    placement = queries.get_placement_or_404(placement_id)
    engagement_id = placement.engagement_id
    homes = {h.id: h for h in queries.households()}
    form = MoveForm()
    form.helper_id.choices = household_choices(homes.values())
    if not form.validate_on_submit():
        flash(_("Choose the household to move the guest to."), "error")
        return redirect(_board_url(engagement_id))
    if str(form.version.data or "") != str(placement.version):
        flash(_("Someone changed this placement meanwhile. Here it is as it is now: move the guest again if you "
                "still want to."), "error")
        return redirect(_board_url(engagement_id))
    if form.helper_id.data == placement.helper_id:
        return redirect(_board_url(engagement_id))
    try:
        operations.move(placement, homes[form.helper_id.data])
        db.session.commit()
    except DuplicatePlacement:
        db.session.rollback()
        flash(ALREADY_THERE, "error")
        return redirect(_board_url(engagement_id))
    flash(_("The guest was moved."), "success")
    return redirect(_board_url(engagement_id) + "#placements")


@bp.route("/placements/<int:placement_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def remove(placement_id: int):
    placement = queries.get_placement_or_404(placement_id)
    back = _board_url(placement.engagement_id)
    helper = placement.helper
    return confirm_then(
        lambda: operations.remove(placement),
        title=_("Take %(guest)s away from %(host)s?", guest=placement.roster_entry.contact.name,
                host=helper.household_name or helper.contact.name),
        message=_("The guest stays on the roster without a host until you place them again."),
        cancel_url=back, done_url=back, done_message=_("The placement was removed."),
        button=_("Remove the placement"))


# --- letters and the emergency sheet ---------------------------------------------------------------------------

def _ascii(text: str) -> str:
    plain = anyascii(without_bidi_controls(text))
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in plain).strip("-") or "document"


def _pdf(html: str, name: str):
    try:
        pdf, _refused = renderer(current_app).render(html, owner=current_user.id, guest=False,
                                                     emblems_root=folder_for(html))
    except RenderBusy:
        return render_error(429)
    except RenderError:
        current_app.logger.exception("hosting document render failed")
        return render_error(503)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(f"{name}.pdf", fallback=f"{_ascii(name)}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True  # a guest's address and a host's phone stay off a shared computer
    return response


def _language_arg() -> str | None:
    wanted = request.args.get("lang")
    return wanted if wanted in LANGUAGES else None


@bp.get("/engagements/<int:engagement_id>/hosts/<int:helper_id>/letter.pdf")
@allow(STAFF)
def host_letter(engagement_id: int, helper_id: int):
    """The placement letter to a host household: its guests of this visit (?lang= another language)."""
    engagement = get_engagement_or_404(engagement_id)
    helper = queries.get_helper_or_404(helper_id)
    placements = [p for p in queries.engagement_placements(engagement.id) if p.helper_id == helper.id]
    if not placements:
        abort(404)
    html, language = letters.host_letter_html(engagement, helper, placements, _language_arg(), office_today())
    return _pdf(html, f"Placement-{helper.household_name or helper.contact.name}-{language}")


@bp.get("/placements/<int:placement_id>/guest-letter.pdf")
@allow(STAFF)
def guest_letter(placement_id: int):
    """The letter to the guest of this placement: where they stay (all their placements of the visit)."""
    placement = queries.get_placement_or_404(placement_id)
    entry = placement.roster_entry
    placements = [p for p in queries.engagement_placements(placement.engagement_id)
                  if p.roster_entry_id == entry.id]
    engagement = get_engagement_or_404(placement.engagement_id)
    html, language = letters.guest_letter_html(engagement, entry, placements, _language_arg(), office_today())
    return _pdf(html, f"Host-{entry.contact.name}-{language}")


@bp.get("/engagements/<int:engagement_id>/emergency-sheet.pdf")
@allow(STAFF)
def emergency_sheet(engagement_id: int):
    """?on=YYYY-MM-DD: the night (default: tonight during the visit, else its first night); ?lang=."""
    engagement = get_engagement_or_404(engagement_id)
    wanted = None
    if request.args.get("on"):
        try:
            wanted = date.fromisoformat(request.args["on"])
        except ValueError:
            return render_error(400, _("The night must be a date such as 2026-05-14."))
    night = letters.night_of(engagement, wanted, office_today())
    language = _language_arg() or (current_user.language if current_user.language in LANGUAGES
                                   else current_app.config["BABEL_DEFAULT_LOCALE"])
    return _pdf(letters.emergency_html(engagement, night, language), f"Emergency-sheet-{night.isoformat()}")
