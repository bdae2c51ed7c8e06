"""people (issue 22): its pages. (Slot: the people helper fills it.)"""
from flask import Blueprint

bp = Blueprint("people", __name__)
