"""Loading cities for their pages."""
from crm.cities.models import City
from crm.extensions import db


def get_city_or_404(city_id: int) -> City:
    """The city (every signed-in editor may see every city), else 404."""
    return db.get_or_404(City, city_id)
