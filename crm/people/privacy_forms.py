"""The forms of the privacy pages: the retention rules, and giving or withdrawing protocol access."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField
from wtforms.validators import AnyOf, NumberRange, Optional

from crm.forms import Form
from crm.people.retention import MAX_DAYS
from crm.privacy import SENSITIVE_FIELDS, SENSITIVE_LABELS

#: "contacts.medical_notes" → the form's field "medical_notes" (the columns' names differ across tables)
FORM_FIELDS = {name: name.split(".", 1)[1] for name in SENSITIVE_FIELDS}


class RetentionForm(Form):
    #: the rules as the page showed them (crm.people.retention.fingerprint): a save over newer ones is refused
    seen = HiddenField()

    def day_fields(self):
        return [self[FORM_FIELDS[name]] for name in SENSITIVE_FIELDS]

    def chosen(self) -> dict[str, int | None]:
        return {name: self[FORM_FIELDS[name]].data for name in SENSITIVE_FIELDS}


for _name in SENSITIVE_FIELDS:
    setattr(RetentionForm, FORM_FIELDS[_name], IntegerField(
        SENSITIVE_LABELS[_name], validators=[Optional(), NumberRange(min=0, max=MAX_DAYS)],
        description=_l("Days kept after the visit ends; blank: kept until someone removes it."),
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_DAYS}))


class ProtocolAccessForm(Form):
    #: "1": give the permission, "0": withdraw it (the state wanted, so sending it twice changes nothing more)
    grant = HiddenField(validators=[AnyOf(["0", "1"])])
