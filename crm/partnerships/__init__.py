"""Partnerships between a home city and a partner city."""
