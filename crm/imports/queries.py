"""What the import pages read: a user's jobs, and the records a job names."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.cities.models import City
from crm.extensions import db
from crm.imports.models import ImportJob
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnerships


def users_job(token: str, user_id: int) -> ImportJob | None:
    """The job with this token, if it is this user's (an import is seen only by who started it)."""
    return db.session.scalar(select(ImportJob).where(ImportJob.token == token, ImportJob.user_id == user_id))


def recent_jobs(user_id: int, limit: int = 5) -> list[ImportJob]:
    """The user's latest imports, newest first."""
    return db.session.scalars(select(ImportJob).where(ImportJob.user_id == user_id)
                              .order_by(ImportJob.id.desc()).limit(limit)).all()


def contact_targets() -> list[Partnership]:
    """The partnerships a contacts file's rows may go to: the reader's, not archived, with both cities."""
    return list(db.session.scalars(
        visible_partnerships().where(Partnership.archived_at.is_(None))
        .options(joinedload(Partnership.partner_city), joinedload(Partnership.home_city))))


def job_home_city(job: ImportJob) -> City | None:
    """The home city a partnerships file was imported for (none for an association's file or contacts)."""
    return db.session.get(City, job.home_city_id) if job.home_city_id else None


def job_partnership(job: ImportJob) -> Partnership | None:
    """The one partnership a contacts file goes to (none when each row names its partner city)."""
    return db.session.get(Partnership, job.partnership_id) if job.partnership_id else None
