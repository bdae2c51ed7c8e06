"""Changes to cities. They flush; the request commits."""
from flask_login import current_user

from crm.cities import native
from crm.cities.forms import CityForm
from crm.cities.models import City
from crm.extensions import db

#: fields the form sets through crm.cities.native (a changed own name is confirmed by whoever wrote it)
NATIVE_FIELDS = ("native_name", "native_name_lang")


def apply_form(city: City, form: CityForm) -> City:
    """Every field of the form onto the city (an empty time zone: not known). A native name or language
    changed here is a staff member's correction: theirs, and confirmed in their name."""
    for name, field in form._fields.items():
        if name not in ("csrf_token", "version", *NATIVE_FIELDS):  # the version is SQLAlchemy's to change
            field.populate_obj(city, name)
    city.timezone = form.timezone.data or None
    db.session.add(city)
    name, lang = form.native_name.data, form.native_name_lang.data or None
    if (name, lang) != (city.native_name, city.native_name_lang):
        native.correct(city, name, lang, current_user._get_current_object())
    db.session.flush()
    return city
