from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from crm.access import ADMINS, allow
from crm.extensions import db
from crm.forms import options
from crm.pagination import paginate_list
from crm.records import edit_record
from crm.settings.forms import HomeCityForm, PublicFaceForm, SettingsForm
from crm.settings.operations import PUBLIC_FACE_FIELDS, SETTINGS_FIELDS, apply_form, apply_public_face
from crm.settings.public_fields import PUBLIC_FIELDS, public_fields
from crm.settings.queries import cities_by_id, get_home_city_or_404, home_city_thresholds
from crm.settings.service import add_home_city, home_city_names, office_settings
from crm.versioning import Conflict

bp = Blueprint("settings", __name__, url_prefix="/settings")


HOME_CITIES_PER_PAGE = 50


@dataclass
class ThresholdConflict:
    """A home city's threshold saved by someone else since the page was opened: theirs, and what was typed."""

    city_id: int
    conflict: Conflict
    typed: str
    version: int  #: the current version: saving again replaces theirs deliberately


def _home_cities(names: list[tuple[int, str]]) -> dict:
    """The page's home-cities column: this page of them (an association may have thousands), with their
    thresholds and versions."""
    page = paginate_list(names, per_page=HOME_CITIES_PER_PAGE)
    shown = [city_id for city_id, _name in page.items]
    cities = cities_by_id(shown)
    rows = home_city_thresholds(shown)
    return {"home_cities": [cities[city_id] for city_id in shown if city_id in cities], "home_page": page,
            "home_thresholds": {row.city_id: row.threshold_months for row in rows},
            "home_versions": {row.city_id: row.version for row in rows}}


def _public_face_form(settings) -> PublicFaceForm:
    """The public face's form as saved: the fields the office publishes (the default until an admin chose)."""
    form = PublicFaceForm(formdata=None, obj=settings)
    chosen = public_fields(settings)
    form.public_fields.data = [name for name in PUBLIC_FIELDS if name in chosen]
    return form


def _render(settings_form=None, home_form=None, conflict=None, threshold_conflict=None, public_form=None,
            public_conflict=None):
    """The page with its forms together: the office's, a threshold for each home city, adding a home city, and
    the public face's."""
    settings = office_settings()
    names = home_city_names()
    settings_form = settings_form or SettingsForm(obj=settings)
    settings_form.default_home_city_id.choices = options(names)
    return render_template("settings/index.html", settings_form=settings_form, conflict=conflict,
                           home_form=home_form or HomeCityForm(formdata=None), threshold_conflict=threshold_conflict,
                           public_form=public_form or _public_face_form(settings), public_conflict=public_conflict,
                           **_home_cities(names))


@bp.get("/")
@allow(ADMINS)
def index():
    return _render()


@bp.post("/")
@allow(ADMINS)
def update():
    """The office's form; shown again on its page, beside the others (422 when invalid, 409 on a conflict)."""
    form = SettingsForm()
    form.default_home_city_id.choices = options(home_city_names())
    return edit_record(office_settings(), form, apply_form, compare=SETTINGS_FIELDS, done=url_for(".index"),
                       saved=_("The settings were saved."),
                       page=lambda form, conflict: _render(settings_form=form, conflict=conflict))


@bp.post("/public-face")
@allow(ADMINS)
def public_face():
    """What the public directory and the open data show, their licence, and who may frame the public pages
    (issue 23); shown again on the settings page when invalid (422) or saved meanwhile by someone else (409)."""
    return edit_record(office_settings(), PublicFaceForm(), apply_public_face, compare=PUBLIC_FACE_FIELDS,
                       done=url_for(".index", _anchor="public-face"), saved=_("The public face settings were saved."),
                       page=lambda form, conflict: _render(public_form=form, public_conflict=conflict))


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
    home = get_home_city_or_404(city_id)
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
