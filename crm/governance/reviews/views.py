"""The pages of reviews."""
from flask import Blueprint

bp = Blueprint("reviews", __name__)
