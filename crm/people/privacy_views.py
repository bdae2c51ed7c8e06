"""privacy (issue 22): its pages. (Slot: the privacy helper fills it.)"""
from flask import Blueprint

bp = Blueprint("privacy", __name__)
