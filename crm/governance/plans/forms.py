from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm.enums import Pillar
from crm.forms import Form, enum_choices, none_if_empty, options, strip_filter
from crm.governance.plans.rules import overlaps
from crm.partnerships.choices import liaison_choices
from crm.programs.missions.forms import DateRangeMixin
from crm.versioning import VersionField

#: "over the plan" in the objective's "every" select: the target is due by the plan's end
OVER_THE_PLAN = 0


class PlanForm(DateRangeMixin, Form):
    version = VersionField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter],
                        description=_l("For example: Relationship plan 2026–2030"))
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter the date."))])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter the date."))])
    summary = TextAreaField(_l("What the partnership is for"), validators=[Optional(), Length(max=20000)],
                            filters=[none_if_empty])

    def __init__(self, *args, other_periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        #: the periods of the partnership's other plans, as (title, starts_on, ends_on)
        self.other_periods = list(other_periods)

    def validate_ends_on(self, field):
        super().validate_ends_on(field)
        if field.data and self.starts_on.data:
            for title, starts_on, ends_on in self.other_periods:
                if overlaps(self.starts_on.data, field.data, [(starts_on, ends_on)]):
                    raise ValidationError(_(
                        "This period overlaps the plan “%(title)s” (%(start)s – %(end)s): a partnership has one "
                        "plan at a time. Change the dates, or edit that plan.", title=title,
                        start=format_date(starts_on, "medium"), end=format_date(ends_on, "medium")))


def per_years_choices():
    return options([(OVER_THE_PLAN, _l("over the whole plan")), (1, _l("every year")),
                    (2, _l("every 2 years")), (3, _l("every 3 years")), (4, _l("every 4 years")),
                    (5, _l("every 5 years"))])


class ObjectiveForm(Form):
    version = VersionField()
    pillar = SelectField(_l("Pillar"), choices=enum_choices(Pillar), validators=[InputRequired()])
    description = StringField(_l("Objective"), validators=[DataRequired(), Length(max=500)], filters=[strip_filter],
                              description=_l("For example: 2 student exchanges a year"))
    target_count = IntegerField(_l("Target"), default=1,
                                validators=[InputRequired(_l("Enter a whole number.")), NumberRange(min=1, max=1000)],
                                description=_l("How many tied engagements or outcomes"))
    per_years = SelectField(_l("Every"), coerce=int, choices=per_years_choices(), default=1,
                            validators=[InputRequired()])
    owner_id = SelectField(_l("Owner"), coerce=int, validators=[Optional()])
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)],
                            description=_l("Objectives are listed by this number."))


def make_objective_form(objective=None, formdata=None) -> ObjectiveForm:
    kwargs = {} if formdata is None else {"formdata": formdata}
    form = ObjectiveForm(obj=objective, **kwargs)
    form.owner_id.choices = liaison_choices(_l("No owner"))
    if objective is not None and not form.is_submitted():
        form.per_years.data = objective.per_years or OVER_THE_PLAN
        form.owner_id.data = objective.owner_id or 0
    return form


class TieForm(Form):
    """Ties one of the partnership's engagements, or one of its missions' outcomes, to an objective."""
    engagement_id = SelectField(_l("Engagement or program"), coerce=int, validators=[Optional()])
    outcome_id = SelectField(_l("Mission outcome"), coerce=int, validators=[Optional()])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not self.engagement_id.data and not self.outcome_id.data:
            self.engagement_id.errors.append(_l("Choose an engagement or an outcome."))
            return False
        return True
