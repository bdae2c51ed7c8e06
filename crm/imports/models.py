"""An import in progress: the parsed file, its matches and the user's choices, kept server-side until confirmed."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Timestamped, UTCDateTime
from crm.extensions import db

UPLOADED, MATCHING, READY, APPLYING, DONE, FAILED = "uploaded", "matching", "ready", "applying", "done", "failed"
#: the statuses in which a process is working on the job (see crm.imports.liveness)
RUNNING = (MATCHING, APPLYING)


class ImportJob(Timestamped, db.Model):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the job's name in URLs: random, so one user cannot guess another's
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  #: partnerships or contacts
    mode: Mapped[str] = mapped_column(String(16))  #: partners (of one home city) or association
    home_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=UPLOADED)
    #: progress of matching or writing, for the progress page
    processed: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    #: headers, rows, mapping, cities with their matches and the user's choices
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    #: what was written, once done
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    #: when the process matching or writing the job last showed it was alive
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: who runs it, "host|pid|process start|claim"; every start or retry is a new claim, and only
    #: the process holding the current one may finish the job
    worker: Mapped[str | None] = mapped_column(String(255))
