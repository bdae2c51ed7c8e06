"""Latitude and longitude to map coordinates, the same way for the outlines and the cities.

The Natural Earth projection (Šavrič, Jenny, Patterson and Jenny, 2011): a
pseudo-cylindrical compromise with polynomial formulas, so it needs no library
and the country outlines (projected once by scripts/build_world_map.py) and the
partner cities (projected on every page) land on exactly the same spot.

Map units: the whole world is WIDTH wide; x grows eastwards from the antimeridian,
y grows southwards from the top of the drawn area. The drawn area is cropped to
TOP_LATITUDE…BOTTOM_LATITUDE (Antarctica and the far Arctic hold no partner cities).
"""
import math

WIDTH = 1000.0
TOP_LATITUDE = 84.0
BOTTOM_LATITUDE = -58.0


def natural_earth(lng: float, lat: float) -> tuple[float, float]:
    """The projection's raw formulas: radians in, unit-sphere coordinates out (y northwards)."""
    lam, phi = math.radians(lng), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


SCALE = WIDTH / (2 * natural_earth(180.0, 0.0)[0])
_TOP = natural_earth(0.0, TOP_LATITUDE)[1]
HEIGHT = round((_TOP - natural_earth(0.0, BOTTOM_LATITUDE)[1]) * SCALE, 1)


def project(lat: float, lng: float) -> tuple[float, float]:
    """Map coordinates (x, y) of a place; latitudes outside the drawn area are clamped to its edge."""
    lat = max(BOTTOM_LATITUDE, min(TOP_LATITUDE, lat))
    lng = ((lng + 180.0) % 360.0) - 180.0 if not -180.0 <= lng <= 180.0 else lng
    x, y = natural_earth(lng, lat)
    return WIDTH / 2 + x * SCALE, (_TOP - y) * SCALE
