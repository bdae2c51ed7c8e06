"""Running a comparison: in the request for a small file, as a background job (crm.jobs) for a large one."""
from flask import current_app, has_app_context

from crm.extensions import db
from crm.wikidata.models import DONE, FAILED, RUNNING, WikidataComparison
from crm.wikidata.reading import Statement
from crm.wikidata.report import compare

TASK = "crm.wikidata.tasks:compare"


def inline_limit() -> int:
    """Statements compared in the request; more go to the job queue (the page refreshes until done)."""
    return current_app.config.get("WIKIDATA_INLINE_STATEMENTS", 5000) if has_app_context() else 5000


def run(comparison: WikidataComparison, statements: list[Statement]) -> None:
    """Compare and keep the report on the comparison (the caller commits)."""
    comparison.report = compare(statements)
    comparison.status = DONE


def run_pending(comparison_id: int) -> dict:
    """The background job: the statements kept on the comparison, compared; a failure is recorded on it."""
    comparison = db.session.get(WikidataComparison, comparison_id, populate_existing=True)
    if comparison is None or comparison.status != RUNNING:
        return {"ran": False}
    statements = [Statement(*values) for values in (comparison.report or {}).get("pending", [])]
    try:
        run(comparison, statements)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        comparison = db.session.get(WikidataComparison, comparison_id, populate_existing=True)
        comparison.status, comparison.error, comparison.report = FAILED, type(error).__name__, {}
        db.session.commit()
        current_app.logger.exception("Wikidata comparison %s failed", comparison_id)
        return {"ran": True, "failed": type(error).__name__}  # recorded: the page says so, nothing to retry
    return {"ran": True}
