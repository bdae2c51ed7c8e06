"""How long before each kind of date its reminders go out: chosen by admins (rows of ReminderLeadTime), else
the defaults below. A kind with no rows uses its defaults."""
from sqlalchemy import select

from crm.enums import ReminderKind
from crm.extensions import db
from crm.governance.models import ReminderLeadTime

#: days before the date, when an admin chose none for the kind
DEFAULTS: dict[ReminderKind, tuple[int, ...]] = {
    ReminderKind.AGREEMENT_EXPIRY: (180, 30, 7),
    ReminderKind.ANNIVERSARY: (365, 30),
    ReminderKind.REVIEW_DUE: (30, 7),
    ReminderKind.COMMITMENT_DUE: (7, 1),
    ReminderKind.MILESTONE: (14, 1),
}
MAX_DAYS = 730  #: two years: an anniversary's delegation is planned a year or more ahead
MAX_PER_KIND = 6


class LeadTimeError(ValueError):
    """What was typed is not a list of lead times (its message says why, translated by the caller)."""

    def __init__(self, reason: str, **values):
        super().__init__(reason)
        self.reason, self.values = reason, values


def parse_days(text: str | None) -> tuple[int, ...]:
    """'180, 30, 7' → (180, 30, 7): whole numbers of days from 0 to MAX_DAYS, at most MAX_PER_KIND once
    duplicates are removed; largest first. Empty → () (the kind's defaults)."""
    parts = [part for part in (text or "").replace(";", ",").replace(" ", ",").split(",") if part.strip()]
    days = set()
    for part in parts:
        part = part.strip()
        if not part.isdecimal() or not part.isascii():
            raise LeadTimeError("not_number", value=part)
        if int(part) > MAX_DAYS:
            raise LeadTimeError("too_far", value=part)
        days.add(int(part))
    if len(days) > MAX_PER_KIND:
        raise LeadTimeError("too_many")
    return tuple(sorted(days, reverse=True))


def chosen_lead_times() -> dict[ReminderKind, tuple[int, ...]]:
    """The lead times admins chose, per kind (kinds without any left out). One query."""
    chosen: dict[ReminderKind, list[int]] = {}
    for kind, days in db.session.execute(select(ReminderLeadTime.kind, ReminderLeadTime.days)):
        chosen.setdefault(kind, []).append(days)
    return {kind: tuple(sorted(days, reverse=True)) for kind, days in chosen.items()}


def lead_times() -> dict[ReminderKind, tuple[int, ...]]:
    """The lead times in force for every kind: the chosen ones, else the defaults. One query."""
    chosen = chosen_lead_times()
    return {kind: chosen.get(kind) or DEFAULTS[kind] for kind in ReminderKind}


def save_lead_times(choices: dict[ReminderKind, tuple[int, ...]]) -> None:
    """Replace the chosen lead times of the kinds given; an empty tuple goes back to the defaults. Rows are
    removed and added one by one through the session, so the audit trail records each. Flushes."""
    kinds = list(choices)
    existing = {(row.kind, row.days): row for row in db.session.scalars(
        select(ReminderLeadTime).where(ReminderLeadTime.kind.in_(kinds)))}
    wanted = {(kind, value) for kind, days in choices.items() for value in days}
    for key, row in existing.items():
        if key not in wanted:
            db.session.delete(row)
    db.session.add_all(ReminderLeadTime(kind=kind, days=value) for kind, value in sorted(wanted - set(existing)))
    db.session.flush()
