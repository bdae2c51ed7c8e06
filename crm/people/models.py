"""A person's place in partnerships: one Contact (the person) may be linked to any number of partnerships and
organizations, each link with its role and side; and how long each sensitive field is kept."""
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.contacts.models import Contact, Organization
from crm.database import Timestamped, enum_type
from crm.enums import Side, Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.versioning import Versioned


class PersonLink(Versioned, Timestamped, db.Model):
    """A person's part in one partnership: their side, role and organization there, and whether the partner
    sees them. Every contact has the link of its own partnership (Contact.partnership_id, its first one)."""
    __tablename__ = "person_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    side: Mapped[Side] = mapped_column(enum_type(Side))
    role: Mapped[str | None] = mapped_column(String(200))  #: "interpreter", "host family", "school principal"
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.SHARED)

    contact: Mapped[Contact] = relationship()
    partnership: Mapped[Partnership] = relationship()
    organization: Mapped[Organization | None] = relationship()

    __table_args__ = (UniqueConstraint("contact_id", "partnership_id", name="uq_person_links_contact_partnership"),)


class RetentionRule(db.Model):
    """How long one sensitive field is kept: purged ``days`` after the person's last visit ended (the latest
    leaves_on of their roster entries), or after the record's last change when they were on no roster."""
    __tablename__ = "retention_rules"

    #: "contacts.medical_notes", "contacts.dietary_needs", "contacts.passport_number", "contacts.date_of_birth",
    #: "helpers.vetting_result" (crm.people.privacy.SENSITIVE_FIELDS)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
