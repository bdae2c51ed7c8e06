"""Demo data for hosting (issue 22). (Slot: the hosting helper fills it.)"""
from datetime import date


def seed_hosting(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs and governance; partnerships_by_geonames: geonames id →
    Partnership (Kyoto 1857910 and Cairo 360630 have guests); users: Role → the demo User."""
