"""What the Wikidata pages read."""
from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from crm.extensions import db
from crm.wikidata.models import WikidataComparison


def comparisons():
    """Every comparison, newest first (the office's, not one user's: the report is about the office)."""
    return (select(WikidataComparison).options(defer(WikidataComparison.report), joinedload(WikidataComparison.user))
            .order_by(WikidataComparison.id.desc()))


def comparison_or_404(comparison_id: int) -> WikidataComparison:
    return db.session.get(WikidataComparison, comparison_id) or abort(404)
