"""Plain factories for test data; each commits so requests see the rows."""
import itertools
from datetime import date

from crm.auth.models import User
from crm.cities.models import City
from crm.contacts.models import Contact, Organization, OrganizationKind
from crm.engagements.models import Engagement, EngagementKind, Visibility
from crm.partnerships.models import Partnership, PartnershipKind, PartnershipStatus, Side
from crm.roles import Role
from crm.settings.models import HomeCity, OfficeSettings

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


class Factories:
    def __init__(self, session):
        self.session = session

    def _save(self, obj):
        self.session.add(obj)
        self.session.commit()
        return obj

    def user(self, role="coordinator", **fields) -> User:
        n = next(_sequence)
        user = User(email=fields.pop("email", f"user{n}@example.org"), name=fields.pop("name", f"User {n}"),
                    role=Role(role), **fields)
        user.set_password(PASSWORD)
        self._save(user)
        self.session_id(user)  # so user.get_id() names a live session, as after signing in
        return user

    def session_id(self, user) -> str:
        """A new live session for the user (as signing in makes one): the value of the cookie's _user_id."""
        from crm.auth import sessions

        record, secret = sessions.new_record(user)
        self._save(record)
        sessions.attach(user, record, secret)
        return user.get_id()

    def city(self, name=None, native_name=None, country_code="JP", **fields) -> City:
        n = next(_sequence)
        return self._save(City(name=name or f"City {n}", native_name=native_name, country_code=country_code,
                               timezone=fields.pop("timezone", "Asia/Tokyo"), **fields))

    def home_city(self, name="Portland", country_code="US", default=True) -> City:
        city = self.city(name=name, country_code=country_code, timezone="America/Los_Angeles")
        self._save(HomeCity(city_id=city.id))
        if default:
            settings = self.session.get(OfficeSettings, 1) or OfficeSettings(id=1)
            settings.default_home_city_id = city.id
            self._save(settings)
        return city

    def partnership(self, partner=None, home=None, **fields) -> Partnership:
        if home is None:
            settings = self.session.get(OfficeSettings, 1)
            home = (self.session.get(City, settings.default_home_city_id)
                    if settings and settings.default_home_city_id else self.home_city())
        partner = partner or self.city()
        fields.setdefault("kind", PartnershipKind.SISTER_CITY)
        fields.setdefault("status", PartnershipStatus.ACTIVE)
        priorities = fields.pop("priorities", ())
        partnership = Partnership(home_city=home, partner_city=partner, **fields)
        partnership.priorities = priorities
        return self._save(partnership)

    def engagement(self, partnership, **fields) -> Engagement:
        n = next(_sequence)
        fields.setdefault("kind", EngagementKind.MEETING)
        fields.setdefault("occurred_on", date(2025, 1, 1))
        fields.setdefault("title", f"Engagement {n}")
        fields.setdefault("visibility", Visibility.SHARED)
        return self._save(Engagement(partnership=partnership, **fields))

    def organization(self, partnership, **fields) -> Organization:
        n = next(_sequence)
        fields.setdefault("side", Side.PARTNER)
        fields.setdefault("kind", OrganizationKind.UNIVERSITY)
        return self._save(Organization(partnership=partnership, name=fields.pop("name", f"Org {n}"), **fields))

    def contact(self, partnership, **fields) -> Contact:
        n = next(_sequence)
        fields.setdefault("side", Side.PARTNER)
        return self._save(Contact(partnership=partnership, name=fields.pop("name", f"Contact {n}"), **fields))
