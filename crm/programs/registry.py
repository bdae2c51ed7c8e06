"""The one registry of program types: for each, what the one skeleton (``skeleton.py``) needs to give it a
list, an export, and create, detail, edit and delete pages.

A new program type is a model (a joined subtype of Engagement), its forms (the record's, with ``make_form``
and ``apply_form`` beside it, and a list filter form), its templates (``<name>/index.html``, ``form.html``,
``detail.html``), its export columns, and an entry here; ``<name>/views.py`` makes its blueprint with
``program_blueprint`` and adds the routes of its child rows, if it has any."""
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from crm.exports import columns
from crm.programs.exchanges import forms as exchange_forms
from crm.programs.exchanges import operations as exchanges
from crm.programs.exchanges.models import Exchange
from crm.programs.missions import forms as mission_forms
from crm.programs.missions import operations as missions
from crm.programs.missions.models import TradeMission
from crm.programs.missions.page import mission_page
from crm.programs.missions.queries import MISSION_LOADS
from crm.programs.projects import forms as project_forms
from crm.programs.projects import operations as projects
from crm.programs.projects.models import JointProject
from crm.programs.projects.page import project_page
from crm.programs.projects.queries import PROJECT_LOADS


@dataclass(frozen=True)
class ProgramType:
    name: str  #: blueprint, URL segment and template folder ("exchanges")
    singular: str  #: the record's name in templates and URLs ("exchange": exchange_id)
    model: type
    make_form: Callable  #: (partnership_id, record or None) → the create/edit form
    apply_form: Callable  #: (record, form) → None: form to model; it flushes
    compare: list[str]  #: the fields the conflict page compares
    filter_form: type  #: a ProgramFilterForm with the type's own filters
    filters: dict  #: filter field name → the column it must equal
    columns: list  #: export columns
    title: str  #: the list's heading and the export's title
    slug: str  #: the export's file name
    created: str  #: the flash after creating
    delete_title: Callable  #: record → the confirmation's question
    delete_message: Callable  #: () → what goes with it
    deleted: str  #: the flash after deleting
    new: str  #: the New button's label and its first page's heading (which partnership?)
    loads: tuple = ()  #: loader options of the record's page, beyond its partnership and cities
    list_loads: tuple = ()  #: loader options of the list
    page: Callable = field(default=lambda record, **forms: {})  #: record, child forms → the page's own context


MISSIONS = ProgramType(
    name="missions", singular="mission", model=TradeMission, make_form=mission_forms.make_form,
    apply_form=missions.apply_form,
    compare=["title", "direction", "starts_on", "ends_on", "objectives", "sectors", "notes"],
    filter_form=mission_forms.MissionFilterForm, filters={"direction": TradeMission.direction},
    columns=columns.MISSIONS,
    title=_l("Trade missions"), slug="trade-missions",
    created=_l("The trade mission was created. Add its delegation and itinerary next."),
    delete_title=lambda mission: _("Delete the trade mission “%(title)s”?", title=mission.title),
    delete_message=lambda days: ngettext(
        "Its itinerary, delegation, outcomes and documents go with it. An administrator can restore it within "
        "%(num)d day.", "Its itinerary, delegation, outcomes and documents go with it. An administrator can restore "
        "it within %(num)d days.", days),
    deleted=_l("The trade mission was deleted."), new=_l("New trade mission"), loads=MISSION_LOADS, page=mission_page,
    list_loads=missions.LIST_LOADS,
)

EXCHANGES = ProgramType(
    name="exchanges", singular="exchange", model=Exchange, make_form=exchange_forms.make_form,
    apply_form=exchanges.apply_form,
    compare=["title", "exchange_kind", "direction", "starts_on", "ends_on", "participants", "notes"],
    filter_form=exchange_forms.ExchangeFilterForm,
    filters={"kind": Exchange.exchange_kind, "direction": Exchange.direction},
    columns=columns.EXCHANGES, title=_l("Exchanges"), slug="exchanges", created=_l("The exchange was recorded."),
    delete_title=lambda exchange: _("Delete the exchange “%(title)s”?", title=exchange.title),
    delete_message=lambda days: ngettext(
        "Its documents go with it. An administrator can restore it within %(num)d day.",
        "Its documents go with it. An administrator can restore it within %(num)d days.", days),
    deleted=_l("The exchange was deleted."), new=_l("New exchange"), loads=(joinedload(Exchange.host_organization),),
    list_loads=(joinedload(Exchange.host_organization),),
)

PROJECTS = ProgramType(
    name="projects", singular="project", model=JointProject, make_form=project_forms.make_form,
    apply_form=projects.apply_form, compare=["title", "theme", "status", "starts_on", "ends_on", "notes"],
    filter_form=project_forms.ProjectFilterForm, filters={"theme": JointProject.theme, "status": JointProject.status},
    columns=columns.PROJECTS, title=_l("Joint projects"), slug="joint-projects",
    created=_l("The joint project was created. Add its milestones next."),
    delete_title=lambda project: _("Delete the joint project “%(title)s”?", title=project.title),
    delete_message=lambda days: ngettext(
        "Its milestones, their timeline entries and its documents go with it. An administrator can restore it "
        "within %(num)d day.", "Its milestones, their timeline entries and its documents go with it. An "
        "administrator can restore it within %(num)d days.", days),
    deleted=_l("The joint project was deleted."), new=_l("New joint project"), loads=PROJECT_LOADS, page=project_page,
)

PROGRAMS = (MISSIONS, EXCHANGES, PROJECTS)

#: the program type of an engagement's record_type (its polymorphic identity)
BY_RECORD_TYPE = {kind.model.__mapper__.polymorphic_identity: kind for kind in PROGRAMS}


def program_url(record_type: str, record_id: int, action: str = "detail") -> str | None:
    """The page (``detail`` or ``edit``) of a mission, exchange or project; None for an engagement without one."""
    kind = BY_RECORD_TYPE.get(record_type)
    return url_for(f"{kind.name}.{action}", **{f"{kind.singular}_id": record_id}) if kind else None
