"""The small map the dashboard shows, from the flags the dashboard already has."""
from datetime import date

from flask_babel import gettext
from markupsafe import Markup

from crm.health.rules import Flag
from crm.maps.points import home_points, partnership_points
from crm.maps.svg import world_map_svg


def portfolio_map(cities, flags: dict[int, Flag], homes, as_of: date) -> Markup:
    """From rows of crm.maps.queries.partner_cities. The reasons are left out of the hover text: the
    dashboard lists those needing attention with their reasons, and the full map has them all."""
    points = partnership_points(cities, flags, as_of, with_reasons=False)
    return world_map_svg(points, home_points(homes), title=gettext("Partner cities by relationship health"),
                         id_prefix="dashboard-map", compact=True)
