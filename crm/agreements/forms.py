"""The agreement's forms, and the functions that build them with their choices."""
from collections import Counter

from babel.languages import get_official_languages
from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from crm.agreements.models import Agreement, AgreementKind, AgreementStatus, AgreementText
from crm.agreements.queries import renewable_agreements
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, options, strip_filter
from crm.languages import DOCUMENT_LANGUAGES, document_language_choices
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
    """One text of the agreement. Its title and place of signing are printed in its own language: the PDF's
    heading is this title, not the agreement's internal one."""

    version = VersionField()
    language = SelectField(_l("Language"), validators=[InputRequired()])
    title = StringField(_l("Title in this language"), validators=[Optional(), Length(max=300)],
                        filters=[none_if_empty], render_kw={"dir": "auto"},
                        description=_l("The heading printed above this text, written in its language, "
                                       "e.g. “Sister City Agreement” or “姉妹都市提携協定”. Empty: the "
                                       "agreement's title."))
    signed_place = StringField(_l("Place of signing in this language"),
                               validators=[Optional(), Length(max=200)], filters=[none_if_empty],
                               render_kw={"dir": "auto"},
                               description=_l("Printed in this text's closing line, e.g. “京都” in the "
                                              "Japanese text. Empty: the agreement's place of signing."))
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=200_000)], render_kw={"dir": "auto"},
                         description=_l("Leave a blank line between paragraphs. Start each article on a line "
                                        "of its own with its number and heading, e.g. “Article 1. Purpose”; "
                                        "it is printed as a heading."))


class SignatoryForm(Form):
    side = SelectField(_l("Side"), choices=enum_choices(Side), validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    title = StringField(_l("Title or office"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    city = StringField(_l("City"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])


def make_form(partnership_id: int, agreement: Agreement | None = None) -> AgreementForm:
    """The create (agreement None) or edit form; it may renew one of the partnership's earlier agreements."""
    form = AgreementForm(obj=agreement)
    rows = renewable_agreements(partnership_id, agreement.id if agreement else None)
    form.renews_id.choices = options([(0, _l("No earlier agreement"))] + _renewable_labels(rows))
    if agreement is not None and not form.is_submitted():
        form.renews_id.data = agreement.renews_id or 0
    return form


def _renewable_labels(rows) -> list[tuple[int, str]]:
    """(id, label) of the agreements a new one can renew; a title that several share gets its date beside it,
    so "Friendship agreement" signed in 2009 and in 2019 can be told apart."""
    shared = {title for title, count in Counter(row.title for row in rows).items() if count > 1}
    labels = []
    for row in rows:
        if row.title not in shared:
            labels.append((row.id, row.title))
        elif row.signed_on is not None:
            labels.append((row.id, _("%(title)s (signed %(date)s)", title=row.title, date=format_date(row.signed_on))))
        elif row.effective_from is not None:
            labels.append((row.id, _("%(title)s (from %(date)s)", title=row.title,
                                     date=format_date(row.effective_from))))
        else:
            labels.append((row.id, _("%(title)s (no. %(number)d)", title=row.title, number=row.id)))
    return labels


def country_language(country_code: str | None) -> str | None:
    """The main language of a country among the document languages: JP → ja, CN → zh_Hans, TW → zh_Hant."""
    if not country_code:
        return None
    for code in get_official_languages(country_code.upper(), de_facto=True):
        code = {"zh": "zh_Hans", "nb": "no"}.get(code, code)
        if code in DOCUMENT_LANGUAGES:
            return code
    return None


def default_text_language(agreement: Agreement, free: set[str]) -> str | None:
    """The language a new text is most likely in: the partner's, else the office's (its home city's, else
    the office's interface language), whichever has no text yet."""
    partnership = agreement.partnership
    office_default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    for code in (country_language(partnership.partner_city.country_code),
                 country_language(partnership.home_city.country_code), office_default.split("_")[0]):
        if code in free:
            return code
    return None


def make_text_form(agreement: Agreement, text: AgreementText | None) -> TextForm:
    """The form of a new text (text None) or of one text: its language one the agreement has no text in yet.

    A new text starts in the partner's language (else the office's), not the first of the list."""
    form = TextForm(obj=text)
    taken = {t.language for t in agreement.texts if text is None or t.id != text.id}
    form.language.choices = options(choice for choice in document_language_choices() if choice[0] not in taken)
    if text is None and not form.is_submitted():
        form.language.data = default_text_language(agreement, {choice.value for choice in form.language.choices})
    return form
