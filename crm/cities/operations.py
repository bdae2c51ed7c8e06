"""Changes to cities. They flush; the request commits."""
from crm.cities.forms import CityForm
from crm.cities.models import City
from crm.extensions import db


def apply_form(city: City, form: CityForm) -> City:
    """Every field of the form onto the city (an empty time zone: not known)."""
    for name, field in form._fields.items():
        if name not in ("csrf_token", "version"):  # the version is SQLAlchemy's to change
            field.populate_obj(city, name)
    city.timezone = form.timezone.data or None
    db.session.add(city)
    db.session.flush()
    return city
