"""From flag to decision: relationship plans, periodic reviews, commitments, anniversaries and reminders, and
the reports a council requires. Each capability is a subpackage; the tables are in ``models.py``."""
