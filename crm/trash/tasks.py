"""The trash's scheduled work (crm.schedule.timetable)."""
from crm.extensions import db
from crm.trash.operations import purge


def purge_deleted(payload: dict) -> dict:
    """Remove for good what was deleted more than 30 days ago; a second run finds nothing more to remove."""
    from crm.people.retention import purge_sensitive

    engagements, documents = purge()
    sensitive_values = purge_sensitive()  # issue 22 §7: past the retention rules, with the same nightly purge
    db.session.commit()
    return {"engagements": engagements, "documents": documents, "sensitive_values": sensitive_values}
