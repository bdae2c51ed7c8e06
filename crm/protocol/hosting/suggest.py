"""The suggested placement of a visit's guests with host households (issue 22 §6): a pure function of plain data,
so it is tested without a database and the board, the CLI or a test call it alike.

Hard rules (a household that breaks one is never suggested): an active household with a bed free on every
night of the guest's stay, none of what the guest cannot live with (pets, smoking, steps), and, for a minor,
a vetting that is valid over the whole stay. Preferences, strongest first: the host the partner asked for, a
host who had this guest before, a language the guest speaks, a vetting valid over the stay. Each suggestion
says why, in reasons the page words in the reader's language."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

#: how much each preference weighs (a request outweighs everything else together)
REQUESTED, PAST_PAIRING, SHARED_LANGUAGE, FIRST_LANGUAGE, VETTED = 1000, 100, 40, 10, 5


@dataclass(frozen=True)
class Guest:
    entry_id: int
    contact_id: int
    arrives_on: date
    leaves_on: date  #: the morning they leave: the last night is the day before
    languages: tuple[str, ...] = ()  #: the guest's languages, the first the one they speak best
    minor: bool = False
    no_pets: bool = False
    no_smoking: bool = False
    step_free: bool = False
    requested_helper_id: int | None = None


@dataclass(frozen=True)
class Stay:
    """A bed already taken in a household: another guest's placement, in this visit or another."""
    arrives_on: date
    leaves_on: date


@dataclass
class Household:
    helper_id: int
    beds: int
    languages: tuple[str, ...] = ()
    pets: bool = False
    smoking: bool = False
    step_free: bool = False
    vetted_on: date | None = None
    vetting_expires_on: date | None = None
    active: bool = True
    stays: list[Stay] = field(default_factory=list)


@dataclass(frozen=True)
class Reason:
    """Why a host was chosen, or why a guest was not placed: a code and the values its sentence needs.

    codes: requested, requested_unavailable, past, language (languages), no_language, beds (count of total
    taken on the busiest night, with this guest), vetted (until), not_vetted; for a guest left unplaced: no_bed,
    constraints, no_vetted_host (a minor), or fits (count: the households that would)."""
    code: str
    languages: tuple[str, ...] = ()
    count: int = 0
    total: int = 0
    until: date | None = None


@dataclass
class Suggestion:
    entry_id: int
    helper_id: int
    reasons: list[Reason]


@dataclass
class Result:
    placed: list[Suggestion]
    unplaced: dict[int, Reason]  #: entry id → why no household fits


def language_codes(text: str | None) -> tuple[str, ...]:
    """"ja, en" → ("ja", "en"): lower-case base codes in their order, each once (zh_Hans and zh-Hant → zh)."""
    seen: list[str] = []
    for part in (text or "").replace(";", ",").replace("/", ",").split(","):
        code = part.strip().replace("-", "_").split("_")[0].lower()
        if code and code not in seen:
            seen.append(code)
    return tuple(seen)


def vetting_valid(household: Household, first_night: date, last_night: date) -> bool:
    """Vetted before the stay and not expiring before its last night is over (an expiry date is the first day
    the vetting no longer holds)."""
    return (household.vetted_on is not None and household.vetted_on <= first_night
            and (household.vetting_expires_on is None or household.vetting_expires_on > last_night))


def _overlaps(a: Stay | Guest, b: Stay | Guest) -> bool:
    return a.arrives_on < b.leaves_on and b.arrives_on < a.leaves_on


def beds_taken(household: Household, guest: Guest) -> int:
    """The most beds taken on any one night of the guest's stay."""
    nights = [s for s in household.stays if _overlaps(s, guest)]
    if not nights:
        return 0
    day, busiest = guest.arrives_on, 0
    while day < guest.leaves_on:
        busiest = max(busiest, sum(1 for s in nights if s.arrives_on <= day < s.leaves_on))
        day = date.fromordinal(day.toordinal() + 1)
    return busiest


def _livable(household: Household, guest: Guest) -> bool:
    return not ((guest.no_pets and household.pets) or (guest.no_smoking and household.smoking)
                or (guest.step_free and not household.step_free))


def _last_night(guest: Guest) -> date:
    return date.fromordinal(max(guest.leaves_on.toordinal() - 1, guest.arrives_on.toordinal()))


def why_not(guest: Guest, households: list[Household]) -> Reason:
    """Why a guest has no household: the first rule that left none (no_bed, constraints, no_vetted_host), or
    "fits" with how many households would take them now."""
    with_bed = [h for h in households if h.active and beds_taken(h, guest) < h.beds]
    if not with_bed:
        return Reason("no_bed")
    livable = [h for h in with_bed if _livable(h, guest)]
    if not livable:
        return Reason("constraints")
    fitting = [h for h in livable if not guest.minor or vetting_valid(h, guest.arrives_on, _last_night(guest))]
    return Reason("fits", count=len(fitting)) if fitting else Reason("no_vetted_host")


def explain(guest: Guest, household: Household, past: set[tuple[int, int]], taken: int) -> list[Reason]:
    """Why this household suits this guest; taken: the beds taken on its busiest night, the guest's included."""
    reasons = []
    if household.helper_id == guest.requested_helper_id:
        reasons.append(Reason("requested"))
    elif guest.requested_helper_id is not None:
        reasons.append(Reason("requested_unavailable"))
    if (guest.contact_id, household.helper_id) in past:
        reasons.append(Reason("past"))
    shared = tuple(code for code in guest.languages if code in household.languages)
    reasons.append(Reason("language", languages=shared) if shared else Reason("no_language"))
    reasons.append(Reason("beds", count=taken, total=household.beds))
    if vetting_valid(household, guest.arrives_on, _last_night(guest)):
        reasons.append(Reason("vetted", until=household.vetting_expires_on))
    else:
        reasons.append(Reason("not_vetted"))
    return reasons


def _order(guest: Guest) -> tuple:
    """Who is placed first: whom the partner asked a host for, then minors (fewest hosts fit them), then those
    with constraints, then the rest; by arrival, then id, so the result never depends on the input's order."""
    constraints = guest.no_pets + guest.no_smoking + guest.step_free
    return (guest.requested_helper_id is None, not guest.minor, -constraints, guest.arrives_on, guest.entry_id)


def suggest(guests: Iterable[Guest], households: Iterable[Household],
            past_pairs: Iterable[tuple[int, int]] = ()) -> Result:
    """Assign each guest a household. past_pairs: (contact id, helper id) of earlier stays. The households' stays
    are the beds already taken; the ones suggested here are added to them as the guests are placed."""
    households = [Household(**{**h.__dict__, "stays": list(h.stays)}) for h in households]  # the caller's stay put
    past = set(past_pairs)
    placed: list[Suggestion] = []
    unplaced: dict[int, Reason] = {}
    for guest in sorted(guests, key=_order):
        last_night = _last_night(guest)
        best: tuple | None = None
        for household in households:
            if not household.active or not _livable(household, guest):
                continue
            taken = beds_taken(household, guest)
            if taken >= household.beds:
                continue
            vetted = vetting_valid(household, guest.arrives_on, last_night)
            if guest.minor and not vetted:
                continue
            shared = tuple(code for code in guest.languages if code in household.languages)
            score = ((REQUESTED if household.helper_id == guest.requested_helper_id else 0)
                     + (PAST_PAIRING if (guest.contact_id, household.helper_id) in past else 0)
                     + (SHARED_LANGUAGE if shared else 0)
                     + (FIRST_LANGUAGE if guest.languages and guest.languages[0] in shared else 0)
                     + (VETTED if vetted else 0))
            # among equals: the household with more beds free (guests spread, no one crowded), then the lower id
            key = (score, household.beds - taken, -household.helper_id)
            if best is None or key > best[0]:
                best = (key, household, taken)
        if best is None:
            unplaced[guest.entry_id] = why_not(guest, households)
            continue
        _key, household, taken = best
        reasons = explain(guest, household, past, taken + 1)
        household.stays.append(Stay(guest.arrives_on, guest.leaves_on))
        placed.append(Suggestion(guest.entry_id, household.helper_id, reasons))
    return Result(placed, unplaced)
