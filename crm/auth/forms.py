from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from crm.auth.addresses import normalise_email
from crm.auth.passwords import password_problems
from crm.forms import Form, strip_filter


class NewPasswordMixin:
    """A new password, typed twice, that passes the policy; email= is the account's address, which the
    password may not be."""

    email_for_policy = ""

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email_for_policy = email

    def validate_password(self, field):
        problems = password_problems(field.data or "", self.email_for_policy)
        if problems:
            raise ValidationError(" ".join(str(problem) for problem in problems))


class SignInForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[normalise_email])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[normalise_email])


class ResetPasswordForm(NewPasswordMixin, Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Type it again"), validators=[DataRequired(), EqualTo(
        "password", message=_l("The two passwords are not the same."))])


def _code_field(label, description):
    return StringField(label, description=description, validators=[DataRequired(), Length(max=64)],
                       filters=[strip_filter], render_kw={"autocomplete": "one-time-code", "autocapitalize": "off",
                                                          "spellcheck": "false"})


class TwoFactorCodeForm(Form):
    code = _code_field(_l("Code"), _l("The 6-digit code your authenticator app shows now, or one of your "
                                      "recovery codes."))


class TwoFactorEnrolForm(Form):
    code = _code_field(_l("Code from the app"), _l("The 6-digit code the app shows for this account now."))


class MailedCodeForm(Form):
    code = _code_field(_l("Code from the e-mail"), _l("The 8-digit code we have just e-mailed to you."))


class TwoFactorTurnOnForm(TwoFactorEnrolForm):
    """Turning two-factor sign-in on from the security page: the password first, so a session left open on
    someone else's screen cannot tie the account to their authenticator."""
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)])


class TwoFactorDisableForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)])
    code = _code_field(_l("Code"), _l("The 6-digit code your authenticator app shows now, or one of your "
                                      "recovery codes."))


class PasswordCheckForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)])
