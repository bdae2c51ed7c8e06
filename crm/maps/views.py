from flask import Blueprint, render_template
from flask_babel import gettext as _

from crm.access import STAFF, allow
from crm.health.snapshot import portfolio_snapshot
from crm.i18n import country_choices
from crm.maps.forms import MapFilterForm
from crm.maps.queries import partner_cities
from crm.maps.service import partner_map
from crm.partnerships.models import Partnership
from crm.partnerships.queries import partnership_list
from crm.settings.service import home_cities, office_today

bp = Blueprint("maps", __name__)
FILTERS = ("q", "status", "country", "priority", "home")


@bp.get("/map")
@allow(STAFF)
def world():
    form = MapFilterForm()
    homes = home_cities()
    form.country.choices = [("", _("Any country"))] + country_choices()
    form.home.choices = [(0, _("All home cities"))] + [(c.id, c.name) for c in homes]
    filters = {name: form.value(name) for name in FILTERS}
    wanted_health = form.value("health")
    # The partnership list's own filters, so the map and the list always agree.
    scope = partnership_list(**filters).with_only_columns(Partnership.id).order_by(None)
    today = office_today()
    shown_homes = [c for c in homes if filters["home"] in (None, c.id)]
    result = partner_map(partner_cities(scope), portfolio_snapshot(today).activities, shown_homes, today,
                         wanted_health)
    return render_template("maps/world.html", form=form, map=result, filters=filters, wanted_health=wanted_health,
                           filtered=any(filters.values()) or bool(wanted_health))
