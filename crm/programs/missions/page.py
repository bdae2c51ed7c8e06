"""A trade mission's page: its itinerary by day, and the forms of its child rows (itinerary, delegation,
outcomes), blank unless one comes back invalid from its POST."""
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from crm.cities.forms import timezone_choices
from crm.programs.missions.forms import DelegateForm, ItineraryForm, OutcomeForm
from crm.programs.missions.itinerary import itinerary_days
from crm.programs.missions.models import ItineraryItem, TradeMission
from crm.programs.missions.queries import (
    comments_by_item,
    contact_choices,
    interpreter_choices,
    organization_choices,
)
from crm.programs.missions.replies import ReplyForm


def make_itinerary_form(mission: TradeMission, item: ItineraryItem | None = None, blank: bool = False) -> ItineraryForm:
    """The itinerary form; blank (for the mission page) starts on the first day, in the destination's zone."""
    form = ItineraryForm(mission=mission, obj=item, **({"formdata": None} if blank else {}))
    form.timezone.choices = timezone_choices()
    form.contact_id.choices = contact_choices(mission.partnership_id, _l("Nobody in particular"))
    form.interpreter_id.choices = interpreter_choices(mission.partnership_id, _l("No interpreter"))
    if blank:
        destination = mission.destination or mission.partnership.partner_city
        form.timezone.data = destination.timezone or "UTC"
        form.day.data = mission.starts_on
    if item is not None and not form.is_submitted():
        local_start = item.starts_at.astimezone(ZoneInfo(item.timezone))
        form.day.data = local_start.date()
        form.starts.data = local_start.time()
        form.ends.data = item.ends_at.astimezone(local_start.tzinfo).time()
        form.contact_id.data = item.contact_id or 0
        form.interpreter_id.data = item.interpreter_id or 0
    return form


def make_delegate_form(mission: TradeMission, **kwargs) -> DelegateForm:
    form = DelegateForm(**kwargs)
    form.contact_id.choices = contact_choices(mission.partnership_id, _l("No one"))
    form.organization_id.choices = organization_choices(mission.partnership_id, _l("No organization"))
    return form


def mission_page(mission: TradeMission, itinerary_form=None, delegate_form=None, outcome_form=None,
                 reply_form=None, replying_to: int | None = None) -> dict:
    """The page's context; a reply form that came back invalid shows open under the comment it answers."""
    zone = mission.partnership.home_city.timezone
    return dict(
        reply_form=reply_form or ReplyForm(formdata=None), replying_to=replying_to,
        days=itinerary_days(mission.itinerary, zone), home_zone=zone, comments=comments_by_item(mission),
        itinerary_form=itinerary_form or make_itinerary_form(mission, blank=True),
        delegate_form=delegate_form or make_delegate_form(mission, formdata=None),
        outcome_form=outcome_form or OutcomeForm(formdata=None),
    )
