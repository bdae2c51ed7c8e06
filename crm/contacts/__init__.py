"""People and organizations on either side of a partnership."""
