"""Where staff land: what needs attention, and the portfolio at a glance."""
