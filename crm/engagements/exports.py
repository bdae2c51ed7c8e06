"""The list of every engagement as the export sees it: the filters of the request, the query, the columns."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.engagements.forms import EngagementFilterForm
from crm.engagements.queries import engagement_list
from crm.exports import columns
from crm.partnerships.choices import partnership_filter_choices

FILTERS = ("q", "partnership", "kind", "pillar", "substantive", "date_from", "date_until")


def filter_form() -> EngagementFilterForm:
    form = EngagementFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


def filtered(form: EngagementFilterForm):
    return engagement_list(**{name: form.value(name) for name in FILTERS})


def export_source():
    """(columns, query, title, slug) of the request's filtered list (crm.exports.background builds it later)."""
    return columns.ENGAGEMENTS, filtered(filter_form()), _("Engagements"), "engagements"
