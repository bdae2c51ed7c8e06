from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import EDITORS, STAFF, allow
from crm.attachments.storage import UploadRefused
from crm.cities import emblems, native
from crm.cities.forms import CityForm, ConfirmNativeNameForm, EmblemForm
from crm.cities.models import City
from crm.cities.operations import apply_form
from crm.cities.queries import get_city_or_404
from crm.cities.service import lookup as lookup_cities
from crm.errors import render_error
from crm.extensions import db
from crm.forms import ConfirmForm, clean_text
from crm.i18n import country_choices
from crm.records import back_to, create_record, edit_record
from crm.storage import store
from crm.storage.serving import send_stored

bp = Blueprint("cities", __name__, url_prefix="/cities")
CITY_FIELDS = ["name", "native_name", "native_name_lang", "country_code", "region", "population", "latitude",
               "longitude", "timezone", "wikidata_id"]


@bp.get("/lookup")
@allow(STAFF)
def lookup():
    """Suggestions for the city picker, as JSON."""
    return jsonify(results=lookup_cities(clean_text(request.args.get("q", "")[:100])))


@bp.get("/<int:city_id>")
@allow(STAFF)
def detail(city_id: int):
    """The city: its names (the own name confirmed or not, and by whom), its place and its emblem."""
    city = get_city_or_404(city_id)
    return render_template("cities/detail.html", city=city, native_state=native.state(city),
                           confirm_form=ConfirmNativeNameForm(native_name=city.native_name),
                           emblem_form=EmblemForm(), remove_form=ConfirmForm(), emblem_limit=emblems.MAX_BYTES)


@bp.route("/new", methods=["GET", "POST"])
@allow(EDITORS)
def create():
    """A city the built-in list lacks; then back to the page that asked for it (``next``), else a new partnership.
    The picker's "add by hand" passes the typed name (``name``)."""
    form = CityForm(countries=country_choices())
    if request.method == "GET" and not form.name.data:
        form.name.data = clean_text(request.args.get("name", "")[:200]) or None
    return create_record(
        form, lambda form: apply_form(City(), form), template="cities/form.html",
        done=lambda city: url_for("partnerships.create"),
        saved=lambda city: _("%(city)s was added. You can now choose it as a partner city.", city=city.name),
        city=None)


@bp.route("/<int:city_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(city_id: int):
    city = get_city_or_404(city_id)
    return edit_record(city, CityForm(obj=city, countries=country_choices()), apply_form, compare=CITY_FIELDS,
                       template="cities/form.html", done=url_for("cities.detail", city_id=city.id), city=city)


@bp.post("/<int:city_id>/native-name/confirm")
@allow(EDITORS)
def confirm_native_name(city_id: int):
    """A staff member confirms the city's own name as it stands (the name they saw is sent along: a name
    changed since is not confirmed unseen)."""
    city = get_city_or_404(city_id)
    back = back_to(url_for("cities.detail", city_id=city.id))
    form = ConfirmNativeNameForm()
    if not form.validate_on_submit() or not city.native_name:
        flash(_("The name could not be confirmed. Please try again."), "error")
        return redirect(back)
    if (form.native_name.data or "") != city.native_name:
        flash(_("The name was changed meanwhile: check the new one, then confirm it."), "error")
        return redirect(back)
    native.confirm(city, current_user._get_current_object())
    db.session.commit()
    flash(_("The name %(name)s is confirmed.", name=city.native_name), "success")
    return redirect(back)


@bp.get("/<int:city_id>/emblem")
@allow(STAFF)
def emblem(city_id: int):
    city = get_city_or_404(city_id)
    key = emblems.emblem_key(city.emblem_name)
    if key is None:
        abort(404)
    files = store()
    try:
        response = send_stored(files, key, mimetype=city.emblem_type, etag=True, max_age=0)
    except FileNotFoundError:
        current_app.logger.error("city %s: emblem file %s is missing", city.id, files.describe(key))
        abort(404)
    except OSError as error:
        current_app.logger.error("city %s: emblem %s could not be read (%s)", city.id, files.describe(key), error)
        return render_error(503)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


@bp.post("/<int:city_id>/emblem")
@allow(EDITORS)
def upload_emblem(city_id: int):
    city = get_city_or_404(city_id)
    back = url_for("cities.detail", city_id=city.id)
    form = EmblemForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(back)
    replaced = city.emblem_name is not None
    try:
        emblems.save_emblem(city, form.emblem.data)
    except UploadRefused as refusal:
        flash(str(refusal.message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("The emblem was replaced.") if replaced else _("The emblem was added."), "success")
    return redirect(back)


@bp.post("/<int:city_id>/emblem/remove")
@allow(EDITORS)
def remove_emblem(city_id: int):
    city = get_city_or_404(city_id)
    if ConfirmForm().validate_on_submit() and city.emblem_name:
        emblems.remove_emblem(city)
        db.session.commit()
        flash(_("The emblem was removed."), "success")
    return redirect(url_for("cities.detail", city_id=city.id))
