"""Reading the home cities for the settings page."""
from flask import abort
from sqlalchemy import select

from crm.cities.models import City
from crm.extensions import db
from crm.settings.models import HomeCity


def cities_by_id(city_ids: list[int]) -> dict[int, City]:
    """These cities, by id (one query)."""
    return {city.id: city for city in db.session.scalars(select(City).where(City.id.in_(city_ids)))}


def home_city_thresholds(city_ids: list[int]) -> list:
    """(city_id, threshold_months, version) of these home cities (one query)."""
    return db.session.execute(select(HomeCity.city_id, HomeCity.threshold_months, HomeCity.version)
                              .where(HomeCity.city_id.in_(city_ids))).all()


def get_home_city_or_404(city_id: int) -> HomeCity:
    """The home city, else 404."""
    return db.session.get(HomeCity, city_id) or abort(404)
