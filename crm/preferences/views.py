"""The preferences page (filled in by issue 17)."""
from flask import Blueprint

bp = Blueprint("preferences", __name__, url_prefix="/preferences")
