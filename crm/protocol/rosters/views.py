"""rosters (issue 22): its pages. (Slot: the rosters helper fills it.)"""
from flask import Blueprint

bp = Blueprint("rosters", __name__)
