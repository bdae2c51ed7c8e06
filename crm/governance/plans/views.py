"""The pages of plans: a plan with its objectives and their progress, the forms for plans and objectives, an
objective's tied records, and the current plans across the portfolio."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from crm.access import EDITORS, STAFF, allow
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.engagements.models import Engagement
from crm.engagements.pages import program_url
from crm.extensions import db
from crm.forms import options
from crm.governance.models import PlanObjective, RelationshipPlan
from crm.governance.plans import operations, queries
from crm.governance.plans.forms import PlanForm, TieForm, make_objective_form
from crm.governance.plans.rules import ProgressState, describe_target, explain
from crm.partnerships.queries import get_in_scope_or_404, get_partnership_or_404, visible_partnership_ids
from crm.records import add_child, back_to, create_record, edit_record

bp = Blueprint("plans", __name__)

PLAN_FIELDS = ["title", "starts_on", "ends_on", "summary"]
OBJECTIVE_FIELDS = ["pillar", "description", "target_count", "per_years", "owner_id", "position"]


def governance_section(partnership_id: int) -> str:
    return url_for("partnerships.detail", partnership_id=partnership_id, section="governance", _anchor="plans")


def _objectives(plan_id: int) -> str:
    return url_for("plans.detail", plan_id=plan_id, _anchor="objectives")


def _period(plan: RelationshipPlan) -> str:
    return _("%(start)s – %(end)s", start=format_date(plan.starts_on, "long"), end=format_date(plan.ends_on, "long"))


# For every template that shows progress (the partnership page's section, the health summary, the PDF too).
bp.add_app_template_global(explain, "plan_explain")
bp.add_app_template_global(describe_target, "plan_target")
# The profile PDF's "Relationship plan" block reads it from its template: crm.documents stays free of governance,
# which builds on documents (letters, reports).
bp.add_app_template_global(queries.plan_progress, "current_plan_progress")


@bp.app_template_global()
def objectives_to_count(record) -> list:
    """For a program's page (layouts/program_detail.html): its partnership's current objectives, and whether
    the record counts towards each."""
    return queries.objectives_to_count(record.partnership_id, record.id, office_today())


@bp.route("/partnerships/<int:partnership_id>/plans/new", methods=["GET", "POST"])
@allow(EDITORS)
def new(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    # A review's "revitalise with a new plan" decision links here with its id: the plan records it.
    review_id = operations.review_of(partnership.id, request.args.get("review_id", type=int))
    form = PlanForm(other_periods=operations.other_periods(partnership.id))
    return create_record(
        form, lambda f: operations.apply_plan_form(
            RelationshipPlan(partnership_id=partnership.id, review_id=review_id), f),
        template="plans/form.html", done=lambda plan: _objectives(plan.id),
        saved=_("The plan was created. Add its objectives below."), partnership=partnership, plan=None)


def plan_page(plan: RelationshipPlan, objective_form=None, status: int = 200):
    today = office_today()
    progress = queries.progress_of([plan], today)[0]
    return render_template("plans/detail.html", plan=plan, partnership=plan.partnership, progress=progress,
                           period=_period(plan), today=today,
                           objective_form=objective_form or make_objective_form(formdata=None)), status


@bp.get("/plans/<int:plan_id>")
@allow(STAFF)
def detail(plan_id: int):
    return plan_page(queries.get_plan_or_404(plan_id))


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(plan_id: int):
    plan = queries.get_plan_or_404(plan_id)
    form = PlanForm(obj=plan, other_periods=operations.other_periods(plan.partnership_id, plan.id))
    return edit_record(plan, form, operations.apply_plan_form, compare=PLAN_FIELDS, template="plans/form.html",
                       done=url_for("plans.detail", plan_id=plan.id), partnership=plan.partnership, plan=plan)


@bp.route("/plans/<int:plan_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(plan_id: int):
    plan = queries.get_plan_or_404(plan_id)
    return confirm_then(
        lambda: operations.delete_plan(plan),
        title=_("Delete the plan “%(title)s”?", title=plan.title),
        message=_("Its objectives go with it; the engagements tied to them stay on the timeline."),
        cancel_url=url_for("plans.detail", plan_id=plan.id), done_url=governance_section(plan.partnership_id),
        done_message=_("The plan was deleted."))


@bp.post("/plans/<int:plan_id>/objectives")
@allow(EDITORS)
def add_objective(plan_id: int):
    plan = queries.get_plan_or_404(plan_id)
    return add_child(
        make_objective_form(), lambda form: operations.apply_objective_form(PlanObjective(plan=plan), form),
        done=_objectives(plan.id), saved=_("The objective was added."),
        not_saved=_("The objective was not saved. Please correct the marked fields."),
        page=lambda form: plan_page(plan, objective_form=form)[0])


@bp.route("/plans/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_objective(objective_id: int):
    objective = queries.get_objective_or_404(objective_id)
    return edit_record(objective, make_objective_form(objective), operations.apply_objective_form,
                       compare=OBJECTIVE_FIELDS, template="plans/objective_form.html",
                       done=_objectives(objective.plan_id), objective=objective, plan=objective.plan)


@bp.route("/plans/objectives/<int:objective_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_objective(objective_id: int):
    objective = queries.get_objective_or_404(objective_id)
    back = _objectives(objective.plan_id)
    return confirm_then(
        lambda: operations.delete_objective(objective),
        title=_("Delete the objective “%(objective)s”?", objective=objective.description),
        message=_("The engagements tied to it stay on the timeline."), cancel_url=back, done_url=back,
        done_message=_("The objective was deleted."))


def tie_form(objective: PlanObjective, formdata=None) -> TieForm:
    form = TieForm() if formdata is None else TieForm(formdata=formdata)
    partnership_id = objective.plan.partnership_id
    form.engagement_id.choices = options(
        [(0, _("No engagement"))] + [(e.id, _("%(date)s · %(kind)s · %(title)s", date=format_date(e.occurred_on, "medium"),
                                       kind=e.kind.label, title=e.title))
                            for e in queries.engagements_to_tie(partnership_id, objective.id)])
    form.outcome_id.choices = options(
        [(0, _("No outcome"))] + [(o.id, _("%(mission)s: %(outcome)s", mission=o.mission.title, outcome=o.description))
                            for o in queries.outcomes_to_tie(partnership_id, objective.id)])
    return form


def objective_page(objective: PlanObjective, form=None):
    plan = objective.plan
    today = office_today()
    links = queries.objective_links(objective.id)
    progress = queries.progress_of([plan], today)[0]
    mine = next(o.progress for o in progress.objectives if o.objective.id == objective.id)
    return render_template("plans/objective.html", objective=objective, plan=plan, partnership=plan.partnership,
                           links=links, progress=mine, record_date=queries.record_date, today=today,
                           period=_period(plan), tie_form=form or tie_form(objective, formdata=None))


@bp.get("/plans/objectives/<int:objective_id>")
@allow(STAFF)
def objective(objective_id: int):
    return objective_page(queries.get_objective_or_404(objective_id))


@bp.post("/plans/objectives/<int:objective_id>/ties")
@allow(EDITORS)
def tie(objective_id: int):
    objective = queries.get_objective_or_404(objective_id)
    return add_child(
        tie_form(objective, formdata=request.form), lambda form: operations.tie(objective, form),
        done=url_for("plans.objective", objective_id=objective.id, _anchor="tied"),
        saved=_("It now counts towards the objective."),
        not_saved=_("Nothing was tied. Choose an engagement or an outcome."),
        page=lambda form: objective_page(objective, form))


@bp.route("/plans/ties/<int:objective_link_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def untie(objective_link_id: int):
    link = queries.get_link_or_404(objective_link_id)
    back = url_for("plans.objective", objective_id=link.objective_id, _anchor="tied")
    return confirm_then(
        lambda: operations.untie(link), title=_("Stop counting it towards the objective?"),
        message=_("The record itself stays as it is."), cancel_url=back, done_url=back,
        done_message=_("It no longer counts towards the objective."), button=_("Stop counting it"))


@bp.post("/plans/count/<int:engagement_id>")
@allow(EDITORS)
def count_towards(engagement_id: int):
    """From a program's page: the engagement counts towards the chosen objective of its partnership's plan."""
    engagement = get_in_scope_or_404(Engagement, engagement_id)
    back = back_to(program_url(engagement.record_type, engagement.id)
                   or url_for("partnerships.detail", partnership_id=engagement.partnership_id))
    objective_id = request.form.get("objective_id", type=int)
    objective = queries.get_objective_or_404(objective_id) if objective_id and objective_id > 0 else None
    if objective is None or objective.plan.partnership_id != engagement.partnership_id:
        flash(_("Choose one of the plan’s objectives."), "error")
        return redirect(back)
    operations.count_engagement(objective, engagement.id)
    db.session.commit()
    flash(_("It now counts towards the objective “%(objective)s”.", objective=objective.description), "success")
    return redirect(back)


@bp.get("/plans/")
@allow(STAFF)
def index():
    """The current plans across the portfolio; ?state=behind (or on_track) lists those objectives only."""
    today = office_today()
    state = request.args.get("state")
    state = state if state in {"behind", "on_track"} else None
    plans = queries.current_plans(visible_partnership_ids(), today)
    return render_template("plans/index.html", plans=plans, state=state, today=today, ProgressState=ProgressState)
