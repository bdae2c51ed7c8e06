"""Changes to trade missions. They flush; the request commits."""
from sqlalchemy.orm import joinedload

from crm.engagements.forms import apply_cost
from crm.engagements.models import Pillar
from crm.extensions import db
from crm.forms import fill
from crm.partnerships.models import Side
from crm.programs.missions.forms import DelegateForm, ItineraryForm, MissionForm, OutcomeForm
from crm.programs.missions.models import Delegate, ItineraryItem, MissionDirection, MissionOutcome, TradeMission

LIST_LOADS = (joinedload(TradeMission.destination), joinedload(TradeMission.lead))


def apply_form(mission: TradeMission, form: MissionForm) -> TradeMission:
    partnership = mission.partnership
    fill(mission, form, "title", "direction", "starts_on", "ends_on", "lead_id", "objectives", "visibility", "notes")
    outbound = form.direction.data == MissionDirection.OUTBOUND.value
    mission.destination = form.destination.data or (partnership.partner_city if outbound else partnership.home_city)
    mission.sectors = ", ".join(s.strip() for s in (form.sectors.data or "").split(",") if s.strip()) or None
    mission.substantive = True  # a mission always counts
    apply_cost(mission, form)
    mission.pillar = mission.pillar or Pillar.BUSINESS
    mission.initiated_by = Side.HOME if outbound else Side.PARTNER
    db.session.add(mission)
    db.session.flush()
    return mission


def apply_itinerary_form(item: ItineraryItem, form: ItineraryForm) -> ItineraryItem:
    item.starts_at, item.ends_at = form.starts_at, form.ends_at
    fill(item, form, "timezone", "title", "location", "contact_id", "interpreter_id", "interpreter_language", "notes")
    db.session.add(item)
    db.session.flush()
    return item


def add_delegate(mission: TradeMission, form: DelegateForm) -> Delegate:
    delegate = Delegate(contact_id=form.contact_id.data or None, organization_id=form.organization_id.data or None,
                        role=form.role.data)
    mission.delegates.append(delegate)
    db.session.flush()
    return delegate


def add_outcome(mission: TradeMission, form: OutcomeForm) -> MissionOutcome:
    outcome = MissionOutcome(kind=form.kind.data, description=form.description.data,
                             amount_minor=form.amount_minor, currency=form.currency.data or None)
    mission.outcomes.append(outcome)
    db.session.flush()
    return outcome
