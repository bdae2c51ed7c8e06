"""The country outlines behind the map, read once per process from the committed data file."""
import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "world-110m.json"


@lru_cache(maxsize=1)
def world() -> dict:
    """The data file: width, height and one projected SVG path per country (see data/README.md)."""
    return json.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def land_path() -> str:
    """Every country as one SVG path: one element to draw, whatever the number of countries."""
    return "".join(country["d"] for country in world()["countries"])
