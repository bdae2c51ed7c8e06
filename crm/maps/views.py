from flask import Blueprint, render_template
from flask_babel import gettext as _
from sqlalchemy import Select

from crm.access import STAFF, allow
from crm.health.rules import evaluate
from crm.health.snapshot import portfolio_snapshot
from crm.i18n import country_choices
from crm.maps.forms import MapFilterForm
from crm.maps.points import counts_by_state, home_points, partnership_points
from crm.maps.queries import partner_cities
from crm.maps.svg import world_map_svg
from crm.partnerships.models import Partnership
from crm.partnerships.queries import partnership_list
from crm.partnerships.listing import matches_health
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
    scope: Select = partnership_list(**filters).with_only_columns(Partnership.id).order_by(None)
    today = office_today()
    rows = partner_cities(scope)
    activities = portfolio_snapshot(today).activities
    flags = {row.id: evaluate(activities[row.id], today) for row in rows if row.id in activities}
    shown = [row for row in rows if row.id in flags and matches_health(flags[row.id], wanted_health)]
    points = partnership_points(shown, flags, today)
    shown_homes = [c for c in homes if not filters["home"] or c.id == filters["home"]]
    svg = world_map_svg(points, home_points(shown_homes), title=_("Partner cities by relationship health"),
                        description=_("Each circle is a partnership, coloured by its health; squares are home "
                                      "cities. Choose a circle to open its partnership."))
    return render_template(
        "maps/world.html", form=form, map=svg, legend=counts_by_state(flags.values()), points=points,
        unplaced=len(shown) - len(points), filters=filters, wanted_health=wanted_health,
        filtered=any(filters.values()) or bool(wanted_health),
    )

