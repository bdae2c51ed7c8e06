"""Printed documents: agreements, mission briefing packets, partnership profiles."""
