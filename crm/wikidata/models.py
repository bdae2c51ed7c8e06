"""A Wikidata comparison (issue 23 §3): an uploaded export of P190 twinnings, compared with what the office
records; the report is kept so staff can page through it and act on it later."""
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.database import Timestamped
from crm.extensions import db

RUNNING, DONE, FAILED = "running", "done", "failed"


class WikidataComparison(Timestamped, db.Model):
    __tablename__ = "wikidata_comparisons"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=RUNNING)
    #: twinnings read from the file (statements of P190 for the office's home cities)
    rows_read: Mapped[int] = mapped_column(default=0)
    #: the report: missing here, missing on Wikidata, differences, and the cities matched (crm.wikidata.report)
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()
