from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.database import Timestamped, UTCDateTime, enum_type, utcnow
from crm.engagements.models import Engagement
from crm.enums import AgreementKind, AgreementStatus, ProposalStatus, Side
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.versioning import Versioned


class Agreement(Versioned, Timestamped, db.Model):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_type(AgreementKind))
    status: Mapped[AgreementStatus] = mapped_column(enum_type(AgreementStatus), default=AgreementStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(300))
    signed_on: Mapped[date | None]
    signed_at: Mapped[str | None] = mapped_column(String(200))  #: the place of signing
    effective_from: Mapped[date | None]
    expires_on: Mapped[date | None] = mapped_column(index=True)
    #: the earlier agreement this one renews; signing this one marks that one renewed
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id", ondelete="SET NULL"))
    #: the timeline entry that signing created
    signing_engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)  #: staff only
    #: marked ready to sign, once both sides had approved the same version of every text
    ready_to_sign_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    partnership: Mapped[Partnership] = relationship()
    renews: Mapped["Agreement | None"] = relationship(remote_side=[id], foreign_keys=[renews_id])
    signing_engagement: Mapped[Engagement | None] = relationship(foreign_keys=[signing_engagement_id])
    texts: Mapped[list["AgreementText"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementText.position")
    signatories: Mapped[list["Signatory"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="(Signatory.side, Signatory.position)")


    @property
    def languages(self) -> list[str]:
        return [text.language for text in self.texts]


class AgreementText(Versioned, Timestamped, db.Model):
    """The agreement's text in one language (one text per language).

    Versioned: two people editing the same text at once must not replace each other's work."""

    __tablename__ = "agreement_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))  #: BCP 47 code: ja, ar, zh-Hans…
    position: Mapped[int] = mapped_column(Integer, default=0)  #: order of printing
    title: Mapped[str | None] = mapped_column(String(300))  #: the title in that language
    signed_place: Mapped[str | None] = mapped_column(String(200))  #: the place of signing in that language
    body: Mapped[str] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="texts")

    __table_args__ = (UniqueConstraint("agreement_id", "language", name="uq_agreement_texts_language"),)


class Signatory(db.Model):
    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))  #: e.g. Mayor of Kyoto
    city: Mapped[str | None] = mapped_column(String(200))

    agreement: Mapped[Agreement] = relationship(back_populates="signatories")


class AgreementApproval(db.Model):
    """One side's approval of an agreement under negotiation, of the texts as they were: ``fingerprint`` is
    the hash of every text's language, title and body (crm.agreements.negotiation). An edit of any text
    afterwards withdraws it (``withdrawn_at``), visibly; it is never deleted."""
    __tablename__ = "agreement_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fingerprint: Mapped[str] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(200))

    agreement: Mapped[Agreement] = relationship()
    user: Mapped[User | None] = relationship()


class TextProposal(db.Model):
    """A change to one language's text proposed by the other side: tracked, never written over the text until
    staff accept it."""
    __tablename__ = "agreement_text_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_text_id: Mapped[int] = mapped_column(ForeignKey("agreement_texts.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the text's version the proposal was written against
    based_on_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ProposalStatus] = mapped_column(enum_type(ProposalStatus), default=ProposalStatus.OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    text: Mapped[AgreementText] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
