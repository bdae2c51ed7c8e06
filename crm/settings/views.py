from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from crm.access import ADMINS, allow
from crm.cities.models import City
from crm.extensions import db
from crm.forms import options
from crm.pagination import paginate_list
from crm.settings.forms import HomeCityForm, SettingsForm
from crm.settings.models import HomeCity
from crm.settings.service import add_home_city, home_city_names, office_settings
from crm.versioning import Conflict, save_unless_conflict

bp = Blueprint("settings", __name__, url_prefix="/settings")


HOME_CITIES_PER_PAGE = 50
SETTINGS_FIELDS = ["office_name", "threshold_months", "default_home_city_id", "require_two_factor"]


@dataclass
class ThresholdConflict:
    """A home city's threshold saved by someone else since the page was opened: theirs, and what was typed."""

    city_id: int
    conflict: Conflict
    typed: str
    version: int  #: the current version: saving again replaces theirs deliberately


def _render(settings_form=None, home_form=None, conflict=None, threshold_conflict=None):
    settings = office_settings()
    names = home_city_names()
    settings_form = settings_form or SettingsForm(obj=settings)
    settings_form.default_home_city_id.choices = options(names)
    page = paginate_list(names, per_page=HOME_CITIES_PER_PAGE)  # an association may have thousands
    shown = [city_id for city_id, _name in page.items]
    cities = {c.id: c for c in db.session.scalars(select(City).where(City.id.in_(shown)))}
    rows = db.session.execute(select(HomeCity.city_id, HomeCity.threshold_months, HomeCity.version)
                              .where(HomeCity.city_id.in_(shown))).all()
    return render_template("settings/index.html", settings_form=settings_form, conflict=conflict,
                           home_form=home_form or HomeCityForm(formdata=None),
                           home_cities=[cities[city_id] for city_id in shown if city_id in cities],
                           home_page=page, home_thresholds={row.city_id: row.threshold_months for row in rows},
                           home_versions={row.city_id: row.version for row in rows},
                           threshold_conflict=threshold_conflict)


@bp.get("/")
@allow(ADMINS)
def index():
    return _render()


@bp.post("/")
@allow(ADMINS)
def update():
    settings = office_settings()
    form = SettingsForm()
    form.default_home_city_id.choices = options(home_city_names())
    if form.validate():
        conflict = save_unless_conflict(form, settings, SETTINGS_FIELDS, lambda: _apply(form, settings))
        if conflict is None:
            flash(_("The settings were saved."), "success")
            return redirect(url_for(".index"))
        return _render(settings_form=form, conflict=conflict), 409
    return _render(settings_form=form), 422


def _apply(form: SettingsForm, settings) -> None:
    for name in SETTINGS_FIELDS:  # not the version: that is SQLAlchemy's to change
        setattr(settings, name, form[name].data)
    db.session.flush()


@bp.post("/home-cities")
@allow(ADMINS)
def add_home():
    form = HomeCityForm()
    if form.validate():
        add_home_city(form.city.data)
        db.session.commit()
        flash(_("%(city)s is now a home city.", city=form.city.data.name), "success")
        return redirect(url_for(".index"))
    return _render(home_form=form), 422


@bp.post("/home-cities/<int:city_id>/threshold")
@allow(ADMINS)
def home_threshold(city_id: int):
    """A member city of an association may keep its own ceremonial threshold (empty: the office's)."""
    home = db.session.get(HomeCity, city_id) or abort(404)
    raw = (request.form.get("threshold_months") or "").strip()
    if raw and not (raw.isdigit() and 1 <= int(raw) <= 120):
        flash(_("The threshold must be a whole number of months between 1 and 120."), "error")
        return _render(), 422
    if request.form.get("version", "") == str(home.version):
        home.threshold_months = int(raw) if raw else None
        try:
            db.session.commit()  # UPDATE ... WHERE version = the one the page was opened with
            flash(_("The threshold for %(city)s was saved.", city=home.city.name), "success")
            return redirect(url_for(".index"))
        except StaleDataError:  # another admin's save won the race between our check and our commit
            db.session.rollback()
            db.session.refresh(home)
    theirs = Conflict([(_("Threshold (months)"), str(home.threshold_months or _("Office default")))])
    return _render(threshold_conflict=ThresholdConflict(home.city_id, theirs, raw, home.version)), 409
