"""Relationship plans (issue 21, section 1): the progress rule, plan_progress, the pages and who reaches them."""
from datetime import date

import pytest
from sqlalchemy import select

from crm.enums import Pillar
from crm.governance.models import ObjectiveLink, PlanObjective, RelationshipPlan
from crm.governance.plans import rules
from crm.governance.plans.rules import ProgressState, objective_progress
from crm.partnerships.models import Partnership

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
    # a one-year plan with "1 every 2 years" still owes one once it has ended
    short_plan = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31)}
    assert progress(target=1, per_years=2, today=date(2027, 1, 5), **short_plan).state == ProgressState.BEHIND
    assert progress(target=1, per_years=2, today=date(2026, 6, 1), **short_plan).state == ProgressState.ON_TRACK


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


# --- pages --------------------------------------------------------------------------------------------------

def plan_data(**overrides):
    return {"title": "Plan 2026–2030", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
            "summary": "Youth and water", **overrides}


def test_staff_make_a_plan_with_objectives_and_tie_engagements(client, login, make, session):
    owner = login("coordinator")
    partnership = make.partnership()
    response = client.post(f"/partnerships/{partnership.id}/plans/new", data=plan_data())
    assert response.status_code == 302
    plan = session.query(RelationshipPlan).one()
    assert (plan.partnership_id, plan.starts_on, plan.ends_on) == (partnership.id, date(2026, 1, 1),
                                                                   date(2030, 12, 31))
    response = client.post(f"/plans/{plan.id}/objectives", data={
        "pillar": "education", "description": "2 student exchanges a year", "target_count": "2", "per_years": "1",
        "owner_id": str(owner.id), "position": "1"})
    assert response.status_code == 302
    client.post(f"/plans/{plan.id}/objectives", data={
        "pillar": "government", "description": "A joint project in water management", "target_count": "1",
        "per_years": "0", "owner_id": "0", "position": "2"})
    first, second = session.query(PlanObjective).order_by(PlanObjective.position).all()
    assert (first.per_years, first.owner_id, second.per_years, second.owner_id) == (1, owner.id, None, None)
    exchange = make.engagement(partnership, title="Student exchange spring", occurred_on=date(2026, 4, 1))
    page = client.get(f"/plans/objectives/{first.id}").text
    assert "Student exchange spring" in page
    assert client.post(f"/plans/objectives/{first.id}/ties", data={"engagement_id": str(exchange.id),
                                                                    "outcome_id": "0"}).status_code == 302
    assert session.query(ObjectiveLink).one().engagement_id == exchange.id
    detail = client.get(f"/plans/{plan.id}").text
    assert "1 of 1 expected by now (10 by December 31, 2030)." in detail
    assert "2 of 2 objectives on track" in detail
    section = client.get(f"/partnerships/{partnership.id}?section=governance").text
    assert "Plan 2026–2030" in section and "2 student exchanges a year" in section and owner.name in section
    # untie, then delete the objective and the plan
    link = session.query(ObjectiveLink).one()
    assert client.post(f"/plans/ties/{link.id}/delete").status_code == 302
    assert session.query(ObjectiveLink).count() == 0
    assert client.post(f"/plans/objectives/{second.id}/delete").status_code == 302
    assert client.post(f"/plans/{plan.id}/delete").status_code == 302
    assert session.query(RelationshipPlan).count() == session.query(PlanObjective).count() == 0


def test_overlapping_plans_are_refused_with_a_clear_message(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    make_plan(make, session, partnership)
    response = client.post(f"/partnerships/{partnership.id}/plans/new",
                           data=plan_data(title="Second", starts_on="2030-06-01", ends_on="2034-12-31"))
    assert response.status_code == 200
    assert "overlaps the plan “Plan 2026–2030”" in response.text and "one plan at a time" in response.text
    assert "Second" in response.text  # what was typed is kept
    assert session.query(RelationshipPlan).count() == 1
    assert client.post(f"/partnerships/{partnership.id}/plans/new",
                       data=plan_data(title="Next", starts_on="2031-01-01", ends_on="2035-12-31")).status_code == 302
    # another partnership's plan is no obstacle, and editing a plan does not collide with itself
    assert client.post(f"/partnerships/{make.partnership().id}/plans/new", data=plan_data()).status_code == 302
    plan = session.query(RelationshipPlan).filter_by(partnership_id=partnership.id, title="Plan 2026–2030").one()
    assert client.post(f"/plans/{plan.id}/edit", data=plan_data(version=plan.version,
                                                                ends_on="2029-12-31")).status_code == 302


def test_a_bad_objective_keeps_what_was_typed(client, login, make, session):
    login("coordinator")
    plan = make_plan(make, session, make.partnership())
    response = client.post(f"/plans/{plan.id}/objectives", data={
        "pillar": "education", "description": "Three choirs", "target_count": "0", "per_years": "1"})
    assert response.status_code == 422
    assert "Three choirs" in response.text


def test_a_record_of_another_partnership_cannot_be_tied(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    plan = make_plan(make, session, partnership)
    elsewhere = make.engagement(make.partnership(), title="Elsewhere")
    response = client.post(f"/plans/objectives/{plan.objectives[0].id}/ties",
                           data={"engagement_id": str(elsewhere.id), "outcome_id": "0"})
    assert response.status_code == 422
    assert session.query(ObjectiveLink).count() == 0


def test_guests_and_viewers(client, login, make, session):
    from crm.guests.models import GuestAccess

    partnership = make.partnership()
    plan = make_plan(make, session, partnership)
    guest = make.user("guest")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=make.contact(partnership)))
    session.commit()
    login(guest)
    for url in (f"/plans/{plan.id}", f"/plans/objectives/{plan.objectives[0].id}", "/plans/"):
        assert client.get(url).status_code == 404
    login("viewer")
    page = client.get(f"/plans/{plan.id}").text
    assert "2 student exchanges a year" in page and "Add an objective" not in page
    assert client.post(f"/plans/{plan.id}/objectives", data={}).status_code == 403


def test_portfolio_of_plans_reads_a_fixed_number_of_queries(app, client, login, make, session, count_queries):
    from crm.governance.plans import section

    login("viewer")
    counts = []
    for n in range(2):
        partnership = make.partnership()
        plan = make_plan(make, session, partnership, owner=make.user(), title=f"Plan {n}")
        tie(session, plan.objectives[0], make.engagement(partnership, occurred_on=date(2026, 2, 1)))
        with count_queries() as counted:
            page = client.get("/plans/").text
        counts.append(counted.count)
        with app.test_request_context(), count_queries() as counted:  # the plans' part of the section
            section.for_partnership(partnership, date(2026, 11, 25))
        counts.append(counted.count)
    assert "Plan 0" in page and "Plan 1" in page
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    behind = client.get("/plans/?state=behind").text
    assert "A joint project in water management" not in behind  # not past half yet: on track


def test_section_without_a_plan_invites_one(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    page = client.get(f"/partnerships/{partnership.id}?section=governance").text
    assert "No current plan." in page and f"/partnerships/{partnership.id}/plans/new" in page


def test_health_summary_portfolio_and_profile_show_the_plan(app, client, login, make, session):
    login("viewer")
    partnership = make.partnership()
    plan = make_plan(make, session, partnership, owner=make.user(name="Aiko Tanaka"))
    tie(session, plan.objectives[0], make.engagement(partnership, occurred_on=date(2026, 2, 1)))
    health = client.get(f"/partnerships/{partnership.id}?section=health").text
    assert "Plan 2026–2030: 2 of 2 objectives on track" in health and f"/plans/{plan.id}" in health
    portfolio = client.get("/portfolio").text
    assert "2 objectives on track" in portfolio and "0 objectives behind" in portfolio
    assert "/plans/?state=behind" in portfolio
    dashboard = client.get("/dashboard").text
    assert "2 objectives on track" in dashboard and "Across 1 current plan." in dashboard
    from crm.documents.profile import profile_html

    with app.test_request_context():
        html = profile_html(partnership, "en")
    assert "Relationship plan" in html and "2 student exchanges a year" in html and "Aiko Tanaka" in html
    assert "1 of 1 expected by now" in html


def test_the_demo_has_plans_on_thriving_partnerships_one_objective_behind(app, session):
    from crm.demo.seed import seed_demo
    from crm.extensions import db
    from crm.governance.plans.queries import current_plans

    today = date(2026, 11, 25)
    with app.app_context():
        seed_demo(today)
        db.session.commit()
        plans = current_plans([p.id for p in db.session.scalars(select(Partnership))], today)
        assert len(plans) == 3
        assert all(any(o.progress.done for o in p.objectives) for p in plans)
        states = [o.progress.state for p in plans for o in p.objectives]
        assert ProgressState.BEHIND in states and ProgressState.ON_TRACK in states
        suzhou = next(p for p in plans if p.plan.title.startswith("Trade"))
        assert any(link.outcome_id for o in suzhou.objectives for link in o.objective.links)


def test_a_program_page_counts_it_towards_an_objective(client, login, make, session):
    from crm.programs.projects.models import JointProject

    login("coordinator")
    partnership = make.partnership()
    plan = make_plan(make, session, partnership)
    project = JointProject(partnership=partnership, title="River restoration", theme="sustainability",
                           occurred_on=date(2026, 3, 1))
    session.add(project)
    session.commit()
    page = client.get(f"/projects/{project.id}").text
    assert "Counts towards objective…" in page and "A joint project in water management" in page
    water = plan.objectives[1]
    response = client.post(f"/plans/count/{project.id}", data={"objective_id": str(water.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/projects/{project.id}")
    assert session.query(ObjectiveLink).one().objective_id == water.id
    page = client.get(f"/projects/{project.id}").text
    assert "Counts towards:" in page
    # an objective of another partnership's plan is refused
    other = make_plan(make, session, make.partnership(), title="Other")
    client.post(f"/plans/count/{project.id}", data={"objective_id": str(other.objectives[0].id)})
    assert session.query(ObjectiveLink).count() == 1
    login("viewer")
    assert "Counts towards objective…" not in client.get(f"/projects/{project.id}").text


def test_plan_and_objective_pages_read_a_fixed_number_of_queries(client, login, make, session, count_queries):
    login("coordinator")
    partnership = make.partnership()
    plan = make_plan(make, session, partnership, owner=make.user())
    objective = plan.objectives[0]

    def measure():
        counts = []
        for url in (f"/plans/{plan.id}", f"/plans/objectives/{objective.id}"):
            with count_queries() as counted:
                assert client.get(url).status_code == 200
            counts.append(counted.count)
        return counts

    small = measure()
    for n in range(4):
        tie(session, objective, make.engagement(partnership, occurred_on=date(2026, 1 + n, 1)))
        extra = PlanObjective(plan_id=plan.id, pillar=Pillar.CULTURE, description=f"Festival {n}", target_count=1,
                              per_years=1, owner=make.user())
        session.add(extra)
        session.commit()
        tie(session, extra, make.engagement(partnership, occurred_on=date(2026, 5, 1)))
    assert measure() == small


def test_the_profile_prints_the_plan_in_arabic(app, make, session):
    from crm.documents.profile import profile_html

    partnership = make.partnership(partner=make.city("Cairo", native_name="القاهرة", country_code="EG"))
    make_plan(make, session, partnership)
    with app.test_request_context():
        html = profile_html(partnership, "ar")
    assert 'dir="rtl"' in html and "2 student exchanges a year" in html


def test_a_plan_asked_for_by_a_review_records_it(client, login, make, session):
    from crm.enums import ReviewReason
    from crm.governance.models import PartnershipReview

    login("coordinator")
    partnership, other = make.partnership(), make.partnership()
    review = PartnershipReview(partnership_id=partnership.id, reason=ReviewReason.CEREMONIAL, due_on=date(2026, 9, 1))
    foreign = PartnershipReview(partnership_id=other.id, reason=ReviewReason.CEREMONIAL, due_on=date(2026, 9, 1))
    session.add_all([review, foreign])
    session.commit()
    url = f"/partnerships/{partnership.id}/plans/new?review_id={review.id}"
    assert client.post(url, data=plan_data()).status_code == 302
    plan = session.query(RelationshipPlan).one()
    assert plan.review_id == review.id
    assert f"/reviews/{review.id}" in client.get(f"/plans/{plan.id}").text
    client.post(f"/partnerships/{partnership.id}/plans/new?review_id={foreign.id}",
                data=plan_data(starts_on="2031-01-01", ends_on="2031-12-31"))
    assert session.query(RelationshipPlan).filter_by(starts_on=date(2031, 1, 1)).one().review_id is None
