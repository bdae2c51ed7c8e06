from sqlalchemy import select

from crm.cities.models import City
from crm.clock import OFFICE_TIMEZONE
from crm.extensions import db
from crm.settings.models import SETTINGS_ROW, HomeCity, OfficeSettings


def init_app(app) -> None:
    """Register the reader of the office's time zone that crm.clock calls."""
    app.extensions[OFFICE_TIMEZONE] = office_timezone


def office_settings() -> OfficeSettings:
    """The settings row, created with defaults the first time it is asked for."""
    settings = db.session.get(OfficeSettings, SETTINGS_ROW)
    if settings is None:
        settings = OfficeSettings(id=SETTINGS_ROW)
        db.session.add(settings)
        db.session.flush()
    return settings


def stored_office_settings() -> OfficeSettings | None:
    """The settings row if it was ever saved, else None: for readers, since a read must never write
    (creating the row on a GET made every API read an INSERT, and concurrent reads wait on each other)."""
    return db.session.get(OfficeSettings, SETTINGS_ROW)


#: beyond this many home cities (an association), pickers list only the chosen one and filters take a name
MANY_HOME_CITIES = 100


def home_city_rows() -> list:
    """Every home city as a light row (id, name, native_name, latitude, longitude), by name:
    enough for pickers and the map, and cheap for an association's thousands."""
    return db.session.execute(
        select(City.id, City.name, City.native_name, City.latitude, City.longitude)
        .join(HomeCity, HomeCity.city_id == City.id).order_by(City.name)).all()


def home_city_names() -> list[tuple[int, str]]:
    """(id, English name) of every home city, by name."""
    return [(row.id, row.name) for row in home_city_rows()]


def add_home_city(city: City, make_default: bool = False) -> HomeCity:
    home = db.session.get(HomeCity, city.id) if city.id else None
    if home is None:
        home = HomeCity(city=city)
        db.session.add(home)
        db.session.flush()
    settings = office_settings()
    if make_default or settings.default_home_city_id is None:
        settings.default_home_city_id = home.city_id
    return home


def office_timezone() -> str:
    """The office's time zone: its default home city's, else the configured default."""
    from flask import current_app

    settings = stored_office_settings()
    home = settings.default_home_city if settings is not None else None
    if home is not None and home.city.timezone:
        return home.city.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


