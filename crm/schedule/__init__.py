"""The app's own timetable (crm.schedule.timetable) and the periodic round that keeps it (crm.schedule.rounds)."""
