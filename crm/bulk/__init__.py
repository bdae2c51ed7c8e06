"""Bulk actions on the lists: several records changed at once, after a confirmation naming how many."""
