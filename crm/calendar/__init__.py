"""What is coming up: the upcoming view and each user's iCalendar feed."""
