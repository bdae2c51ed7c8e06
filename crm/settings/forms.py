import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm.cities.fields import CityField
from crm.forms import Form, MultiCheckboxField, options, strip_filter
from crm.settings.public_fields import PUBLIC_FIELDS
from crm.versioning import VersionField


class SettingsForm(Form):
    version = VersionField()
    office_name = StringField(_l("Office name"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    emergency_phone = StringField(
        _l("Emergency phone during visits"), validators=[Optional(), Length(max=50)], filters=[strip_filter],
        description=_l("Printed on the chaperones' emergency sheet of every visit."))
    threshold_months = IntegerField(
        _l("Default inactivity threshold (months)"),
        description=_l("A partnership with no substantive engagement for longer than this has gone ceremonial."),
        validators=[InputRequired(), NumberRange(min=1, max=120)],
    )
    review_every_years = IntegerField(
        _l("Review every (years)"),
        description=_l("Each partnership falls due for a periodic review this many years after its last decided "
                       "review, or after it was established."),
        validators=[Optional(), NumberRange(min=1, max=20)],  # blank: kept as it is
    )
    review_before_expiry_months = IntegerField(
        _l("Review before an agreement expires (months)"),
        description=_l("A review falls due this many months before a signed agreement expires."),
        validators=[Optional(), NumberRange(min=1, max=60)],  # blank: kept as it is
    )
    default_home_city_id = SelectField(_l("Default home city"), coerce=int, validators=[InputRequired()])
    require_two_factor = BooleanField(
        _l("Require two-factor sign-in for staff"),
        description=_l("Staff then sign in with a one-time code from an authenticator app as well as their password; "
                       "anyone not set up yet is asked to set it up at their next sign-in. Guests are not asked."),
    )


class HomeCityForm(Form):
    city = CityField(_l("Add a home city"), validators=[DataRequired(_l("Choose a city."))])


#: the licences the office may give its open data (crm.public.open_data describes each)
LICENCES = [("cc0", _l("CC0 1.0 (public domain dedication)")), ("cc-by-4.0", _l("CC BY 4.0 (credit the office)"))]
#: an origin the public pages may be framed by: https://host[:port], or http://localhost[:port] while testing
FRAME_ORIGIN = re.compile(r"(https://[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
                          r"|http://(?:localhost|127\.0\.0\.1))(?::\d{1,5})?")
MAX_FRAME_ORIGINS = 20


def frame_origins_filter(value):
    """One origin a line, trimmed, lower case, without a trailing slash; the same one once; None when empty."""
    if not isinstance(value, str):
        return value
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    lines = [line[:-1] if line.endswith("/") and line.count("/") == 3 else line for line in lines]
    return "\n".join(dict.fromkeys(line.lower() for line in lines)) or None


class PublicFaceForm(Form):
    """The public face (issue 23): what the public directory and the open data show, their licence, and which
    websites may frame the public pages. Saved on the office settings' row, with its version."""

    version = VersionField()
    public_fields = MultiCheckboxField(_l("Fields shown on the public pages and in the open data"),
                                       choices=options(list(PUBLIC_FIELDS.items())))
    open_data_licence = RadioField(_l("Licence of the open data"), choices=options(LICENCES),
                                   validators=[InputRequired()])
    public_frame_ancestors = TextAreaField(
        _l("Websites that may embed the public pages"), filters=[frame_origins_filter],
        validators=[Optional(), Length(max=4000)],
        description=_l("One origin a line, such as https://www.city.example (no path). Leave empty to allow no "
                       "other website; staff pages can never be embedded."))

    def validate_public_frame_ancestors(self, field):
        origins = (field.data or "").splitlines()
        if len(origins) > MAX_FRAME_ORIGINS:
            raise ValidationError(_l("List at most %(count)d websites.", count=MAX_FRAME_ORIGINS))
        for origin in origins:
            if not FRAME_ORIGIN.fullmatch(origin):
                raise ValidationError(_l(
                    "“%(origin)s” is not a website's origin. Write https:// and the host name, with a port if "
                    "needed and no path, one a line (for example https://www.city.example).", origin=origin))
