"""The pages of joint projects: the skeleton's, and those of their milestones."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import EDITORS, allow
from crm.confirm import confirm_then
from crm.programs.projects import operations
from crm.programs.projects.forms import MilestoneForm
from crm.programs.projects.models import Milestone
from crm.programs.projects.queries import get_milestone_or_404, get_project_or_404
from crm.programs.registry import PROJECTS
from crm.programs.skeleton import detail_page, program_blueprint
from crm.records import add_child, edit_record

bp = program_blueprint(PROJECTS)


def _milestones(project_id: int) -> str:
    return url_for(".detail", project_id=project_id, _anchor="milestones")


@bp.post("/projects/<int:project_id>/milestones")
@allow(EDITORS)
def add_milestone(project_id: int):
    project = get_project_or_404(project_id)
    return add_child(
        MilestoneForm(), lambda form: operations.apply_milestone_form(Milestone(project=project), form, current_user),
        done=_milestones(project.id), saved=_("The milestone was added."),
        not_saved=_("The milestone was not saved. Please correct the marked fields."),
        page=lambda form: detail_page(PROJECTS, project, milestone_form=form))


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_milestone(milestone_id: int):
    milestone = get_milestone_or_404(milestone_id)
    return edit_record(milestone, MilestoneForm(obj=milestone),
                       lambda record, form: operations.apply_milestone_form(record, form, current_user),
                       compare=["title", "due_on", "done_on"], template="projects/milestone_form.html",
                       done=_milestones(milestone.project_id), milestone=milestone, project=milestone.project)


@bp.route("/milestones/<int:milestone_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_milestone(milestone_id: int):
    milestone = get_milestone_or_404(milestone_id)
    back = _milestones(milestone.project_id)
    return confirm_then(
        lambda: operations.delete_milestone(milestone),
        title=_("Delete the milestone “%(title)s”?", title=milestone.title),
        message=_("If it was reached, its entry on the timeline is removed too."), cancel_url=back, done_url=back,
        done_message=_("The milestone was deleted."))
