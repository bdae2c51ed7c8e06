"""The ceremonial rule and the health figures, over plain values."""
from datetime import date

import pytest

from crm.health.rules import Activity, HealthState, evaluate, health, months_between, window_start
from crm.partnerships.models import PartnershipStatus

S = HealthState


def activity(**fields):
    fields.setdefault("partnership_id", 1)
    fields.setdefault("status", PartnershipStatus.ACTIVE)
    fields.setdefault("started_on", date(2010, 1, 1))
    fields.setdefault("threshold_months", 12)
    return Activity(**fields)


@pytest.mark.parametrize("start, end, months", [
    (date(2025, 3, 3), date(2026, 3, 3), 12.0),
    (date(2025, 3, 3), date(2025, 3, 3), 0.0),
    (date(2025, 1, 31), date(2025, 2, 28), 1.0),
    (date(2024, 2, 29), date(2025, 2, 28), 12.0),  # leap day: a year later is the 28th
    (date(2024, 2, 29), date(2024, 3, 29), 1.0),
    (date(2025, 3, 3), date(2026, 3, 4), 12 + 1 / 31),
])
def test_months_between_counts_calendar_months(start, end, months):
    assert months_between(start, end) == pytest.approx(months)


def test_exactly_at_the_threshold_is_not_yet_ceremonial():
    a = activity(last_substantive=date(2025, 3, 3))
    assert evaluate(a, date(2026, 3, 3)).state == S.AT_RISK
    assert evaluate(a, date(2026, 3, 4)).state == S.CEREMONIAL


def test_at_risk_starts_past_three_quarters_of_the_threshold():
    a = activity(last_substantive=date(2025, 1, 1))
    assert evaluate(a, date(2025, 10, 1)).state == S.HEALTHY  # exactly 9 of 12 months
    assert evaluate(a, date(2025, 10, 2)).state == S.AT_RISK


def test_leap_day_engagement():
    a = activity(last_substantive=date(2024, 2, 29))
    assert evaluate(a, date(2025, 2, 28)).state == S.AT_RISK  # exactly 12 months
    assert evaluate(a, date(2025, 3, 1)).state == S.CEREMONIAL


def test_a_per_partnership_override_replaces_the_default():
    a = activity(last_substantive=date(2025, 1, 1), threshold_months=24)
    flag = evaluate(a, date(2026, 3, 1))
    assert flag.state == S.HEALTHY and flag.threshold_months == 24
    assert evaluate(activity(last_substantive=date(2025, 1, 1), threshold_months=6), date(2025, 7, 2)).state \
        == S.CEREMONIAL


def test_only_protocol_activity_does_not_keep_it_alive_and_the_reason_says_so(app):
    a = activity(last_substantive=date(2023, 3, 3), last_protocol=date(2026, 5, 12), protocol_since=3)
    flag = evaluate(a, date(2026, 11, 25))
    assert flag.state == S.CEREMONIAL and flag.protocol_since == 3 and flag.months == 44
    from flask_babel import force_locale

    from crm.health.reasons import reason

    with app.test_request_context(), force_locale("en"):
        text = reason(flag)
    assert text.startswith("No substantive engagement since March 3, 2023 — 44 months; threshold 12 months.")
    assert "Only protocol activity since then: 3 greetings or ceremonies, the latest on May 12, 2026." in text


def test_planned_future_engagements_do_not_reset_the_clock():
    a = activity(last_substantive=date(2024, 1, 1), next_planned=date(2027, 1, 4))
    flag = evaluate(a, date(2026, 11, 25))
    assert flag.state == S.CEREMONIAL and flag.revival_planned == date(2027, 1, 4)


def test_only_future_activity_and_an_old_partnership_is_ceremonial_with_revival_planned():
    a = activity(started_on=date(2015, 6, 1), next_planned=date(2027, 1, 4))
    flag = evaluate(a, date(2026, 11, 25))
    assert flag.state == S.CEREMONIAL and flag.never_substantive and flag.revival_planned == date(2027, 1, 4)


def test_a_young_partnership_with_no_engagement_yet_is_new():
    a = activity(started_on=date(2026, 6, 1))
    assert evaluate(a, date(2026, 11, 25)).state == S.NEW
    assert evaluate(a, date(2027, 6, 2)).state == S.CEREMONIAL


@pytest.mark.parametrize("status", [PartnershipStatus.SUSPENDED, PartnershipStatus.ENDED])
def test_suspended_and_ended_partnerships_are_not_flagged(status):
    a = activity(status=status, last_substantive=date(2000, 1, 1))
    flag = evaluate(a, date(2026, 11, 25))
    assert flag.state == S.NOT_EVALUATED and not flag.needs_attention


def test_proposed_partnerships_are_evaluated_like_active_ones():
    assert evaluate(activity(status=PartnershipStatus.PROPOSED, last_substantive=date(2020, 1, 1)),
                    date(2026, 1, 1)).state == S.CEREMONIAL


def test_the_as_of_date_decides_around_midnight():
    """The rule works on calendar dates: the caller passes the office's local date,
    so 23:30 UTC on 3 March is already 4 March in Tokyo."""
    from datetime import UTC, datetime

    from crm.localtime import today_in

    moment = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    a = activity(last_substantive=date(2025, 3, 3))
    assert evaluate(a, today_in("America/Los_Angeles", moment)).state == S.AT_RISK  # still 3 March
    assert evaluate(a, today_in("Asia/Tokyo", moment)).state == S.CEREMONIAL  # already 4 March


def test_health_figures():
    a = activity(last_substantive=date(2026, 11, 1), substantive_12m=8, partner_started_12m=2, pillars_12m=3)
    h = health(a, date(2026, 11, 25))
    assert h.days_since_substantive == 24 and h.substantive_12m == 8 and h.pillars_12m == 3
    assert h.partner_share == 0.25
    assert health(activity(), date(2026, 1, 1)).partner_share is None
    assert window_start(date(2026, 11, 25)) == date(2025, 11, 25)
