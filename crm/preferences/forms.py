"""The preferences form: the language pages are written in and the time zone times are shown in."""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from crm.cities.forms import timezone_choices
from crm.forms import Form, options
from crm.i18n import LANGUAGES, language_name


class PreferencesForm(Form):
    language = SelectField(_l("Language"))
    timezone = SelectField(_l("Time zone"), description=_l(
        "Every time the application shows you is in this zone, and says so."))

    def __init__(self, *args, office_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options((code, language_name(code)) for code in LANGUAGES)
        # Blank: the office's zone, named, so the choice says what it means.
        self.timezone.choices = options([("", _l("The office's time zone (%(zone)s)", zone=office_zone))]
                                        + timezone_choices()[1:])
        if not self.language.data:  # never chosen: the language the pages are in now
            self.language.data = str(get_locale().language)
