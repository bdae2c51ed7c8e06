"""Everything that happens in a partnership, on one timeline."""
