"""The pages of negotiating an agreement with the partner: proposals, approvals on both sides, ready to sign."""
from flask import Blueprint

bp = Blueprint("negotiation", __name__)
