"""An engagement's placement board: the partner side's guests against the host households, each placement with
why it fits (or what it breaks), each guest not placed with why no household fits. Read in a fixed number of
queries (crm.protocol.hosting.queries) and put into the plain data crm.protocol.hosting.suggest works on."""
from dataclasses import dataclass, field
from datetime import date

from crm.engagements.models import Engagement
from crm.protocol.hosting import queries
from crm.protocol.hosting.suggest import (
    Guest,
    Household,
    Reason,
    Stay,
    beds_taken,
    explain,
    language_codes,
    vetting_valid,
    why_not,
)
from crm.protocol.models import Helper, Placement, RosterEntry


@dataclass
class PlacedGuest:
    placement: Placement
    stay: queries.StayDates
    reasons: list[Reason]
    warnings: list[str]  #: codes of hard rules the placement breaks (chosen by hand): pets, smoking, steps, minor


@dataclass
class HouseholdRow:
    helper: Helper
    guests: list[PlacedGuest] = field(default_factory=list)
    busiest: int = 0  #: beds taken on the busiest night of the visit, other visits' guests included


@dataclass
class Board:
    engagement: Engagement
    first_day: date
    last_day: date
    guests: list[RosterEntry]
    households: list[HouseholdRow]  #: every active household, and any other holding a guest of this visit
    unplaced: list[tuple[RosterEntry, Reason]]
    placements: list[Placement]
    suggested: int  #: placements still waiting for the coordinator's confirmation

    @property
    def placed_count(self) -> int:
        return len(self.guests) - len(self.unplaced)


def guest_data(entry: RosterEntry, engagement: Engagement, placed_on: queries.StayDates | None = None) -> Guest:
    stay = placed_on or queries.stay_of(entry, engagement)
    contact = entry.contact
    spoken = language_codes(contact.languages) or language_codes(contact.language)
    return Guest(entry_id=entry.id, contact_id=entry.contact_id, arrives_on=stay.arrives_on,
                 leaves_on=stay.leaves_on, languages=spoken, minor=bool(entry.minor), no_pets=entry.no_pets,
                 no_smoking=entry.no_smoking, step_free=entry.step_free,
                 requested_helper_id=entry.requested_helper_id)


def household_data(helper: Helper, stays: list[Stay]) -> Household:
    spoken = language_codes(helper.languages) or language_codes(helper.contact.languages)
    return Household(helper_id=helper.id, beds=helper.beds, languages=spoken, pets=helper.pets,
                     smoking=helper.smoking, step_free=helper.step_free, vetted_on=helper.vetted_on,
                     vetting_expires_on=helper.vetting_expires_on, active=helper.active, stays=stays)


def _warnings(guest: Guest, household: Household) -> list[str]:
    found = []
    if guest.no_pets and household.pets:
        found.append("pets")
    if guest.no_smoking and household.smoking:
        found.append("smoking")
    if guest.step_free and not household.step_free:
        found.append("steps")
    last_night = date.fromordinal(max(guest.leaves_on.toordinal() - 1, guest.arrives_on.toordinal()))
    if guest.minor and not vetting_valid(household, guest.arrives_on, last_night):
        found.append("minor")
    if beds_taken(household, guest) > household.beds:
        found.append("beds")
    return found


@dataclass
class Inputs:
    """What the suggestion and the board both read: the guests, the households with the beds taken, the past
    pairings."""
    entries: list[RosterEntry]
    placements: list[Placement]
    helpers: dict[int, Helper]
    households: dict[int, Household]
    past: set[tuple[int, int]]
    first_day: date
    last_day: date


def read_inputs(engagement: Engagement) -> Inputs:
    """Five queries: the guests, this visit's placements, the households, their other visits' guests, the past
    pairings."""
    entries = queries.partner_guests(engagement.id)
    placements = queries.engagement_placements(engagement.id)
    helpers = {h.id: h for h in queries.households()}
    for placement in placements:  # a guest placed with an inactive household or a volunteer still shows
        helpers.setdefault(placement.helper_id, placement.helper)
    stays = {entry.id: queries.stay_of(entry, engagement) for entry in entries}
    first, last = queries.engagement_days(engagement)
    first = min([first, *(s.arrives_on for s in stays.values())])
    last = max([last, *(s.leaves_on for s in stays.values())])
    taken: dict[int, list[Stay]] = {helper_id: [] for helper_id in helpers}
    for helper_id, arrives, leaves in queries.other_stays(list(helpers), engagement.id, first, last):
        taken[helper_id].append(Stay(arrives, leaves))
    for placement in placements:
        entry_stay = stays.get(placement.roster_entry_id) or queries.stay_of(placement.roster_entry, engagement)
        placed = queries.placement_stay(placement, entry_stay)
        taken[placement.helper_id].append(Stay(placed.arrives_on, placed.leaves_on))
    past = queries.past_pairs([e.contact_id for e in entries], list(helpers), engagement.id)
    return Inputs(entries, placements, helpers, {i: household_data(h, taken[i]) for i, h in helpers.items()}, past,
                  first, last)


def board(engagement: Engagement) -> Board:
    data = read_inputs(engagement)
    rows = {helper_id: HouseholdRow(helper) for helper_id, helper in data.helpers.items()}
    placed_entries = set()
    for placement in data.placements:
        entry = placement.roster_entry
        stay = queries.placement_stay(placement, queries.stay_of(entry, engagement))
        guest = guest_data(entry, engagement, stay)
        household = data.households[placement.helper_id]
        rows[placement.helper_id].guests.append(PlacedGuest(
            placement, stay, explain(guest, household, data.past, beds_taken(household, guest)),
            _warnings(guest, household)))
        placed_entries.add(entry.id)
    span = Guest(0, 0, data.first_day, max(data.last_day, date.fromordinal(data.first_day.toordinal() + 1)))
    for helper_id, row in rows.items():
        row.busiest = beds_taken(data.households[helper_id], span)
    households = [row for row in rows.values() if row.helper.active or row.guests]
    unplaced = [(entry, why_not(guest_data(entry, engagement), list(data.households.values())))
                for entry in data.entries if entry.id not in placed_entries]
    return Board(engagement, data.first_day, data.last_day, data.entries, households, unplaced, data.placements,
                 sum(1 for p in data.placements if p.suggested))
