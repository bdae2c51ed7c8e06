from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.database import Timestamped, enum_type
from crm.enums import Side, Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.soft_delete import SoftDeletable


class Attachment(SoftDeletable, Timestamped, db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the partnership it belongs to, for scoping; set from what it is attached to
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    #: a receipt of a cost line, or the photo of a gift (issue 22)
    cost_line_id: Mapped[int | None] = mapped_column(ForeignKey("cost_lines.id", ondelete="CASCADE"), index=True)
    gift_id: Mapped[int | None] = mapped_column(ForeignKey("gifts.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))  #: as the uploader named it (Unicode)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  #: generated; the file on disk
    content_type: Mapped[str] = mapped_column(String(100))  #: detected from the content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_by_side: Mapped[Side] = mapped_column(enum_type(Side), default=Side.HOME)
    #: who may see it: staff only (the default for staff uploads) or shared with the partner's guests too.
    #: A shared file of a staff-only record stays hidden with its record.
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.STAFF_ONLY,
                                                   server_default=Visibility.STAFF_ONLY.value)

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    partnership: Mapped[Partnership] = relationship()

    #: neither engagement nor agreement: a document of the partnership itself
    __table_args__ = (
        CheckConstraint("engagement_id IS NULL OR agreement_id IS NULL", name="at_most_one_owner"),
    )
