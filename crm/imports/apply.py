"""Writing a confirmed import: all of it in one transaction, or nothing.

Rows go in with bulk inserts, so the audit trail's after_flush hook never sees
them; one audit event summarises the import instead.

Imports write one at a time (a PostgreSQL advisory lock held until the
transaction ends), and each plans its rows only once it holds the lock: two
imports of the same file confirmed at once do not both add its cities and
partnerships; the second finds them recorded, skips them and says so.
"""
import logging
import threading
import time
import uuid

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from crm.audit.models import AuditEvent
from crm.cities.models import City
from crm.claims import claim
from crm.clock import utcnow
from crm.contacts.models import Contact, Organization, OrganizationKind
from crm.engagements.models import Visibility
from crm.extensions import db
from crm.i18n import LANGUAGES
from crm.imports.columns import ASSOCIATION
from crm.imports.countries import fold
from crm.imports.liveness import WORKING, owned_by
from crm.imports.matching import city_index
from crm.imports.models import APPLYING, DONE, FAILED, MATCHING, READY, ImportJob
from crm.imports.reading import parse_date
from crm.imports.staging import SKIP_EXISTING, cell, city_identity, plan, plan_contacts
from crm.imports.values import from_label, is_shared
from crm.partnerships.duplicates import is_pair_violation
from crm.partnerships.models import Partnership, PartnershipKind, PartnershipStatus, Side
from crm.settings.models import HomeCity, OfficeSettings
from crm.settings.service import office_settings

CHUNK = 1000
#: progress of running jobs in this process (SQLite cannot take a second writer while the import writes)
PROGRESS: dict[str, tuple[int, int]] = {}
#: the phase each running job of this process is in (see phase_of)
PHASES: dict[str, str] = {}
WAITING, PREPARING, WRITING = "waiting", "preparing", "writing"
#: the advisory lock key every import takes to write (any constant the app uses for nothing else)
WRITE_LOCK = 7_250_325_001
LOCK_POLL_SECONDS = 0.5
PAIR_ATTEMPTS = 3


class Superseded(Exception):
    """The job is no longer this process's: a retry took it over, or it was discarded. Nothing is written."""


def report_progress(job: ImportJob):
    """A callback that records (done, total) and the heartbeat, committed apart from the import itself."""
    token, job_id, worker = job.token, job.id, job.worker

    def progress(done: int, total: int) -> None:
        PROGRESS[token] = (done, total)
        engine = db.session.get_bind()
        if engine.dialect.name == "sqlite":
            return
        with Session(bind=engine, join_transaction_mode="create_savepoint") as side:
            found = side.execute(update(ImportJob).where(ImportJob.id == job_id, owned_by(worker))
                                 .values(processed=done, total=total, heartbeat_at=now())).rowcount
            side.commit()
        if worker is not None and not found:
            raise Superseded(job_id)

    return progress


def now():
    return utcnow()


def phase_of(job: ImportJob) -> str:
    """matching, waiting (for another import to finish writing), preparing (its cities) or writing."""
    if job.status != APPLYING:
        return job.status
    return PHASES.get(job.token) or (WRITING if job.processed else PREPARING)


def wait_for_other_imports(job: ImportJob, progress=None) -> None:
    """Take the import write lock for this transaction, showing a heartbeat while another import holds it."""
    if db.session.get_bind().dialect.name == "sqlite":
        _take_sqlite_write_lock(job)
    else:
        while not db.session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK}).scalar():
            PHASES[job.token] = WAITING
            if progress:
                progress(0, job.total)  # the heartbeat: waiting is not being stuck
            time.sleep(LOCK_POLL_SECONDS)
    PHASES[job.token] = PREPARING


def _take_sqlite_write_lock(job: ImportJob) -> None:
    """SQLite's one write lock, taken before the plan reads. A transaction whose reads began before another
    import wrote cannot write after it (its snapshot is behind): it is rolled back (it only read) and tries
    again from a fresh snapshot. A transaction that wrote already (the CLI's new job) holds the lock."""
    job_id, token = job.id, job.token
    while True:
        try:
            db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(heartbeat_at=now()))
            return
        except OperationalError as error:
            if "locked" not in str(error.orig):
                raise
            db.session.rollback()
            PHASES[token] = WAITING
            time.sleep(LOCK_POLL_SECONDS)


def _kind(text: str) -> PartnershipKind:
    if kind := from_label(PartnershipKind, text):  # the app's own export, in any UI language
        return kind
    folded = fold(text)
    if "friend" in folded or "amistad" in folded or "amitie" in folded or "友好" in text:
        return PartnershipKind.FRIENDSHIP_CITY
    if any(word in folded for word in ("cooperation", "mou", "memorandum", "cooperacion", "kooperation")):
        return PartnershipKind.COOPERATION
    return PartnershipKind.SISTER_CITY


def _status(text: str) -> PartnershipStatus:
    if status := from_label(PartnershipStatus, text):
        return status
    folded = fold(text)
    if folded in ("inactive", "dormant", "paused"):
        return PartnershipStatus.SUSPENDED
    if folded in ("former", "terminated", "ended", "cancelled", "canceled"):
        return PartnershipStatus.ENDED
    return PartnershipStatus.ACTIVE


def ensure_cities(job, identities: set[tuple]) -> dict[tuple, int]:
    """City ids for every identity, adding the gazetteer's and the file's cities that are not there yet."""
    ids: dict[tuple, int] = {}
    wanted_gn = sorted(i[1] for i in identities if i[0] == "gn")
    for start in range(0, len(wanted_gn), CHUNK):
        chunk = wanted_gn[start:start + CHUNK]
        ids.update({("gn", gid): cid for cid, gid in db.session.execute(
            select(City.id, City.geonames_id).where(City.geonames_id.in_(chunk)))})
    missing = [gid for gid in wanted_gn if ("gn", gid) not in ids]
    if missing:
        places = city_index().places
        rows = []
        for gid in missing:
            entry = places[gid].as_gazetteer_city()
            rows.append({"name": entry.name[:200], "native_name": (entry.native_name or None),
                         "country_code": entry.country_code, "population": entry.population,
                         "latitude": entry.latitude, "longitude": entry.longitude, "timezone": entry.timezone,
                         "geonames_id": gid, "alternate_names": "\n".join(entry.alternate_names)})
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            result = db.session.execute(insert(City).returning(City.id, sort_by_parameter_order=True), chunk)
            ids.update({("gn", row["geonames_id"]): cid for row, cid in zip(chunk, result.scalars())})
    new = {i for i in identities if i[0] == "new"}
    if new:
        countries = sorted({i[2] for i in new})
        for cid, name, cc in db.session.execute(select(City.id, City.name, City.country_code).where(
                City.geonames_id.is_(None), City.country_code.in_(countries))):
            if ("new", fold(name), cc) in new:
                ids.setdefault(("new", fold(name), cc), cid)
        source = {}
        for entry in job.data.get("cities", []):
            if entry.get("choice") == "create" and entry.get("cc"):
                source.setdefault(("new", fold(entry["name"]), entry["cc"]), entry)
        rows = [{"name": source[i]["name"], "country_code": i[2], "latitude": source[i].get("lat"),
                 "longitude": source[i].get("lng")} for i in sorted(new) if i not in ids and i in source]
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            result = db.session.execute(insert(City).returning(City.id, sort_by_parameter_order=True), chunk)
            ids.update({("new", fold(row["name"]), row["country_code"]): cid
                        for row, cid in zip(chunk, result.scalars())})
    return ids


def apply_partnerships(job: ImportJob, user_id: int | None, progress=None) -> dict:
    """Write every planned row. The caller commits; an exception leaves the session to be rolled back."""
    everything = plan(job)
    planned = [p for p in everything if p[3] is None]
    needed = {i for _n, home, partner, _r in planned for i in (home, partner)}
    if job.mode == ASSOCIATION:  # every first city is a member, even when its row repeats another's pair
        needed |= {home for _n, home, _p, _r in everything if home is not None}
    ids = ensure_cities(job, needed)
    if job.home_city_id:
        home_city = db.session.get(City, job.home_city_id)
        ids[city_identity(home_city.geonames_id, home_city.name, home_city.country_code)] = home_city.id
    new_homes = 0
    if job.mode == ASSOCIATION:
        homes = {ids[home] for _n, home, _p, _r in everything if home is not None}
        have = set(db.session.scalars(select(HomeCity.city_id)))
        rows = [{"city_id": cid} for cid in sorted(homes - have)]
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(HomeCity), rows[start:start + CHUNK])
        new_homes = len(rows)
        settings = office_settings()
        if settings.default_home_city_id is None and (homes or have):
            settings.default_home_city_id = min(homes or have)
    rows_data, mapping = job.data["rows"], job.data["mapping"]
    values = []
    for number, home, partner, _reason in planned:
        row = rows_data[number]
        summary = cell(row, mapping, "summary")
        values.append({
            "home_city_id": ids[home], "partner_city_id": ids[partner], "kind": _kind(cell(row, mapping, "kind")),
            "status": _status(cell(row, mapping, "status")),
            "established_on": parse_date(cell(row, mapping, "established_on")),
            "summary": summary[:5000] or None,
        })
    total = len(values)
    PHASES[job.token] = WRITING
    for start in range(0, total, CHUNK):
        db.session.execute(insert(Partnership), values[start:start + CHUNK])
        if progress:
            progress(min(start + CHUNK, total), total)
    summary = {"partnerships": total, "already_recorded": _already_recorded(everything), "home_cities": new_homes,
               "cities_from_gazetteer": sum(1 for i in needed if i[0] == "gn"),
               "cities_from_file": sum(1 for i in needed if i[0] == "new")}
    _finish(job, user_id, summary)
    return summary


def apply_contacts(job: ImportJob, user_id: int | None, progress=None) -> dict:
    everything = plan_contacts(job)
    planned = [p for p in everything if p[2] is None]
    rows_data, mapping = job.data["rows"], job.data["mapping"]
    organizations: dict[tuple[int, str], int] = {
        (pid, name.casefold()): oid for oid, pid, name in db.session.execute(
            select(Organization.id, Organization.partnership_id, Organization.name).where(
                Organization.partnership_id.in_({p[1] for p in planned})))}
    values, new_orgs = [], 0
    for number, partnership_id, _reason in planned:
        row = rows_data[number]
        org_name = cell(row, mapping, "organization")[:300]
        org_id = None
        if org_name:
            key = (partnership_id, org_name.casefold())
            if key not in organizations:
                organizations[key] = db.session.execute(insert(Organization).returning(Organization.id), {
                    "partnership_id": partnership_id, "side": Side.PARTNER, "name": org_name,
                    "kind": OrganizationKind.OTHER}).scalar_one()
                new_orgs += 1
            org_id = organizations[key]
        language = cell(row, mapping, "language").casefold()[:16]
        # Staff only unless the file says a contact is shared: a partner sees no one by surprise.
        shared = mapping.get("visibility") is not None and is_shared(cell(row, mapping, "visibility"))
        values.append({
            "partnership_id": partnership_id, "side": from_label(Side, cell(row, mapping, "side")) or Side.PARTNER,
            "name": cell(row, mapping, "name")[:200],
            "email": cell(row, mapping, "email")[:254] or None, "phone": cell(row, mapping, "phone")[:50] or None,
            "job_title": cell(row, mapping, "job_title")[:200] or None, "organization_id": org_id,
            "language": _language(language), "visibility": Visibility.SHARED if shared else Visibility.STAFF_ONLY,
        })
    total = len(values)
    PHASES[job.token] = WRITING
    for start in range(0, total, CHUNK):
        db.session.execute(insert(Contact), values[start:start + CHUNK])
        if progress:
            progress(min(start + CHUNK, total), total)
    shared = sum(1 for v in values if v["visibility"] == Visibility.SHARED)
    summary = {"contacts": total, "already_recorded": _already_recorded(everything), "organizations": new_orgs,
               "shared": shared, "staff_only": total - shared}
    _finish(job, user_id, summary)
    return summary


def _already_recorded(planned) -> int:
    """Rows skipped because they are in the database: before the import, or saved by another meanwhile."""
    return sum(1 for p in planned if p[-1] == SKIP_EXISTING)


def _language(text: str) -> str | None:
    if not text:
        return None
    if text[:2] in LANGUAGES and (len(text) == 2 or not text[2].isalpha()):
        return text[:2]
    from crm.i18n import language_name

    for code in LANGUAGES:
        if text in (language_name(code).casefold(), code):
            return code
    return None


def _finish(job: ImportJob, user_id: int | None, summary: dict) -> None:
    db.session.execute(insert(AuditEvent), {
        "occurred_at": now(), "user_id": user_id, "action": "create", "record_type": "import_jobs",
        "record_id": job.id, "partnership_id": job.partnership_id,
        "changes": {"file": [None, job.filename], **{key: [None, value] for key, value in summary.items()}},
    })
    # Past the ORM, so cached health figures learn that the portfolio changed.
    db.session.execute(update(OfficeSettings).where(OfficeSettings.id == 1).values(activity_stamp=uuid.uuid4().hex))
    # Only the claim that still holds the job may finish it: a process that was taken for dead and
    # wakes up after a retry took over rolls back here, so the rows are never written twice.
    if not claim(ImportJob, job.id, ImportJob.status.in_((READY, APPLYING)), owned_by(job.worker), status=DONE):
        raise Superseded(job.id)
    job.status, job.summary = DONE, summary
    data = dict(job.data)
    data.pop("rows", None)  # the file's contents are not kept once imported
    job.data = data


def apply(job: ImportJob, user_id: int | None, progress=None) -> dict:
    wait_for_other_imports(job, progress)  # before planning: the plan sees what another import saved
    if job.kind == "contacts":
        return apply_contacts(job, user_id, progress)
    return apply_partnerships(job, user_id, progress)


def fail(job_id: int, message: str, worker: str | None = None) -> None:
    """Record the failure, unless another claim holds the job by now."""
    db.session.rollback()
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id, owned_by(worker))
                       .values(status=FAILED, error=message[:2000]))
    db.session.commit()


def run_apply(job_id: int, user_id: int | None, progress_factory=report_progress, *, worker: str | None = None) -> None:
    """Apply a job in the current app context; on any error nothing is written and the job says why.

    `worker` is the claim the caller took (crm.imports.liveness.claim_job); a ready job is claimed here."""
    from crm.imports.liveness import claim_job

    if worker is None:
        worker = claim_job(job_id, READY, APPLYING)
        if worker is None:
            raise Superseded(job_id)
        db.session.commit()
    WORKING.add(worker)
    job = db.session.get(ImportJob, job_id, populate_existing=True)
    token = job.token if job else None
    try:
        if job is None or job.status != APPLYING or job.worker != worker:
            raise Superseded(job_id)  # _finish checks the claim loaded here again, as it writes
        for attempt in range(1, PAIR_ATTEMPTS + 1):
            try:
                apply(job, user_id, progress_factory(job))
                db.session.commit()
                break
            except IntegrityError as error:
                # A partnership of the file saved by hand meanwhile (imports wait for each other): plan again,
                # and it is skipped as already recorded.
                if attempt == PAIR_ATTEMPTS or not is_pair_violation(error):
                    raise
                db.session.rollback()
                job = db.session.get(ImportJob, job_id, populate_existing=True)
    except Superseded:
        db.session.rollback()
        logging.getLogger(__name__).warning("import job %s was taken over by another claim; nothing written", job_id)
    except Exception as error:  # noqa: BLE001  (whatever went wrong, the import is all or nothing)
        db.session.rollback()
        fail(job_id, f"{type(error).__name__}: {error}", worker)
        raise
    finally:
        PROGRESS.pop(token, None)
        PHASES.pop(token, None)
        WORKING.discard(worker)


def run_matching(job_id: int, progress_factory=report_progress, *, worker: str | None = None) -> None:
    """Match a partnerships file's cities (contacts files are matched in the request: they are small)."""
    from crm.imports.staging import stage_partnerships

    if worker is not None:
        WORKING.add(worker)
    job = db.session.get(ImportJob, job_id, populate_existing=True)
    token = job.token if job else None
    try:
        if job is None or job.status != MATCHING or job.worker != worker:
            raise Superseded(job_id)
        stage_partnerships(job, progress=progress_factory(job))
        if not claim(ImportJob, job_id, ImportJob.status == MATCHING, owned_by(worker), status=READY):
            raise Superseded(job_id)
        job.status = READY
        db.session.commit()
    except Superseded:
        db.session.rollback()
        logging.getLogger(__name__).warning("import job %s was taken over by another claim", job_id)
    except Exception as error:  # noqa: BLE001
        fail(job_id, f"{type(error).__name__}: {error}", worker)
        raise
    finally:
        PROGRESS.pop(token, None)
        WORKING.discard(worker)


def in_background(app, target, job_id: int, *args, **kwargs) -> threading.Thread:
    """Run matching or applying in a thread with its own app context and session."""

    def work():
        with app.app_context():
            try:
                target(job_id, *args, **kwargs)
            except Exception:  # noqa: BLE001  (recorded on the job; the thread has no one else to tell)
                app.logger.exception("import job %s failed", job_id)

    thread = threading.Thread(target=work, name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread

