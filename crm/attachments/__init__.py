"""Files attached to agreements and engagements (missions, exchanges and projects too)."""
