"""Changes to joint projects and their milestones. They flush; the request commits."""
from datetime import date

from crm.auth.models import User
from crm.engagements.forms import apply_cost
from crm.engagements.models import Engagement, EngagementKind, Pillar
from crm.extensions import db
from crm.forms import fill
from crm.partnerships.models import Side
from crm.programs.projects.forms import MilestoneForm, ProjectForm
from crm.programs.projects.models import JointProject, Milestone, ProjectTheme

PILLAR_OF_THEME = {
    ProjectTheme.SUSTAINABILITY: Pillar.GOVERNMENT, ProjectTheme.TECHNOLOGY: Pillar.BUSINESS,
    ProjectTheme.GOVERNANCE: Pillar.GOVERNMENT, ProjectTheme.INFRASTRUCTURE: Pillar.CONNECTIVITY,
    ProjectTheme.HEALTH: Pillar.GOVERNMENT, ProjectTheme.CULTURE: Pillar.CULTURE, ProjectTheme.ECONOMY: Pillar.BUSINESS,
}


def apply_form(project: JointProject, form: ProjectForm) -> JointProject:
    fill(project, form, "title", "theme", "status", "starts_on", "ends_on", "visibility", "notes")
    project.budget_minor = form.amount_minor
    project.budget_currency = form.currency.data or None
    apply_cost(project, form)
    project.substantive = True
    project.pillar = PILLAR_OF_THEME[ProjectTheme(form.theme.data)]
    db.session.add(project)
    db.session.flush()
    for milestone in project.milestones:  # keep reached milestones' timeline entries in step
        sync_milestone_engagement(milestone, None)
    return project


def apply_milestone_form(milestone: Milestone, form: MilestoneForm, user: User | None) -> Milestone:
    milestone.title = form.title.data
    milestone.due_on = form.due_on.data
    milestone.done_on = form.done_on.data
    db.session.add(milestone)
    db.session.flush()
    sync_milestone_engagement(milestone, user)
    return milestone


def sync_milestone_engagement(milestone: Milestone, user: User | None) -> None:
    """A reached milestone has exactly one substantive timeline entry; an open one has none."""
    project = milestone.project
    if milestone.done_on is None:
        if milestone.engagement is not None:
            db.session.delete(milestone.engagement)
            milestone.engagement = None
    else:
        entry = milestone.engagement or Engagement(
            partnership_id=project.partnership_id, kind=EngagementKind.MILESTONE, logged_by=user,
            logged_by_side=Side.HOME if user is None or user.is_staff else Side.PARTNER)
        entry.occurred_on = milestone.done_on
        entry.title = milestone.title
        entry.substantive = True
        entry.visibility = project.visibility
        entry.pillar = project.pillar
        entry.initiated_by = Side.HOME
        milestone.engagement = entry
    db.session.flush()


def delete_milestone(milestone: Milestone) -> None:
    if milestone.engagement is not None:
        db.session.delete(milestone.engagement)
    db.session.delete(milestone)
    db.session.flush()


def is_overdue(milestone: Milestone, today: date) -> bool:
    return milestone.done_on is None and milestone.due_on < today
