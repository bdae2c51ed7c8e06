"""Changes to the office settings. They flush; the request commits."""
from crm.extensions import db
from crm.settings.forms import SettingsForm
from crm.settings.models import OfficeSettings

#: what the settings form changes (not the version: that is SQLAlchemy's to change)
SETTINGS_FIELDS = ["office_name", "emergency_phone", "threshold_months", "default_home_city_id", "require_two_factor",
                   "review_every_years", "review_before_expiry_months"]
#: the review settings (issue 21): a form posted without them keeps the office's
KEPT_WHEN_BLANK = {"review_every_years", "review_before_expiry_months"}
#: blank means none recorded
EMPTY_AS_NONE = {"emergency_phone"}


def apply_form(settings: OfficeSettings, form: SettingsForm) -> OfficeSettings:
    for name in SETTINGS_FIELDS:
        if form[name].data is None and name in KEPT_WHEN_BLANK:
            continue
        value = form[name].data
        setattr(settings, name, (value or None) if name in EMPTY_AS_NONE else value)
    db.session.flush()
    return settings
