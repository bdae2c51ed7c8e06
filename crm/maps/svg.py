"""The world map as inline SVG markup, drawn on the server.

No tiles, no script, no style attributes (the Content-Security-Policy forbids
them): country outlines from the committed data file, one linked circle per
partnership coloured by its health, the home cities as diamonds. Colours are
presentation attributes so the map also prints and reads without the stylesheet;
classes let the stylesheet add hover and focus. Geography is not mirrored in
right-to-left pages, so the SVG says direction="ltr"; the legend beside it is
HTML and follows the page.
"""
import math
from collections import defaultdict

from flask import url_for
from markupsafe import Markup, escape

from crm.health.rules import HealthState
from crm.maps.outlines import land_path, world
from crm.maps.points import HomePoint, MapPoint
from crm.maps.projection import project

#: the same hues as the health-* badges, a little lighter so small dots stand out on grey land
STATE_COLOURS = {
    HealthState.CEREMONIAL: "#c62828",
    HealthState.AT_RISK: "#d98c00",
    HealthState.NEW: "#3a44a8",
    HealthState.HEALTHY: "#1e8a4c",
    HealthState.NOT_EVALUATED: "#8a96a5",
}


_STAND_IN = 987654321
SEVERITY = {state: state.severity for state in HealthState}


def dot_radius(count: int, compact: bool = False) -> float:
    """Smaller dots as the portfolio grows, so neighbouring cities stay apart; larger on the small map."""
    radius = 4.5 if count <= 60 else 3.5 if count <= 400 else 2.5 if count <= 2000 else 1.8
    return radius * (1.5 if compact else 1.0)


def placed(points: list[MapPoint], radius: float) -> list[tuple[MapPoint, float, float]]:
    """Each point with its x, y. Partnerships with the very same city (an association's members
    partnering one city) are fanned out in a sunflower spiral around it, the most urgent in the middle,
    so every one of them can be seen and clicked."""
    spots: dict[tuple[float, float], list[MapPoint]] = defaultdict(list)
    for point in points:
        x, y = project(point.latitude, point.longitude)
        spots[(round(x, 1), round(y, 1))].append(point)
    result = []
    spacing = radius * 2.1
    for (x, y), group in spots.items():
        group.sort(key=lambda p: (SEVERITY[p.state], p.partnership_id))
        for k, point in enumerate(group):
            distance, angle = spacing * math.sqrt(k), k * 2.399963  # the golden angle
            result.append((point, x + distance * math.cos(angle), y + distance * math.sin(angle)))
    # The healthiest first, so the ones needing attention are drawn on top.
    result.sort(key=lambda item: (-SEVERITY[item[0].state], item[0].partnership_id))
    return result


def world_map_svg(points: list[MapPoint], homes: list[HomePoint] = (), *, title: str, description: str = "",
                  id_prefix: str = "world-map", compact: bool = False, link_endpoint: str = "partnerships.detail",
                  plain_colour: str | None = None) -> Markup:
    """The map. link_endpoint: where a city's dot leads (given partnership_id); plain_colour: draw every dot in
    this one colour, with no health groups (the public directory shows no health)."""
    data = world()
    width, height = data["width"], data["height"]
    radius = dot_radius(len(points), compact)
    prefix = escape(id_prefix)
    labelled = f"{prefix}-title" + (f" {prefix}-desc" if description else "")
    parts = [
        f'<svg class="world-map{" compact" if compact else ""}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:g} {height:g}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'direction="ltr" role="group" aria-labelledby="{labelled}">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{prefix}-desc">{escape(description)}</desc>')
    parts.append(f'<rect class="map-sea" x="0" y="0" width="{width:g}" height="{height:g}" fill="#eef3f8"/>')
    parts.append(f'<path class="map-land" d="{land_path()}" fill="#d5dbe3" stroke="#ffffff" '
                 f'stroke-width="0.4" stroke-linejoin="round"/>')
    # Stroke and fill sit on the groups (presentation attributes inherit): thousands of circles stay short.
    parts.append(f'<g class="map-cities" stroke="#ffffff" stroke-width="{radius / 4:.2g}">')
    # One url_for for thousands of links: the partnership page's URL with a stand-in id.
    href = str(escape(url_for(link_endpoint, partnership_id=_STAND_IN))).replace(str(_STAND_IN), "{}")
    state = None
    if plain_colour:
        parts.append(f'<g class="map-plain" fill="{escape(plain_colour)}">')
    for point, x, y in placed(list(points), radius):  # grouped by state, the healthiest first
        if not plain_colour and point.state != state:
            if state is not None:
                parts.append("</g>")
            state = point.state
            parts.append(f'<g class="health-{state.value}" fill="{STATE_COLOURS[state]}">')
        parts.append(f'<a class="map-city" href="{href.format(point.partnership_id)}">'
                     f'<title>{escape(point.title)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:g}"/></a>')
    if state is not None or plain_colour:
        parts.append("</g>")
    parts.append("</g>")
    if homes:
        side = radius * 2.2
        parts.append('<g class="map-homes">')
        for home in homes:
            x, y = project(home.latitude, home.longitude)
            parts.append(
                f'<g class="map-home"><title>{escape(home.title)}</title>'
                f'<rect x="{x - side / 2:.1f}" y="{y - side / 2:.1f}" width="{side:.1f}" height="{side:.1f}" '
                f'transform="rotate(45 {x:.1f} {y:.1f})" fill="#1d2733" stroke="#ffffff" '
                f'stroke-width="{radius / 3:.2g}"/></g>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
