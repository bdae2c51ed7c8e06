"""Where the reader's partner cities are, in one query."""
from sqlalchemy import Select, select

from crm.cities.models import City
from crm.extensions import db
from crm.partnerships.models import Partnership


def partner_cities(partnership_ids: Select):
    """One row per current partnership in the given (already scoped) ids: its status, home city and
    partner city with coordinates. Archived partnerships are left off, as in the health snapshot."""
    query = (
        select(Partnership.id, Partnership.status, Partnership.home_city_id, City.name, City.native_name,
               City.country_code, City.latitude, City.longitude)
        .join(City, Partnership.partner_city_id == City.id)
        .where(Partnership.id.in_(partnership_ids), Partnership.archived_at.is_(None))
        .order_by(Partnership.id)
    )
    return db.session.execute(query).all()
