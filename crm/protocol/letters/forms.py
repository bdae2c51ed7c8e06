"""The choices a letter is printed with: its language and signatory (and, for a visa letter, whether the
passport number goes in); a thank-you letter's edited text."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.forms import Form, none_if_empty, options, strip_filter
from crm.i18n import LANGUAGES, language_name

#: the longest thank-you letter a user may type (about four pages)
MAX_LETTER = 10_000


def language_choices(blank):
    """The interface's seven languages, each named in itself (日本語, العربية), after the blank choice."""
    return options([("", blank)] + [(code, language_name(code)) for code in LANGUAGES])


class SignatoryMixin:
    signatory_name = StringField(_l("Signed by"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    signatory_title = StringField(_l("Signatory's title"), validators=[Optional(), Length(max=200)],
                                  filters=[none_if_empty],
                                  description=_l("For example: Director, Office of International Affairs."))

    def fill_signatory(self, formdata) -> None:
        """The office's head is not recorded anywhere: the letter is signed by whoever prints it, unless they
        typed someone else (or cleared the name) on the form."""
        if formdata is None or "signatory_name" not in formdata:
            self.signatory_name.data = getattr(current_user, "name", None)


class VisaLetterForm(SignatoryMixin, Form):
    """Sent with GET to the letter's PDF: no CSRF token, and nothing is changed."""

    class Meta:
        csrf = False

    lang = SelectField(_l("Language of the letter"), validators=[Optional()])
    passport = BooleanField(_l("Print the passport number"),
                            description=_l("Only users with protocol access see and print passport numbers."))

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.lang.choices = language_choices(_l("Each participant's own language"))
        self.fill_signatory(formdata)


class ThanksOptionsForm(SignatoryMixin, Form):
    """The thank-you page's GET form: which language the drafts are in and who signs them."""

    class Meta:
        csrf = False

    lang = SelectField(_l("Language of the letters"), validators=[Optional()])

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.lang.choices = language_choices(_l("Each one's own language"))
        self.fill_signatory(formdata)


class ThanksForm(Form):
    """Posted to a thank-you letter's PDF: the text as the user edited it, with the page's language and
    signatory (hidden copies of the options above it)."""
    body = TextAreaField(_l("Text of the letter"), validators=[DataRequired(_l("Write the letter, or reload the page for the "
                                                                   "draft.")), Length(max=MAX_LETTER)],
                         filters=[strip_filter], render_kw={"rows": 12, "dir": "auto"})
    lang = SelectField(_l("Language of the letter"), validators=[Optional()])
    signatory_name = SignatoryMixin.signatory_name
    signatory_title = SignatoryMixin.signatory_title

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = language_choices(_l("The recipient's language"))
