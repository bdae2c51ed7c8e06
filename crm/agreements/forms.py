from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from crm.agreements.models import AgreementKind, AgreementStatus
from crm.forms import Form, enum_choices, none_if_empty, strip_filter
from crm.partnerships.models import Side
from crm.versioning import VersionField


class AgreementForm(Form):
    version = VersionField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter])
    kind = SelectField(_l("Kind"), choices=enum_choices(AgreementKind), validators=[InputRequired()])
    renews_id = SelectField(_l("Renews"), coerce=int, validators=[Optional()],
                            description=_l("The earlier agreement this one renews, if any."))
    signed_at = StringField(_l("Place of signing"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    effective_from = DateField(_l("Effective from"), validators=[Optional()])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    notes = TextAreaField(_l("Staff notes"), validators=[Optional(), Length(max=10000)], filters=[none_if_empty])

    def validate_expires_on(self, field):
        if field.data and self.effective_from.data and field.data < self.effective_from.data:
            raise ValidationError(_l("The expiry date cannot be before the effective date."))


class MoveForm(Form):
    """A lifecycle move; signing also asks when and where."""

    target = SelectField(_l("New status"), choices=enum_choices(AgreementStatus), validators=[InputRequired()])
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    signed_at = StringField(_l("Place of signing"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])

    def validate(self, extra_validators=None):
        # Not an inline validator: Optional() on signed_on would stop it from running.
        valid = super().validate(extra_validators)
        if self.target.data == AgreementStatus.SIGNED.value and self.signed_on.data is None \
                and not self.signed_on.errors:
            self.signed_on.errors = [*self.signed_on.errors, _l("Enter the date of signing.")]
            return False
        return valid


class TextForm(Form):
    version = VersionField()
    language = SelectField(_l("Language"), validators=[InputRequired()])
    title = StringField(_l("Title in this language"), validators=[Optional(), Length(max=300)],
                        filters=[none_if_empty])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=200_000)])


class SignatoryForm(Form):
    side = SelectField(_l("Side"), choices=enum_choices(Side), validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    title = StringField(_l("Title or office"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    city = StringField(_l("City"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
