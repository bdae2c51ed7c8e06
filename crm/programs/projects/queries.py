from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404
from crm.programs.projects.models import JointProject, Milestone

#: what a project's page shows, beyond its partnership and cities
PROJECT_LOADS = (selectinload(JointProject.milestones),)


def get_project_or_404(project_id: int) -> JointProject:
    return get_in_scope_or_404(
        JointProject, project_id,
        joinedload(JointProject.partnership).joinedload(Partnership.partner_city),
        joinedload(JointProject.partnership).joinedload(Partnership.home_city), *PROJECT_LOADS)


def get_milestone_or_404(milestone_id: int) -> Milestone:
    """A milestone, if the reader may see its project."""
    milestone = db.session.get(Milestone, milestone_id) or abort(404)
    get_project_or_404(milestone.project_id)
    return milestone
