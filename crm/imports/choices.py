"""The user's decisions for the cities of a file under "To review", kept on the job: "Save these decisions"
and "Import now" both send the form that holds them."""
from crm.imports.columns import CONTACTS
from crm.imports.models import ImportJob


def allowed_choices(job: ImportJob, entry: dict) -> set[str]:
    """What may be chosen for one city: a candidate, a new city from the file (partnerships), skip, or undecided."""
    allowed = {"skip", ""} | ({"create"} if entry.get("cc") and job.kind != CONTACTS else set())
    allowed |= {f"gn:{c['geonames_id']}" for c in entry["match"]["candidates"] if "geonames_id" in c}
    allowed |= {f"p:{c['partnership_id']}" for c in entry["match"]["candidates"] if "partnership_id" in c}
    return allowed


def save_choices(job: ImportJob, values) -> int:
    """Keep the posted decisions ("city-<n>": value) on the job; how many changed. Others are ignored."""
    cities = [dict(c) for c in job.data.get("cities", [])]
    changed = 0
    for key, value in values:
        if not key.startswith("city-") or not key[5:].isdigit() or int(key[5:]) >= len(cities):
            continue
        entry = cities[int(key[5:])]
        if value in allowed_choices(job, entry) and value != (entry.get("choice") or ""):
            entry["choice"] = value or None
            changed += 1
    if changed:
        job.data = {**job.data, "cities": cities}
    return changed
