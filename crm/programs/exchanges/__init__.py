"""Exchanges of students, staff, artists, athletes… between the cities."""
