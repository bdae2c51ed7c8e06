
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm.clock import office_today
from crm.engagements.forms import CostMixin
from crm.engagements.models import Visibility
from crm.forms import Form, enum_choices, none_if_empty, strip_filter
from crm.money import from_minor
from crm.programs.lists import ProgramFilterForm
from crm.programs.missions.forms import DateRangeMixin, MoneyMixin, currency_field
from crm.programs.projects.models import ProjectStatus, ProjectTheme
from crm.versioning import VersionField


class ProjectForm(DateRangeMixin, MoneyMixin, CostMixin, Form):
    version = VersionField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter])
    theme = SelectField(_l("Theme"), choices=enum_choices(ProjectTheme), validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=enum_choices(ProjectStatus), validators=[InputRequired()])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter the date."))])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    amount = DecimalField(_l("Budget"), places=None, validators=[Optional(), NumberRange(min=0, max=10**13)])
    currency = currency_field(_l("Currency"))
    visibility = RadioField(_l("Visible to"), choices=enum_choices(Visibility), default=Visibility.STAFF_ONLY.value,
                            validators=[InputRequired()])
    notes = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)], filters=[none_if_empty])


class MilestoneForm(Form):
    version = VersionField()
    title = StringField(_l("Milestone"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter])
    due_on = DateField(_l("Due on"), validators=[InputRequired(_l("Enter the date."))])
    done_on = DateField(_l("Reached on"), validators=[Optional()],
                        description=_l("Fill in when the milestone is reached; it then appears on the timeline."))

    def validate_done_on(self, field):
        if field.data and field.data > office_today():
            raise ValidationError(_l("A milestone cannot be reached in the future."))


class ProjectFilterForm(ProgramFilterForm):
    theme = SelectField(_l("Theme"), choices=enum_choices(ProjectTheme, blank=_l("Any theme")),
                        validators=[Optional()])
    status = SelectField(_l("Status"), choices=enum_choices(ProjectStatus, blank=_l("Any status")),
                         validators=[Optional()])


def make_form(partnership_id: int, project=None) -> ProjectForm:
    form = ProjectForm(obj=project)
    if project is not None and not form.is_submitted() and project.budget_minor is not None:
        form.amount.data = from_minor(project.budget_minor, project.budget_currency)
        form.currency.data = project.budget_currency
    return form
