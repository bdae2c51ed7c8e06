"""Choices that come from the database, for partnership forms and filters."""
from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.access import STAFF
from crm.auth.models import User
from crm.cities.models import City
from crm.extensions import db
from crm.forms import options
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnerships
from crm.settings.service import MANY_HOME_CITIES, home_city_names


def liaison_choices(blank):
    staff = db.session.execute(
        select(User.id, User.name).where(User.role.in_(STAFF), User.active).order_by(User.name)
    ).all()
    return options([(0, blank)] + [(row.id, row.name) for row in staff])


def home_city_choices(blank=None, names=None):
    """Every home city; as a filter (with a blank) of an association's thousands, only the chosen one:
    the search box finds partnerships by their home city's name too."""
    choices = home_city_names() if names is None else names
    if blank is not None and len(choices) > MANY_HOME_CITIES:
        chosen = request.args.get("home", type=int)
        choices = [pair for pair in choices if pair[0] == chosen]
    return options([(0, blank)] + choices if blank is not None else choices)


def fill_partnership_form(form):
    form.home_city_id.choices = home_city_choices()
    form.liaison_id.choices = liaison_choices(_l("No liaison"))


def fill_filter_form(form, countries):
    form.country.choices = options([("", _l("Any country"))] + countries)
    form.liaison.choices = liaison_choices(_l("Any liaison"))
    form.home.choices = home_city_choices(_l("All home cities"))


#: a list filter offers every partnership up to this many; beyond, only the chosen one (and the search box)
MANY_PARTNERSHIPS = 300


def _current_partnerships():
    """The reader's unarchived partnerships as (id, partner city name), by name."""
    return (visible_partnerships().with_only_columns(Partnership.id, City.name)
            .join(City, Partnership.partner_city_id == City.id)
            .where(Partnership.archived_at.is_(None)).order_by(City.name))


def partnership_choices(blank=None):
    choices = [(row.id, row.name) for row in db.session.execute(_current_partnerships())]
    return options([(0, blank)] + choices if blank is not None else choices)


def partnership_filter_choices(blank):
    """For a list's partnership filter: every partnership, or, in a portfolio of thousands (an
    association), only the one chosen by ?partnership= — a select of thousands helps nobody."""
    query = _current_partnerships()
    rows = db.session.execute(query.limit(MANY_PARTNERSHIPS + 1)).all()
    if len(rows) > MANY_PARTNERSHIPS:
        chosen = request.args.get("partnership", type=int)
        rows = db.session.execute(query.where(Partnership.id == chosen)).all() if chosen else []
    return options([(0, blank)] + [(row.id, row.name) for row in rows])
