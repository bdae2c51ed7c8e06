from datetime import date

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Timestamped, enum_type
from crm.enums import OrganizationKind, Side, Visibility
from crm.extensions import db
from crm.indexes import trigram_index
from crm.partnerships.models import Partnership
from crm.versioning import Versioned


class Organization(Versioned, Timestamped, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind))
    website: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)  #: staff only
    partnership: Mapped[Partnership] = relationship()

    __table_args__ = (trigram_index("ix_organizations_name_trgm", "name"),)


class Contact(Versioned, Timestamped, db.Model):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str | None] = mapped_column(String(16))  #: the language to write to them in
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.SHARED)
    notes: Mapped[str | None] = mapped_column(Text)  #: staff only
    # Protocol (issue 22): how to address and write the person's name
    honorific: Mapped[str | None] = mapped_column(String(100))  #: form of address: "Mayor", "Dr.", "H.E."
    name_native: Mapped[str | None] = mapped_column(String(200))  #: the name in its own script: 山田 太郎
    name_romanized: Mapped[str | None] = mapped_column(String(200))  #: the name in Latin letters: YAMADA Taro
    #: family name first (Chinese, Japanese, Korean, Hungarian names): how the name is ordered when printed
    family_name_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    languages: Mapped[str | None] = mapped_column(String(200))  #: spoken, comma-separated codes: "ja, en"
    sex: Mapped[str | None] = mapped_column(String(1))  #: crm.enums.Sex, only where the office collects it
    town: Mapped[str | None] = mapped_column(String(200))  #: where the person lives (a roster's town)
    country: Mapped[str | None] = mapped_column(String(2))  #: ISO 3166-1 alpha-2
    passport_name: Mapped[str | None] = mapped_column(String(200))  #: as printed in the passport
    # Sensitive (issue 22 §7): only users with protocol access see them (crm.privacy)
    passport_number: Mapped[str | None] = mapped_column(String(50))
    date_of_birth: Mapped[date | None]
    dietary_needs: Mapped[str | None] = mapped_column(Text)
    medical_notes: Mapped[str | None] = mapped_column(Text)  #: medical and access needs

    partnership: Mapped[Partnership] = relationship()
    organization: Mapped[Organization | None] = relationship()

    __table_args__ = (trigram_index("ix_contacts_search_trgm", "name", "email", "job_title"),)


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
