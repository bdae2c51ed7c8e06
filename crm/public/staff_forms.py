"""The staff's form for a highlight: what of an engagement the public page shows (issue 23 §1)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from crm.forms import Form, none_if_empty
from crm.versioning import VersionField

NO_PHOTO = ""  #: the choice "no photo" (a record without one reads as "" too, for the conflict check)


class HighlightForm(Form):
    version = VersionField()
    is_public = BooleanField(
        _l("Show as a highlight on the public page"),
        description=_l("Shown on the public directory when the partnership itself is public."))
    public_summary = TextAreaField(
        _l("Public summary"), validators=[Optional(), Length(max=2000)], filters=[none_if_empty],
        description=_l("A few sentences for residents and visitors. Nothing else of the engagement is shown."))
    public_programme = TextAreaField(
        _l("Programme by day"), validators=[Optional(), Length(max=10000)], filters=[none_if_empty],
        description=_l("One paragraph a day, separated by an empty line."))
    #: an attachment id, or "" for none; which ids may be chosen is checked against the engagement's images
    public_photo_id = RadioField(_l("Photo"), default=NO_PHOTO, validate_choice=False)

    def __init__(self, *args, staff_only: bool, photo_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_only = staff_only
        self.photo_ids = {str(photo_id) for photo_id in photo_ids}

    def validate_is_public(self, field):
        if field.data and self.staff_only:
            raise ValidationError(_l("This engagement is staff only, so it cannot be shown to the public. Share it "
                                     "with the partner first, then mark it as a highlight."))

    def validate_public_photo_id(self, field):
        if (field.data or NO_PHOTO) != NO_PHOTO and str(field.data) not in self.photo_ids:
            raise ValidationError(_l("Choose the photo among this engagement's own images (JPEG, PNG, WebP or GIF "
                                     "files attached to it)."))
