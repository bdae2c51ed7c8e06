"""The agreement's forms, and the functions that build them with their choices."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from crm.agreements.models import Agreement, AgreementKind, AgreementStatus, AgreementText
from crm.agreements.queries import renewable_agreements
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, options, strip_filter
from crm.languages import document_language_choices
from crm.partnerships.choices import partnership_filter_choices
from crm.partnerships.models import Side
from crm.versioning import VersionField


class AgreementFilterForm(FilterForm):
    status = SelectField(_l("Status"), choices=enum_choices(AgreementStatus, blank=_l("Any status")),
                         validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=enum_choices(AgreementKind, blank=_l("Any kind")), validators=[Optional()])
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])
    expiring = SelectField(_l("Show"), choices=options([("", _l("All agreements")),
                                                        ("90", _l("Expiring within 90 days"))]),
                           validators=[Optional()])


def make_filter_form() -> AgreementFilterForm:
    form = AgreementFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


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


def make_form(partnership_id: int, agreement: Agreement | None = None) -> AgreementForm:
    """The create (agreement None) or edit form; it may renew one of the partnership's earlier agreements."""
    form = AgreementForm(obj=agreement)
    form.renews_id.choices = options([(0, _l("No earlier agreement"))] + [
        (row.id, row.title) for row in renewable_agreements(partnership_id, agreement.id if agreement else None)])
    if agreement is not None and not form.is_submitted():
        form.renews_id.data = agreement.renews_id or 0
    return form


def make_text_form(agreement: Agreement, text: AgreementText | None) -> TextForm:
    """The form of a new text (text None) or of one text: its language one the agreement has no text in yet."""
    form = TextForm(obj=text)
    taken = {t.language for t in agreement.texts if text is None or t.id != text.id}
    form.language.choices = options(choice for choice in document_language_choices() if choice[0] not in taken)
    return form
