"""The maps a page shows, from the partner cities' rows and the portfolio's health."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from markupsafe import Markup

from crm.health.rules import Activity, Flag, HealthState, evaluate
from crm.maps.points import counts_by_state, home_points, partnership_points
from crm.maps.svg import world_map_svg
from crm.partnerships.listing import matches_health


@dataclass(frozen=True)
class PartnerMap:
    svg: Markup
    shown: int  #: partnerships drawn
    unplaced: int  #: partnerships that would be drawn but whose city has no coordinates
    legend: list[tuple[HealthState, int]]  #: every health state with its count, before the health filter


def partner_map(cities, activities: dict[int, Activity], homes, as_of: date,
                wanted_health: str | None = None) -> PartnerMap:
    """The full map: rows of crm.maps.queries.partner_cities, evaluated with the cached portfolio
    activities (crm.health.snapshot), filtered by health like the partnership list."""
    flags = {row.id: evaluate(activities[row.id], as_of) for row in cities if row.id in activities}
    wanted = [row for row in cities if row.id in flags and matches_health(flags[row.id], wanted_health)]
    points = partnership_points(wanted, flags, as_of)
    svg = world_map_svg(points, home_points(homes), title=gettext("Partner cities by relationship health"),
                        description=gettext("Each circle is a partnership, coloured by its health; diamonds are "
                                            "home cities. Choose a circle to open its partnership."))
    return PartnerMap(svg, len(points), len(wanted) - len(points), counts_by_state(flags.values()))


def portfolio_map(cities, flags: dict[int, Flag], homes, as_of: date) -> Markup:
    """The dashboard's small map, from the flags the dashboard already has. The reasons are left out of
    the hover text: the dashboard lists those needing attention with their reasons, and the full map
    has them all."""
    points = partnership_points(cities, flags, as_of, with_reasons=False)
    return world_map_svg(points, home_points(homes), title=gettext("Partner cities by relationship health"),
                         id_prefix="dashboard-map", compact=True)
