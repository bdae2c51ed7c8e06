from crm.partnerships.forms import PartnershipFilterForm


class MapFilterForm(PartnershipFilterForm):
    """The partnership list's filters that make sense on a map: search, status, country, priority,
    home city and health (no paging, sorting or archived partnerships)."""

    liaison = None
    archived = None
    sort = None
