"""Office-wide settings: home cities and the default inactivity threshold."""
