"""The bulk actions' pages (filled in by issue 17)."""
from flask import Blueprint

bp = Blueprint("bulk", __name__, url_prefix="/bulk")
