"""The forms of a review: the staff's assessment, and the deciding body's decision."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from crm.clock import office_today
from crm.enums import Recommendation
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, options, strip_filter
from crm.versioning import VersionField


class AssessmentForm(Form):
    version = VersionField()
    assessment = TextAreaField(_l("Assessment"), validators=[Optional(), Length(max=20000)], filters=[none_if_empty],
                               description=_l("What the evidence shows, and what the partnership is worth keeping for."))
    recommendation = SelectField(_l("Recommendation"),
                                 choices=enum_choices(Recommendation, blank=_l("Not yet recommended")),
                                 validators=[Optional()], filters=[none_if_empty])


class DecisionForm(Form):
    version = VersionField()
    decision = SelectField(_l("Decision"), choices=enum_choices(Recommendation, blank=_l("Choose the decision")),
                           validators=[InputRequired(_l("Choose the decision."))])
    decided_by_body = StringField(_l("Deciding body"), validators=[DataRequired(), Length(max=200)],
                                  filters=[strip_filter], description=_l("For example: City Council"))
    decided_on = DateField(_l("Decided on"), validators=[InputRequired(_l("Enter the date."))])
    resolution_ref = StringField(_l("Resolution reference"), validators=[Optional(), Length(max=100)],
                                 filters=[strip_filter, none_if_empty],
                                 description=_l("For example: Resolution 2026-114"))
    decision_notes = TextAreaField(
        _l("Notes on the decision"), validators=[Optional(), Length(max=10000)], filters=[none_if_empty],
        description=_l("When the partnership ends, these notes are kept as the reason it ended."))

    def validate_decision(self, field):
        if field.data and field.data not in set(Recommendation):
            raise ValidationError(_l("Choose the decision."))

    def validate_decided_on(self, field):
        if field.data and field.data > office_today():
            raise ValidationError(_l("A decision cannot be dated in the future."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # not an inline validator: Optional() stops the notes' chain when they are empty
        if self.decision.data == Recommendation.END and not self.decision_notes.data:
            self.decision_notes.errors = [*self.decision_notes.errors,
                                          _l("Say why the partnership ends: it is kept as its reason.")]
            return False
        return valid


class ReviewFilterForm(FilterForm):
    status = SelectField(_l("Status"), choices=options([("", _l("Open and decided")), ("open", pgettext("review status", "Open")),
                                                        ("decided", pgettext("review status", "Decided"))]), validators=[Optional()])
