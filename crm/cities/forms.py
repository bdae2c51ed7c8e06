import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import FloatField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from crm.cities.gazetteer import native_languages
from crm.forms import Form, none_if_empty, options, strip_filter
from crm.languages import language_label
from crm.localtime import time_zones
from crm.versioning import VersionField


def wikidata_item(value):
    """"Q6106" from what staff paste: the id, or the item's address (https://www.wikidata.org/wiki/Q6106)."""
    text = (value or "").strip()
    if not text:
        return None
    found = re.search(r"(Q[1-9]\d*)/?$", text, re.IGNORECASE)
    return found.group(1).upper() if found else text


def timezone_choices():
    return options([("", _l("Not known"))] + [(name, name) for name in sorted(time_zones())])


def native_language_choices(current: str | None = None):
    """The languages cities' own names are written in (BCP 47 tags: he, bn, zh-Hans…), by name."""
    codes = set(native_languages()) | ({current} if current else set())
    named = sorted(((code, language_label(code.replace("-", "_"))) for code in codes), key=lambda c: c[1].casefold())
    return options([("", _l("Not known"))] + named)


class CityForm(Form):
    version = VersionField()
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    native_name = StringField(_l("Name in its own script"), validators=[Optional(), Length(max=200)],
                              filters=[none_if_empty],
                              description=_l("As the city writes it. Changing it here confirms it in your name."))
    native_name_lang = SelectField(_l("Language of that name"), validators=[Optional()])
    country_code = SelectField(_l("Country"), validators=[DataRequired()])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    population = IntegerField(_l("Population"), validators=[Optional(), NumberRange(min=0, max=100_000_000)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(min=-180, max=180)])
    timezone = SelectField(_l("Time zone"), validators=[Optional()])
    wikidata_id = StringField(_l("Wikidata item"), validators=[Optional(), Regexp(
        r"^Q[1-9]\d{0,14}$", message=_l("Write the item's id, such as Q6106, or paste its address."))],
        filters=[wikidata_item], description=_l("Such as Q6106. The Wikidata comparison fills it in for cities "
                                                "it matches by their GeoNames id."))

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = options([("", _l("Choose a country"))] + list(countries))
        self.timezone.choices = timezone_choices()
        self.native_name_lang.choices = native_language_choices(self.native_name_lang.object_data)


class ConfirmNativeNameForm(Form):
    """The confirm button: the name confirmed is sent along, so that a name changed meanwhile is not
    confirmed unseen."""
    native_name = StringField(validators=[Optional(), Length(max=200)])


class EmblemForm(Form):
    emblem = FileField(_l("Emblem (PNG or JPEG image)"), validators=[FileRequired(_l("Choose a file to upload."))])
