"""Commitments and follow-ups: promises made to or by the partner, their owners, due dates and status; and
how quickly the office answers what the partner starts."""
