"""The trash's scheduled work (crm.schedule.timetable)."""
from crm.extensions import db
from crm.trash.operations import purge


def purge_deleted(payload: dict) -> dict:
    """Remove for good what was deleted more than 30 days ago; a second run finds nothing more to remove."""
    from crm.clock import office_today
    from crm.people.retention import purge_sensitive
    from crm.protocol.rosters.operations import purge_old_rosters

    engagements, documents = purge()
    sensitive_values = purge_sensitive()  # issue 22 §7: past the retention rules, with the same nightly purge
    participants = purge_old_rosters(office_today())  # §2: rosters past OfficeSettings.roster_retention_years
    db.session.commit()
    return {"engagements": engagements, "documents": documents, "sensitive_values": sensitive_values,
            "participants": participants}
