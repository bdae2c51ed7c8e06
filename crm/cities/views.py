from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _

from crm.access import EDITORS, STAFF, allow
from crm.cities.forms import CityForm
from crm.cities.models import City
from crm.cities.operations import apply_form
from crm.cities.queries import get_city_or_404
from crm.cities.service import lookup as lookup_cities
from crm.forms import clean_text
from crm.i18n import country_choices
from crm.records import create_record, edit_record

bp = Blueprint("cities", __name__, url_prefix="/cities")
CITY_FIELDS = ["name", "native_name", "country_code", "region", "population", "latitude", "longitude", "timezone"]


@bp.get("/lookup")
@allow(STAFF)
def lookup():
    """Suggestions for the city picker, as JSON."""
    return jsonify(results=lookup_cities(clean_text(request.args.get("q", "")[:100])))


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
                       template="cities/form.html", done=url_for("partnerships.index"), city=city)
