"""The comparison of a large export, as a job (crm.jobs)."""
from crm.wikidata.running import run_pending


def compare(payload: dict) -> dict:
    return run_pending(payload["comparison_id"])
