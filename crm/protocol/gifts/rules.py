"""The rules of the gift register (issue 22 §4): which gifts the recording deadline and the published register
cover, when a gift was recorded late, and how many days are left to record the gifts of a visit. Plain functions
of their inputs (today is passed in); the office's settings come in as a GiftRule."""
from dataclasses import dataclass
from datetime import date, timedelta

#: the settings' defaults, for an office that never saved its settings (crm.settings.models.OfficeSettings)
DEFAULT_THRESHOLD_MINOR = 0
DEFAULT_THRESHOLD_CURRENCY = "USD"
DEFAULT_DEADLINE_DAYS = 10


@dataclass(frozen=True)
class GiftRule:
    """The office's threshold (an amount in one currency's minor unit; 0: every gift) and recording deadline."""
    threshold_minor: int = DEFAULT_THRESHOLD_MINOR
    currency: str = DEFAULT_THRESHOLD_CURRENCY
    deadline_days: int = DEFAULT_DEADLINE_DAYS


def is_covered(value_minor: int | None, currency: str | None, rule: GiftRule) -> bool:
    """Whether a gift is at or above the threshold, so it must be recorded in time and is published.

    Amounts are never converted between currencies: a gift valued in another currency than the threshold's, or
    with no estimated value, counts as at or above it (it is not known to be below it)."""
    if rule.threshold_minor <= 0 or value_minor is None or not currency or currency != rule.currency:
        return True
    return value_minor >= rule.threshold_minor


def recording_deadline(given_on: date, rule: GiftRule) -> date:
    """The last day a gift given or received on given_on may be recorded on."""
    return given_on + timedelta(days=rule.deadline_days)


def is_late(given_on: date, recorded_on: date, value_minor: int | None, currency: str | None,
            rule: GiftRule) -> bool:
    """A covered gift recorded after its deadline (on the deadline day is in time)."""
    return is_covered(value_minor, currency, rule) and recorded_on > recording_deadline(given_on, rule)


def days_late(given_on: date, recorded_on: date, rule: GiftRule) -> int:
    """Days past the deadline it was recorded (0 when in time)."""
    return max((recorded_on - recording_deadline(given_on, rule)).days, 0)


def days_left(ended_on: date, rule: GiftRule, today: date) -> int:
    """Days left to record the gifts of an engagement that ended on ended_on (the gifts changed hands on its
    last day at the latest); 0 on the last day, negative once past it."""
    return (recording_deadline(ended_on, rule) - today).days


def still_to_record(ended_on: date, rule: GiftRule, today: date) -> bool:
    """An engagement whose gifts are still within the deadline: it ended, at most deadline_days ago."""
    return ended_on <= today and days_left(ended_on, rule, today) >= 0
