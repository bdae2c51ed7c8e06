from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from crm.auth.passwords import password_problems
from crm.forms import Form, strip_filter


class SignInForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip_filter])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip_filter])


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Type it again"), validators=[DataRequired(), EqualTo(
        "password", message=_l("The two passwords are not the same."))])

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email_for_policy = email

    def validate_password(self, field):
        problems = password_problems(field.data or "", self.email_for_policy)
        if problems:
            raise ValidationError(" ".join(str(problem) for problem in problems))
