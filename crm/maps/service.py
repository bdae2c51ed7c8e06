"""The maps a page shows, from the partner cities' rows and the portfolio's health."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from markupsafe import Markup

from crm.health.rules import Flag, HealthState
from crm.maps.points import counts_by_state, home_points, partnership_points
from crm.maps.svg import world_map_svg
from crm.partnerships.listing import matches_health

#: Beyond these, a map draws the partnerships most in need of attention first and says so; an
#: association importing thousands of twinnings would otherwise get a map of several megabytes.
MAP_LIMIT = 2_000
DASHBOARD_MAP_LIMIT = 600
#: home cities are drawn only up to this many (an association can have thousands)
HOMES_LIMIT = 200


@dataclass(frozen=True)
class PartnerMap:
    svg: Markup
    shown: int  #: partnerships drawn
    unplaced: int  #: partnerships that would be drawn but whose city has no coordinates
    legend: list[tuple[HealthState, int]]  #: every health state with its count, before the health filter
    left_out: int = 0  #: partnerships not drawn because of MAP_LIMIT


def most_urgent_first(rows, flags: dict[int, Flag], limit: int) -> tuple[list, int]:
    """At most `limit` rows, those needing attention most first; and how many were left out."""
    if len(rows) <= limit:
        return list(rows), 0
    ranked = sorted(rows, key=lambda row: (flags[row.id].state.severity, -flags[row.id].months, row.id))
    return ranked[:limit], len(rows) - limit


def _homes(homes) -> list:
    return home_points(homes) if len(homes) <= HOMES_LIMIT else []


def partner_map(cities, portfolio_flags: dict[int, Flag], homes, as_of: date,
                wanted_health: str | None = None) -> PartnerMap:
    """The full map: rows of crm.maps.queries.partner_cities with the cached portfolio's flags
    (crm.health.snapshot), filtered by health like the partnership list."""
    flags = {row.id: portfolio_flags[row.id] for row in cities if row.id in portfolio_flags}
    wanted = [row for row in cities if row.id in flags and matches_health(flags[row.id], wanted_health)]
    drawn, left_out = most_urgent_first(wanted, flags, MAP_LIMIT)
    points = partnership_points(drawn, flags, as_of)
    svg = world_map_svg(points, _homes(homes), title=gettext("Partner cities by relationship health"),
                        description=gettext("Each circle is a partnership, coloured by its health; diamonds are "
                                            "home cities. Choose a circle to open its partnership."))
    return PartnerMap(svg, len(points), len(drawn) - len(points), counts_by_state(flags.values()), left_out)


def dashboard_map_ids(ranked: list[int]) -> tuple[list[int], int]:
    """Of the reader's partnerships, most in need of attention first, those the dashboard's map draws (all, in id
    order, up to DASHBOARD_MAP_LIMIT; else the most urgent) and how many it leaves out: its rows are then read
    for those alone."""
    if len(ranked) <= DASHBOARD_MAP_LIMIT:
        return sorted(ranked), 0
    return ranked[:DASHBOARD_MAP_LIMIT], len(ranked) - DASHBOARD_MAP_LIMIT


def portfolio_map(drawn, flags: dict[int, Flag], homes, as_of: date) -> Markup:
    """The dashboard's small map of the rows dashboard_map_ids chose, from the flags the dashboard already has.
    The reasons are left out of the hover text: the dashboard lists those needing attention with their
    reasons, and the full map has them all."""
    points = partnership_points(drawn, flags, as_of, with_reasons=False)
    svg = world_map_svg(points, _homes(homes), title=gettext("Partner cities by relationship health"),
                        id_prefix="dashboard-map", compact=True)
    return svg
