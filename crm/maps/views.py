from flask import Blueprint, render_template
from flask_babel import gettext as _

from crm.access import STAFF, allow
from crm.clock import office_today
from crm.health.snapshot import portfolio_snapshot
from crm.i18n import country_choices
from crm.maps.forms import MapFilterForm
from crm.maps.queries import partner_cities
from crm.maps.service import HOMES_LIMIT, partner_map
from crm.partnerships.choices import home_city_choices
from crm.partnerships.models import Partnership
from crm.partnerships.queries import partnership_list
from crm.settings.service import home_city_rows

bp = Blueprint("maps", __name__)
FILTERS = ("q", "status", "country", "priority", "home")


@bp.get("/map")
@allow(STAFF)
def world():
    form = MapFilterForm()
    form.country.choices = [("", _("Any country"))] + country_choices()
    homes = home_city_rows()
    form.home.choices = home_city_choices(_("All home cities"), [(row.id, row.name) for row in homes])
    filters = {name: form.value(name) for name in FILTERS}
    wanted_health = form.value("health")
    # The partnership list's own filters, so the map and the list always agree.
    scope = partnership_list(**filters).with_only_columns(Partnership.id).order_by(None)
    today = office_today()
    shown_homes = [row for row in homes if filters["home"] in (None, row.id)]
    shown_homes = shown_homes if len(shown_homes) <= HOMES_LIMIT else []
    result = partner_map(partner_cities(scope), portfolio_snapshot(today).flags, shown_homes, today,
                         wanted_health)
    return render_template("maps/world.html", form=form, map=result, filters=filters, wanted_health=wanted_health,
                           filtered=any(filters.values()) or bool(wanted_health))
