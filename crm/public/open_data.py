"""Open data without a token (issue 23 §2): public partnerships and their agreements as JSON and CSV, paged and
cached, described by a DCAT-style metadata record; the licence is the office's choice."""
from flask import Blueprint

from crm.access import PUBLISHED, allow

bp = Blueprint("open_data", __name__, url_prefix="/open-data")


@bp.get("/")
@allow(PUBLISHED)
def index():
    """For people: what the dataset holds, its licence, and how to harvest it."""
    raise NotImplementedError  # filled by the open-data helper


@bp.get("/catalog.json")
@allow(PUBLISHED)
def catalog():
    """The DCAT-style metadata record (JSON-LD)."""
    raise NotImplementedError  # filled by the open-data helper


@bp.get("/partnerships.json")
@allow(PUBLISHED)
def partnerships_json():
    raise NotImplementedError  # filled by the open-data helper


@bp.get("/partnerships.csv")
@allow(PUBLISHED)
def partnerships_csv():
    raise NotImplementedError  # filled by the open-data helper
