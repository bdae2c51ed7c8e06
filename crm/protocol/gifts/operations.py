"""Changes to the gift register. They flush; the request commits. A photo is stored as an attachment of the
gift's partnership with the gift's id (crm.attachments.storage checks and stores it; staff only: the register
publishes no photo)."""
from datetime import date

from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.attachments.storage import delete_attachment, save_upload
from crm.auth.models import User
from crm.contacts import names
from crm.enums import GiftDirection, GiftDisposition, Visibility
from crm.extensions import db
from crm.protocol.gifts.forms import GiftForm, GiftSettingsForm
from crm.protocol.models import Gift
from crm.settings.models import OfficeSettings

#: what the gift form changes (the conflict page compares them)
GIFT_FIELDS = ["direction", "given_on", "engagement_id", "occasion", "from_name", "to_name", "description",
               "disposition"]


def public_name(person) -> str:
    """How the register names a person: the form of address and the name, never their contact details."""
    return names.addressed(person)[:300]


def apply_form(gift: Gift, form: GiftForm) -> Gift:
    gift.direction = GiftDirection(form.direction.data)
    gift.given_on = form.given_on.data
    gift.engagement_id = form.engagement_id.data or None
    gift.occasion = form.occasion.data
    gift.from_contact_id = form.from_contact_id.data or None
    gift.to_contact_id = form.to_contact_id.data or None
    gift.from_name = form.from_name.data or public_name(form.people[gift.from_contact_id])
    gift.to_name = form.to_name.data or public_name(form.people[gift.to_contact_id])
    gift.description = form.description.data
    gift.value_minor = form.value_minor
    gift.currency = form.currency.data if form.value_minor is not None else None
    gift.disposition = GiftDisposition(form.disposition.data) if form.disposition.data else None
    db.session.add(gift)
    db.session.flush()
    upload = form.photo.data
    if upload is not None and getattr(upload, "filename", None) and gift.partnership is not None:
        replace_photo(gift, upload)
    return gift


def new_gift(partnership, form: GiftForm, user: User, today: date) -> Gift:
    """A gift recorded today by the user (recorded_on is the office's day it was entered: the deadline's test)."""
    return apply_form(Gift(partnership=partnership, partnership_id=partnership.id, recorded_on=today,
                           recorded_by_id=user.id), form)


def replace_photo(gift: Gift, upload) -> Attachment:
    """Store the new photo and remove the ones it replaces (their files go once the change is committed);
    raises crm.attachments.storage.UploadRefused."""
    old = list(db.session.scalars(select(Attachment).where(Attachment.gift_id == gift.id)))
    photo = save_upload(upload, gift.partnership, Visibility.STAFF_ONLY)
    photo.gift_id = gift.id
    for attachment in old:
        delete_attachment(attachment)
    db.session.flush()
    return photo


def delete(gift: Gift) -> None:
    """The gift and its photo (the database drops the photo's row; its file goes once this is committed)."""
    for attachment in db.session.scalars(select(Attachment).where(Attachment.gift_id == gift.id)):
        delete_attachment(attachment)
    db.session.delete(gift)
    db.session.flush()


def apply_settings(settings: OfficeSettings, form: GiftSettingsForm) -> OfficeSettings:
    settings.gift_threshold_minor = form.threshold_minor
    settings.gift_threshold_currency = form.gift_threshold_currency.data
    settings.gift_deadline_days = form.gift_deadline_days.data
    db.session.flush()
    return settings
