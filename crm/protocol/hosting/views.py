"""hosting (issue 22): its pages. (Slot: the hosting helper fills it.)"""
from flask import Blueprint

bp = Blueprint("hosting", __name__)
