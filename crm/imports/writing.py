"""Writing a confirmed import: all of it in one transaction, or nothing.

Rows go in with bulk inserts, so the audit trail's after_flush hook never sees
them; one audit event summarises the import instead.

Imports write one at a time (crm.imports.write_lock), and each plans its rows only once it holds the lock:
two imports of the same file confirmed at once do not both add its cities and
partnerships; the second finds them recorded, skips them and says so.
"""
import uuid

from sqlalchemy import insert, select, update

from crm.audit.models import AuditEvent
from crm.cities.models import City
from crm.claims import claim
from crm.clock import utcnow
from crm.contacts.links import ensure_home_links
from crm.contacts.models import Contact, Organization, OrganizationKind
from crm.engagements.models import Visibility
from crm.extensions import db
from crm.imports.columns import ASSOCIATION
from crm.imports.countries import fold
from crm.imports.liveness import owned_by
from crm.imports.matching import city_index
from crm.imports.models import APPLYING, DONE, READY, ImportJob
from crm.imports.progress import PHASES, WRITING, Superseded
from crm.imports.reading import parse_date
from crm.imports.staging import SKIP_EXISTING, cell, city_identity, plan, plan_contacts
from crm.imports.values import from_label, is_shared, language_code, partnership_kind, partnership_status
from crm.imports.write_lock import wait_for_other_imports
from crm.partnerships.models import Partnership, Side
from crm.settings.models import HomeCity, OfficeSettings
from crm.settings.service import office_settings

CHUNK = 1000


def _insert(model, rows: list[dict], progress=None) -> None:
    """Insert the rows a chunk at a time; ``progress(done, total)`` after each chunk."""
    total = len(rows)
    for start in range(0, total, CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])
        if progress:
            progress(min(start + CHUNK, total), total)


def _insert_cities(rows: list[dict]) -> list[tuple[dict, int]]:
    """Insert the cities a chunk at a time: each row with the id it was given."""
    added = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        result = db.session.execute(insert(City).returning(City.id, sort_by_parameter_order=True), chunk)
        added += zip(chunk, result.scalars())
    return added


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
            entry = places[gid]
            native = entry.native
            rows.append({"name": entry.name[:200], "native_name": native.name if native else None,
                         "native_name_lang": native.lang if native else None,
                         "native_name_source": native.source if native else None,
                         "country_code": entry.country_code, "population": entry.population,
                         "latitude": entry.latitude, "longitude": entry.longitude, "timezone": entry.timezone,
                         "geonames_id": gid, "alternate_names": "\n".join(entry.alternate_names)})
        ids.update({("gn", row["geonames_id"]): cid for row, cid in _insert_cities(rows)})
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
        ids.update({("new", fold(row["name"]), row["country_code"]): cid for row, cid in _insert_cities(rows)})
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
        _insert(HomeCity, rows)
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
            "home_city_id": ids[home], "partner_city_id": ids[partner],
            "kind": partnership_kind(cell(row, mapping, "kind")),
            "status": partnership_status(cell(row, mapping, "status")),
            "established_on": parse_date(cell(row, mapping, "established_on")),
            "summary": summary[:5000] or None,
        })
    PHASES[job.token] = WRITING
    _insert(Partnership, values, progress)
    summary = {"partnerships": len(values), "already_recorded": _already_recorded(everything),
               "home_cities": new_homes, "cities_from_gazetteer": sum(1 for i in needed if i[0] == "gn"),
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
            "language": language_code(language),
            "visibility": Visibility.SHARED if shared else Visibility.STAFF_ONLY,
        })
    PHASES[job.token] = WRITING
    _insert(Contact, values, progress)
    ensure_home_links(db.session.connection(), None)  # past the ORM: each new contact's partnership link
    total = len(values)
    shared = sum(1 for v in values if v["visibility"] == Visibility.SHARED)
    summary = {"contacts": total, "already_recorded": _already_recorded(everything), "organizations": new_orgs,
               "shared": shared, "staff_only": total - shared}
    _finish(job, user_id, summary)
    return summary


def _already_recorded(planned) -> int:
    """Rows skipped because they are in the database: before the import, or saved by another meanwhile."""
    return sum(1 for p in planned if p[-1] == SKIP_EXISTING)


def _finish(job: ImportJob, user_id: int | None, summary: dict) -> None:
    db.session.execute(insert(AuditEvent), {
        "occurred_at": utcnow(), "user_id": user_id, "action": "create", "record_type": "import_jobs",
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
