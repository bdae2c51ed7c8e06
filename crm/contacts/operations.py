"""Changes to contacts and organizations. They flush; the request commits."""
from crm.contacts.models import Contact, Organization
from crm.extensions import db
from crm.partnerships.queries import get_partnership_or_404


def apply_form(record: Contact | Organization, form) -> Contact | Organization:
    """The form onto a contact or an organization, in a partnership the editor may see (else 404)."""
    get_partnership_or_404(form.partnership_id.data)
    form.populate_obj(record)
    if isinstance(record, Contact):
        record.organization_id = form.organization_id.data or None  # 0: "No organization"
        record.language = form.language.data or None  # "": "Not known"
        record.country = form.country.data or None
    db.session.add(record)
    db.session.flush()
    return record
