"""The world map of partner cities: a server-drawn SVG over country outlines kept as data."""
