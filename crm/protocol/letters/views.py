"""letters (issue 22): its pages. (Slot: the letters helper fills it.)"""
from flask import Blueprint

bp = Blueprint("letters", __name__)
