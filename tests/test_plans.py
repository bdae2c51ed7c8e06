"""Relationship plans (issue 21, section 1): the progress rule, plan_progress, the pages and who reaches them."""
from datetime import date

import pytest

from crm.enums import Pillar
from crm.governance.models import ObjectiveLink, PlanObjective, RelationshipPlan
from crm.governance.plans import rules
from crm.governance.plans.rules import ProgressState, objective_progress

PLAN = {"starts_on": date(2026, 1, 1), "ends_on": date(2030, 12, 31)}


def progress(target=2, per_years=1, dates=(), today=date(2026, 11, 25), **plan):
    return objective_progress(**{**PLAN, **plan}, target_count=target, per_years=per_years, record_dates=dates,
                              today=today)


# --- the rule -----------------------------------------------------------------------------------------------

def test_years_between_counts_whole_years_by_anniversary():
    assert rules.years_between(date(2026, 1, 1), date(2030, 12, 31)) == 5
    assert rules.years_between(date(2026, 1, 1), date(2026, 6, 30)) == pytest.approx(181 / 365)
    assert rules.years_between(date(2024, 2, 29), date(2025, 2, 27)) == 1  # its anniversary: 28 February
    assert rules.years_between(date(2026, 5, 1), date(2026, 4, 1)) == 0


def test_rate_is_pro_rata_in_whole_records():
    p = progress(dates=[date(2026, 3, 1)])  # 2 a year, late November: 1.8 → 1 expected by now
    assert (p.state, p.done, p.expected, p.total) == (ProgressState.ON_TRACK, 1, 1, 10)
    behind = progress(dates=[], today=date(2027, 7, 3))  # past 1.5 years: 3 expected
    assert (behind.state, behind.expected) == (ProgressState.BEHIND, 3)
    assert progress(target=1, per_years=2, dates=[], today=date(2027, 6, 1)).state == ProgressState.ON_TRACK
    assert progress(target=1, per_years=2, dates=[], today=date(2028, 1, 1)).state == ProgressState.BEHIND


def test_done_counts_what_happened_within_the_period_up_to_today():
    dates = [date(2025, 12, 31), date(2026, 2, 1), date(2026, 12, 1), date(2031, 1, 1), None]
    assert progress(dates=dates).done == 1


def test_achieved_not_started_and_ended():
    assert progress(target=1, per_years=None, dates=[date(2026, 5, 1)]).state == ProgressState.ACHIEVED
    assert progress(today=date(2025, 6, 1)).state == ProgressState.NOT_STARTED
    ended = progress(dates=[date(2026, 5, 1)] * 9, today=date(2031, 3, 1))
    assert (ended.state, ended.expected, ended.total) == (ProgressState.BEHIND, 10, 10)
    assert progress(dates=[date(2026, 5, 1)] * 10, today=date(2031, 3, 1)).state == ProgressState.ACHIEVED


def test_over_the_plan_is_behind_only_past_half_with_nothing_done_or_ended_short():
    assert progress(target=1, per_years=None, today=date(2028, 6, 1)).state == ProgressState.ON_TRACK
    assert progress(target=1, per_years=None, today=date(2028, 8, 1)).state == ProgressState.BEHIND
    two = progress(target=2, per_years=None, dates=[date(2027, 1, 1)], today=date(2030, 1, 1))
    assert two.state == ProgressState.ON_TRACK
    short = progress(target=2, per_years=None, dates=[date(2027, 1, 1)], today=date(2031, 1, 1))
    assert short.state == ProgressState.BEHIND


def test_explain_says_why_in_words(app_ctx):
    assert rules.explain(progress(dates=[date(2026, 3, 1)])) == "1 of 1 expected by now (10 by December 31, 2030)."
    assert "past half" in rules.explain(progress(target=1, per_years=None, today=date(2028, 8, 1)))
    assert rules.describe_target(2, 1) == "2 a year"
    assert rules.describe_target(1, 2) == "1 every 2 years"


def test_overlaps():
    assert rules.overlaps(date(2026, 1, 1), date(2030, 12, 31), [(date(2030, 12, 31), date(2035, 1, 1))])
    assert not rules.overlaps(date(2026, 1, 1), date(2030, 12, 31), [(date(2031, 1, 1), date(2035, 1, 1))])


# --- plan_progress ------------------------------------------------------------------------------------------

def make_plan(make, session, partnership, *, starts_on=date(2026, 1, 1), ends_on=date(2030, 12, 31), owner=None,
              title="Plan 2026–2030"):
    plan = RelationshipPlan(partnership_id=partnership.id, title=title, starts_on=starts_on, ends_on=ends_on)
    plan.objectives = [
        PlanObjective(pillar=Pillar.EDUCATION, description="2 student exchanges a year", target_count=2,
                      per_years=1, owner=owner, position=1),
        PlanObjective(pillar=Pillar.BUSINESS, description="A joint project in water management", target_count=1,
                      per_years=None, position=2),
    ]
    session.add(plan)
    session.commit()
    return plan


def tie(session, objective, engagement=None, outcome=None):
    session.add(ObjectiveLink(objective_id=objective.id, engagement_id=engagement and engagement.id,
                              outcome_id=outcome and outcome.id))
    session.commit()


def test_plan_progress_reads_the_current_plan_in_three_queries(app_ctx, make, session, count_queries):
    from crm.governance.plans.queries import plan_progress

    partnership = make.partnership()
    plan = make_plan(make, session, partnership, owner=make.user())
    exchange = make.engagement(partnership, occurred_on=date(2026, 4, 1))
    tie(session, plan.objectives[0], exchange)
    tie(session, plan.objectives[0], make.engagement(partnership, occurred_on=date(2027, 4, 1)))  # planned
    with count_queries() as counted:
        result = plan_progress(partnership.id, date(2026, 11, 25))
        data = result.as_dict()
    assert counted.count == 3
    assert result.plan.id == plan.id
    assert [o.progress.done for o in result.objectives] == [1, 0]
    assert (result.on_track, result.behind) == (2, 0)
    assert data["objectives"][0]["state"] == "on_track"
    assert plan_progress(partnership.id, date(2031, 6, 1)) is None
    assert plan_progress(partnership.id, date(2025, 6, 1)).objectives[0].progress.state == ProgressState.NOT_STARTED
