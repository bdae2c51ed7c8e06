"""costs (issue 22): its pages. (Slot: the costs helper fills it.)"""
from flask import Blueprint

bp = Blueprint("costs", __name__)
