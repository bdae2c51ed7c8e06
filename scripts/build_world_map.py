"""Build crm/maps/data/world-110m.json: country outlines, projected and simplified, for the world map.

The source is Natural Earth's 1:110m "Admin 0 – Countries" (public domain),
as shipped inside the geopandas 0.14.4 wheel on PyPI
(geopandas/datasets/naturalearth_lowres/). The app must work offline and
needs no GIS library at run time, so this script runs once, by hand, and its
output is committed:

    .venv/bin/python scripts/build_world_map.py            # fetches the wheel with pip
    .venv/bin/python scripts/build_world_map.py PATH.whl   # or uses one already downloaded

It reads the shapefile with the standard library, projects every ring with
crm.maps.projection (the same formulas the cities go through on every page),
simplifies it (Douglas–Peucker, a fraction of a map unit) and writes one SVG
path per country.
"""
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm.maps.projection import BOTTOM_LATITUDE, HEIGHT, WIDTH, project  # noqa: E402

WHEEL = "geopandas==0.14.4"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUTPUT = ROOT / "crm" / "maps" / "data" / "world-110m.json"
TOLERANCE = 0.35  #: map units (the world is 1,000 wide)
SMALLEST_RING = 0.6  #: square map units; smaller islands are dropped


def fetch_wheel() -> Path:
    target = Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(target), WHEEL],
                   check=True)
    return next(target.glob("geopandas-*.whl"))


def read_dbf(data: bytes) -> list[dict[str, str]]:
    records_count, header_length, record_length = struct.unpack("<xxxxIHH", data[:12])
    fields, offset = [], 32
    while data[offset] != 0x0D:
        name = data[offset:offset + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[offset + 16]))
        offset += 32
    rows = []
    for index in range(records_count):
        start = header_length + index * record_length + 1  # after the deletion flag
        row = {}
        for name, length in fields:
            row[name] = data[start:start + length].decode("utf-8", "replace").strip()
            start += length
        rows.append(row)
    return rows


def read_shp(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Each record's rings of (longitude, latitude)."""
    shapes, offset = [], 100
    while offset < len(data):
        _, length = struct.unpack(">ii", data[offset:offset + 8])
        content = data[offset + 8:offset + 8 + 2 * length]
        offset += 8 + 2 * length
        shape_type = struct.unpack("<i", content[:4])[0]
        if shape_type != 5:  # polygon
            shapes.append([])
            continue
        parts_count, points_count = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{parts_count}i", content[44:44 + 4 * parts_count]))
        start = 44 + 4 * parts_count
        points = [struct.unpack("<dd", content[start + 16 * k:start + 16 * k + 16]) for k in range(points_count)]
        shapes.append([points[a:b] for a, b in zip(parts, parts[1:] + [points_count])])
    return shapes


def split_at_antimeridian(ring):
    """A ring that crosses 180° (Chukotka, Fiji) as one ring per side, each closed along the edge of the map;
    drawn whole, its crossing edge would run across the entire map."""
    pieces, piece = [], [ring[0]]
    for (lng0, lat0), (lng1, lat1) in zip(ring, ring[1:]):
        if abs(lng1 - lng0) > 180:
            edge = 180.0 if lng0 > 0 else -180.0
            unwrapped = lng1 + (360.0 if lng0 > 0 else -360.0)
            lat = lat0 + (lat1 - lat0) * (edge - lng0) / (unwrapped - lng0)
            piece.append((edge, lat))
            pieces.append(piece)
            piece = [(-edge, lat)]
        piece.append((lng1, lat1))
    pieces.append(piece)
    if len(pieces) == 1:
        return [ring]
    pieces[0] = pieces.pop() + pieces[0]  # the last piece runs on into the first
    east = [p for p in pieces if p[len(p) // 2][0] > 0]
    west = [p for p in pieces if p[len(p) // 2][0] <= 0]
    return [[point for piece in side for point in piece] for side in (east, west) if side]


def simplify(points, tolerance):
    """Douglas–Peucker on a closed ring of projected points."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        farthest, distance = None, tolerance
        for k in range(first + 1, last):
            px, py = points[k]
            d = abs(dy * (px - x1) - dx * (py - y1)) / norm if norm else ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if d > distance:
                farthest, distance = k, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, kept in zip(points, keep) if kept]


def area(points) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def number(value: float) -> str:
    """SVG's shortest spelling: 0.5 → .5, -0.2 → -.2."""
    text = f"{value:g}"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def ring_path(points) -> str:
    """M x y then relative steps at one decimal; rounding is carried so the ring does not drift."""
    rounded = [(round(x, 1), round(y, 1)) for x, y in points]
    if rounded[0] == rounded[-1]:
        rounded = rounded[:-1]
    path = f"M{number(rounded[0][0])} {number(rounded[0][1])}l"
    for (x0, y0), (x1, y1) in zip(rounded, rounded[1:]):
        dx, dy = round(x1 - x0, 1), round(y1 - y0, 1)
        if dx or dy:
            for value in (dx, dy):  # a minus sign separates numbers by itself
                text = number(value)
                path += text if text.startswith("-") or path.endswith("l") else " " + text
    return path + "z"


def build(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        shp = archive.read(MEMBER + ".shp")
        dbf = archive.read(MEMBER + ".dbf")
    countries = []
    for row, rings in zip(read_dbf(dbf), read_shp(shp)):
        if row.get("iso_a3") == "ATA" or row.get("continent") == "Antarctica":
            continue
        paths = []
        for ring in rings:
            if all(lat < BOTTOM_LATITUDE for _, lat in ring):
                continue
            ring = [(max(-180.0, min(180.0, lng)), lat) for lng, lat in ring]  # -180.0000001 is -180
            for part in split_at_antimeridian(ring):
                projected = simplify([project(lat, lng) for lng, lat in part + part[:1]], TOLERANCE)
                if len(projected) >= 4 and area(projected) >= SMALLEST_RING:
                    paths.append(ring_path(projected))
        if paths:
            countries.append({"iso_a3": row.get("iso_a3", ""), "name": row.get("name", ""), "d": "".join(paths)})
    countries.sort(key=lambda c: c["iso_a3"])
    return {
        "source": "Natural Earth 1:110m Admin 0 - Countries, as shipped in the geopandas 0.14.4 wheel "
                  "(geopandas/datasets/naturalearth_lowres); built by scripts/build_world_map.py",
        "licence": "Natural Earth data is in the public domain (https://www.naturalearthdata.com/about/terms-of-use/)",
        "projection": "Natural Earth (crm/maps/projection.py), cropped to latitudes "
                      f"{BOTTOM_LATITUDE:g}..84",
        "width": WIDTH,
        "height": HEIGHT,
        "countries": countries,
    }


def main() -> None:
    wheel = Path(sys.argv[1]) if len(sys.argv) > 1 else fetch_wheel()
    data = build(wheel)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), indent=0) + "\n",
                      encoding="utf-8")
    points = sum(c["d"].count(" ") for c in data["countries"])
    print(f"{OUTPUT.relative_to(ROOT)}: {len(data['countries'])} countries, ~{points} points, "
          f"{OUTPUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
