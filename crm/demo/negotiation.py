"""Demo data for negotiation (issue 21)."""
from datetime import date


def seed_negotiation(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs; partnerships_by_geonames: geonames id → Partnership;
    users: Role → the demo User."""
