"""Changes to the office settings. They flush; the request commits."""
from crm.extensions import db
from crm.settings.forms import PublicFaceForm, SettingsForm
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


#: what the public face's form changes (issue 23)
PUBLIC_FACE_FIELDS = ["public_fields", "open_data_licence", "public_frame_ancestors"]


def apply_public_face(settings: OfficeSettings, form: PublicFaceForm) -> OfficeSettings:
    settings.public_fields = list(form.public_fields.data or [])
    settings.open_data_licence = form.open_data_licence.data
    settings.public_frame_ancestors = form.public_frame_ancestors.data or None
    db.session.flush()
    return settings
