"""Deleted engagements and attachments: hidden at once, restorable by an admin for 30 days, then purged."""
