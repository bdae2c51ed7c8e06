"""gifts (issue 22): its pages. (Slot: the gifts helper fills it.)"""
from flask import Blueprint

bp = Blueprint("gifts", __name__)
