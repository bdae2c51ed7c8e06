"""Anniversaries (jubilees of partnerships and signed agreements) and reminders with lead times chosen per
kind by admins, sent by e-mail in each recipient's language through the scheduler."""
