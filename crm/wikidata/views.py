"""The Wikidata comparison's pages (issue 23 §3): upload an export, read the report, hand the twinnings the
office lacks to the import preview."""
from flask import Blueprint

from crm.access import EDITORS, allow

bp = Blueprint("wikidata", __name__, url_prefix="/wikidata")


@bp.route("/", methods=["GET", "POST"])
@allow(EDITORS)
def upload():
    raise NotImplementedError  # filled by the Wikidata helper


@bp.get("/<int:comparison_id>")
@allow(EDITORS)
def report(comparison_id: int):
    raise NotImplementedError  # filled by the Wikidata helper


@bp.post("/<int:comparison_id>/import")
@allow(EDITORS)
def start_import(comparison_id: int):
    """The twinnings Wikidata has and the office lacks, as a new import waiting at its preview."""
    raise NotImplementedError  # filled by the Wikidata helper
