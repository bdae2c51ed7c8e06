"""A joint project's page: the milestone form, blank unless one comes back invalid from its POST."""
from crm.programs.projects.forms import MilestoneForm
from crm.programs.projects.models import JointProject


def project_page(project: JointProject, milestone_form=None) -> dict:
    return dict(milestone_form=milestone_form or MilestoneForm(formdata=None))
