"""Where an engagement's own page is. Missions, exchanges and projects have pages of their own, which the
programs package builds on engagements; the app factory registers the programs' registry under this hook,
so engagements know those pages without importing the package that imports them."""
from flask import current_app

PROGRAM_URL = "crm.program_url"


def program_url(record_type: str, record_id: int, action: str = "detail") -> str | None:
    """The program's page (``detail`` or ``edit``), or None for an engagement that has no page of its own."""
    find = current_app.extensions.get(PROGRAM_URL)
    return find(record_type, record_id, action) if find else None
