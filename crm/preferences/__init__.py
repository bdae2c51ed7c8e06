"""A signed-in person's own preferences (time zone, …)."""
