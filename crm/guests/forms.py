from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from crm.auth.forms import NewPasswordMixin
from crm.cities.forms import timezone_choices
from crm.engagements.forms import EngagementForm
from crm.forms import Form, none_if_empty, options, strip_filter
from crm.i18n import LANGUAGES, language_name
from crm.versioning import VersionField


def language_choices():
    return options((code, language_name(code)) for code in LANGUAGES)


class AcceptNewForm(NewPasswordMixin, Form):
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Type it again"), validators=[DataRequired(), EqualTo("password",
                                                             message=_l("The two passwords are not the same."))])
    language = SelectField(_l("Language"))
    timezone = SelectField(_l("Time zone"))

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.email_for_policy = email
        self.language.choices = language_choices()
        self.timezone.choices = timezone_choices()[1:]


class AcceptExistingForm(Form):
    """For someone who already has a guest account (a second partnership)."""

    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)])


class GuestEngagementForm(Form):
    """What a partner-side guest logs: always shared, always started by the partner side.

    Its fields are the staff form's own, so both ask the same way."""

    kind = EngagementForm.kind
    occurred_on = EngagementForm.occurred_on
    title = EngagementForm.title
    notes = EngagementForm.notes
    substantive = EngagementForm.substantive


class ProfileForm(Form):
    #: "contact id:version …" of every contact record the guest is: a save over a staff edit is refused
    version = VersionField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    job_title = StringField(_l("Title or role"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)], filters=[none_if_empty])
    language = SelectField(_l("Language"))
    timezone = SelectField(_l("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.timezone.choices = timezone_choices()[1:]


class ChangePasswordForm(NewPasswordMixin, Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Type it again"), validators=[DataRequired(), EqualTo("password",
                                                             message=_l("The two passwords are not the same."))])


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)], filters=[strip_filter])


class InviteForm(Form):
    contact_id = SelectField(_l("Contact"), coerce=int)

