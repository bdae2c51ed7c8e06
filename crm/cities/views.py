from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.access import EDITORS, STAFF, allow
from crm.cities.forms import CityForm
from crm.cities.models import City
from crm.cities.service import lookup as lookup_cities
from crm.extensions import db
from crm.forms import clean_text
from crm.i18n import country_choices, safe_next
from crm.versioning import save_unless_conflict

bp = Blueprint("cities", __name__, url_prefix="/cities")
CITY_FIELDS = ["name", "native_name", "country_code", "region", "population", "latitude", "longitude", "timezone"]


@bp.get("/lookup")
@allow(STAFF)
def lookup():
    """Suggestions for the city picker, as JSON."""
    return jsonify(results=lookup_cities(clean_text(request.args.get("q", "")[:100])))


def _save(city: City, form: CityForm) -> City:
    for name, field in form._fields.items():
        if name not in ("csrf_token", "version"):  # the version is SQLAlchemy's to change
            field.populate_obj(city, name)
    city.timezone = form.timezone.data or None
    db.session.add(city)
    db.session.flush()
    return city


@bp.route("/new", methods=["GET", "POST"])
@allow(EDITORS)
def create():
    form = CityForm(countries=country_choices())
    if form.validate_on_submit():
        city = _save(City(), form)
        db.session.commit()
        flash(_("%(city)s was added. You can now choose it as a partner city.", city=city.name), "success")
        return redirect(safe_next(request.args.get("next"), url_for("partnerships.create")))
    return render_template("cities/form.html", form=form, city=None)


@bp.route("/<int:city_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(city_id: int):
    city = db.get_or_404(City, city_id)
    form = CityForm(obj=city, countries=country_choices())
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, city, CITY_FIELDS, lambda: _save(city, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("partnerships.index")))
    return render_template("cities/form.html", form=form, city=city, conflict=conflict), 409 if conflict else 200
