"""The forms of the reports: what the annual report covers, a partnership's narrative, the post-mission report's
photos and the award entry's period."""
from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from crm.extensions import db
from crm.forms import Form, MultiCheckboxField, options
from crm.i18n import LANGUAGES, language_name
from crm.settings.models import HomeCity
from crm.versioning import VersionField

#: the earliest year a report can be asked for
FIRST_YEAR = 1950
NARRATIVE_MAX = 5000


class AnnualReportForm(Form):
    """What the annual report covers: read from the query string, so a link names the report."""

    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=int, validators=[InputRequired()])
    scope = SelectField(_l("Covering"), validators=[Optional()])
    lang = SelectField(_l("Language of the report"), validators=[InputRequired()],
                       choices=options((code, language_name(code)) for code in LANGUAGES))

    def __init__(self, today, default_language: str):
        super().__init__(request.args)
        last = today.year - 1
        self.year.choices = options((year, str(year)) for year in range(today.year, max(FIRST_YEAR, today.year - 30),
                                                                          -1))
        home_cities = db.session.scalars(select(HomeCity)).all()
        self.scope.choices = options([("", _l("The whole office"))] + sorted(
            ((str(home.city_id), home.city.name) for home in home_cities), key=lambda pair: pair[1].casefold()))
        if "year" not in request.args:
            self.year.data = last
        if "lang" not in request.args:
            self.lang.data = default_language

    @property
    def chosen_year(self) -> int | None:
        field = self.year
        field.validate(self)
        return field.data if not field.errors and field.data in {c.value for c in field.choices} else None

    @property
    def chosen_home_city_id(self) -> int | None:
        value = self.scope.data or ""
        return int(value) if value.isdigit() and value in {c.value for c in self.scope.choices} else None

    @property
    def chosen_language(self) -> str | None:
        return self.lang.data if self.lang.data in LANGUAGES else None


class NarrativeForm(Form):
    """One partnership's paragraph in one year's report; each partnership's form has its own prefix."""

    version = VersionField()
    body = TextAreaField(_l("Narrative"), validators=[Optional(), Length(max=NARRATIVE_MAX)],
                         description=_l("One paragraph on the partnership's year, printed in the annual report."))


class PhotosForm(Form):
    """The mission's images that go into the post-mission report."""

    class Meta:
        csrf = False

    photo = MultiCheckboxField(_l("Photos to include"), coerce=int, validators=[Optional()])
    lang = SelectField(_l("Language of the report"), validators=[Optional()],
                       choices=options((code, language_name(code)) for code in LANGUAGES))


class AwardForm(Form):
    """The period an award entry covers."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[InputRequired(_l("Enter the date."))])
    date_until = DateField(_l("Until"), validators=[InputRequired(_l("Enter the date."))])

    def validate_date_until(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end cannot be before the start."))
