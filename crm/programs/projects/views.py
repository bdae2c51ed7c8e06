
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectField
from wtforms.validators import Optional

from crm.access import EDITORS, STAFF, allow
from crm.attachments.queries import attachments_for
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.exports import columns
from crm.exports.writers import export_response, stream
from crm.extensions import db
from crm.forms import enum_choices
from crm.money import from_minor
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices
from crm.partnerships.models import Partnership, Side
from crm.partnerships.queries import get_in_scope_or_404, get_partnership_or_404
from crm.programs.lists import ProgramFilterForm, scoped_program_list
from crm.programs.projects import operations
from crm.programs.projects.forms import MilestoneForm, ProjectForm
from crm.programs.projects.models import JointProject, Milestone, ProjectStatus, ProjectTheme
from crm.soft_delete import KEEP_DAYS
from crm.versioning import save_unless_conflict

bp = Blueprint("projects", __name__)


class ProjectFilterForm(ProgramFilterForm):
    theme = SelectField(_l("Theme"), choices=enum_choices(ProjectTheme, blank=_l("Any theme")),
                        validators=[Optional()])
    status = SelectField(_l("Status"), choices=enum_choices(ProjectStatus, blank=_l("Any status")),
                         validators=[Optional()])


def get_project_or_404(project_id: int) -> JointProject:
    return get_in_scope_or_404(
        JointProject, project_id,
        joinedload(JointProject.partnership).joinedload(Partnership.partner_city),
        joinedload(JointProject.partnership).joinedload(Partnership.home_city),
        selectinload(JointProject.milestones),
    )


def get_milestone_or_404(milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id) or abort(404)
    get_project_or_404(milestone.project_id)
    return milestone


def _filter_form() -> ProjectFilterForm:
    form = ProjectFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


def project_list(form: ProjectFilterForm) -> Select:
    """The projects the list shows with these filters, newest first (the page and its export)."""
    query = scoped_program_list(JointProject, form)
    if theme := form.value("theme"):
        query = query.where(JointProject.theme == theme)
    if status := form.value("status"):
        query = query.where(JointProject.status == status)
    return query.order_by(JointProject.occurred_on.desc(), JointProject.id.desc())


@bp.get("/projects/")
@allow(STAFF)
def index():
    form = _filter_form()
    return render_template("projects/index.html", form=form, page=paginate(project_list(form)))


@bp.get("/projects/export.csv", defaults={"fmt": "csv"})
@bp.get("/projects/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    return export_response(fmt, columns.PROJECTS, stream(project_list(_filter_form())),
                           title=_("Joint projects"), slug="joint-projects")


def _form(project: JointProject | None = None):
    form = ProjectForm(obj=project)
    if project is not None and not form.is_submitted() and project.budget_minor is not None:
        form.amount.data = from_minor(project.budget_minor, project.budget_currency)
        form.currency.data = project.budget_currency
    return form


@bp.route("/partnerships/<int:partnership_id>/projects/new", methods=["GET", "POST"])
@allow(EDITORS)
def create(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = _form()
    if form.validate_on_submit():
        project = JointProject(partnership_id=partnership.id, logged_by=current_user,
                               logged_by_side=Side.HOME if current_user.is_staff else Side.PARTNER)
        operations.apply_form(project, form)
        db.session.commit()
        flash(_("The joint project was created. Add its milestones next."), "success")
        return redirect(url_for(".detail", project_id=project.id))
    return render_template("projects/form.html", form=form, partnership=partnership, project=None)


@bp.get("/projects/<int:project_id>")
@allow(STAFF)
def detail(project_id: int, milestone_form=None):
    project = get_project_or_404(project_id)
    return render_template("projects/detail.html", project=project, partnership=project.partnership,
                           milestone_form=milestone_form or MilestoneForm(formdata=None), today=office_today(),
                           attachments=attachments_for(engagement_id=project.id))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(project_id: int):
    project = get_project_or_404(project_id)
    form = _form(project)
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, project, ["title", "theme", "status", "starts_on", "ends_on", "notes"],
                                        lambda: operations.apply_form(project, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", project_id=project.id))
    return render_template("projects/form.html", form=form, partnership=project.partnership, project=project,
                           conflict=conflict), 409 if conflict else 200


@bp.route("/projects/<int:project_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(project_id: int):
    project = get_project_or_404(project_id)
    return confirm_then(
        lambda: operations.delete_project(project, current_user),
        title=_("Delete the joint project “%(title)s”?", title=project.title),
        message=_("Its milestones, their timeline entries and its documents go with it. An administrator can "
                  "restore it within %(days)d days.", days=KEEP_DAYS),
        cancel_url=url_for(".detail", project_id=project.id),
        done_url=url_for("partnerships.detail", partnership_id=project.partnership_id),
        done_message=_("The joint project was deleted."))


@bp.post("/projects/<int:project_id>/milestones")
@allow(EDITORS)
def add_milestone(project_id: int):
    project = get_project_or_404(project_id)
    form = MilestoneForm()
    if form.validate_on_submit():
        operations.apply_milestone_form(Milestone(project=project), form, current_user)
        db.session.commit()
        flash(_("The milestone was added."), "success")
        return redirect(url_for(".detail", project_id=project.id, _anchor="milestones"))
    flash(_("The milestone was not saved. Please correct the marked fields."), "error")
    return detail(project.id, milestone_form=form), 422


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_milestone(milestone_id: int):
    milestone = get_milestone_or_404(milestone_id)
    form = MilestoneForm(obj=milestone)
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, milestone, ["title", "due_on", "done_on"],
                                        lambda: operations.apply_milestone_form(milestone, form, current_user))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", project_id=milestone.project_id, _anchor="milestones"))
    return render_template("projects/milestone_form.html", form=form, milestone=milestone,
                           project=milestone.project, conflict=conflict), 409 if conflict else 200


@bp.route("/milestones/<int:milestone_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_milestone(milestone_id: int):
    milestone = get_milestone_or_404(milestone_id)
    back = url_for(".detail", project_id=milestone.project_id, _anchor="milestones")
    return confirm_then(
        lambda: operations.delete_milestone(milestone),
        title=_("Delete the milestone “%(title)s”?", title=milestone.title),
        message=_("If it was reached, its entry on the timeline is removed too."), cancel_url=back, done_url=back,
        done_message=_("The milestone was deleted."))
