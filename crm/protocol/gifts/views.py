"""The pages of the gift register (issue 22 §4): the staff's register, a gift's page, the form (with its photo),
deleting, the admins' threshold and deadline, and the published register as CSV and PDF for anyone."""
from anyascii import anyascii
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.access import ADMINS, EDITORS, PUBLIC, STAFF, allow
from crm.attachments.storage import UploadRefused
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.downloads import content_disposition
from crm.errors import render_error
from crm.exports.writers import export_response
from crm.extensions import db, limiter
from crm.forms import id_arg, options
from crm.i18n import LANGUAGES
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices
from crm.partnerships.queries import get_partnership_or_404
from crm.pdf import RenderError, renderer
from crm.pdf_pool import RenderBusy
from crm.protocol.gifts import operations
from crm.protocol.gifts.forms import ChoosePartnershipForm, GiftFilterForm, make_form, make_settings_form
from crm.protocol.gifts.queries import get_gift_or_404, gift_list, gift_rule, gift_years, photo_of, photos_by_gift
from crm.protocol.gifts.register import COLUMNS, FIRST_YEAR, LAST_YEAR, register_html, register_rows
from crm.protocol.gifts.rules import days_late, is_late, recording_deadline
from crm.records import back_to, edit_record
from crm.settings.service import office_settings

bp = Blueprint("gifts", __name__)


@bp.app_template_global()
def gift_late_days(gift) -> int:
    """Days past the deadline a gift was recorded, 0 when in time or not covered by the deadline (for pages)."""
    rule = gift_rule()
    if not is_late(gift.given_on, gift.recorded_on, gift.value_minor, gift.currency, rule):
        return 0
    return days_late(gift.given_on, gift.recorded_on, rule)


@bp.app_template_global()
def gift_deadline(gift):
    """The last day the gift could be recorded in time."""
    return recording_deadline(gift.given_on, gift_rule())


def _year_arg() -> int:
    """?year= for the published register, else this year."""
    year = request.args.get("year", type=int)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else office_today().year


@bp.get("/gifts/")
@allow(STAFF)
def index():
    form = GiftFilterForm()
    years = gift_years()
    form.year.choices = options([(0, _("Every year"))] + [(year, str(year)) for year in years])
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    page = paginate(gift_list(direction=form.value("direction"), year=form.value("year"),
                              partnership_id=form.value("partnership"), q=form.value("q")))
    return render_template("gifts/index.html", form=form, page=page,
                           photos=photos_by_gift([gift.id for gift in page.items]), rule=gift_rule(),
                           register_year=form.value("year") or office_today().year)


@bp.get("/gifts/<int:gift_id>")
@allow(STAFF)
def detail(gift_id: int):
    gift = get_gift_or_404(gift_id)
    return render_template("gifts/detail.html", gift=gift, photo=photo_of(gift.id), rule=gift_rule())


@bp.get("/gifts/new")
@allow(EDITORS)
def choose():
    """"Record a gift" from the register: first which partnership it belongs to."""
    form = ChoosePartnershipForm()
    form.partnership.choices = partnership_filter_choices(_l("Choose a partnership"))
    if chosen := form.value("partnership"):
        return redirect(url_for(".new", partnership_id=chosen))
    return render_template("gifts/choose.html", form=form, asked="partnership" in request.args)


def _back_to_register(gift=None) -> str:
    return url_for(".detail", gift_id=gift.id) if gift is not None else url_for(".index")


def _form_page(form, partnership, gift, status=200, conflict=None):
    cancel = url_for(".detail", gift_id=gift.id) if gift is not None else back_to(url_for(".index"))
    return render_template("gifts/form.html", form=form, partnership=partnership, gift=gift, cancel=cancel,
                           conflict=conflict, rule=gift_rule()), status


def _refused(form, partnership, gift, refusal: UploadRefused):
    """The upload was refused (or could not be stored): nothing saved, the form again with why."""
    db.session.rollback()
    form.photo.errors = [*form.photo.errors, str(refusal.message)]
    return _form_page(form, partnership, gift, 422)


@bp.route("/partnerships/<int:partnership_id>/gifts/new", methods=["GET", "POST"])
@allow(EDITORS)
def new(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = make_form(partnership, engagement_id=id_arg("engagement_id"))
    if not form.validate_on_submit():
        return _form_page(form, partnership, None, 422 if form.is_submitted() else 200)
    try:
        gift = operations.new_gift(partnership, form, current_user, office_today())
    except UploadRefused as refusal:
        return _refused(form, partnership, None, refusal)
    destination = back_to(url_for(".detail", gift_id=gift.id))
    db.session.commit()
    flash(_("The gift was recorded."), "success")
    return redirect(destination)


@bp.route("/gifts/<int:gift_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(gift_id: int):
    gift = get_gift_or_404(gift_id)
    partnership = gift.partnership
    if partnership is None:
        flash(_("This gift’s partnership was removed: it can no longer be changed."), "error")
        return redirect(url_for(".detail", gift_id=gift.id))
    form = make_form(partnership, gift)
    try:
        return edit_record(gift, form, operations.apply_form, compare=operations.GIFT_FIELDS,
                           done=url_for(".detail", gift_id=gift.id), saved=_("The gift was saved."),
                           page=lambda form, conflict: _form_page(form, partnership, gift, conflict=conflict)[0])
    except UploadRefused as refusal:
        return _refused(form, partnership, gift, refusal)


@bp.route("/gifts/<int:gift_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(gift_id: int):
    gift = get_gift_or_404(gift_id)
    return confirm_then(
        lambda: operations.delete(gift),
        title=_("Delete the gift “%(description)s”?", description=gift.description[:80]),
        message=_("It leaves the register, the published one too, with its photo. To keep it on record, change "
                  "where it is now instead."),
        cancel_url=url_for(".detail", gift_id=gift.id), done_url=back_to(url_for(".index")),
        done_message=_("The gift was deleted."))


@bp.route("/gifts/settings", methods=["GET", "POST"])
@allow(ADMINS)
def settings():
    """The value threshold and the recording deadline (OfficeSettings, versioned like the other settings)."""
    record = office_settings()
    form = make_settings_form(record)
    return edit_record(record, form, operations.apply_settings,
                       compare=["gift_threshold_currency", "gift_deadline_days"], done=url_for(".settings"),
                       saved=_("The gift register settings were saved."),
                       page=lambda form, conflict: render_template("gifts/settings.html", form=form,
                                                                   conflict=conflict))


# --- the published register -------------------------------------------------------------------------------------

@bp.get("/gifts/register.csv")
@allow(PUBLIC)  # the office publishes it: only covered gifts, only public columns (crm.protocol.gifts.register)
@limiter.limit("60 per minute")
def register_csv():
    year = _year_arg()
    rows = register_rows(year, gift_rule())
    return export_response("csv", COLUMNS, rows, title=_("Gift register %(year)s", year=year),
                           slug=f"gift-register-{year}")


def _language() -> str:
    wanted = request.args.get("lang") or ""
    if wanted in LANGUAGES:
        return wanted
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    locale = str(get_locale() or "")
    return locale if locale in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.get("/gifts/register.pdf")
@allow(PUBLIC)
@limiter.limit("20 per minute")  # each one is rendered: anonymous readers are not counted per user
def register_pdf():
    year, rule, today = _year_arg(), gift_rule(), office_today()
    html = register_html(year, rule, register_rows(year, rule), _language(), today)
    staff = current_user.is_authenticated and current_user.is_staff
    try:
        pdf, _refused_urls = renderer(current_app).render(
            html, owner=current_user.id if current_user.is_authenticated else None, guest=not staff)
    except RenderBusy:
        return render_error(429)
    except RenderError:
        current_app.logger.exception("gift register PDF render failed")
        return render_error(503)
    name = _("Gift register %(year)s", year=year)
    ascii_name = "".join(ch if ch.isalnum() else "-" for ch in anyascii(name)).strip("-") or "gift-register"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(f"{name}.pdf", fallback=f"{ascii_name}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
