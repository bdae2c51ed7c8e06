"""The public face (issue 23): which fields of a public partnership the public pages and the open-data feed show, as the office chose them.

The cities (names in both scripts, country, GeoNames and Wikidata ids) are always public: without them there is
nothing to publish. Every other field is the admin's choice on the settings page."""
from flask_babel import lazy_gettext as _l

from crm.settings.service import office_settings

#: name -> label, in the order the settings page lists them
PUBLIC_FIELDS = {
    "established_on": _l("Since when (the date it was established)"),
    "kind": _l("Kind of partnership"),
    "status": _l("Status"),
    "priorities": _l("Strategic priorities"),
    "summary": _l("Summary (as shared with the partner)"),
    "agreements": _l("Agreements (titles and dates)"),
    "highlights": _l("Highlights (engagements marked public)"),
    "participants": _l("Participants per country, on a highlight's page"),
}
#: what a new office shows until an admin chooses: everything except the summary, written for the partner
DEFAULT_PUBLIC_FIELDS = tuple(name for name in PUBLIC_FIELDS if name != "summary")


def public_fields(settings=None) -> frozenset[str]:
    """The fields the office publishes (the settings row's choice, else the default)."""
    if settings is None:
        settings = office_settings()
    chosen = settings.public_fields if settings is not None else None
    names = DEFAULT_PUBLIC_FIELDS if chosen is None else chosen
    return frozenset(name for name in names if name in PUBLIC_FIELDS)
